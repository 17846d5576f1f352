"""What a workshop step shows: key years, the log-axis rule, the record's points, the time box
and the step's own scenario (flywheel.plots.workshop, flywheel.scenario.story)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from flywheel.calibration.record import record_points
from flywheel.plots.workshop import (
    key_year_table,
    key_years,
    shown_table,
    step_chart_spec,
    wants_log_scale,
)
from flywheel.scenario.loading import load_scenario
from flywheel.scenario.story import STORY, Step, Story, load_story, minutes_window, step_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_key_years_keep_every_year_of_a_short_run_and_the_last_of_a_long_one():
    assert key_years(list(range(2026, 2036))) == list(range(2026, 2036))
    years = key_years(list(range(1996, 2025)))
    assert years == [1996, 2000, 2005, 2010, 2015, 2020, 2024]


def test_a_log_axis_only_for_a_positive_series_that_compounds():
    assert wants_log_scale([15.7, 148.0, 638_000.0])
    assert not wants_log_scale([-100.0, 50.0, 60_000.0])  # operating income: losses
    assert not wants_log_scale([3.0, 58.0])  # the 3P share: a factor 19 is readable as is
    assert not wants_log_scale([])


def _model() -> pd.DataFrame:
    years = list(range(1996, 2025))
    step = pd.DataFrame(
        {"year": years, "net_sales_usd_million": [10.0 * 1.4**i for i in range(29)]}
    )
    base = step.assign(net_sales_usd_million=step.net_sales_usd_million * 2)
    return pd.concat([step.assign(scenario="this step"), base.assign(scenario="01_the_record")])


def test_the_step_chart_draws_the_record_with_its_sources_on_a_log_axis():
    record = record_points("net_sales_usd_million")
    assert (record.kind == "record").all() and record.source.str.contains("10-K").any()
    spec = step_chart_spec(_model(), record, "net_sales_usd_million", "Net sales (USD million)")
    assert spec["title"]["text"] == "Net sales (USD million) (log scale)"
    assert spec["title"]["limit"] == 0  # Vega never cuts the title with "…"
    lines, points = spec["layer"]
    assert lines["encoding"]["y"]["scale"] == {"type": "log"}
    assert {row["scenario"] for row in lines["data"]["values"]} == {"this step", "01_the_record"}
    shown = points["data"]["values"]
    assert {row["year"] for row in shown} <= set(range(1996, 2025))  # 1995 is outside the run
    assert any(row["year"] == 2024 and row["source"] for row in shown)
    assert {"field": "source"} in points["encoding"]["tooltip"]


def test_the_public_counts_are_diamonds_beside_the_record():
    record = record_points("prime_members_million")
    assert not record.empty and (record.kind == "public figure").all()
    assert record_points("gmv_usd_million").empty  # the record has no GMV


def test_the_key_year_table_has_a_record_column_only_where_the_record_has_years():
    model = _model()
    table = key_year_table(
        model, record_points("net_sales_usd_million"), "net_sales_usd_million", [2000, 2024]
    )
    assert list(table.columns) == ["year", "this step", "01_the_record", "record"]
    assert table["this step"].tolist() == pytest.approx([10.0 * 1.4**4, 10.0 * 1.4**28])
    assert 600_000 < table["record"].iloc[1] < 700_000
    later = model.assign(year=model.year + 30)  # a run in 2026-2054: nothing to compare with
    table = key_year_table(
        later, record_points("net_sales_usd_million"), "net_sales_usd_million", [2030]
    )
    assert "record" not in table.columns


def test_the_time_box_of_a_step_counts_from_the_introduction():
    story = load_story(ROOT / "scenarios" / "workshop" / "story.toml")
    assert story.intro_minutes == 5
    assert minutes_window(story, 0) == (5, 15)
    assert minutes_window(story, 1) == (15, 25)
    assert minutes_window(story, len(story.steps) - 1)[1] == story.minutes  # ends on time
    bare = Story(
        "t", (Step("a", "q", "baseline", minutes=3), Step("b", "q", "baseline", minutes=4))
    )
    assert minutes_window(bare, 1) == (3, 7)


def test_a_step_scenario_is_its_preset_with_its_levers_and_cuts():
    baseline = load_scenario(ROOT / "scenarios" / "baseline.toml")
    presets = {"baseline": baseline}
    assert step_scenario(STORY[0], presets) == baseline
    passed = step_scenario(STORY[1], presets)
    assert passed.levers.pass_through_share == STORY[1].levers["pass_through_share"]
    cut = step_scenario(STORY[2], presets)
    assert [str(k) for k in cut.knockouts] == ["R2"]
    with pytest.raises(KeyError):
        step_scenario(Step("x", "q", "missing"), presets)


def test_the_shown_table_is_plain_numbers_and_blanks():
    table = pd.DataFrame(
        {"year": [1996, 2024], "this step": [22.83, 612_345.6], "record": [None, 0.5]}
    )
    shown = shown_table(table)
    assert shown["year"].tolist() == [1996, 2024]
    assert shown["this step"].tolist() == ["22.8", "612,346"]
    assert shown["record"].tolist() == ["", "0.5"]  # no "None" cell
