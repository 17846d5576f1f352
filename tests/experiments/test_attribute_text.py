"""`flywheel attribute` prints numbers with their units and says what "total" is (issue 22
item 7): "$4.85 B year-10 revenue", not 4.852e+09."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from flywheel.cli.commands import main
from flywheel.cli.experiments.attribution_text import attribution_report, outcome_words
from flywheel.experiments.outcomes import Outcome
from flywheel.results.quantities import compact, quantity_text, yearly_unit

TINY = 'name = "tiny"\nhorizon_weeks = 60\n'


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (4.852e9, "USD", "$4.85 B"),
        (-2.994e9, "USD", "-$2.99 B"),
        (2.0e10, "USD", "$20.0 B"),
        (1.5e8, "USD", "$150 M"),
        (999_700.0, "people", "1.00 M people"),
        (950.0, "orders", "950 orders"),
        (0.0312, "orders/visit", "0.0312 orders/visit"),
        (41.2, "USD/order", "$41.2/order"),
        (0.0, "index", "0 index"),
        (-0.25, "index", "-0.250 index"),
    ],
)
def test_a_quantity_reads_with_its_unit(value, unit, expected):
    assert quantity_text(value, unit) == expected


def test_compact_keeps_nan_and_infinity_visible():
    assert compact(float("nan")) == "nan" and compact(float("inf")) == "inf"


def test_a_yearly_outcome_names_its_year_unit_and_aggregation():
    assert yearly_unit("revenue_usd") == "USD" and yearly_unit("customers") == "people"
    assert outcome_words(Outcome.parse("revenue_usd@year10"), 520) == (
        "year-10 revenue",
        "USD",
        "summed over model year 10, weeks 468-519",
    )
    assert outcome_words(Outcome.parse("customers@year2"), 60) == (
        "year-2 active customers",
        "people",
        "at the end of model year 2, weeks 52-59",
    )
    assert outcome_words(Outcome.parse("gmv_usd@week10"), 60) == (
        "GMV at week 10",
        "USD/week",
        "week 10",
    )
    assert outcome_words(Outcome.parse("perceived_cx"), 60)[0] == "perceived CX at the last week"


def test_the_report_says_what_total_is_and_gives_units():
    table = pd.DataFrame(
        [
            {"component": "R1", "loop": "word of mouth", "mean": 4.852e9, "q05": 4.1e9},
            {"component": "interaction", "loop": "", "mean": -1.0e8, "q05": -2.0e8},
            {"component": "total", "loop": "", "mean": 4.752e9, "q05": 4.0e9},
        ]
    )
    table.attrs["all_on_mean"] = 2.0e10
    text = attribution_report(table, Outcome.parse("revenue_usd@year10"), 520, 8)
    assert text.startswith("attribution of year-10 revenue (revenue_usd@year10: USD, summed")
    assert "uncut run (every loop on): $20.0 B year-10 revenue" in text
    assert "total = uncut run - every loop cut = $4.75 B" in text
    assert "$4.85 B" in text and "-$100 M" in text and "e+09" not in text
    assert "5 %" in text.splitlines()[-4]  # the table's header


def test_the_attribute_command_prints_units_and_its_json_keeps_numbers(tmp_path, capsys):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    argv = ["attribute", str(path), "-n", "2", "--outcome", "customers@year1", "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "attribution of year-1 active customers (customers@year1: people" in out
    assert "total = uncut run - every loop cut = " in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith(("R1", "B3"))]
    assert rows and all("people" in row for row in rows)
    assert main([*argv, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert isinstance(summary["all_on_mean"], float)
    assert isinstance(summary["components"][0]["mean"], float)
