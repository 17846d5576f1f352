"""Type sizes and axis settings that keep the app's Vega-Lite charts readable from a 768-pixel
tablet to a 1920-pixel monitor, and on a projector (the app's presentation mode).

`readable(spec)` returns a copy of a chart spec (from `charts.py` or `charts_more.py`) with a
Vega-Lite `config` that cuts no text with "…", keeps a date axis' first and last year inside
the chart and shows years as years; `readable(spec, presenting=True)` also sets every text
of the chart `PRESENTATION_SCALE` times larger. The specs themselves stay as they are, so the
PNG downloads (`export.py`) are unchanged.
"""

from __future__ import annotations

import copy
from typing import Any

# Vega's own type sizes in CSS pixels (vega/vega-lite config defaults): axis and legend labels
# 10, their titles 11, a chart title 13, mark text (e.g. timeline labels) 11.
LABEL_FONT_PX = 10.0
AXIS_TITLE_FONT_PX = 11.0
CHART_TITLE_FONT_PX = 13.0
MARK_TEXT_FONT_PX = 11.0
# Presentation mode: every chart text 1.4 times larger (10 px labels read as 14 px, about the
# size of the page's body text, from the back of a workshop room).
PRESENTATION_SCALE = 1.4


def text_config(scale: float = 1.0) -> dict[str, Any]:
    """Vega-Lite `config` for a chart's text, type sizes times `scale`: no label, legend entry
    or title is cut to "…" (limits off: the app's labels are short, and a label too long for
    its chart is drawn whole, which the browser tests would catch, rather than hidden); axis
    labels that would overlap are thinned out (`labelOverlap`) instead."""
    label, axis_title = LABEL_FONT_PX * scale, AXIS_TITLE_FONT_PX * scale
    return {
        "axis": {
            "labelFontSize": label,
            "titleFontSize": axis_title,
            "labelLimit": 0,
            "titleLimit": 0,
            "labelOverlap": True,
        },
        "legend": {
            "labelFontSize": label,
            "titleFontSize": axis_title,
            "labelLimit": 0,
            "titleLimit": 0,
        },
        "header": {"labelFontSize": axis_title, "titleFontSize": axis_title, "labelLimit": 0},
        "title": {
            "fontSize": CHART_TITLE_FONT_PX * scale,
            "subtitleFontSize": label,
            "limit": 0,
        },
        "text": {"fontSize": MARK_TEXT_FONT_PX * scale},
    }


# A date axis: a tick each 1 January labelled "2030" (the Events timeline's axis too), labels
# that would overlap thinned out, and the first and last labels flush with the axis' ends, so
# the last year is drawn inside the chart rather than half past its right edge.
DATE_AXIS = {"format": "%Y", "tickCount": "year", "labelFlush": True, "labelOverlap": "greedy"}


def readable(spec: dict[str, Any], presenting: bool = False) -> dict[str, Any]:
    """A copy of the Vega-Lite `spec` with `text_config` (type sizes times
    `PRESENTATION_SCALE` when `presenting`), its date axes as in `DATE_AXIS`, its title's own
    font sizes scaled alike, and, when presenting, its height scaled with its type (pixels)."""
    scale = PRESENTATION_SCALE if presenting else 1.0
    styled = copy.deepcopy(spec)
    config = text_config(scale)
    for key, value in styled.get("config", {}).items():  # the spec's own settings win
        config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
    styled["config"] = config
    # Vega places a title by estimated font metrics: a larger one can reach a few pixels
    # above the chart's box (its first line cut at the top) without more room there.
    styled.setdefault("padding", {"top": 5 + 8 * scale, "left": 5, "right": 5, "bottom": 5})
    title = styled.get("title")
    if isinstance(title, dict):
        for key in ("fontSize", "subtitleFontSize"):
            if isinstance(title.get(key), int | float):
                title[key] = title[key] * scale
    if presenting and isinstance(styled.get("height"), int | float):
        styled["height"] = round(styled["height"] * (1 + (scale - 1) / 2))
    for encoding in _encodings(styled):
        x = encoding.get("x")
        if isinstance(x, dict) and x.get("type") == "temporal":
            x["axis"] = {**DATE_AXIS, **(x.get("axis") or {})}
            for key in ("labelFontSize", "titleFontSize"):  # a spec's own sizes scale too
                if isinstance(x["axis"].get(key), int | float):
                    x["axis"][key] = x["axis"][key] * scale
    return styled


def _encodings(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every `encoding` of a spec and of its layers (nested layers included)."""
    found = [spec["encoding"]] if isinstance(spec.get("encoding"), dict) else []
    for layer in spec.get("layer", []):
        found.extend(_encodings(layer))
    return found
