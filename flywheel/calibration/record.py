"""Scenarios against the record: Monte Carlo bands of annual columns next to the data points.

Used for docs/amazon.md (`flywheel compare-record`): each scenario runs `replications`
replications with noise on (seeded), and the 5-95 % band and median of each annual column are
drawn with the record's points (fitted series) or the public figures (unfitted ones).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from flywheel.calibration.data import METRICS, CalibrationError, History, metric_spec
from flywheel.calibration.reference import (
    SCOPE_COLUMNS,
    UNFITTED_METRICS,
    draw_public_figures,
    reference_points,
)

# (annual column, data metric or None for an unfitted series, title, log scale?)
Panel = tuple[str, str | None, str, bool]
PANELS: tuple[Panel, ...] = (
    ("net_sales_usd_million", "net_sales", "Net sales (USD million, log)", True),
    ("operating_income_usd_million", "operating_income", "Operating income (USD million)", False),
    ("share_3p_percent", "third_party_share_of_gms", "Third-party share (%)", False),
    ("active_customers_million", None, "Active customers (million)", False),
    ("prime_members_million", None, "Prime members (million)", False),
    ("fc_sqft_million", None, "Fulfillment footage (million sq ft)", False),
)
UNFITTED_COLUMNS = tuple(
    dict.fromkeys(
        [*(column for column, _unit in UNFITTED_METRICS.values()), *SCOPE_COLUMNS.values()]
    )
)
SUMMARY_COLUMNS = ("net_sales_usd_million", "operating_income_usd_million")  # `summary_table`
BAND = (0.05, 0.5, 0.95)


def panels_for(names: list[str]) -> tuple[Panel, ...]:
    """Panels for the series `names` (annual column or data metric of a fittable series, or an
    unfitted column); PANELS when empty. CalibrationError naming what is allowed otherwise."""
    if not names:
        return PANELS
    panels = []
    for name in dict.fromkeys(names):
        if name in UNFITTED_COLUMNS:
            panels.append((name, None, name, False))
            continue
        try:
            spec = metric_spec(name)
        except CalibrationError:
            known = [m.column for m in METRICS] + list(UNFITTED_COLUMNS)
            raise CalibrationError(
                f"--series {name!r}: not a record series (allowed: {', '.join(known)})"
            ) from None
        is_log = spec.transform == "log"
        panels.append((spec.column, spec.data_metric, spec.column, is_log))
    return tuple(panels)


def annual_bands(
    scenario: Any,
    replications: int,
    seed: int,
    panels: tuple[Panel, ...] = PANELS,
    lever_draws: dict[str, Any] | None = None,
) -> Any:
    """Long frame: year, column, q05, q50, q95 of the panels' annual columns (and of every
    unfitted column and the summary table's) over replications. `lever_draws` (lever name ->
    one value per replication, e.g. posterior draws) gives each replication its own parameter
    set, so the bands carry parameter uncertainty besides the noise."""
    import pandas as pd

    import flywheel

    annual = flywheel.simulate(
        scenario, replications, seed, lever_overrides=lever_draws or None
    ).annual()
    parts = []
    columns = [p[0] for p in panels] + list(UNFITTED_COLUMNS) + list(SUMMARY_COLUMNS)
    for column in dict.fromkeys(columns):
        quantiles = annual.groupby("year")[column].quantile(list(BAND)).unstack()
        quantiles.columns = ["q05", "q50", "q95"]
        parts.append(quantiles.reset_index().assign(column=column))
    return pd.concat(parts, ignore_index=True)


def record_figure(
    bands: dict[str, Any],
    history: History,
    first_year: int = 1997,
    panels: tuple[Panel, ...] = PANELS,
) -> Any:
    """Figure: one panel per column, a band per scenario, the record's points in black (the
    public figures of an unfitted column as red diamonds)."""
    from matplotlib.figure import Figure

    rows = int(np.ceil(len(panels) / 3))
    figure = Figure(figsize=(13.0, 3.75 * rows), layout="constrained")
    axes = figure.subplots(rows, 3, squeeze=False).ravel()
    colours = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")
    for axis in axes[len(panels) :]:
        axis.set_visible(False)
    for axis, (column, data_metric, title, is_log) in zip(axes, panels, strict=False):
        for (name, frame), colour in zip(bands.items(), colours, strict=False):
            band = frame[(frame.column == column) & (frame.year >= first_year)]
            axis.fill_between(band.year, band.q05, band.q95, color=colour, alpha=0.2, linewidth=0)
            axis.plot(band.year, band.q50, color=colour, linewidth=1.3, label=name)
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
        else:
            draw_public_figures(axis, reference_points(), column)
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
            for column in SUMMARY_COLUMNS:
                row = frame[(frame.column == column) & (frame.year == year)]
                if row.empty:
                    cells.append("-")
                    continue
                q05, q50, q95 = (float(row[c].iloc[0]) / 1e3 for c in ("q05", "q50", "q95"))
                cells.append(f"{q50:,.1f} ({q05:,.1f} to {q95:,.1f})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\nUSD billion; median (5-95 % band) over replications.\n"


def median_frame(frame: Any) -> Any:
    """One scenario's bands as a frame with a year column and each column's median (q50), the
    shape `reference.reference_comparison` reads."""
    wide = frame.pivot(index="year", columns="column", values="q50")
    return wide.reset_index()


def record_years(history: History, metric: str) -> np.ndarray:
    """Years with data for a metric (any confidence)."""
    return np.array(sorted({o.year for o in history.rows.get(metric_spec(metric).data_metric, ())}))


@functools.cache
def bundled_record() -> History:
    """The bundled history with its like-with-like series (`comparable.load_record`), read
    once, as `reference.reference_points` reads the public figures once."""
    from flywheel.calibration.comparable import load_record
    from flywheel.calibration.data import BUNDLED_HISTORY

    return load_record(BUNDLED_HISTORY)


def record_points(column: str) -> Any:
    """The public figures an annual column is compared with: a frame of year, value, source and
    kind ("record": a row of the bundled history, like with like; "public figure": a cited
    unfitted count). Empty (same columns) when the record has nothing for `column`."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for spec in METRICS:
        if spec.column == column:
            for o in bundled_record().rows.get(spec.data_metric, ()):
                rows.append(
                    {"year": o.year, "value": o.value, "source": o.source, "kind": "record"}
                )
    rows += [
        {"year": p.year, "value": p.value, "source": p.source, "kind": "public figure"}
        for p in reference_points()
        if p.column == column
    ]
    return pd.DataFrame(rows, columns=["year", "value", "source", "kind"])
