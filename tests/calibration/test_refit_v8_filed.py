"""The issue-19 refit v8_filed (docs/calibration.md#refit-v8-filed): v6_acq with the marketing
share as filed every year 2002-2023 and the cost per new customer indexed to the US CPI. The
stored fitted file, rerun with noise off, reproduces the targets table the docs report
(bench/issue19_targets.py); the scenario's events are the 10-K's dollars over its net sales."""

from __future__ import annotations

import csv
import dataclasses
import re

import pytest

import flywheel
from tests.calibration.issue19_tables import CUT, ROOT, SIGNS, measure, percent

BENCH = ROOT / "bench"
FIGURES = ROOT / "docs/figures"
FILED_YEARS = range(2002, 2024)
CPI_RATE_PER_YEAR = 0.0248  # ln(315.301 / 160.5) / 27.2 years (the scenario's comment)
NOTE = re.compile(r"^(\d{4}) marketing ([\d,.]+) / net sales ([\d,.]+) \(USD M\)")
SERIES = ("fulfillment expense", "shipping cost", "subscription revenue", "seller services revenue")
# target -> documented value (the docs' v8_filed column); the cost and revenue rows are held to
# their documented values only (fulfillment expense misses its 25 % target by 0.7 points)
DOCUMENTED = {
    "retail net sales MAPE ≤ 10 %": 14.7,
    "fulfillment expense MAPE ≤ 25 %": 25.7,
    "shipping cost MAPE ≤ 25 %": 15.6,
    "subscription revenue MAPE ≤ 25 %": 15.3,
    "seller services revenue MAPE ≤ 25 %": 4.4,
    "advertising revenue MAPE (no target)": 10.5,
}


def _scenario(name: str) -> flywheel.Scenario:
    return flywheel.load_scenario(BENCH / f"amazon_1996_2024_{name}.toml")


def _filed_net_sales_usd_million() -> dict[int, float]:
    with (ROOT / "flywheel/data/amazon_history.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return {int(r["year"]): float(r["value"]) for r in rows if r["metric"] == "net_sales"}


def _marketing_events(scenario: flywheel.Scenario) -> dict[str, object]:
    return {
        event.id: event
        for event in scenario.events
        if getattr(event, "lever", None) == "marketing_share_of_revenue"
    }


def test_v8_filed_is_v6_acq_with_every_year_filed_and_the_cost_indexed() -> None:
    v6, v8 = _scenario("v6_acq"), _scenario("v8_filed")
    constant = _scenario("v8_filed_constant")
    assert v8.levers.acquisition_cost_inflation_per_year == CPI_RATE_PER_YEAR
    assert constant.levers.acquisition_cost_inflation_per_year == 0.0
    assert v8.levers == dataclasses.replace(
        v6.levers, acquisition_cost_inflation_per_year=CPI_RATE_PER_YEAR
    )
    assert constant.levers == v6.levers
    assert constant.events == v8.events
    added = [event for event in v8.events if event not in v6.events]
    assert [event.id for event in added] == [f"marketing_{year}" for year in FILED_YEARS]
    assert [event for event in v8.events if event in v6.events] == list(v6.events)


@pytest.mark.parametrize("year", FILED_YEARS)
def test_each_share_is_the_filed_marketing_over_the_filed_net_sales(year: int) -> None:
    """The note's dollars give the value (to 4 decimals) and its net sales are the record's."""
    event = _marketing_events(_scenario("v8_filed"))[f"marketing_{year}"]
    assert str(event.date) == f"{year}-01-01"
    found = NOTE.match(event.note)
    assert found is not None and int(found.group(1)) == year
    marketing, net_sales = (float(found.group(i).replace(",", "")) for i in (2, 3))
    assert event.value == round(marketing / net_sales, 4)
    assert net_sales == pytest.approx(_filed_net_sales_usd_million()[year], abs=0.5)
    assert 0.02 < event.value < 0.09  # 2.3 % (2003-2007) to 8.2 % (2022)


def test_the_parameter_list_is_v6_acqs() -> None:
    v6 = (BENCH / "refit_v6_acq_parameters.txt").read_text().split()
    assert (BENCH / "refit_v8_filed_parameters.txt").read_text().split() == v6


@pytest.fixture(scope="module")
def targets() -> dict[str, str]:
    fitted = FIGURES / "amazon_1996_2024_refit_v8_filed.toml"
    assert flywheel.load_scenario(fitted).levers.acquisition_cost_inflation_per_year == 0.0248
    return measure(fitted)


@pytest.mark.parametrize("target", sorted(DOCUMENTED))
def test_the_refit_measures_what_the_docs_table_says(targets: dict[str, str], target: str) -> None:
    assert percent(targets[target]) == pytest.approx(DOCUMENTED[target], abs=0.05)


def test_the_signs_anchors_cuts_and_unfitted_rows(targets: dict[str, str]) -> None:
    assert targets[SIGNS].startswith("22 of 26") and targets[SIGNS].endswith("2022")
    assert targets["3P share within 5 points of every 1999–2018 anchor"].startswith("20 of 20")
    shares = [float(part.strip().rstrip(" %")) for part in targets[CUT].split("/")]
    assert shares == pytest.approx([2.0, 20.5, 21.6], abs=0.15)
    assert shares[0] <= 15.0  # the growth-share target, met
    assert targets["unfitted figures within a factor 1.5"] == "15 of 28"


def test_the_docs_table_is_the_stored_targets_file() -> None:
    stored = (FIGURES / "amazon_1996_2024_refit_v8_filed_targets.md").read_text()
    docs = (ROOT / "docs/calibration.md").read_text()
    assert "| retail net sales MAPE ≤ 10 % | 14.7 % (28 years) |" in stored
    assert "| out of sample 2017–2024 ≤ 20 % | 15.9 % |" in stored
    assert "**15.9 %**" in (FIGURES / "amazon_out_of_sample_v8_filed.md").read_text()
    assert "| retail net sales MAPE ≤ 10 % | 18.9 % | 16.6 % | **14.7 %**: not met" in docs
    assert "| out of sample ≤ 20 % | 25.1 % | 28.1 % (" in docs
    assert "| **15.9 %**: met (" in docs
