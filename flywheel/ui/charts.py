"""Interactive (Vega-Lite) chart specs built from Summaries: fan bands, compare, loop strength.

The browser draws these, so a rerun costs the server only a small data frame; the matplotlib
twins in `figures.py` make the PNG downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.schema import LOOP_IDS, LOOP_NAMES

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.scenario import Scenario
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


PANELS = tuple(f"{title} ({unit})" for _, title, _, unit in CHART_OUTPUTS)
_DIVISORS = np.array([d for _, _, d, _ in CHART_OUTPUTS], dtype=np.float32)[:, None, None]


def _chart_bands(summary: Summary, weeks: npt.NDArray[np.int_]) -> npt.NDArray[np.float32]:
    """(panels, statistics, weeks) of the chart outputs at `weeks`, in display units."""
    rows = [summary.outputs.index(output) for output, *_ in CHART_OUTPUTS]
    return summary.bands[rows][:, :, weeks] / _DIVISORS


def band_frame(
    summary: Summary, until_week: int | None = None, reference: Summary | None = None
) -> pd.DataFrame:
    """Wide frame for the fan grid: date, panel, q05 … q95 (display units), and the
    reference (preset) median when given; weeks after `until_week` are dropped."""
    import pandas as pd

    last = summary.weeks - 1 if until_week is None else min(until_week, summary.weeks - 1)
    weeks = np.unique(np.append(np.arange(0, last + 1, THIN_EVERY_WEEKS), last))
    bands = _chart_bands(summary, weeks)
    columns = {
        "date": np.tile(summary.dates()[weeks], len(PANELS)),
        "panel": np.repeat(PANELS, weeks.size),
    }
    for row, name in enumerate(("q05", "q25", "q50", "q75", "q95")):
        columns[name] = bands[:, row].ravel()
    if reference is not None:
        columns["preset"] = _chart_bands(reference, weeks)[:, 2].ravel()
    return pd.DataFrame(columns)


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
        "description": "fan bands",
        "facet": {
            "field": "panel",
            "type": "nominal",
            "title": None,
            "sort": list(PANELS),
        },
        "columns": columns,
        "spec": {"width": 260, "height": 150, "layer": layers},
        "resolve": {"scale": {"y": "independent"}},
    }


def compare_frame(a: Summary, b: Summary) -> pd.DataFrame:
    """Long frame for A/B: date, panel, scenario (A, B), q05, q50, q95."""
    import pandas as pd

    weeks = np.arange(0, min(a.weeks, b.weeks), THIN_EVERY_WEEKS)
    bands = np.stack([_chart_bands(a, weeks), _chart_bands(b, weeks)], axis=1)  # (P, 2, S, W)
    size = weeks.size
    return pd.DataFrame(
        {
            "date": np.tile(a.dates()[weeks], 2 * len(PANELS)),
            "panel": np.repeat(PANELS, 2 * size),
            "scenario": np.tile(np.repeat(["A", "B"], size), len(PANELS)),
            "q05": bands[:, :, 0].ravel(),
            "q50": bands[:, :, 2].ravel(),
            "q95": bands[:, :, 4].ravel(),
        }
    )


def compare_spec(columns: int = 3) -> dict[str, Any]:
    """Vega-Lite spec: A and B medians with their 5-95 % bands, one panel per output."""
    x = {"field": "date", "type": "temporal", "title": None}
    colour = {
        "field": "scenario",
        "type": "nominal",
        "scale": {"domain": ["A", "B"], "range": ["#3182bd", "#e6550d"]},
    }
    return {
        "description": "compare A/B",
        "facet": {
            "field": "panel",
            "type": "nominal",
            "title": None,
            "sort": list(PANELS),
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


GAIN_OUTPUTS = tuple(f"gain_{loop}" for loop in LOOP_IDS)
LOOP_LABELS = tuple(f"{loop} {LOOP_NAMES[loop]}" for loop in LOOP_IDS)


def gains_frame(summary: Summary, until_week: int | None = None) -> pd.DataFrame:
    """Long frame of each loop's median gain per week: date, loop, gain."""
    import pandas as pd

    last = summary.weeks - 1 if until_week is None else min(until_week, summary.weeks - 1)
    weeks = np.arange(0, last + 1, THIN_EVERY_WEEKS)
    rows = [summary.outputs.index(output) for output in GAIN_OUTPUTS]
    return pd.DataFrame(
        {
            "date": np.tile(summary.dates()[weeks], len(LOOP_IDS)),
            "loop": np.repeat(LOOP_LABELS, weeks.size),
            "gain": summary.bands[rows][:, 2, weeks].ravel(),
        }
    )


def gains_spec(summary: Summary) -> dict[str, Any]:
    """Vega-Lite spec: loop strength (median gain) over time, one line per loop."""
    start, end = summary.dates()[[0, -1]].astype(str)
    return {
        "description": "loop strength",
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


def timeline_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per event: kind, label, start and end date (end = start for a one-off event),
    duration_weeks."""
    import pandas as pd

    start = np.datetime64(scenario.start_date, "D")
    rows = []
    for event in scenario.events:
        week = scenario.event_week(event)
        duration = int(getattr(event, "duration_weeks", 0) or 0)
        rows.append(
            {
                "kind": event.kind,
                "label": event.id or getattr(event, "lever", "") or event.kind,
                "start": start + np.timedelta64(7 * week, "D"),
                "end": start + np.timedelta64(7 * (week + duration), "D"),
                "duration_weeks": duration,
            }
        )
    columns = ["kind", "label", "start", "end", "duration_weeks"]
    return pd.DataFrame(rows, columns=columns)


def timeline_spec(scenario: Scenario) -> dict[str, Any]:
    """Vega-Lite spec: events on a calendar line, one row per kind; shocks as bars over their
    duration, one-off events as points, each labelled with its id."""
    first = np.datetime64(scenario.start_date, "D")
    last = first + np.timedelta64(7 * scenario.horizon_weeks, "D")
    kinds = sorted({event.kind for event in scenario.events}) or ["(none)"]
    x = {
        "field": "start",
        "type": "temporal",
        "title": None,
        "scale": {"domain": [str(first), str(last)]},
        "axis": {"format": "%Y", "tickCount": "year"},
    }
    y = {"field": "kind", "type": "nominal", "title": None, "scale": {"domain": kinds}}
    tooltip = [
        {"field": "label", "title": "event"},
        {"field": "kind"},
        {"field": "start", "type": "temporal", "title": "from"},
        {"field": "duration_weeks", "title": "weeks"},
    ]
    return {
        "description": "event timeline",
        "height": 40 + 45 * len(kinds),
        "layer": [
            {
                "transform": [{"filter": "datum.duration_weeks > 0"}],
                "mark": {"type": "bar", "color": "#fdae6b", "height": 16},
                "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "tooltip": tooltip},
            },
            {
                "transform": [{"filter": "datum.duration_weeks <= 0"}],
                "mark": {"type": "point", "filled": True, "size": 70, "color": "#e6550d"},
                "encoding": {"x": x, "y": y, "tooltip": tooltip},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "dy": -12, "fontSize": 10},
                "encoding": {"x": x, "y": y, "text": {"field": "label"}},
            },
        ],
    }


WATERFALL_COLOURS = {"total": "#636363", "gain": "#1a9850", "loss": "#d73027"}


def waterfall_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The attribution table with each bar's bottom and top (running total) and a colour
    class: total, gain or loss."""
    values = table["value"].to_numpy(dtype=np.float64)
    is_total = (table["kind"] == "total").to_numpy()
    bottom, top = np.empty_like(values), np.empty_like(values)
    running = 0.0
    for index, (value, total) in enumerate(zip(values, is_total, strict=True)):
        bottom[index] = 0.0 if total else running
        running = value if total else running + value
        top[index] = running
    frame = table[["label", "kind", "value", "q05", "q95"]].copy()
    frame["bottom"], frame["top"] = bottom, top
    frame["bar"] = np.where(is_total, "total", np.where(values >= 0, "gain", "loss"))
    return frame


def waterfall_spec(labels: list[str], outcome_label: str) -> dict[str, Any]:
    """Vega-Lite spec of the attribution waterfall (bars from bottom to top, in table order)."""
    return {
        "description": "attribution waterfall",
        "title": "What each loop adds (knock-one-loop-out, common random numbers)",
        "height": 300,
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "label",
                "type": "nominal",
                "sort": labels,
                "title": None,
                "axis": {"labelAngle": -40, "labelLimit": 240, "labelOverlap": False},
            },
            "y": {
                "field": "bottom",
                "type": "quantitative",
                "title": outcome_label,
                "scale": {"zero": False},
                "axis": {"format": ".3~s"},
            },
            "y2": {"field": "top"},
            "color": {
                "field": "bar",
                "type": "nominal",
                "legend": None,
                "scale": {
                    "domain": list(WATERFALL_COLOURS),
                    "range": list(WATERFALL_COLOURS.values()),
                },
            },
            "tooltip": [
                {"field": "label"},
                {"field": "value", "format": ",.4~g"},
                {"field": "q05", "format": ",.4~g"},
                {"field": "q95", "format": ",.4~g"},
            ],
        },
    }


def tornado_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Long frame of the tornado: lever, side ('lever low' / 'lever high'), value, change."""
    import pandas as pd

    return pd.concat(
        [
            pd.DataFrame(
                {
                    "lever": table["lever"],
                    "side": f"lever {side}",
                    "value": table[side],
                    "change": table[f"{side}_change"],
                }
            )
            for side in ("low", "high")
        ],
        ignore_index=True,
    )


def tornado_spec(levers: list[str], outcome_label: str) -> dict[str, Any]:
    """Vega-Lite spec: outcome change at each lever's low and high value (largest first)."""
    return {
        "description": "sensitivity tornado",
        "height": 22 * len(levers) + 20,
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "lever", "type": "nominal", "sort": levers, "title": None},
            "x": {"field": "change", "type": "quantitative", "title": f"change in {outcome_label}"},
            "color": {
                "field": "side",
                "type": "nominal",
                "title": None,
                "scale": {"domain": ["lever low", "lever high"], "range": ["#3182bd", "#e6550d"]},
            },
            "tooltip": [
                {"field": "lever"},
                {"field": "side"},
                {"field": "value", "title": "lever value", "format": ",.4~g"},
                {"field": "change", "format": "+,.4~g"},
            ],
        },
    }
