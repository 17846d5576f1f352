"""Scenarios against the record: Monte Carlo bands of annual columns next to the data points.

Used for docs/amazon.md (`flywheel compare-record`): each scenario runs `replications`
replications with noise on (seeded), and the 5-95 % band and median of each annual column are
drawn with the record's points.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from flywheel.calibration.data import History, metric_spec

PANELS = (
    ("net_sales_usd_million", "net_sales", "Net sales (USD million, log)", True),
    ("operating_income_usd_million", "operating_income", "Operating income (USD million)", False),
    ("share_3p_percent", "third_party_share_of_gms", "Third-party share (%)", False),
    ("active_customers_million", None, "Active customers (million)", False),
    ("prime_members_million", None, "Prime members (million)", False),
    ("fc_sqft_million", None, "Fulfillment footage (million sq ft)", False),
)
BAND = (0.05, 0.5, 0.95)


def annual_bands(scenario: Any, replications: int, seed: int) -> Any:
    """Long frame: year, column, q05, q50, q95 of the annual columns over replications."""
    import pandas as pd

    import flywheel

    annual = flywheel.simulate(scenario, replications, seed).annual()
    parts = []
    for column, *_ in PANELS:
        quantiles = annual.groupby("year")[column].quantile(list(BAND)).unstack()
        quantiles.columns = ["q05", "q50", "q95"]
        parts.append(quantiles.reset_index().assign(column=column))
    return pd.concat(parts, ignore_index=True)


def record_figure(bands: dict[str, Any], history: History, first_year: int = 1997) -> Any:
    """Figure: one panel per column, a band per scenario, the record's points in black."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(13.0, 7.5), layout="constrained")
    axes = figure.subplots(2, 3).ravel()
    colours = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")
    for axis, (column, data_metric, title, is_log) in zip(axes, PANELS, strict=True):
        for (name, frame), colour in zip(bands.items(), colours, strict=False):
            rows = frame[(frame.column == column) & (frame.year >= first_year)]
            axis.fill_between(rows.year, rows.q05, rows.q95, color=colour, alpha=0.2, linewidth=0)
            axis.plot(rows.year, rows.q50, color=colour, linewidth=1.3, label=name)
        if data_metric is not None:
            spec = metric_spec(data_metric)
            points = [o for o in history.rows.get(spec.data_metric, ()) if o.year >= first_year]
            axis.scatter(
                [o.year for o in points],
                [o.value for o in points],
                s=12,
                color="black",
                zorder=3,
                label="record",
            )
        if is_log:
            axis.set_yscale("log")
        axis.set_title(title, fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    figure.suptitle("Scenarios vs Amazon's record: median and 5-95 % Monte Carlo band", fontsize=11)
    return figure


def summary_table(bands: dict[str, Any], years: tuple[int, ...]) -> str:
    """Markdown table: median (5-95 % band) of net sales and operating income in `years`."""
    header = "| scenario | " + " | ".join(f"net sales {y} | op. income {y}" for y in years) + " |"
    lines = [header, "|---|" + "---|---|" * len(years)]
    for name, frame in bands.items():
        cells = []
        for year in years:
            for column in ("net_sales_usd_million", "operating_income_usd_million"):
                row = frame[(frame.column == column) & (frame.year == year)]
                if row.empty:
                    cells.append("-")
                    continue
                q05, q50, q95 = (float(row[c].iloc[0]) / 1e3 for c in ("q05", "q50", "q95"))
                cells.append(f"{q50:,.1f} ({q05:,.1f} to {q95:,.1f})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\nUSD billion; median (5-95 % band) over replications.\n"


def record_years(history: History, metric: str) -> np.ndarray:
    """Years with data for a metric (any confidence)."""
    return np.array(sorted({o.year for o in history.rows.get(metric_spec(metric).data_metric, ())}))
