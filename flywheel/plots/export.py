"""Vega-Lite charts to PNG bytes, through the maintained converter `vl-convert-python`.

The app draws its charts in the browser from a spec (`charts.py`, `charts_more.py`) and a data
frame; its PNG downloads pass the very same spec and data here. `self_contained` puts the data
into the spec (values inline) and gives it a fixed size: the app's charts take their width from
their column, which an export has not got. `grid_spec` lays a grid's nine panels out as the app
does, three a row. `png_bytes` renders a spec; the converter bundles its JavaScript engine, so
it works offline. No Streamlit here: the CLI and API can export a chart too.

Cost (2-core machine, 2026-12-07, shared): the first export in a process also starts the
converter's engine (~0.5 s); then the Events timeline takes ~0.07-0.1 s, the loop strengths
~0.2 s and a nine-panel fan grid ~0.7-0.85 s (baseline or the 29-year Amazon record), much of
it rasterising at scale 2: about what the matplotlib re-drawings took, at four times the pixels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.plots.charts import PANEL_COLUMNS, PANELS, panel_frames, panel_spec

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
# Device pixels per CSS pixel: 2 is crisp on a high-density screen and in a slide deck.
EXPORT_SCALE = 2.0
# A single chart's whole width in CSS pixels, its axes and legend included (the app's charts
# fill their column, ~750-1100 px; the timeline's label spacing assumes ~750).
CHART_WIDTH_PX = 800
# A grid panel's plot width in CSS pixels: three a row, ~1000 px with their axes.
PANEL_WIDTH_PX = 280
# The exported PNG's background (the app's charts sit on the page's white).
BACKGROUND = "white"
TITLE = {"fontSize": 14, "anchor": "start", "offset": 12}
TITLE_HEIGHT_PX = 32  # a title's line and offset
# What Streamlit adds to every spec it draws: the chart, axes and legend fill the given size.
APP_AUTOSIZE = {"type": "fit", "contains": "padding"}


def data_values(data: pd.DataFrame | pa.Table) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready records for a spec's inline `data.values`. Dates become
    milliseconds since 1970 UTC, as the app's Arrow tables reach the browser; NaN becomes
    null (Vega-Lite leaves the point out, as it does for the app's missing values)."""
    columns: dict[str, list[Any]] = {}
    for name in data.column_names if hasattr(data, "column_names") else data.columns:
        values = np.asarray(data[name])
        if np.issubdtype(values.dtype, np.datetime64):
            values = values.astype("datetime64[ms]").astype(np.int64)
        if values.dtype.kind == "f":
            columns[str(name)] = [None if np.isnan(v) else v for v in values.tolist()]
        else:
            columns[str(name)] = values.tolist()
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _check_size(field: str, value: float) -> None:
    if not (isinstance(value, int | float) and np.isfinite(value) and value > 0):
        raise ValueError(f"{field} = {value!r}: a chart's size must be a positive number")


def self_contained(
    spec: dict[str, Any],
    data: pd.DataFrame | pa.Table,
    width_px: float = CHART_WIDTH_PX,
    title: str | None = None,
) -> dict[str, Any]:
    """The app's `spec` with `data` inline, sized as the app sizes it (Streamlit's autosize
    "fit": `width_px` and the spec's height, in CSS pixels, are the whole chart's, axes and
    legend included): a spec the converter can render alone. A `title`, when given, replaces
    the spec's own and makes the chart `TITLE_HEIGHT_PX` taller, so the plot keeps the app's
    size. `spec` is not changed."""
    _check_size("width_px", width_px)
    extra: dict[str, Any] = {}
    if title:
        extra = {"title": {"text": title, **TITLE}, "height": spec["height"] + TITLE_HEIGHT_PX}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        **spec,
        **extra,
        "data": {"values": data_values(data)},
        "width": width_px,
        "autosize": APP_AUTOSIZE,
        "background": BACKGROUND,
    }


def grid_spec(
    frame: pd.DataFrame, spec: dict[str, Any], title: str, panel_width_px: float = PANEL_WIDTH_PX
) -> dict[str, Any]:
    """A grid as the app draws it: one chart per panel (`charts.panel_spec` of `spec`, fed
    that panel's rows from `charts.panel_frames`), `charts.PANEL_COLUMNS` a row, each panel's
    plot `panel_width_px` wide, under `title`."""
    _check_size("panel_width_px", panel_width_px)
    tables = panel_frames(frame)
    panels = [
        {
            **panel_spec(spec, panel),
            "data": {"values": data_values(tables[panel])},
            "width": panel_width_px,
        }
        for panel in PANELS
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {"text": title, **TITLE},
        "columns": PANEL_COLUMNS,
        "concat": panels,
        "spacing": 16,
        "background": BACKGROUND,
    }


def png_bytes(spec: dict[str, Any], scale: float = EXPORT_SCALE) -> bytes:
    """A self-contained Vega-Lite spec (see `self_contained`, `grid_spec`) as PNG bytes,
    `scale` device pixels per CSS pixel."""
    _check_size("scale", scale)
    try:
        import vl_convert
    except ImportError as error:  # the app's extra brings it
        raise RuntimeError(
            "PNG export of a chart needs the package vl-convert-python: "
            "pip install 'flywheel[app]' (or vl-convert-python)"
        ) from error
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes (from its header); ValueError if not a PNG."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError(f"not PNG bytes (they start {png[:8]!r})")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
