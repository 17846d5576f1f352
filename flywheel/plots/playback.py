"""What the app's Watch it turn animates in the browser: the charts of the whole run with a
playhead, and the loops' gains week by week (Vega-Lite specs and plain columns).

Each chart draws the whole run, a rule at the playhead and a white veil over the weeks after
it, so the future shows faded: never empty, whatever the week. The playhead is one Vega-Lite
parameter, `playhead` (the week's first day, ms since 1970), which the page sets every frame
(`flywheel/ui/playback_frontend/playback.js`): only the rule and the veil move, so a frame
costs the browser little; nothing goes back to the server while it plays.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.plots import charts, diagram
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

if TYPE_CHECKING:
    from flywheel.results.summary import Summary

VEIL_OPACITY = 0.72  # of the white veil over the weeks after the playhead
PLAYHEAD = {"type": "rule", "color": "#222222", "strokeWidth": 1.5}
SIGNIFICANT_DIGITS = 4  # of the values sent to the browser (a chart cannot show more)


def week_ms(summary: Summary) -> np.ndarray:
    """Each week's first day as ms since 1970 (UTC), the charts' time axis."""
    return summary.dates().astype("datetime64[ms]").astype(np.int64)


def with_playhead(spec: dict[str, Any], playhead_ms: int, end_ms: int) -> dict[str, Any]:
    """A chart spec (without data) as the playback draws it: its own layers over the whole
    run, then a white veil from the parameter `playhead` (a time in ms) to `end_ms` and a
    rule at the playhead."""
    layers = (
        spec["layer"] if "layer" in spec else [{"mark": spec["mark"], "encoding": spec["encoding"]}]
    )
    outer = {
        name: value for name, value in spec.items() if name not in ("layer", "mark", "encoding")
    }
    playhead = {"datum": {"expr": "playhead"}, "type": "temporal"}
    veil = {
        "data": {"values": [{}]},
        "mark": {"type": "rect", "color": "white", "opacity": VEIL_OPACITY, "tooltip": None},
        "encoding": {"x": playhead, "x2": {"datum": end_ms}},
    }
    rule = {"data": {"values": [{}]}, "mark": PLAYHEAD, "encoding": {"x": playhead}}
    return {
        **outer,
        "params": [{"name": "playhead", "value": playhead_ms}],
        "layer": [*copy.deepcopy(layers), veil, rule],
    }


def gains_spec(summary: Summary) -> dict[str, Any]:
    """The loop-strength chart: each loop's median gain over time in its diagram colour
    (`diagram.loop_colour`), dashed for balancing loops, a legend saying so."""
    spec = copy.deepcopy(charts.gains_spec(summary))
    labels = list(charts.LOOP_LABELS)
    colours = [diagram.loop_colour(loop) for loop in LOOP_IDS]
    spec["encoding"]["color"] = {
        "field": "loop",
        "type": "nominal",
        "scale": {"domain": labels, "range": colours},
        "legend": {
            "title": ["loop", "solid: reinforcing", "dashed: balancing"],
            "labelLimit": 240,
            "symbolStrokeWidth": 2.5,
        },
    }
    balancing = [
        f"{loop} {LOOP_NAMES[loop]}" for loop in LOOP_IDS if diagram.loop_kind(loop) == "balancing"
    ]
    spec["encoding"]["strokeDash"] = {
        "field": "loop",
        "type": "nominal",
        "scale": {
            "domain": labels,
            "range": [[6, 3] if label in balancing else [1, 0] for label in labels],
        },
        "legend": None,
    }
    return spec


def _columns(frame: Any) -> dict[str, list[Any]]:
    """A frame's (pandas or Arrow) columns as lists for the page (dates as ms; values to
    `SIGNIFICANT_DIGITS`)."""
    columns: dict[str, list[Any]] = {}
    for name in frame.column_names if hasattr(frame, "column_names") else frame.columns:
        values = np.asarray(frame[name])
        if name == "date":
            columns[name] = values.astype("datetime64[ms]").astype(np.int64).tolist()
        elif np.issubdtype(values.dtype, np.number):
            columns[name] = [float(f"{value:.{SIGNIFICANT_DIGITS}g}") for value in values]
        else:
            columns[name] = values.tolist()
    return columns


def playback_charts(summary: Summary, week: int = 0) -> list[dict[str, Any]]:
    """The playback's charts, the loop strengths first and then the nine panels: each a spec
    (`with_playhead`, no data, the playhead at `week`) and its data as columns."""
    times = week_ms(summary)
    playhead_ms, end_ms = int(times[week]), int(times[-1])
    made = [
        {
            "spec": with_playhead(gains_spec(summary), playhead_ms, end_ms),
            "columns": _columns(charts.gains_frame(summary)),
        }
    ]
    panel_spec = charts.fan_spec(summary, has_reference=False)
    for panel, table in charts.panel_frames(charts.band_frame(summary)).items():
        made.append(
            {
                "spec": with_playhead(charts.panel_spec(panel_spec, panel), playhead_ms, end_ms),
                "columns": _columns(table),
            }
        )
    return made
