"""Interactive (Vega-Lite) chart specs built from Summaries: fan bands, compare, loop strength.

The browser draws these, so a rerun costs the server only a small data frame; `export.py`
turns the same spec and frame into the PNG downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.model.outputs import display_unit, names_where, output
from flywheel.plots.thinning import band_weeks, extreme_weeks, gathered
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from flywheel.results.summary import Summary


def chart_panel(name: str, divisor: float = 1.0) -> tuple[str, str, float, str]:
    """(output, title, divisor, unit) of one chart panel: the title is the output's label and
    the unit its unit once divided (`flywheel.model.outputs.display_unit`)."""
    return name, output(name).label, divisor, display_unit(name, divisor)


# (output, title, divisor, unit): the compounding story in the order
CHART_OUTPUTS = (
    chart_panel("customers", 1e6),
    chart_panel("visits", 1e6),
    chart_panel("sellers", 1e3),
    chart_panel("skus", 1e6),
    chart_panel("unit_cost_usd"),
    chart_panel("price_index"),
    chart_panel("perceived_cx"),
    chart_panel("revenue_usd", 1e6),
    chart_panel("operating_income_usd", 1e6),
)
DAYS_PER_YEAR = 365.25


# The grids draw one chart per panel, three a row, each as wide as its column: a Vega-Lite
# facet has a fixed panel width, which overflowed narrow screens and left wide ones half empty.
PANEL_COLUMNS = 3
PANEL_TITLE = {"fontSize": 12, "fontWeight": "normal", "color": "#444", "subtitleColor": "#777"}
PANEL_HEIGHT_PX = 210  # the whole chart: its title, plot and date axis
# Vega's default 5 px, and 3 more above: the browser's box of a title's line is taller than
# Vega's estimate, and a top axis label at the plot's edge ("1.5") lifts the title into it.
PANEL_PADDING_PX = {"top": 8, "bottom": 5, "left": 5, "right": 5}
COMPARE_COLOURS = ("#3182bd", "#e6550d")  # A, B
PANELS = tuple(f"{title} ({unit})" for _, title, _, unit in CHART_OUTPUTS)
PANEL_TITLES = {f"{title} ({unit})": (title, unit) for _, title, _, unit in CHART_OUTPUTS}
_DIVISORS = np.array([d for _, _, d, _ in CHART_OUTPUTS], dtype=np.float32)[:, None, None]


def years_of(weeks: Any) -> Any:
    """Weeks (a number or an array) as years of 365.25 days."""
    return weeks * 7 / DAYS_PER_YEAR


def band_area(
    x: dict[str, Any], low: str = "q05", high: str = "q95", **extra: Any
) -> dict[str, Any]:
    """Vega-Lite encoding of a band's area from column `low` to `high` (no y title; the y
    scale need not include zero); `extra` adds channels (e.g. colour)."""
    y = {
        "field": low,
        "type": "quantitative",
        "title": None,
        "scale": {"zero": False},
        # "3", not "3.000000" (a flat first week's axis), and "600,000", not d3's "~g" "6e+5"
        "axis": {"format": ",.4~r"},
    }
    return {"x": x, "y": y, "y2": {"field": high}, **extra}


def band_tooltip(median_title: str) -> list[dict[str, str]]:
    """Vega-Lite tooltip of a band chart's median line: date, 5 %, median, 95 %."""
    return [
        {"field": "date", "type": "temporal"},
        {"field": "q05", "format": ",.3~r", "title": "5 %"},
        {"field": "q50", "format": ",.3~r", "title": median_title},
        {"field": "q95", "format": ",.3~r", "title": "95 %"},
    ]


def _chart_bands(summary: Summary, weeks: npt.NDArray[np.int_]) -> npt.NDArray[np.float32]:
    """(panels, statistics, weeks) of the chart outputs at `weeks`, in display units."""
    rows = [summary.outputs.index(output) for output, *_ in CHART_OUTPUTS]
    return summary.bands[rows][:, :, weeks] / _DIVISORS


def band_frame(
    summary: Summary, until_week: int | None = None, reference: Summary | None = None
) -> pd.DataFrame:
    """Wide frame for the fan grid: date, panel, q05 … q95 (display units), and the
    reference (preset) median when given; weeks after `until_week` are dropped. Each panel
    keeps ~160 of its weeks (`thinning.band_weeks`: the extremes of its bands and median)."""
    import pandas as pd

    last = summary.weeks - 1 if until_week is None else min(until_week, summary.weeks - 1)
    every = np.arange(last + 1)
    bands = _chart_bands(summary, every)
    weeks = band_weeks(bands, last)
    columns = {
        "date": gathered(summary.dates(), weeks),
        "panel": np.repeat(PANELS, [w.size for w in weeks]),
    }
    for row, name in enumerate(("q05", "q25", "q50", "q75", "q95")):
        columns[name] = gathered(bands[:, row], weeks)
    if reference is not None:
        columns["preset"] = gathered(_chart_bands(reference, every)[:, 2], weeks)
    return pd.DataFrame(columns)


def panel_frames(frame: pd.DataFrame) -> dict[str, pa.Table]:
    """A grid's long frame (a `panel` column) split into one Arrow table per panel, without
    that column. Streamlit sends Arrow as it is; nine pandas frames (split and converted)
    cost ~10 ms more a rerun (bench/app_speed.py, bench/RESULTS.md)."""
    import pyarrow as pa

    panels = frame["panel"].to_numpy()
    columns = {name: frame[name].to_numpy() for name in frame.columns if name != "panel"}
    tables = {}
    for panel in PANELS:
        rows = panels == panel
        tables[panel] = pa.table({name: values[rows] for name, values in columns.items()})
    return tables


def panel_spec(spec: dict[str, Any], panel: str) -> dict[str, Any]:
    """One panel's chart of a grid: the grid's spec titled with the panel's output, and its
    unit below (two short lines fit a narrow column better than one long one)."""
    title, unit = PANEL_TITLES[panel]
    return {
        **spec,
        "title": {"text": title, "subtitle": unit, **PANEL_TITLE},
        "padding": PANEL_PADDING_PX,
    }


def fan_spec(summary: Summary, has_reference: bool) -> dict[str, Any]:
    """Vega-Lite spec of one fan panel (5-95 % and 25-75 % bands, median, preset median)."""
    start, end = summary.dates()[[0, -1]].astype(str)
    x = {"field": "date", "type": "temporal", "title": None, "scale": {"domain": [start, end]}}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "opacity": 0.18, "color": "#e6550d"},
            "encoding": band_area(x),
        },
        {
            "mark": {"type": "area", "opacity": 0.35, "color": "#e6550d"},
            "encoding": band_area(x, "q25", "q75"),
        },
        {
            "mark": {"type": "line", "color": "#a63603", "strokeWidth": 1.8},
            "encoding": {
                "x": x,
                "y": {"field": "q50", "type": "quantitative"},
                "tooltip": band_tooltip("median"),
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
    return {"description": "fan bands", "height": PANEL_HEIGHT_PX, "layer": layers}


def on_one_calendar(a: Summary, b: Summary) -> bool:
    """True when A and B start on the same date, so their charts can share a date axis;
    otherwise they are drawn against the years since each one's start."""
    return a.start_date == b.start_date


PATH_OUTPUTS = tuple(output for output, *_ in CHART_OUTPUTS)  # kept per replication (paired B − A)


def can_pair(a: Summary, b: Summary) -> bool:
    """True when A's and B's replication paths pair up week by week: the same seed and
    replications (common random numbers), the same weeks and calendar, and both kept paths."""
    return (
        a.paths is not None
        and b.paths is not None
        and a.path_outputs == b.path_outputs == PATH_OUTPUTS
        and (a.seed, a.replications, a.weeks, a.start_date)
        == (b.seed, b.replications, b.weeks, b.start_date)
    )


def difference_frame(a: Summary, b: Summary) -> pd.DataFrame:
    """Long frame of the paired difference B − A per charted output (display units): date,
    panel, q05, q50, q95 over the replications, every `PATH_EVERY_WEEKS`-th week. Requires
    `can_pair(a, b)`."""
    import pandas as pd

    if a.paths is None or b.paths is None or not can_pair(a, b):
        raise ValueError("difference_frame needs two Summaries that pair up (can_pair)")
    difference = (b.paths - a.paths) / _DIVISORS  # (panels, replications, weeks)
    low, mid, high = np.quantile(difference, (0.05, 0.5, 0.95), axis=1)
    weeks = a.path_weeks()
    return pd.DataFrame(
        {
            "date": np.tile(a.dates()[weeks], len(PANELS)),
            "panel": np.repeat(PANELS, weeks.size),
            "q05": low.ravel(),
            "q50": mid.ravel(),
            "q95": high.ravel(),
        }
    )


def difference_spec() -> dict[str, Any]:
    """Vega-Lite spec of one panel of the paired difference B − A: median and 5-95 % band,
    with the zero line (B above it: B ahead)."""
    x = {"field": "date", "type": "temporal", "title": None}
    return {
        "description": "paired difference B - A",
        "height": PANEL_HEIGHT_PX - 20,
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.25, "color": "#756bb1"},
                "encoding": band_area(x),
            },
            {
                "mark": {"type": "line", "strokeWidth": 1.6, "color": "#54278f"},
                "encoding": {
                    "x": x,
                    "y": {"field": "q50", "type": "quantitative"},
                    "tooltip": band_tooltip("median B − A"),
                },
            },
            {
                "mark": {"type": "rule", "color": "#525252", "strokeDash": [4, 3]},
                "encoding": {"y": {"datum": 0}},
            },
        ],
    }


def horizons_note(a: Summary, b: Summary) -> str:
    """What the A/B charts and KPIs compare when the two runs cover different periods."""

    def period(summary: Summary) -> str:
        dates = summary.dates()
        first, last = (str(dates[i].astype("datetime64[Y]")) for i in (0, -1))
        return f"{first}–{last} ({summary.weeks} weeks)"

    axis = (
        "on the same calendar"
        if on_one_calendar(a, b)
        else "against the years since each one's start"
    )
    return (
        f"A runs {period(a)}, B {period(b)}: the charts show each whole run {axis}, and "
        "the KPIs are taken at each one's own end (or its own last year). Runs over "
        "different periods have no week-by-week paired difference."
    )


def compare_frame(a: Summary, b: Summary) -> pd.DataFrame:
    """Long frame for A/B: date (or year, years since each start when the start dates differ),
    panel, scenario (A, B), q05, q50, q95; each scenario over its whole horizon, ~160 of
    its weeks a panel (`thinning.band_weeks`)."""
    import pandas as pd

    by_date = on_one_calendar(a, b)
    parts = []
    for summary, label in ((a, "A"), (b, "B")):
        every = np.arange(summary.weeks)
        bands = _chart_bands(summary, every)  # (panels, statistics, weeks)
        weeks = band_weeks(bands, summary.weeks - 1)
        x = summary.dates() if by_date else years_of(every)
        parts.append(
            pd.DataFrame(
                {
                    "date" if by_date else "year": gathered(x, weeks),
                    "panel": np.repeat(PANELS, [w.size for w in weeks]),
                    "scenario": label,
                    "q05": gathered(bands[:, 0], weeks),
                    "q50": gathered(bands[:, 2], weeks),
                    "q95": gathered(bands[:, 4], weeks),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def compare_spec(by_date: bool = True) -> dict[str, Any]:
    """Vega-Lite spec of one A/B panel: A's and B's medians with their 5-95 % bands; x is the
    date, or the years since each scenario's start (`by_date` False, see `on_one_calendar`).
    No legend: one line above the grid names A and B in `COMPARE_COLOURS`."""
    x = (
        {"field": "date", "type": "temporal", "title": None}
        if by_date
        else {"field": "year", "type": "quantitative", "title": "years since start"}
    )
    colour = {
        "field": "scenario",
        "type": "nominal",
        "scale": {"domain": ["A", "B"], "range": list(COMPARE_COLOURS)},
        "legend": None,
    }
    return {
        "description": "compare A/B",
        "height": PANEL_HEIGHT_PX,
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.2},
                "encoding": band_area(x, color=colour),
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
    }


GAIN_OUTPUTS = names_where(group="loop gains")
LOOP_LABELS = tuple(f"{loop} {LOOP_NAMES[loop]}" for loop in LOOP_IDS)


def gains_frame(summary: Summary, until_week: int | None = None) -> pd.DataFrame:
    """Long frame of each loop's median gain per week: date, loop, gain (each loop's lowest
    and highest week in each run of weeks, `thinning.extreme_weeks`)."""
    import pandas as pd

    last = summary.weeks - 1 if until_week is None else min(until_week, summary.weeks - 1)
    rows = [summary.outputs.index(output) for output in GAIN_OUTPUTS]
    gains = summary.bands[rows][:, 2, : last + 1]  # (loops, weeks)
    weeks = extreme_weeks(gains, last)
    return pd.DataFrame(
        {
            "date": gathered(summary.dates(), weeks),
            "loop": np.repeat(LOOP_LABELS, [w.size for w in weeks]),
            "gain": gathered(gains, weeks),
        }
    )


def gains_spec(summary: Summary) -> dict[str, Any]:
    """Vega-Lite spec: loop strength (median gain) over time, one line per loop."""
    start, end = summary.dates()[[0, -1]].astype(str)
    return {
        "description": "loop strength",
        # tall enough for the eleven loops' legend beside it (at 260 px R5's entry was cut
        # off with ten; one more entry is about 16 px)
        "height": 340,
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
                # short enough to fit the chart's height (the caption says what a gain is)
                "title": "loop gain (> 0 amplifies, < 0 damps)",
            },
            "color": {
                "field": "loop",
                "type": "nominal",
                "title": "loop",
                "legend": {"labelLimit": 240},  # "R5 reviews and experiments" whole
                # eleven loops: the default ten-colour scheme would give B5 R1's colour
                "scale": {"scheme": "tableau20"},
            },
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
