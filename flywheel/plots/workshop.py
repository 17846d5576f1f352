"""What a workshop step shows: the model's yearly medians against the record, as one Vega-Lite
chart per output and a table of the key years (flywheel/ui/tabs_workshop.py draws them).

Pure: frames in, a spec and a frame out, so the tests read exactly what the browser gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flywheel.plots.charts import COMPARE_COLOURS, PANEL_TITLE

if TYPE_CHECKING:
    import pandas as pd

ALL_YEARS_UP_TO = 11  # a table of at most this many years fits the tab without scrolling
KEY_YEAR_STEP = 5  # otherwise: the first year, every fifth year and the last
LOG_SCALE_SPAN = 30.0  # a positive series spanning more than this factor is drawn on a log axis
RECORD_COLOURS = {"record": "#111111", "public figure": "#c0392b"}
STEP_CHART_HEIGHT_PX = 230


def key_years(years: list[int]) -> list[int]:
    """The years a step's table shows: all of them when few; else the first, the years ending
    in 0 or 5 and the last (the year the questions ask about is always in)."""
    years = sorted(set(years))
    if len(years) <= ALL_YEARS_UP_TO:
        return years
    middle = [y for y in years[1:-1] if y % KEY_YEAR_STEP == 0]
    return [years[0], *middle, years[-1]]


def wants_log_scale(values: list[float]) -> bool:
    """A log axis helps a positive series that compounds: all values above 0 and the largest
    more than `LOG_SCALE_SPAN` times the smallest."""
    values = [float(v) for v in values if v == v]  # NaN dropped
    return bool(values) and min(values) > 0 and max(values) > LOG_SCALE_SPAN * min(values)


def step_chart_spec(
    model: pd.DataFrame, record: pd.DataFrame, column: str, title: str
) -> dict[str, Any]:
    """Vega-Lite spec: one line per scenario of `model` (columns year, scenario and `column`),
    the record's points (frame of `calibration.record.record_points`) as black dots and the
    cited public figures as red diamonds, with their sources in the tooltip; a log axis where it
    helps (`wants_log_scale`), said in the title."""
    first_year, last_year = int(model.year.min()), int(model.year.max())
    shown = record[(record.year >= first_year) & (record.year <= last_year)]
    values = [*model[column].tolist(), *shown.value.tolist()]
    is_log = wants_log_scale(values)
    scale = {"type": "log"} if is_log else {"zero": False}
    lines = model[["year", "scenario", column]].rename(columns={column: "value"})
    names = list(dict.fromkeys(lines.scenario))
    axis_y = {"title": None, "format": "~s", "labelFontSize": 11, "tickCount": 5}
    x = {"field": "year", "type": "quantitative", "title": None}
    x["axis"] = {"format": "d", "labelFontSize": 11, "tickMinStep": 1, "labelOverlap": True}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": _records(lines)},
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", "scale": scale, "axis": axis_y},
                "color": {
                    "field": "scenario",
                    "type": "nominal",
                    "scale": {"domain": names, "range": list(COMPARE_COLOURS[: len(names)])},
                    "legend": {"orient": "bottom", "title": None, "labelLimit": 0},
                },
                "tooltip": [
                    {"field": "scenario"},
                    {"field": "year"},
                    {"field": "value", "format": ",.4~g"},
                ],
            },
        }
    ]
    if not shown.empty:
        layers.append(_record_layer(shown, x, scale, axis_y))
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "workshop step against the record",
        "title": {"text": title + (" (log scale)" if is_log else ""), "limit": 0, **PANEL_TITLE},
        "height": STEP_CHART_HEIGHT_PX,
        "layer": layers,
    }


def _record_layer(
    points: pd.DataFrame, x: dict[str, Any], scale: dict[str, Any], axis_y: dict[str, Any]
) -> dict[str, Any]:
    kinds = [kind for kind in RECORD_COLOURS if kind in set(points.kind)]
    return {
        "data": {"values": _records(points[["year", "value", "source", "kind"]])},
        "mark": {"type": "point", "filled": True, "size": 45},
        "encoding": {
            "x": x,
            "y": {"field": "value", "type": "quantitative", "scale": scale, "axis": axis_y},
            "shape": {
                "field": "kind",
                "type": "nominal",
                "scale": {"domain": kinds, "range": ["circle", "diamond"]},
                "legend": {"orient": "bottom", "title": None, "labelLimit": 0},
            },
            "fill": {
                "field": "kind",
                "type": "nominal",
                "scale": {"domain": kinds, "range": [RECORD_COLOURS[k] for k in kinds]},
                "legend": None,
            },
            "tooltip": [
                {"field": "kind"},
                {"field": "year"},
                {"field": "value", "format": ",.4~g"},
                {"field": "source"},
            ],
        },
    }


def key_year_table(
    model: pd.DataFrame, record: pd.DataFrame, column: str, years: list[int]
) -> pd.DataFrame:
    """One row per key year: each scenario's value of `column` and, when the record has the
    year, the record's value ("record" for the history, "public figure" for a cited count)."""
    import pandas as pd

    wide = model.pivot_table(index="year", columns="scenario", values=column, sort=False)
    wide = wide.reindex(years)
    table = pd.DataFrame({"year": years})
    for name in dict.fromkeys(model.scenario):
        table[name] = wide[name].to_numpy()
    by_year = record.groupby("year").value.first() if not record.empty else {}
    values = [by_year.get(year) for year in years]
    if any(value is not None for value in values):  # no empty column for a non-Amazon run
        table["record"] = values
    return table


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """`key_year_table` as the tab shows it: years as they are, values with thousands
    separators and three significant digits (a blank where the record has no figure)."""
    shown = table.copy()
    for name in shown.columns.drop("year"):
        shown[name] = [_number(value) for value in table[name]]
    return shown


def _number(value: Any) -> str:
    if value is None or value != value:
        return ""
    value = float(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain JSON rows (numpy scalars and NaN would not survive the browser's JSON)."""
    rows = []
    for row in frame.to_dict(orient="records"):
        rows.append({k: (None if v != v else v) for k, v in row.items()})  # NaN -> null
    return rows
