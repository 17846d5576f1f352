"""Matplotlib figures of Results. Takes results, returns a Figure; never runs a model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flywheel.results.weekly import Results

KEY_OUTPUTS = (
    ("customers", "Active customers", 1e6, "million"),
    ("sellers", "Third-party sellers", 1e3, "thousand"),
    ("skus", "Selection (SKUs)", 1e6, "million"),
    ("orders", "Orders per week", 1e6, "million"),
    ("revenue_usd", "Revenue per week", 1e6, "USD million"),
    ("operating_income_usd", "Operating income per week", 1e6, "USD million"),
    ("price_index", "Price index", 1.0, "1 = week 0"),
    ("unit_cost_usd", "Unit cost per order", 1.0, "USD"),
    ("perceived_cx", "Perceived customer experience", 1.0, "index"),
    ("delivery_days", "Delivery time", 1.0, "days"),
    ("fulfillment_centers", "Fulfillment centres", 1.0, "open"),
    ("queue_wait_hours", "Service queue wait", 1.0 / 60.0, "minutes"),
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
    for axis, (name, title, scale, unit) in zip(axes, outputs, strict=False):
        values = results[name] / scale
        if values.shape[0] > 1:
            low, median, high = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
            axis.fill_between(dates, low, high, alpha=0.25, color="tab:blue", linewidth=0)
            axis.plot(dates, median, color="tab:blue", linewidth=1.4)
        else:
            axis.plot(dates, values[0], color="tab:blue", linewidth=1.4)
        axis.set_title(f"{title} ({unit})", fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
    for axis in axes[len(outputs) :]:
        axis.set_visible(False)
    figure.suptitle(
        f"{results.scenario.name}: {len(results.replication_ids)} replication(s), "
        f"seed {results.seed}",
        fontsize=11,
    )
    return figure


def fan_chart(results: Results, outputs: tuple = KEY_OUTPUTS[:6]) -> Figure:
    """Monte Carlo fan chart: 5-95 % and 25-75 % bands and the median of each output."""
    columns = 3
    rows = int(np.ceil(len(outputs) / columns))
    figure = _new_figure(rows, columns)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    dates = results.dates()
    for axis, (name, title, scale, unit) in zip(axes, outputs, strict=False):
        q05, q25, q50, q75, q95 = np.quantile(
            results[name] / scale, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0
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
    axes[0].legend(fontsize=7, loc="upper left")
    figure.suptitle(
        f"{results.scenario.name}: Monte Carlo, {len(results.replication_ids)} replications",
        fontsize=11,
    )
    return figure
