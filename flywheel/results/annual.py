"""Calendar-year aggregation of weekly results (net sales, income, customers ...).

How a year of an output is aggregated follows its `kind` in the output registry
(`flywheel.model.outputs`). This module works on plain arrays, so `results.weekly` imports it
and not the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from flywheel.model.outputs import yearly_how

if TYPE_CHECKING:
    import pandas as pd

# Headline columns for comparison with public figures: (name, source output, divisor); the
# source's year is aggregated as its kind says (flows summed, levels at the year's end).
HEADLINE = (
    ("net_sales_usd_million", "revenue_usd", 1e6),
    ("operating_income_usd_million", "operating_income_usd", 1e6),
    ("gmv_usd_million", "gmv_usd", 1e6),
    ("active_customers_million", "customers", 1e6),
    ("prime_members_million", "prime_members", 1e6),
    ("fc_sqft_million", "fc_sqft", 1e6),
    ("sellers_thousand", "sellers", 1e3),
)
# Money columns named as Amazon's reported lines (docs/calibration.md, "Comparing like with
# like"), USD million: (name, {weekly flow output: sign}), each flow's year summed. The model is
# a retail business, so its net sales and operating income are retail ones; Amazon's fulfillment
# line includes customer-service centres; subscription revenue is Prime fees only (no digital
# subscriptions); seller services are the take rate x 3P GMV (FBA fees are inside the take rate
# from the 2006 FBA event), the part of revenue that is neither 1P sales, Prime fees nor
# advertising; advertising is inside retail net sales, as in Amazon's retail segments.
MONEY = (
    ("retail_net_sales_usd_million", {"revenue_usd": 1.0}),
    ("retail_operating_income_usd_million", {"operating_income_usd": 1.0}),
    ("fulfillment_expense_usd_million", {"fulfillment_cost_usd": 1.0, "service_cost_usd": 1.0}),
    ("shipping_cost_usd_million", {"shipping_cost_usd": 1.0}),
    ("subscription_revenue_usd_million", {"prime_fees_usd": 1.0}),
    (
        "seller_services_revenue_usd_million",
        {
            "revenue_usd": 1.0,
            "gmv_usd": -1.0,
            "gmv_3p_usd": 1.0,
            "prime_fees_usd": -1.0,
            "advertising_revenue_usd": -1.0,
        },
    ),
    ("advertising_revenue_usd_million", {"advertising_revenue_usd": 1.0}),
)
USD_PER_MILLION = 1e6
# Everyone who was a customer at some time in the year, million: the stock at the start of the
# year's first week plus the year's adoptions and win-backs (= the stock at the year's end plus
# the year's churn). Amazon's 1999-2001 "customers served in the year" count this
# (docs/calibration.md, "Series not fitted").
SERVED = ("customers_served_million", "customers", ("adoption", "winback"))
RATIO_COLUMNS = ("share_3p_percent", "operating_margin_share")  # ratios of the year's flows


def annual_inputs() -> tuple[str, ...]:
    """The outputs `annual_frame` needs for its headline and ratio columns (whichever other
    outputs it is given, it aggregates too)."""
    sources = [source for _, source, _ in HEADLINE]
    money = [source for _, signs in MONEY for source in signs]
    served = [SERVED[1], *SERVED[2]]
    return tuple(
        dict.fromkeys([*sources, *money, *served, "gmv_3p_usd", "gmv_usd", "operating_income_usd"])
    )


def annual_column_names(outputs: tuple[str, ...]) -> tuple[str, ...]:
    """Every column of `annual_frame` besides replication, year and weeks, given `outputs`."""
    money = (name for name, _ in MONEY)
    headline = (name for name, _, _ in HEADLINE)
    return (*outputs, *headline, SERVED[0], *money, *RATIO_COLUMNS)


def annual_frame(
    series: dict[str, npt.NDArray[np.float64]],
    dates: npt.NDArray[np.datetime64],
    replication_ids: npt.NDArray[np.int64],
) -> pd.DataFrame:
    """One row per (replication, calendar year) of the (R, weeks) `series` whose weeks start on
    `dates`; a week belongs to the year of its first day.

    Flows (orders, revenue, ...) are summed over the year's weeks, rates and indices (CX,
    utilisation, ...) averaged, levels and flags (customers, sellers, cash, ...) taken at the
    year's last week: each output's `kind` decides. `customers_served_million` is the year's
    first-week customers plus its adoptions and win-backs (`SERVED`). `weeks` says how many
    simulated weeks fall in the year (a partial first or last year has fewer).
    """
    import pandas as pd

    years = dates.astype("datetime64[Y]").astype(int) + 1970
    unique_years, first = np.unique(years, return_index=True)
    last = np.append(first[1:], years.size) - 1
    rows: dict[str, np.ndarray] = {
        "replication": np.repeat(replication_ids, unique_years.size),
        "year": np.tile(unique_years, len(replication_ids)),
        "weeks": np.tile(np.diff(np.append(first, years.size)), len(replication_ids)),
    }
    for name, values in series.items():
        rows[name] = _aggregate(values, first, last, yearly_how(name)).reshape(-1)
    for column, source, divisor in HEADLINE:
        how = yearly_how(source)
        rows[column] = _aggregate(series[source], first, last, how).reshape(-1) / divisor
    served_column, stock, inflows = SERVED
    served = series[stock][:, first] + sum(
        _aggregate(series[flow], first, last, "sum") for flow in inflows
    )
    rows[served_column] = (served / 1e6).reshape(-1)
    for column, signs in MONEY:
        total = sum(
            sign * _aggregate(series[source], first, last, "sum") for source, sign in signs.items()
        )
        rows[column] = (total / USD_PER_MILLION).reshape(-1)
    # Commissions are never negative: what a difference of flows leaves before the marketplace
    # opens is rounding (a few USD-millionths of a cent), not a negative fee.
    rows["seller_services_revenue_usd_million"] = np.maximum(
        rows["seller_services_revenue_usd_million"], 0.0
    )
    gmv_3p = _aggregate(series["gmv_3p_usd"], first, last, "sum")
    gmv = _aggregate(series["gmv_usd"], first, last, "sum")
    rows["share_3p_percent"] = (100.0 * gmv_3p / np.maximum(gmv, 1e-9)).reshape(-1)
    # A ratio of flows: the year's margin is its income over its revenue. As a level it was
    # the margin of the year's last week (a December peak week), not the year's.
    income = _aggregate(series["operating_income_usd"], first, last, "sum")
    revenue = _aggregate(series["revenue_usd"], first, last, "sum")
    rows["operating_margin_share"] = np.where(
        revenue > 0, income / np.maximum(revenue, 1e-9), 0.0
    ).reshape(-1)
    return pd.DataFrame(rows)


def _aggregate(values: np.ndarray, first: np.ndarray, last: np.ndarray, how: str) -> np.ndarray:
    """(R, years) aggregate of a (R, weeks) array over each year's week range."""
    if how == "sum":
        return np.add.reduceat(values, first, axis=1)
    if how == "mean":
        counts = last - first + 1
        return np.add.reduceat(values, first, axis=1) / counts
    return values[:, last]
