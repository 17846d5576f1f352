"""AppTest (issue 22 items 6 and 7): the Files tab's wide CSV and re-validated scenario TOML,
the KPI cards' colours and rounding, the Why table's cells, and the Events tab's Delete."""

from __future__ import annotations

import io
import math

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.proto.Metric_pb2 import Metric

from flywheel.results.kpi_display import delta_colour, delta_text, value_text
from flywheel.results.summary import KPIS, STATISTICS
from flywheel.scenario.loading import load_scenario, with_parameters
from flywheel.ui.tabs_main import shown
from tests.app.test_app import SHORT, downloaded, media_managers, open_tab  # noqa: F401

PRICE_INDEX_LABEL = next(label for key, label, *_ in KPIS if key == "price_index")


def raw_download(at, key: str, managers: list) -> bytes:
    """The bytes a deferred download button hands out when clicked."""
    text = downloaded(at, key, managers)
    return text.encode() if isinstance(text, str) else text


def test_the_files_tab_offers_the_results_long_and_wide(make_app, media_managers):  # noqa: F811
    at = open_tab(make_app(), "Files")
    assert {"dl_csv", "dl_csv_wide", "dl_bundle", "dl_toml"} <= {b.key for b in at.download_button}
    weeks = load_scenario("scenarios/baseline.toml").horizon_weeks
    wide = raw_download(at, "dl_csv_wide", media_managers)
    assert not wide.startswith(b"#")
    frame = pd.read_csv(io.BytesIO(wide))
    assert len(frame) == weeks  # one row per week
    assert [f"customers_{s}" for s in STATISTICS] == [
        c for c in frame.columns if c.startswith("customers_")
    ]
    assert (frame["customers_q05"] <= frame["customers_q95"]).all()
    long = pd.read_csv(io.BytesIO(raw_download(at, "dl_csv", media_managers)))
    median = long[(long["output"] == "customers") & (long["statistic"] == "q50")]
    assert list(median["value"]) == list(frame["customers_q50"])  # the same numbers
    assert not at.exception


def test_the_scenario_download_loads_back_to_the_scenario_shown(
    make_app,
    media_managers,  # noqa: F811
    tmp_path,
):
    """download -> load_scenario -> the same Scenario: a preset with a lever moved and an
    event added in the editor, written as a small diff against its base."""
    at = make_app()
    at.selectbox(key="preset").select("price_war").run()
    at.slider(key="lever:pass_through_share").set_value(0.8).run()
    open_tab(at, "Events")
    at.selectbox(key="event_kind").select("recession").run()
    at.number_input(key="event_week").set_value(300)
    at.button(key="event_save").click().run()
    text = downloaded(open_tab(at, "Files"), "dl_toml", media_managers)
    assert text.startswith("# Question: how badly does a competitor price war hurt")
    assert 'base = "baseline"' in text and text.count("[[events]]") == 2  # its own + the new
    path = tmp_path / "downloaded.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    preset = with_parameters(load_scenario("scenarios/price_war.toml"), {"pass_through_share": 0.8})
    assert loaded.levers == preset.levers
    assert loaded.events[:-1] == preset.events
    assert loaded.events[-1].kind == "recession" and loaded.event_week(loaded.events[-1]) == 300
    assert not at.exception


def test_a_lower_price_index_shows_green_with_its_down_arrow(make_app):
    """Passing more savings on lowers the price index: a good change, so the card's delta is
    drawn with delta_color "inverse" (down and green); revenue keeps "normal"."""
    at = make_app()
    at.slider(key="lever:pass_through_share").set_value(0.95).run()
    cards = {metric.label: metric for metric in at.metric}
    price = cards[PRICE_INDEX_LABEL]
    assert price.proto.delta.startswith("-")  # lower than the preset's
    assert Metric.MetricColor.Name(price.proto.color) == "GREEN"
    assert Metric.MetricDirection.Name(price.proto.direction) == "DOWN"
    revenue = cards[next(label for key, label, *_ in KPIS if key == "revenue")]
    if revenue.proto.delta.startswith("-"):  # a fall of revenue stays red
        assert Metric.MetricColor.Name(revenue.proto.color) == "RED"
    else:
        assert Metric.MetricColor.Name(revenue.proto.color) == "GREEN"


@pytest.mark.parametrize(
    ("fmt", "delta", "expected"),
    [
        ("{:.3f}", -0.0004, None),  # "-0.000": shows as no change
        ("{:.3f}", 0.0004, None),
        ("{:.3f}", -0.0, None),
        ("{:.3f}", -0.0006, "-0.001"),
        ("${:,.2f} B", -0.004, None),  # "-$0.00 B"
        ("${:,.2f} B", -1.6, "-$1.60 B"),
        ("{:,.1f} M", 12.34, "12.3 M"),
        ("{:,.1f} k", 0.0, None),
    ],
)
def test_a_kpi_delta_is_rounded_as_shown_and_never_negative_zero(fmt, delta, expected):
    assert delta_text(fmt, delta) == expected


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        ("{:.3f}", -0.0004, "0.000"),
        ("{:.3f}", -0.0, "0.000"),
        ("${:,.2f} B", -0.001, "$0.00 B"),
        ("${:,.2f} B", -1.6, "-$1.60 B"),
        ("{:.3f}", -0.25, "-0.250"),
    ],
)
def test_a_kpi_value_never_reads_negative_zero(fmt, value, expected):
    """The Compare table's B − A and its band use the same text as the cards."""
    assert value_text(fmt, value) == expected
    assert shown(fmt, value) == expected


def test_the_kpi_colours_follow_the_output_registry():
    colours = {output: delta_colour(output) for _key, _label, output, *_ in KPIS}
    assert colours == {
        "revenue_usd": "normal",
        "operating_income_usd": "normal",
        "customers": "normal",
        "sellers": "normal",
        "price_index": "inverse",
        "perceived_cx": "normal",
    }
    assert delta_colour("delivery_days") == "inverse"
    assert delta_colour("queue_wait_hours") == "inverse"


def test_the_why_table_has_no_none_cells_and_no_internal_column(make_app):
    at = open_tab(make_app(), "Files")
    at.file_uploader(key="upload").upload("short.toml", SHORT, "application/toml").run()
    open_tab(at, "Why")
    at.number_input(key="why_replications").set_value(2)
    at.button(key="why_run").click().run()
    table = next(d for d in at.dataframe if "label" in d.value.columns)
    assert list(table.value.columns) == ["label", "value", "q05", "q95"]
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()
    cells = [str(cell) for column in ("value", "q05", "q95") for cell in shown[column]]
    assert not [cell for cell in cells if cell in ("None", "nan", "NaN", "<NA>")]
    totals = shown.iloc[[0, -1]]
    assert list(totals["q05"]) == ["", ""] and list(totals["q95"]) == ["", ""]
    value = table.value["value"].iloc[-1]
    assert shown["value"].iloc[-1] != "" and math.isfinite(value)
    assert not at.exception


def test_delete_is_disabled_until_an_event_is_picked(make_app):
    at = open_tab(make_app(), "Events")
    assert at.selectbox(key="event_pick").value == "+ new event"
    delete = at.button(key="event_delete")
    assert delete.disabled and "Pick an event" in delete.help
    assert any("Pick an event in the Event list" in c.value for c in at.caption)
    events = len(at.session_state["events"])
    at.selectbox(key="event_pick").select(at.selectbox(key="event_pick").options[-1]).run()
    assert not at.button(key="event_delete").disabled
    at.button(key="event_delete").click().run()
    assert len(at.session_state["events"]) == events - 1
    assert at.button(key="event_delete").disabled  # back on "+ new event"
