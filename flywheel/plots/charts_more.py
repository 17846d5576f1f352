"""Interactive (Vega-Lite) chart specs of the Events and Why tabs: the event timeline, the
loop-attribution waterfall and the sensitivity tornado.

Like `charts.py`, the browser draws these from small data frames; `export.py` turns the same
spec and frame into the PNG downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.scenario.lever_groups import lever_specs_by_name

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.results.summary import Summary
    from flywheel.scenario.loading import Scenario

FC_OPENINGS = "FC openings"  # the timeline row of the FCs the simulated runs open
FC_OUTPUT = "fulfillment_centers"


def fc_openings(summary: Summary) -> list[tuple[int, int, int, float, float]]:
    """The weeks the median run's count of built FCs goes up: (week, FCs before, FCs after,
    5 % and 95 % of the runs' counts that week). Counts are rounded to whole centres (a
    scenario may start with a fraction of one, e.g. the 1996 Seattle DC)."""
    band = summary.band(FC_OUTPUT)
    counts = np.round(band[2]).astype(int)
    weeks = np.flatnonzero(np.diff(counts) > 0) + 1
    return [
        (int(w), int(counts[w - 1]), int(counts[w]), float(band[0, w]), float(band[4, w]))
        for w in weeks
    ]


# A timeline label's width per character, as a share of the chart's width (10-px text on a
# chart ~750 px wide): used to leave out labels that would overlap in a crowded row.
LABEL_SHARE_PER_CHARACTER = 0.008


def event_label(event: Any) -> str:
    """The timeline's name of an event: its id, else its lever, else its kind."""
    return event.id or getattr(event, "lever", "") or event.kind


def labels_that_fit(scenario: Scenario) -> list[bool]:
    """For each of the scenario's events, whether its label is drawn on the timeline. In date
    order within each row, a label that would overlap the last one drawn is left out (its
    point and tooltip stay): the Amazon record's policy changes piled up unreadably."""
    events = scenario.events
    weeks = [scenario.event_week(event) for event in events]
    drawn = [False] * len(events)
    free_from: dict[str, float] = {}  # per row: the share of the width the last label ends at
    for index in sorted(range(len(events)), key=weeks.__getitem__):
        event = events[index]
        at = weeks[index] / scenario.horizon_weeks
        if at >= free_from.get(event.kind, -1.0):
            drawn[index] = True
            width = (len(event_label(event)) + 2) * LABEL_SHARE_PER_CHARACTER
            free_from[event.kind] = at + width
    return drawn


def timeline_frame(scenario: Scenario, summary: Summary | None = None) -> pd.DataFrame:
    """One row per event: kind, label, start and end date (end = start for a one-off event),
    duration_weeks, detail; with a `summary` that has the FC count, also one row per week the
    median run opens FCs (kind `FC_OPENINGS`)."""
    import pandas as pd

    start = np.datetime64(scenario.start_date, "D")
    rows = []
    for event, is_drawn in zip(scenario.events, labels_that_fit(scenario), strict=True):
        week = scenario.event_week(event)
        duration = int(getattr(event, "duration_weeks", 0) or 0)
        label = event_label(event)
        rows.append(
            {
                "kind": event.kind,
                "label": label,
                "shown_label": label if is_drawn else "",
                "start": start + np.timedelta64(7 * week, "D"),
                "end": start + np.timedelta64(7 * (week + duration), "D"),
                "duration_weeks": duration,
                "detail": event.note or "",
            }
        )
    if summary is not None and FC_OUTPUT in summary.outputs:
        for week, before, after, low, high in fc_openings(summary):
            date = start + np.timedelta64(7 * week, "D")
            rows.append(
                {
                    "kind": FC_OPENINGS,
                    "label": "",  # many points: the tooltip says which
                    "shown_label": "",
                    "start": date,
                    "end": date,
                    "duration_weeks": 0,
                    "detail": f"FCs built: {before} → {after} (median of {summary.replications} "
                    f"runs; 5–95 %: {low:.0f}–{high:.0f})",
                }
            )
    columns = ["kind", "label", "shown_label", "start", "end", "duration_weeks", "detail"]
    return pd.DataFrame(rows, columns=columns)


def timeline_rows(scenario: Scenario, with_fc_openings: bool) -> list[str]:
    """The timeline's rows, top to bottom: the scenario's event kinds, then the FC openings'
    row when asked for ("(none)" when there is nothing at all)."""
    kinds = sorted({event.kind for event in scenario.events})
    return [*kinds, FC_OPENINGS] if with_fc_openings else kinds or ["(none)"]


def timeline_spec(scenario: Scenario, with_fc_openings: bool = False) -> dict[str, Any]:
    """Vega-Lite spec: events on a calendar line, one row per kind; shocks as bars over their
    duration, one-off events as points, each labelled with its id; with `with_fc_openings`,
    a last row of the simulated FC openings (see `timeline_frame`)."""
    first = np.datetime64(scenario.start_date, "D")
    last = first + np.timedelta64(7 * scenario.horizon_weeks, "D")
    kinds = timeline_rows(scenario, with_fc_openings)
    x = {
        "field": "start",
        "type": "temporal",
        "title": None,
        "scale": {"domain": [str(first), str(last)]},
        "axis": {"format": "%Y", "tickCount": "year"},
    }
    y = {
        "field": "kind",
        "type": "nominal",
        "title": None,
        "scale": {"domain": kinds},
        "axis": {"labelLimit": 200},  # "marketplace_launch" whole, not "marketplace_lau…"
    }
    is_opening = f"datum.kind == '{FC_OPENINGS}'"
    tooltip = [
        {"field": "label", "title": "event"},
        {"field": "kind"},
        {"field": "start", "type": "temporal", "title": "from"},
        {"field": "duration_weeks", "title": "weeks"},
        {"field": "detail", "title": "note"},
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
                "mark": {"type": "point", "filled": True},
                "encoding": {
                    "x": x,
                    "y": y,
                    "tooltip": tooltip,
                    # the runs' own FC openings in blue and smaller: many, and no event
                    "color": {
                        "condition": {"test": is_opening, "value": "#3182bd"},
                        "value": "#e6550d",
                    },
                    "size": {"condition": {"test": is_opening, "value": 30}, "value": 70},
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "dy": -12, "fontSize": 10},
                "encoding": {"x": x, "y": y, "text": {"field": "shown_label"}},
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


# Value axes in SI units, with B for billions: "30 B", not Vega's "30G"
SI_AXIS = {"format": ".3~s", "labelExpr": "replace(datum.label, 'G', ' B')"}
# The same in text (a caption's number): thousands, millions, billions, trillions
COMPACT_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def compact_number(value: float) -> str:
    """A number in thousands, millions, billions or trillions, as the value axes show it:
    "-1.25 B", "300 k", "0"."""
    for size, suffix in COMPACT_UNITS:
        if abs(value) >= size:
            return f"{value / size:.3g} {suffix}"
    return f"{value:.3g}"


def waterfall_spec(labels: list[str], outcome_label: str) -> dict[str, Any]:
    """Vega-Lite spec of the attribution waterfall (bars from bottom to top, in table order)."""
    return {
        "description": "attribution waterfall",
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
                "axis": SI_AXIS,
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
                {"field": "value", "format": ",.4~r"},
                {"field": "q05", "format": ",.4~r"},
                {"field": "q95", "format": ",.4~r"},
            ],
        },
    }


def lever_label(name: str) -> str:
    """The lever's label as the sidebar shows it (the name itself if it is no lever)."""
    spec = lever_specs_by_name().get(name)
    return spec.label if spec else name


def tornado_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Long frame of the tornado: lever, label (as in the sidebar), side ('lever low' /
    'lever high'), value, change."""
    import pandas as pd

    labels = [lever_label(name) for name in table["lever"]]
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "lever": table["lever"],
                    "label": labels,
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
    """Vega-Lite spec: outcome change at each lever's low and high value (largest first),
    one row per lever under its sidebar label."""
    return {
        "description": "sensitivity tornado",
        "height": 26 * len(levers) + 20,
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": [lever_label(name) for name in levers],
                "title": None,
                "axis": {"labelOverlap": False, "labelLimit": 320},
            },
            "x": {
                "field": "change",
                "type": "quantitative",
                "title": f"change in {outcome_label}",
                "axis": SI_AXIS,
            },
            "color": {
                "field": "side",
                "type": "nominal",
                "title": None,
                "scale": {"domain": ["lever low", "lever high"], "range": ["#3182bd", "#e6550d"]},
            },
            "tooltip": [
                {"field": "label", "title": "lever"},
                {"field": "lever", "title": "name"},
                {"field": "side"},
                {"field": "value", "title": "lever value", "format": ",.4~r"},
                {"field": "change", "format": "+,.4~r"},
            ],
        },
    }
