"""Figures of experiment results: fan chart, tornado, index over time, attribution waterfall.

Each function takes frames or result objects and returns a matplotlib Figure (never shown,
never saved: the caller decides). matplotlib is imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from flywheel.model.outputs import output

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from flywheel.experiments.montecarlo import MonteCarlo

FAN_OUTPUTS = (
    "customers",
    "sellers",
    "orders",
    "revenue_usd",
    "operating_income_usd",
    "price_index",
)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def fan_chart(mc: MonteCarlo, outputs: tuple[str, ...] = FAN_OUTPUTS) -> Figure:
    """Monte Carlo fan chart from streamed quantiles: 5-95 % and 25-75 % bands, median, mean."""
    names = [name for name in outputs if name in mc.quantile_values]
    if not names:
        raise ValueError(f"none of {outputs} has quantiles in this Monte Carlo")
    columns = min(3, len(names))
    rows = -(-len(names) // columns)
    figure = _figure(4.0 * columns, 2.6 * rows)
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False).ravel())
    start = np.datetime64(mc.scenario.start_date, "D")
    dates = start + 7 * np.arange(mc.scenario.horizon_weeks).astype("timedelta64[D]")
    levels = list(mc.quantile_levels)
    for axis, name in zip(axes, names, strict=False):
        table = mc.quantile_values[name]

        def row(q: float, table: np.ndarray = table) -> np.ndarray:
            return table[levels.index(q)]

        if {0.05, 0.95} <= set(levels):
            axis.fill_between(
                dates,
                row(0.05),
                row(0.95),
                alpha=0.2,
                color="tab:orange",
                linewidth=0,
                label="5-95 %",
            )
        if {0.25, 0.75} <= set(levels):
            axis.fill_between(
                dates,
                row(0.25),
                row(0.75),
                alpha=0.35,
                color="tab:orange",
                linewidth=0,
                label="25-75 %",
            )
        if 0.5 in levels:
            axis.plot(dates, row(0.5), color="tab:red", linewidth=1.2, label="median")
        axis.plot(dates, mc.means[name], color="black", linewidth=0.8, linestyle="--", label="mean")
        axis.set_title(f"{output(name).label} ({output(name).unit})", fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
    for axis in axes[len(names) :]:
        axis.set_visible(False)
    axes[0].legend(fontsize=7, loc="upper left")
    figure.suptitle(
        f"{mc.scenario.name}: Monte Carlo, {mc.replications} replications, seed {mc.seed}",
        fontsize=11,
    )
    return figure


def tornado(indices: pd.DataFrame, target: str | None = None) -> Figure:
    """Horizontal bars of ST and S1 (Sobol) or mu_star (Morris) per lever, with confidence
    intervals, largest on top, for one target (default the first)."""
    target = target or str(indices["target"].iloc[0])
    rows = indices[indices["target"] == target]
    sobol = "ST" in rows
    key = "ST" if sobol else "mu_star"
    rows = rows.sort_values(key)
    figure = _figure(7.0, 0.35 * len(rows) + 1.6)
    axis = figure.subplots()
    y = np.arange(len(rows))
    if sobol:
        axis.barh(
            y + 0.2,
            rows["ST"],
            0.4,
            xerr=rows["ST_conf"],
            label="total (ST)",
            color="tab:blue",
            capsize=2,
        )
        axis.barh(
            y - 0.2,
            rows["S1"],
            0.4,
            xerr=rows["S1_conf"],
            label="first order (S1)",
            color="tab:orange",
            capsize=2,
        )
        axis.set_xlabel("Sobol index (bars: 95 % confidence)")
    else:
        axis.barh(
            y,
            rows["mu_star"],
            0.6,
            xerr=rows["mu_star_conf"],
            color="tab:blue",
            capsize=2,
            label="mu*",
        )
        axis.set_xlabel("Morris mu* (bars: 95 % confidence)")
    axis.set_yticks(y, rows["lever"], fontsize=8)
    axis.legend(fontsize=8)
    axis.grid(alpha=0.3, axis="x")
    axis.set_title(f"Sensitivity of {target}", fontsize=10)
    return figure


def index_over_time(indices: pd.DataFrame, top: int = 6) -> Figure:
    """ST (or mu_star) per model year for the `top` levers, with confidence bands."""
    yearly = indices[indices["year"].notna()]
    key, conf = ("ST", "ST_conf") if "ST" in yearly else ("mu_star", "mu_star_conf")
    ranking = yearly.groupby("lever")[key].mean().sort_values(ascending=False)
    figure = _figure(7.5, 4.0)
    axis = figure.subplots()
    for lever in ranking.index[:top]:
        rows = yearly[yearly["lever"] == lever].sort_values("year")
        axis.plot(rows["year"], rows[key], marker="o", markersize=3, label=lever)
        axis.fill_between(rows["year"], rows[key] - rows[conf], rows[key] + rows[conf], alpha=0.15)
    axis.set_xlabel("model year")
    axis.set_ylabel(f"{key} (band: 95 % confidence)")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7)
    axis.set_title(f"{key} over time", fontsize=10)
    return figure


def waterfall(table: pd.DataFrame, scale: float = 1.0, unit: str = "") -> Figure:
    """Attribution waterfall: each loop's knockout effect, then the interaction, ending at the
    total effect (all loops on minus all cut); error bars span the 5-95 % band."""
    parts = table[table["component"] != "total"]
    total = float(table.loc[table["component"] == "total", "mean"].iloc[0]) / scale
    figure = _figure(8.0, 4.2)
    axis = figure.subplots()
    level = 0.0
    for x, (_, row) in enumerate(parts.iterrows()):
        value = row["mean"] / scale
        color = "tab:green" if value >= 0 else "tab:red"
        if row["component"] == "interaction":
            color = "tab:gray"
        axis.bar(x, value, bottom=level, color=color, width=0.7)
        axis.errorbar(
            x,
            level + value,
            yerr=[[(row["mean"] - row["q05"]) / scale], [(row["q95"] - row["mean"]) / scale]],
            color="black",
            capsize=2,
            linewidth=0.8,
        )
        level += value
    axis.bar(len(parts), total, color="tab:blue", width=0.7)
    axis.set_xticks(range(len(parts) + 1), [*parts["component"], "total"], fontsize=8)
    axis.axhline(0, color="black", linewidth=0.6)
    axis.set_ylabel(unit)
    axis.grid(alpha=0.3, axis="y")
    axis.set_title(
        f"Loop attribution of {table.attrs.get('outcome', 'the outcome')} "
        f"({table.attrs.get('replications', '?')} replications)",
        fontsize=10,
    )
    return figure
