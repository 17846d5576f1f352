"""Matplotlib twins of the app's charts, for PNG downloads. Built only when a user asks."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

import numpy as np

from flywheel.plots.charts import (
    CHART_OUTPUTS,
    COMPARE_COLOURS,
    DAYS_PER_YEAR,
    PANELS,
    difference_frame,
    on_one_calendar,
    years_of,
)
from flywheel.plots.charts_more import (
    FC_OPENINGS,
    FC_OUTPUT,
    event_label,
    fc_openings,
    labels_that_fit,
    lever_label,
    timeline_rows,
)
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

    from flywheel.results.summary import Summary
    from flywheel.scenario.loading import Scenario

DPI = 100
# Compact tick labels (20 B, 1.5 M, 300 k) instead of raw values with a "1e10" offset
COMPACT_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def compact_number(value: float, _position: object = None) -> str:
    """A tick label in thousands, millions, billions or trillions: "-1.25 B", "300 k", "0"."""
    for size, suffix in COMPACT_UNITS:
        if abs(value) >= size:
            return f"{value / size:.3g} {suffix}"
    return f"{value:.3g}"


def _compact_ticks(axis: Axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(compact_number))


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _grid(panels: int, columns: int = 3) -> tuple[Figure, list[Axes]]:
    from matplotlib.figure import Figure

    rows = int(np.ceil(panels / columns))
    figure = Figure(figsize=(4.0 * columns, 2.5 * rows), layout="constrained")
    axes = list(figure.subplots(rows, columns, squeeze=False).ravel())
    for axis in axes[panels:]:
        axis.set_visible(False)
    return figure, axes


def _years(summary: Summary) -> np.ndarray:
    return calendar_years(summary.start_date, np.arange(summary.weeks))


def calendar_years(start: dt.date, weeks: np.ndarray | float) -> np.ndarray | float:
    """Weeks from `start` as calendar years with a fraction (2026.5 = the middle of 2026)."""
    return start.year + (start.timetuple().tm_yday - 1) / DAYS_PER_YEAR + years_of(weeks)


def fan_figure(summary: Summary, reference: Summary | None = None) -> Figure:
    """Fan grid: 5-95 % and 25-75 % bands, median, and the preset's median dashed."""
    figure, axes = _grid(len(CHART_OUTPUTS))
    years = _years(summary)
    for axis, (output, title, divisor, unit) in zip(axes, CHART_OUTPUTS, strict=False):
        band = summary.band(output) / divisor
        axis.fill_between(years, band[0], band[4], alpha=0.2, color="#e6550d", linewidth=0)
        axis.fill_between(years, band[1], band[3], alpha=0.35, color="#e6550d", linewidth=0)
        axis.plot(years, band[2], color="#a63603", linewidth=1.3, label="median")
        if reference is not None:
            axis.plot(
                years,
                reference.band(output)[2] / divisor,
                color="#525252",
                linewidth=1.0,
                linestyle="--",
                label="preset",
            )
        axis.set_title(f"{title} ({unit})", fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    figure.suptitle(
        f"{summary.scenario_name}: {summary.replications} replications (bands 5-95 % and 25-75 %)",
        fontsize=10,
    )
    return figure


def compare_figure(a: Summary, b: Summary, labels: tuple[str, str] = ("A", "B")) -> Figure:
    """A and B medians with 5-95 % bands, one panel per key output, each over its whole
    horizon: against the calendar year, or the years since each start when the starts differ."""
    figure, axes = _grid(len(CHART_OUTPUTS))
    by_date = on_one_calendar(a, b)
    for axis, (output, title, divisor, unit) in zip(axes, CHART_OUTPUTS, strict=False):
        for summary, colour, label in zip((a, b), COMPARE_COLOURS, labels, strict=True):
            years = _years(summary) if by_date else years_of(np.arange(summary.weeks))
            band = summary.band(output) / divisor
            axis.fill_between(years, band[0], band[4], alpha=0.2, color=colour, linewidth=0)
            axis.plot(years, band[2], color=colour, linewidth=1.3, label=label)
        axis.set_title(f"{title} ({unit})", fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
        if not by_date:
            axis.set_xlabel("years since start", fontsize=7)
    axes[0].legend(fontsize=7)
    figure.suptitle(f"A = {labels[0]}  vs  B = {labels[1]}", fontsize=10)
    return figure


def difference_figure(a: Summary, b: Summary, labels: tuple[str, str] = ("A", "B")) -> Figure:
    """The paired difference B − A per key output: median and 5-95 % band over replications
    (requires `charts.can_pair(a, b)`)."""
    frame = difference_frame(a, b)
    figure, axes = _grid(len(PANELS))
    years = _years(a)[a.path_weeks()]
    for axis, panel in zip(axes, PANELS, strict=False):
        rows = frame[frame["panel"] == panel]
        axis.fill_between(years, rows["q05"], rows["q95"], alpha=0.25, color="#756bb1", lw=0)
        axis.plot(years, rows["q50"], color="#54278f", linewidth=1.3)
        axis.axhline(0, color="#525252", linewidth=0.8, linestyle="--")
        axis.set_title(panel, fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
    figure.suptitle(f"B − A, run by run: B = {labels[1]}, A = {labels[0]}", fontsize=10)
    return figure


def gains_figure(summary: Summary) -> Figure:
    """Loop strength (median gain) of every loop over time."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4), layout="constrained")
    axis = figure.subplots()
    years = _years(summary)
    for loop in LOOP_IDS:
        axis.plot(
            years,
            summary.band(f"gain_{loop}")[2],
            linewidth=1.3,
            linestyle="-" if loop.startswith("R") else "--",
            label=f"{loop} {LOOP_NAMES[loop]}",
        )
    axis.axhline(0, color="black", linewidth=0.6)
    axis.set_ylabel("loop gain (log-multiplier)")
    axis.legend(fontsize=7, ncol=2)
    axis.grid(alpha=0.3)
    axis.set_title(f"{summary.scenario_name}: which loop dominates when", fontsize=10)
    return figure


def waterfall_figure(table: pd.DataFrame, outcome_label: str) -> Figure:
    """Attribution waterfall: all loops cut → + each loop → interactions → scenario."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4), layout="constrained")
    axis = figure.subplots()
    running, levels = 0.0, [0.0]
    for index, row in enumerate(table.itertuples()):
        if row.kind == "total":
            axis.bar(index, row.value, color="#636363")
            running = row.value
        else:
            colour = "#1a9850" if row.value >= 0 else "#d73027"
            axis.bar(index, row.value, bottom=running, color=colour)
            running += row.value
        levels.append(running)
    span = max(levels) - min(levels) or 1.0
    axis.set_ylim(min(levels) - 0.05 * span, max(levels) + 0.05 * span)
    axis.set_xticks(range(len(table)), table["label"], rotation=40, ha="right", fontsize=8)
    axis.set_ylabel(outcome_label)
    _compact_ticks(axis.yaxis)
    axis.grid(axis="y", alpha=0.3)
    axis.set_title("What each loop adds (knock-one-loop-out, common random numbers)", fontsize=10)
    return figure


def tornado_figure(table: pd.DataFrame, outcome_label: str) -> Figure:
    """Tornado: outcome change when each lever goes to its low / high test value."""
    from matplotlib.figure import Figure

    rows = table.iloc[::-1]
    figure = Figure(figsize=(10, 0.35 * len(rows) + 1.2), layout="constrained")
    axis = figure.subplots()
    positions = np.arange(len(rows))
    axis.barh(positions, rows["low_change"], color="#3182bd", label="lever low")
    axis.barh(positions, rows["high_change"], color="#e6550d", label="lever high")
    axis.set_yticks(positions, [lever_label(name) for name in rows["lever"]], fontsize=8)
    axis.axvline(0, color="black", linewidth=0.6)
    axis.set_xlabel(f"change in {outcome_label}")
    _compact_ticks(axis.xaxis)
    axis.set_title("One lever at a time: each lever ±25 % (common random numbers)", fontsize=10)
    axis.legend(fontsize=8)
    axis.grid(axis="x", alpha=0.3)
    return figure


def timeline_figure(scenario: Scenario, summary: Summary | None = None) -> Figure:
    """Events on a calendar line: launches as points, shocks as bars over their duration;
    with a `summary`, a last row of the weeks the median run opens FCs."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 2.8), layout="constrained")
    axis = figure.subplots()
    openings = fc_openings(summary) if summary and FC_OUTPUT in summary.outputs else None
    kinds = timeline_rows(scenario, openings is not None)
    for event, is_drawn in zip(scenario.events, labels_that_fit(scenario), strict=True):
        row = kinds.index(event.kind)
        start = calendar_years(scenario.start_date, scenario.event_week(event))
        duration = years_of(getattr(event, "duration_weeks", 0))
        if duration:
            axis.barh(row, duration, left=start, height=0.5, color="#fdae6b")
        else:
            axis.plot(start, row, "o", color="#e6550d")
        if is_drawn:  # as on the app's timeline: no label piled on another
            axis.annotate(event_label(event), (start, row + 0.3), fontsize=7)
    if openings:
        years = calendar_years(scenario.start_date, np.array([week for week, *_ in openings]))
        axis.plot(years, np.full(years.size, kinds.index(FC_OPENINGS)), "|", color="#3182bd")
    axis.set_yticks(range(len(kinds)), kinds, fontsize=8)
    # calendar years, as on the app's timeline and the other figures
    axis.set_xlim(calendar_years(scenario.start_date, np.array([0, scenario.horizon_weeks])))
    axis.set_ylim(-0.7, len(kinds) - 0.1)
    axis.grid(axis="x", alpha=0.3)
    return figure
