"""Calendar-year aggregation of weekly results (net sales, income, customers ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from flywheel.results.weekly import FLOW_OUTPUTS, RATE_OUTPUTS

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.results.weekly import Results

# Headline columns for comparison with public figures: (name, source output, how, divisor).
HEADLINE = (
    ("net_sales_usd_million", "revenue_usd", "sum", 1e6),
    ("operating_income_usd_million", "operating_income_usd", "sum", 1e6),
    ("gmv_usd_million", "gmv_usd", "sum", 1e6),
    ("active_customers_million", "customers", "last", 1e6),
    ("prime_members_million", "prime_members", "last", 1e6),
    ("fc_sqft_million", "fc_sqft", "last", 1e6),
    ("sellers_thousand", "sellers", "last", 1e3),
)


def annual_frame(results: Results) -> pd.DataFrame:
    """One row per (replication, calendar year); a week belongs to the year of its first day.

    Flows (orders, revenue, ...) are summed over the year's weeks, rates (CX, utilisation, ...)
    averaged, levels (customers, sellers, cash, ...) taken at the year's last week. `weeks`
    says how many simulated weeks fall in the year (a partial first or last year has fewer).
    """
    import pandas as pd

    years = results.dates().astype("datetime64[Y]").astype(int) + 1970
    unique_years, first = np.unique(years, return_index=True)
    last = np.append(first[1:], years.size) - 1
    rows: dict[str, np.ndarray] = {
        "replication": np.repeat(results.replication_ids, unique_years.size),
        "year": np.tile(unique_years, len(results.replication_ids)),
        "weeks": np.tile(np.diff(np.append(first, years.size)), len(results.replication_ids)),
    }
    for name, values in results.series.items():
        rows[name] = _aggregate(values, first, last, _how(name)).reshape(-1)
    for column, source, how, divisor in HEADLINE:
        rows[column] = _aggregate(results.series[source], first, last, how).reshape(-1) / divisor
    gmv_3p = _aggregate(results.series["gmv_3p_usd"], first, last, "sum")
    gmv = _aggregate(results.series["gmv_usd"], first, last, "sum")
    rows["share_3p_percent"] = (100.0 * gmv_3p / np.maximum(gmv, 1e-9)).reshape(-1)
    # A ratio of flows: the year's margin is its income over its revenue. As a level it was
    # the margin of the year's last week (a December peak week), not the year's.
    income = _aggregate(results.series["operating_income_usd"], first, last, "sum")
    revenue = _aggregate(results.series["revenue_usd"], first, last, "sum")
    rows["operating_margin_share"] = np.where(
        revenue > 0, income / np.maximum(revenue, 1e-9), 0.0
    ).reshape(-1)
    return pd.DataFrame(rows)


def _how(name: str) -> str:
    if name in FLOW_OUTPUTS:
        return "sum"
    if name in RATE_OUTPUTS or name.startswith("gain_"):
        return "mean"
    return "last"


def _aggregate(values: np.ndarray, first: np.ndarray, last: np.ndarray, how: str) -> np.ndarray:
    """(R, years) aggregate of a (R, weeks) array over each year's week range."""
    if how == "sum":
        return np.add.reduceat(values, first, axis=1)
    if how == "mean":
        counts = last - first + 1
        return np.add.reduceat(values, first, axis=1) / counts
    return values[:, last]
