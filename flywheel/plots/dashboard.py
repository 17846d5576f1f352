"""Matplotlib figures of Results. Takes results, returns a Figure; never runs a model.

Every panel shows the scenario's dated events (`markers.draw_events`) and has robust y
limits (`markers.robust_limits`); the caption under the panels says what the lines are and
which panels are clipped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.plots import markers
from flywheel.plots.charts import chart_panel
from flywheel.results.quantiles import quantiles_over_replications

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from flywheel.results.weekly import Results

# (output, title, divisor, unit) of each panel: titles and units from the output registry
KEY_OUTPUTS = (
    chart_panel("customers", 1e6),
    chart_panel("sellers", 1e3),
    chart_panel("skus", 1e6),
    chart_panel("orders", 1e6),
    chart_panel("revenue_usd", 1e6),
    chart_panel("operating_income_usd", 1e6),
    chart_panel("price_index"),
    chart_panel("unit_cost_usd"),
    chart_panel("perceived_cx"),
    chart_panel("delivery_days"),
    chart_panel("fulfillment_centers"),
    chart_panel("queue_wait_hours", 1 / 60),
)


def _new_figure(rows: int, columns: int) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(4.0 * columns, 2.6 * rows), layout="constrained")


def dashboard(results: Results, outputs: tuple = KEY_OUTPUTS) -> Figure:
    """A grid of the key outputs over calendar time; a median line with a 5-95 % band when
    there are several replications."""
    columns = 3
    rows = int(np.ceil(len(outputs) / columns))
    figure = _new_figure(rows, columns)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    dates = results.dates()
    story = _Story(results, columns)
    for index, (axis, (name, title, scale, unit)) in enumerate(zip(axes, outputs, strict=False)):
        values = results[name] / scale
        if values.shape[0] > 1:
            low, median, high = quantiles_over_replications(values, (0.05, 0.5, 0.95))
            axis.fill_between(dates, low, high, alpha=0.25, color="tab:blue", linewidth=0)
            axis.plot(dates, median, color="tab:blue", linewidth=1.4)
        else:
            low = median = high = values[0]
            axis.plot(dates, values[0], color="tab:blue", linewidth=1.4)
        axis.set_title(f"{title} ({unit})", fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
        story.mark(axis, index, (title, unit), low, median, high)
    for axis in axes[len(outputs) :]:
        axis.set_visible(False)
    figure.suptitle(
        f"{results.scenario.name}: {len(results.replication_ids)} replication(s), "
        f"seed {results.seed}",
        fontsize=11,
    )
    story.write_caption(figure)
    return figure


def fan_chart(results: Results, outputs: tuple = KEY_OUTPUTS[:6]) -> Figure:
    """Monte Carlo fan chart: 5-95 % and 25-75 % bands and the median of each output."""
    columns = 3
    rows = int(np.ceil(len(outputs) / columns))
    figure = _new_figure(rows, columns)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    dates = results.dates()
    story = _Story(results, columns)
    for index, (axis, (name, title, scale, unit)) in enumerate(zip(axes, outputs, strict=False)):
        q05, q25, q50, q75, q95 = quantiles_over_replications(
            results[name] / scale, (0.05, 0.25, 0.5, 0.75, 0.95)
        )
        axis.fill_between(
            dates, q05, q95, alpha=0.2, color="tab:orange", linewidth=0, label="5-95 %"
        )
        axis.fill_between(
            dates, q25, q75, alpha=0.35, color="tab:orange", linewidth=0, label="25-75 %"
        )
        axis.plot(dates, q50, color="tab:red", linewidth=1.2, label="median")
        axis.set_title(f"{title} ({unit})", fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
        story.mark(axis, index, (title, unit), q05, q50, q95)
    axes[0].legend(fontsize=7, loc="lower right")  # the top left holds event labels
    figure.suptitle(
        f"{results.scenario.name}: Monte Carlo, {len(results.replication_ids)} replications",
        fontsize=11,
    )
    story.write_caption(figure)
    return figure


class _Story:
    """The events and clipped axes of one figure: drawn panel by panel, then captioned."""

    def __init__(self, results: Results, columns: int) -> None:
        dates = results.dates()
        self.marks = markers.event_marks(results.scenario)
        self.labelled = markers.labels_that_fit(self.marks, dates[0], dates[-1])
        self.columns = columns
        self.dates = dates
        self.clipped: list[tuple[str, str, markers.Limits]] = []

    def mark(
        self, axis: Axes, index: int, title_unit: tuple[str, str], low: Any, line: Any, high: Any
    ) -> None:
        """Events on panel `index` (labels on the top row), and its robust limits."""
        is_top_row = index < self.columns
        markers.draw_events(axis, self.marks, self.labelled if is_top_row else None)
        limits = markers.robust_limits(low, high)
        markers.apply_limits(axis, limits, self.dates, np.asarray(line))
        if limits.is_clipped:
            self.clipped.append((*title_unit, limits))

    def write_caption(self, figure: Figure) -> None:
        """The caption under the panels (nothing when there are no events and no clipping)."""
        text = markers.caption(self.marks, self.clipped)
        if text:
            figure.supxlabel(text, fontsize=8)
