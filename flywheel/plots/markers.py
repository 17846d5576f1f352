"""What the matplotlib dashboards (`flywheel plot`) draw over each panel so a scenario's story
shows: its dated events as vertical lines (shaded while they last, labelled along the top
row), and robust y limits so one spike does not flatten a panel (the axis then ends at a
high quantile of the weeks, the weeks above it are marked with a triangle at the top, and the
figure's caption names the panel and its peak).

Matplotlib only here (no Streamlit, no model runs): `dashboard.py` calls these per panel.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.plots.charts_more import event_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from flywheel.scenario.loading import Scenario

# The axis covers the weeks from this quantile of the band's bottom to this one of its top
# (of the line's, with one replication): at most ~1 week in 50 may lie outside.
ROBUST_QUANTILE = 0.98
# ... but only when that cuts more than this share off the full axis range: a panel whose
# highs are many weeks (Q4 congestion each year) keeps its whole range.
CLIP_SHARE = 0.3
MARGIN_SHARE = 0.05  # room above and below the data, as matplotlib's own margins
EVENT_COLOUR = "tab:purple"  # apart from the blue bands and the fan chart's red median
CLIP_COLOUR = "black"
SHADE_ALPHA = 0.1
LABEL_FONT_SIZE = 6
# Rotated labels closer than this share of the panel's width would overlap: the later is
# left out (its line stays). ~6-pt text on a ~400-px panel.
LABEL_GAP_SHARE = 0.035
CAPTION_WIDTH = 150  # characters a caption line holds under three panels (8-pt text)


@dataclass(frozen=True)
class EventMark:
    """One dated event as drawn: its label, first day and the day it ends (= start for a
    one-off event such as a launch)."""

    label: str
    start: np.datetime64
    end: np.datetime64

    @property
    def lasts(self) -> bool:
        """Whether the event lasts (drawn shaded from start to end)."""
        return bool(self.end > self.start)


@dataclass(frozen=True)
class Limits:
    """A panel's y limits and, when they clip the data, the data's true extreme."""

    bottom: float
    top: float
    clipped_top: float | None = None  # the highest value drawn, when above `top`
    clipped_bottom: float | None = None  # the lowest, when below `bottom`

    @property
    def is_clipped(self) -> bool:
        """Whether the axis leaves some of the data out (above or below)."""
        return self.clipped_top is not None or self.clipped_bottom is not None


def event_marks(scenario: Scenario) -> list[EventMark]:
    """The scenario's events in date order: label (as the app's timeline: its id, else its
    lever, else its kind), start and end (start + duration) as calendar days."""
    start = np.datetime64(scenario.start_date, "D")
    marks = []
    for event in scenario.events:
        week = scenario.event_week(event)
        duration = int(getattr(event, "duration_weeks", 0) or 0)
        first = start + np.timedelta64(7 * week, "D")
        marks.append(
            EventMark(event_label(event), first, first + np.timedelta64(7 * duration, "D"))
        )
    return sorted(marks, key=lambda mark: mark.start)


def labels_that_fit(
    marks: list[EventMark], first: np.datetime64, last: np.datetime64
) -> list[bool]:
    """For each mark (in date order), whether its label is drawn: a label closer than
    `LABEL_GAP_SHARE` of the span `first`..`last` to the last one drawn is left out."""
    span = max(float((last - first) / np.timedelta64(1, "D")), 1.0)
    drawn, free_from = [], -1.0
    for mark in marks:
        at = float((mark.start - first) / np.timedelta64(1, "D")) / span
        drawn.append(at >= free_from)
        if drawn[-1]:
            free_from = at + LABEL_GAP_SHARE
    return drawn


def draw_events(axis: Axes, marks: list[EventMark], labelled: list[bool] | None = None) -> None:
    """Each mark as a dashed vertical line at its start, shaded to its end if it lasts;
    with `labelled` (one flag per mark), the flagged labels along the panel's top."""
    for index, mark in enumerate(marks):
        axis.axvline(mark.start, color=EVENT_COLOUR, linestyle="--", linewidth=0.8, alpha=0.7)
        if mark.lasts:
            axis.axvspan(mark.start, mark.end, color=EVENT_COLOUR, alpha=SHADE_ALPHA, linewidth=0)
        if labelled is not None and labelled[index]:
            axis.text(
                mark.start,
                0.98,
                f" {mark.label}",
                transform=axis.get_xaxis_transform(),  # x in dates, y in the panel's height
                rotation=90,
                ha="right",
                va="top",
                fontsize=LABEL_FONT_SIZE,
                color=EVENT_COLOUR,
                clip_on=True,  # a long label stops at the panel's bottom
                in_layout=False,  # and leaves the grid's layout alone
            )


def robust_limits(
    low: npt.NDArray[np.floating[Any]], high: npt.NDArray[np.floating[Any]]
) -> Limits:
    """Y limits of a panel drawing `low`..`high` per week (the band's edges; the line twice
    for one replication): the `ROBUST_QUANTILE` range of the weeks with a margin, when it
    cuts more than `CLIP_SHARE` off the full range; else the full range."""
    low = np.asarray(low, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    finite_low, finite_high = low[np.isfinite(low)], high[np.isfinite(high)]
    if finite_low.size == 0 or finite_high.size == 0:
        return Limits(0.0, 1.0)
    full_bottom, full_top = float(finite_low.min()), float(finite_high.max())
    bottom = float(np.quantile(finite_low, 1 - ROBUST_QUANTILE))
    top = float(np.quantile(finite_high, ROBUST_QUANTILE))
    full_range = full_top - full_bottom
    is_top_cut = full_top - top > CLIP_SHARE * full_range
    is_bottom_cut = bottom - full_bottom > CLIP_SHARE * full_range
    bottom = bottom if is_bottom_cut else full_bottom
    top = top if is_top_cut else full_top
    margin = MARGIN_SHARE * ((top - bottom) or abs(top) or 1.0)
    return Limits(
        bottom - margin,
        top + margin,
        full_top if is_top_cut else None,
        full_bottom if is_bottom_cut else None,
    )


def apply_limits(
    axis: Axes,
    limits: Limits,
    dates: npt.NDArray[np.datetime64],
    line: npt.NDArray[np.floating[Any]],
) -> None:
    """Set the panel's y limits; when clipped, a triangle at the top (bottom) edge over each
    week the drawn `line` (the median) lies above (below) them."""
    axis.set_ylim(limits.bottom, limits.top)
    if limits.clipped_top is not None:
        above = line > limits.top
        edge = np.full(int(above.sum()), limits.top)
        _edge_marks(axis, dates[above], edge, "^")
    if limits.clipped_bottom is not None:
        below = line < limits.bottom
        edge = np.full(int(below.sum()), limits.bottom)
        _edge_marks(axis, dates[below], edge, "v")


def _edge_marks(
    axis: Axes, dates: npt.NDArray[np.datetime64], at: npt.NDArray[np.float64], marker: str
) -> None:
    """Triangles on a panel's edge, drawn over it (not clipped) but outside the layout: a
    marker's half sticking out must not make constrained layout shrink every panel."""
    (line,) = axis.plot(dates, at, marker, color=CLIP_COLOUR, markersize=3, clip_on=False)
    line.set_in_layout(False)


def caption(marks: list[EventMark], clipped: list[tuple[str, str, Limits]]) -> str:
    """The figure's caption: what the event lines are (each event, or how many), and each
    clipped panel (title, unit) with the extreme its axis leaves out."""
    parts = []
    if marks:
        if len(marks) <= 4:
            listed = "; ".join(_event_words(mark) for mark in marks)
            parts.append(f"Dashed purple lines: the scenario's events ({listed}).")
        else:
            parts.append(
                f"Dashed purple lines: the scenario's {len(marks)} dated events (shaded while "
                "they last; labels that would overlap are left out)."
            )
    if clipped:
        panels = "; ".join(_clipped_words(title, unit, limits) for title, unit, limits in clipped)
        parts.append(
            f"Axes clipped to {ROBUST_QUANTILE:.0%} of the weeks so that spikes do not flatten "
            f"the panel (triangles: the median beyond the axis): {panels}."
        )
    return "\n".join(line for part in parts for line in textwrap.wrap(part, CAPTION_WIDTH))


def _event_words(mark: EventMark) -> str:
    start = str(mark.start)
    return f"{mark.label} {start} to {mark.end}, shaded" if mark.lasts else f"{mark.label} {start}"


def _clipped_words(title: str, unit: str, limits: Limits) -> str:
    extremes = []
    if limits.clipped_top is not None:
        extremes.append(f"peak {limits.clipped_top:.3g}")
    if limits.clipped_bottom is not None:
        extremes.append(f"low {limits.clipped_bottom:.3g}")
    return f"{title} ({' and '.join(extremes)} {unit})"
