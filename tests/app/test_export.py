"""Vega-Lite to PNG (flywheel.plots.export): the app's specs and frames, rendered offline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from flywheel import load_scenario, simulate
from flywheel.plots import charts, charts_more, export
from flywheel.results.summary import summarise

SCALE = export.EXPORT_SCALE


@pytest.fixture(scope="module")
def short():
    baseline = load_scenario("scenarios/baseline.toml")
    return dataclasses.replace(baseline, horizon_weeks=156)  # Prime launches at week 104


@pytest.fixture(scope="module")
def summary(short):
    return summarise(simulate(short, 4, 0), None, charts.PATH_OUTPUTS)


def test_data_values_turn_dates_into_utc_milliseconds_and_nan_into_null():
    """As Streamlit's Arrow tables reach the browser: a date is its UTC midnight in ms."""
    frame = pd.DataFrame(
        {
            "date": np.array(["2026-01-05", "1996-01-01"], dtype="datetime64[D]"),
            "value": [1.5, np.nan],
            "label": ["a", "b"],
        }
    )
    records = export.data_values(frame)
    day_ms = dt.datetime(2026, 1, 5, tzinfo=dt.UTC).timestamp() * 1000
    assert records[0] == {"date": day_ms, "value": 1.5, "label": "a"}
    assert records[1]["value"] is None
    assert export.data_values(pa.Table.from_pandas(frame, preserve_index=False)) == records


def test_self_contained_keeps_the_apps_spec_and_gives_it_data_and_a_width(summary):
    spec = charts.gains_spec(summary)
    frame = charts.gains_frame(summary)
    before = dict(spec)
    full = export.self_contained(spec, frame, width_px=640, title="loops")
    assert spec == before  # the app's spec is not changed
    assert {key: full[key] for key in spec if key != "height"} == {
        key: value for key, value in spec.items() if key != "height"
    }
    assert full["height"] == spec["height"] + export.TITLE_HEIGHT_PX  # room for the title
    assert full["width"] == 640 and full["title"]["text"] == "loops"
    assert export.self_contained(spec, frame)["height"] == spec["height"]
    assert full["data"]["values"] == export.data_values(frame)
    assert len(full["data"]["values"]) == len(frame)


def test_grid_spec_is_the_apps_grid_panel_by_panel(summary):
    """Each panel of the exported grid is `charts.panel_spec` of the grid's spec, fed that
    panel's table from `charts.panel_frames`: the app's nine charts, three a row."""
    frame = charts.band_frame(summary, reference=summary)
    spec = charts.fan_spec(summary, has_reference=True)
    grid = export.grid_spec(frame, spec, "fan")
    assert grid["columns"] == charts.PANEL_COLUMNS == 3
    tables = charts.panel_frames(frame)
    assert len(grid["concat"]) == len(charts.PANELS)
    for panel, chart in zip(charts.PANELS, grid["concat"], strict=True):
        data = chart.pop("data")
        assert chart.pop("width") == export.PANEL_WIDTH_PX
        assert chart == charts.panel_spec(spec, panel)
        assert data["values"] == export.data_values(tables[panel])


def test_a_single_chart_png_has_the_size_asked_for(summary, short):
    """A chart `width_px` wide is `width_px` × scale pixels wide and its spec's height ×
    scale high, legend included (as Streamlit fits a chart to its size); a title adds its
    own line."""
    for spec, frame in (
        (charts.gains_spec(summary), charts.gains_frame(summary)),
        (
            charts_more.timeline_spec(short, with_fc_openings=True),
            charts_more.timeline_frame(short, summary),
        ),
    ):
        for width, title, extra in ((500, None, 0), (800, "a title", export.TITLE_HEIGHT_PX)):
            png = export.png_bytes(export.self_contained(spec, frame, width, title))
            assert export.png_size(png) == (width * SCALE, (spec["height"] + extra) * SCALE)
    png = export.png_bytes(export.self_contained(spec, frame, width_px=500), scale=1)
    assert export.png_size(png) == (500, spec["height"])


def test_a_grid_png_is_three_panels_wide_and_three_high(summary):
    frame = charts.band_frame(summary, reference=summary)
    png = export.png_bytes(export.grid_spec(frame, charts.fan_spec(summary, True), "fan"))
    wide, high = export.png_size(png)
    panel = export.PANEL_WIDTH_PX * SCALE
    assert 3 * panel < wide < 3 * panel + 3 * 120 * SCALE  # plus each panel's y axis
    assert 3 * charts.PANEL_HEIGHT_PX * SCALE < high < 3 * (charts.PANEL_HEIGHT_PX + 120) * SCALE


def test_bad_sizes_and_bytes_say_what_is_wrong(summary):
    frame = charts.gains_frame(summary)
    with pytest.raises(ValueError, match="width_px = -5: .* positive"):
        export.self_contained(charts.gains_spec(summary), frame, width_px=-5)
    with pytest.raises(ValueError, match="panel_width_px = nan"):
        export.grid_spec(charts.band_frame(summary), charts.fan_spec(summary, False), "t", np.nan)
    with pytest.raises(ValueError, match="scale = 0"):
        export.png_bytes({"mark": "point"}, scale=0)
    with pytest.raises(ValueError, match="not PNG bytes"):
        export.png_size(b"GIF89a" + bytes(30))


def test_export_works_offline_and_flywheel_imports_no_converter():
    """The converter bundles its engine: no network needed (the subprocess's proxies point at
    a closed port, so any fetch would fail), and the title's "−", "→" and "±" need no
    download either. `import flywheel` does not load the converter."""
    code = (
        "import sys, flywheel; assert 'vl_convert' not in sys.modules;"
        "from flywheel.plots import export;"
        "png = export.png_bytes({'width': 100, 'height': 50, 'mark': 'bar',"
        "'data': {'values': [{'x': 'a', 'y': 1}]},"
        "'encoding': {'x': {'field': 'x', 'type': 'nominal', 'title': 'B − A → ±'},"
        "'y': {'field': 'y', 'type': 'quantitative'}}});"
        "print(export.png_size(png)[0] > 100)"
    )
    closed = "http://127.0.0.1:9"
    env = {"PATH": "", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    env |= {"HTTPS_PROXY": closed, "HTTP_PROXY": closed, "ALL_PROXY": closed}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "True"


def test_compact_number_writes_thousands_to_trillions():
    assert charts_more.compact_number(2.0e10) == "20 B"
    assert charts_more.compact_number(-1.25e9) == "-1.25 B"
    assert charts_more.compact_number(3.0e5) == "300 k"
    assert charts_more.compact_number(4.2e12) == "4.2 T"
    assert charts_more.compact_number(0.0) == "0"


def test_waterfall_and_tornado_exports_label_money_compactly():
    """Billions of USD read "20 B" on the exported value axes: not Vega's "20G", nor raw USD."""
    import re

    import vl_convert

    waterfall = pd.DataFrame(
        {"label": ["cut", "R1", "all"], "kind": ["total", "step", "total"]}
        | {"value": [1.3e10, 0.7e10, 2.0e10], "q05": [np.nan] * 3, "q95": [np.nan] * 3}
    )
    tornado = pd.DataFrame(
        {"lever": ["basket_usd"], "low": [40.0], "high": [60.0]}
        | {"low_change": [-1.3e10], "high_change": [5e9]}
    )
    for spec, frame in (
        (charts_more.waterfall_spec(list(waterfall["label"]), "revenue"), waterfall),
        (charts_more.tornado_spec(["basket_usd"], "revenue"), tornado),
    ):
        bars = (
            charts_more.waterfall_frame(frame)
            if "kind" in frame
            else charts_more.tornado_frame(frame)
        )
        svg = vl_convert.vegalite_to_svg(export.self_contained(spec, bars, title="t"))
        labels = re.findall(r">([^<>]*)</text>", svg)
        assert any(re.fullmatch(r"-?\d+ B", label) for label in labels), labels
        assert not [label for label in labels if label.endswith("G") or "e+" in label]
