"""Layout for every screen (issue 22, item 2): chart specs that Vega never cuts with "…",
date axes that keep their last year inside, presentation mode's larger type, and the page's
CSS and sidebar script (the browser checks are in test_browser_layout.py)."""

from __future__ import annotations

import copy
import dataclasses
import json
import re

import pandas as pd
import pytest

from flywheel import load_scenario, simulate
from flywheel.plots import charts, charts_more, export
from flywheel.plots.layout import (
    LABEL_FONT_PX,
    PRESENTATION_SCALE,
    readable,
    text_config,
)
from flywheel.results.summary import summarise
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR


@pytest.fixture(scope="module")
def short_summary():
    baseline = load_scenario(SHIPPED_SCENARIOS_DIR / "baseline.toml")
    short = dataclasses.replace(baseline, horizon_weeks=156)
    return short, summarise(simulate(short, 4, 0))


def all_specs(short, summary) -> dict[str, tuple[dict, pd.DataFrame]]:
    """Every chart the app draws, as (spec, data), the grids' first panel standing for all."""
    fan = charts.band_frame(summary, reference=summary)
    first = charts.PANELS[0]
    waterfall = pd.DataFrame(
        {"label": ["all loops cut", "R1 word of mouth", "this scenario"]}
        | {"kind": ["total", "step", "total"], "value": [1.3e10, 0.7e10, 2.0e10]}
        | {"q05": [0.0] * 3, "q95": [0.0] * 3}
    )
    tornado = pd.DataFrame(
        {"lever": ["basket_usd", "pass_through_share"], "low": [40.0, 0.5], "high": [60.0, 0.7]}
        | {"low_change": [-1.3e10, 2e9], "high_change": [5e9, -1e9]}
    )
    return {
        "fan": (
            charts.panel_spec(charts.fan_spec(summary, has_reference=True), first),
            fan[fan["panel"] == first].drop(columns="panel"),
        ),
        "gains": (charts.gains_spec(summary), charts.gains_frame(summary)),
        "waterfall": (
            charts_more.waterfall_spec(list(waterfall["label"]), "Revenue (USD, last year)"),
            charts_more.waterfall_frame(waterfall),
        ),
        "tornado": (
            charts_more.tornado_spec(list(tornado["lever"]), "Revenue (USD, last year)"),
            charts_more.tornado_frame(tornado),
        ),
        "timeline": (
            charts_more.timeline_spec(short, with_fc_openings=True),
            charts_more.timeline_frame(short, summary),
        ),
    }


def test_readable_copies_the_spec_and_turns_every_text_limit_off(short_summary):
    short, summary = short_summary
    for name, (spec, _) in all_specs(short, summary).items():
        before = copy.deepcopy(spec)
        styled = readable(spec)
        assert spec == before, name  # the app's spec (and the PNG export's) is unchanged
        config = styled["config"]
        assert config["axis"]["labelLimit"] == config["legend"]["labelLimit"] == 0, name
        assert config["title"]["limit"] == 0 and config["axis"]["titleLimit"] == 0, name
        assert config["axis"]["labelFontSize"] == LABEL_FONT_PX, name


def test_date_axes_show_years_and_keep_the_last_one_inside(short_summary):
    short, summary = short_summary
    styled = readable(charts.fan_spec(summary, has_reference=True))
    for layer in styled["layer"]:
        axis = layer["encoding"]["x"]["axis"]
        assert axis["labelFlush"] is True and axis["format"] == "%Y"
    # a spec's own axis settings win: the timeline keeps its own (here the same) year format
    timeline = readable(charts_more.timeline_spec(short))
    assert timeline["layer"][0]["encoding"]["x"]["axis"]["tickCount"] == "year"
    # a quantitative x (the compare grid over years since each start) is left alone
    years = readable(charts.compare_spec(by_date=False))
    assert "labelFlush" not in years["layer"][0]["encoding"]["x"].get("axis", {})


def test_presentation_sets_every_chart_text_larger(short_summary):
    short, summary = short_summary
    panel = charts.panel_spec(charts.fan_spec(summary, has_reference=True), charts.PANELS[0])
    normal, presenting = readable(panel), readable(panel, presenting=True)
    assert presenting["title"]["fontSize"] == pytest.approx(
        normal["title"]["fontSize"] * PRESENTATION_SCALE
    )
    assert presenting["height"] > normal["height"] == panel["height"]
    for part in ("axis", "legend"):
        for key in ("labelFontSize", "titleFontSize"):
            assert presenting["config"][part][key] == pytest.approx(
                normal["config"][part][key] * PRESENTATION_SCALE
            )
    assert text_config(2.0)["text"]["fontSize"] == 2 * text_config()["text"]["fontSize"]


@pytest.mark.parametrize("presenting", [False, True])
@pytest.mark.parametrize("width_px", [150, 240])
def test_no_chart_text_ends_in_an_ellipsis_even_in_a_narrow_column(
    short_summary, width_px, presenting
):
    """Rendered by Vega (through the converter the PNG downloads use) at a grid column's width
    on a 768-pixel screen (~150-240 px), with the app's autosize: no title, axis label or
    legend entry is cut with "…", and the date axis' last label lies inside the chart."""
    import vl_convert

    short, summary = short_summary
    for name, (spec, data) in all_specs(short, summary).items():
        drawn = readable(export.self_contained(spec, data, width_px=width_px), presenting)
        svg = vl_convert.vegalite_to_svg(drawn)
        texts = re.findall(r">([^<>]*)</text>", svg)
        assert texts and not [t for t in texts if t.endswith("…")], (name, texts)
        if name == "fan":
            width = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
            assert width <= width_px + 1, name  # nothing drawn past the column


def test_the_page_style_and_sidebar_script_hold_what_the_layout_needs():
    from flywheel.ui import layout

    assert "text-overflow: clip" in layout.BASE_CSS  # KPI labels and buttons: never "…"
    assert "cqi" in layout.BASE_CSS  # KPI values shrink with their card
    assert f"innerWidth >= {layout.NARROW_SCREEN_PX}" in layout.COLLAPSE_SCRIPT
    assert layout.NARROW_SCREEN_PX > 768  # wider than Streamlit's own "auto" breakpoint
    assert f"{layout.PRESENTATION_ROOT_FONT_PX}px" in layout.PRESENTATION_CSS
    assert layout.PRESENTATION_ROOT_FONT_PX > 16


def drawn_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def chart_column_widths(at) -> list[float]:
    """The share of its row's width of each column that holds a chart."""
    return [column.weight for column in at.columns if column.get("vega_lite_chart")]


def page_css(at) -> str:
    return "".join(element.proto.body for element in at.get("html"))


def test_presentation_mode_from_the_link_and_the_sidebar_toggle(make_app):
    """`?present=1` opens the app with presentation mode on (larger type on the page and in
    every chart); the sidebar's toggle turns it off and takes `present` out of the link."""
    from flywheel.ui import layout

    normal = make_app()
    assert not normal.exception and normal.toggle(key="present").value is False
    assert layout.PRESENTATION_CSS not in page_css(normal)
    assert layout.BASE_CSS in page_css(normal)
    normal_title = drawn_specs(normal)[0]["title"]["fontSize"]

    at = make_app(query={"present": "1"})
    assert not at.exception and at.toggle(key="present").value is True
    assert layout.PRESENTATION_CSS in page_css(at)
    specs = drawn_specs(at)
    assert specs and all(
        spec["config"]["axis"]["labelFontSize"] == LABEL_FONT_PX * PRESENTATION_SCALE
        for spec in specs
    )
    assert specs[0]["title"]["fontSize"] == pytest.approx(normal_title * PRESENTATION_SCALE)
    # the grid: two charts a row instead of three (each a column of half the row's width)
    assert chart_column_widths(normal) == [pytest.approx(1 / 3)] * 9
    assert chart_column_widths(at) == [pytest.approx(1 / 2)] * 9

    at.toggle(key="present").set_value(False).run()
    assert not at.exception and "present" not in at.query_params
    assert layout.PRESENTATION_CSS not in page_css(at)
    assert drawn_specs(at)[0]["config"]["axis"]["labelFontSize"] == LABEL_FONT_PX
    at.toggle(key="present").set_value(True).run()
    assert at.query_params["present"] == "1"
    # the other tabs' charts follow too (the tabs are lazy: only the open one runs)
    at.session_state["tab"] = "Events"
    at.run()
    timeline = drawn_specs(at)[0]
    assert timeline["description"] == "event timeline"
    assert timeline["config"]["axis"]["labelFontSize"] == LABEL_FONT_PX * PRESENTATION_SCALE


def test_presentation_mode_travels_with_a_shared_scenario_link(make_app):
    at = make_app(query={"preset": "price_war", "present": "1"})
    assert not at.exception and not at.error
    assert at.session_state["preset"] == "price_war" and at.toggle(key="present").value


@pytest.mark.parametrize("value", ["0", "no", "", "<script>"])
def test_other_present_values_leave_presentation_mode_off(make_app, value):
    at = make_app(query={"present": value})
    assert not at.exception and at.toggle(key="present").value is False
