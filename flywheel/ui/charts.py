"""Interactive (Vega-Lite) chart specs built from Summaries: fan bands, compare, loop strength.

The browser draws these, so a rerun costs the server only a small data frame; the matplotlib
twins in `figures.py` make the PNG downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.schema import LOOP_IDS, LOOP_NAMES

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.ui.summary import Summary

# (output, title, divisor, unit): the compounding story in the order
CHART_OUTPUTS = (
    ("customers", "Active customers", 1e6, "million"),
    ("visits", "Traffic (visits per week)", 1e6, "million"),
    ("sellers", "Third-party sellers", 1e3, "thousand"),
    ("skus", "Selection (SKUs)", 1e6, "million"),
    ("unit_cost_usd", "Unit cost per order", 1.0, "USD"),
    ("price_index", "Price index", 1.0, "1 = week 0"),
    ("perceived_cx", "Perceived customer experience", 1.0, "index"),
    ("revenue_usd", "Revenue per week", 1e6, "USD million"),
    ("operating_income_usd", "Operating income per week", 1e6, "USD million"),
)
THIN_EVERY_WEEKS = 2  # the browser needs no more points than this for a 10-year line


def band_frame(
    summary: Summary, until_week: int | None = None, reference: Summary | None = None
) -> pd.DataFrame:
    """Wide frame for the fan grid: date, panel, q05 … q95 (display units), and the
    reference (preset) median when given; weeks after `until_week` are dropped."""
    import pandas as pd

    last = summary.weeks - 1 if until_week is None else min(until_week, summary.weeks - 1)
    weeks = np.unique(np.append(np.arange(0, last + 1, THIN_EVERY_WEEKS), last))
    dates = summary.dates()[weeks]
    parts = []
    for output, title, divisor, unit in CHART_OUTPUTS:
        band = summary.band(output)[:, weeks] / divisor
        part = {
            "date": dates,
            "panel": f"{title} ({unit})",
            "q05": band[0],
            "q25": band[1],
            "q50": band[2],
            "q75": band[3],
            "q95": band[4],
        }
        if reference is not None:
            part["preset"] = reference.band(output)[2, weeks] / divisor
        parts.append(pd.DataFrame(part))
    return pd.concat(parts, ignore_index=True)


def fan_spec(summary: Summary, has_reference: bool, columns: int = 3) -> dict[str, Any]:
    """Vega-Lite spec of the fan grid (5-95 % and 25-75 % bands, median, preset median)."""
    start, end = summary.dates()[[0, -1]].astype(str)
    x = {"field": "date", "type": "temporal", "title": None, "scale": {"domain": [start, end]}}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.18, "color": "#e6550d"},
            "encoding": {
                "x": x,
                "y": {
                    "field": "q05",
                    "type": "quantitative",
                    "title": None,
                    "scale": {"zero": False},
                },
                "y2": {"field": "q95"},
            },
        },
        {
            "mark": {"type": "area", "opacity": 0.35, "color": "#e6550d"},
            "encoding": {
                "x": x,
                "y": {"field": "q25", "type": "quantitative"},
                "y2": {"field": "q75"},
            },
        },
        {
            "mark": {"type": "line", "color": "#a63603", "strokeWidth": 1.8},
            "encoding": {
                "x": x,
                "y": {"field": "q50", "type": "quantitative"},
                "tooltip": [
                    {"field": "date", "type": "temporal"},
                    {"field": "q05", "format": ",.3~g", "title": "5 %"},
                    {"field": "q50", "format": ",.3~g", "title": "median"},
                    {"field": "q95", "format": ",.3~g", "title": "95 %"},
                ],
            },
        },
    ]
    if has_reference:
        layers.append(
            {
                "mark": {
                    "type": "line",
                    "color": "#525252",
                    "strokeDash": [4, 3],
                    "strokeWidth": 1.2,
                },
                "encoding": {"x": x, "y": {"field": "preset", "type": "quantitative"}},
            }
        )
    return {
        "facet": {
            "field": "panel",
            "type": "nominal",
            "title": None,
            "sort": [f"{t} ({u})" for _, t, _, u in CHART_OUTPUTS],
        },
        "columns": columns,
        "spec": {"width": 260, "height": 150, "layer": layers},
        "resolve": {"scale": {"y": "independent"}},
    }


def compare_frame(a: Summary, b: Summary) -> pd.DataFrame:
    """Long frame for A/B: date, panel, scenario (A, B, B - A), q05, q50, q95."""
    import pandas as pd

    weeks = np.arange(0, min(a.weeks, b.weeks), THIN_EVERY_WEEKS)
    dates = a.dates()[weeks]
    parts = []
    for output, title, divisor, unit in CHART_OUTPUTS:
        panel = f"{title} ({unit})"
        for label, summary in (("A", a), ("B", b)):
            band = summary.band(output)[:, weeks] / divisor
            parts.append(
                pd.DataFrame(
                    {
                        "date": dates,
                        "panel": panel,
                        "scenario": label,
                        "q05": band[0],
                        "q50": band[2],
                        "q95": band[4],
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def compare_spec(columns: int = 3) -> dict[str, Any]:
    """Vega-Lite spec: A and B medians with their 5-95 % bands, one panel per output."""
    x = {"field": "date", "type": "temporal", "title": None}
    colour = {
        "field": "scenario",
        "type": "nominal",
        "scale": {"domain": ["A", "B"], "range": ["#3182bd", "#e6550d"]},
    }
    return {
        "facet": {
            "field": "panel",
            "type": "nominal",
            "title": None,
            "sort": [f"{t} ({u})" for _, t, _, u in CHART_OUTPUTS],
        },
        "columns": columns,
        "spec": {
            "width": 260,
            "height": 150,
            "layer": [
                {
                    "mark": {"type": "area", "opacity": 0.2},
                    "encoding": {
                        "x": x,
                        "y": {
                            "field": "q05",
                            "type": "quantitative",
                            "title": None,
                            "scale": {"zero": False},
                        },
                        "y2": {"field": "q95"},
                        "color": colour,
                    },
                },
                {
                    "mark": {"type": "line", "strokeWidth": 1.6},
                    "encoding": {
                        "x": x,
                        "y": {"field": "q50", "type": "quantitative"},
                        "color": colour,
                    },
                },
            ],
        },
        "resolve": {"scale": {"y": "independent"}},
    }


def gains_frame(summary: Summary, until_week: int | None = None) -> pd.DataFrame:
    """Long frame of each loop's median gain per week: date, loop, gain."""
    import pandas as pd

    last = summary.weeks - 1 if until_week is None else min(until_week, summary.weeks - 1)
    weeks = np.arange(0, last + 1, THIN_EVERY_WEEKS)
    dates = summary.dates()[weeks]
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "date": dates,
                    "loop": f"{loop} {LOOP_NAMES[loop]}",
                    "gain": summary.band(f"gain_{loop}")[2, weeks],
                }
            )
            for loop in LOOP_IDS
        ],
        ignore_index=True,
    )


def gains_spec(summary: Summary) -> dict[str, Any]:
    """Vega-Lite spec: loop strength (median gain) over time, one line per loop."""
    start, end = summary.dates()[[0, -1]].astype(str)
    return {
        "height": 260,
        "mark": {"type": "line", "strokeWidth": 1.6},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "title": None,
                "scale": {"domain": [start, end]},
            },
            "y": {
                "field": "gain",
                "type": "quantitative",
                "title": "loop gain (log-multiplier; > 0 amplifies, < 0 damps)",
            },
            "color": {"field": "loop", "type": "nominal", "title": "loop"},
            "strokeDash": {
                "condition": {"test": "indexof(datum.loop, 'B') == 0", "value": [4, 2]},
                "value": [1, 0],
            },
            "tooltip": [
                {"field": "loop"},
                {"field": "date", "type": "temporal"},
                {"field": "gain", "format": "+.3f"},
            ],
        },
    }
