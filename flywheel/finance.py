"""A week's costs and financials for all replications (loops R3 and B5; pure numpy).

Unit cost falls with the learning curve and with fixed costs spread over more orders (R3);
price cuts and the fixed costs of FCs and agents squeeze the operating income (B5).
model.md#costs and model.md#financials.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from flywheel import equations as eq
from flywheel.state import Reference, State

Array = npt.NDArray[np.float64]


class WeekFinancials(NamedTuple):
    """One week's costs and financials, shape (R,): USD per week unless named otherwise."""

    learning_factor: Array  # unit cost multiplier from cumulative orders (1 at week 0)
    unit_cost_usd: Array  # all costs per order, USD
    revenue_usd: Array
    prime_fees_usd: Array
    cogs_usd: Array
    fulfillment_cost_usd: Array
    shipping_cost_usd: Array
    service_cost_usd: Array
    marketing_usd: Array
    technology_usd: Array
    operating_income_usd: Array
    operating_margin_share: Array  # operating income / revenue (0 without revenue)


def week_financials(
    s: State,
    p: dict[str, Array],
    k: dict[str, Array],
    ref: Reference,
    orders: Array,
    visits: Array,
    visit_rate: Array,
    gmv: Array,
    gmv_3p: Array,
    market_trend: Array,
) -> WeekFinancials:
    """This week's costs and financials from its orders (per week), visits (per week), visit
    rate (visits per customer-week), GMV and its 3P part (USD per week) and the market's
    price trend (index, 1 at week 0). `p` the levers, `k` their lever-only terms."""
    learning = eq.learning_factor(
        s.cumulative_orders + orders, ref.cumulative_orders, p["learning_rate_share"]
    )
    orders_safe = np.maximum(orders, 1.0)
    goods_cost_per_order = k["goods_cost_base_usd"] * market_trend
    variable_ops = k["variable_cost_usd_per_order"] * learning
    fc_cost = s.fulfillment_centers * p["fc_fixed_cost_usd_per_week"]
    service_cost = s.agents * p["agent_cost_usd_per_week"]
    fixed = fc_cost + service_cost + p["overhead_usd_per_week"]
    unit_cost = goods_cost_per_order + variable_ops + fixed / orders_safe
    gmv_1p = gmv - gmv_3p
    member_orders = orders * eq.where(
        visits > 0,
        s.prime_members * k["prime_visit_factor"] * visit_rate / np.maximum(visits, 1e-9),
        0.0,
    )
    prime_fees = eq.where(
        s.is_prime_launched, s.prime_members * p["prime_fee_usd_per_year"] / eq.WEEKS_PER_YEAR, 0.0
    )
    revenue = gmv_1p + p["seller_take_rate_share"] * gmv_3p + prime_fees
    cogs = gmv_1p / np.maximum(s.price_index, 1e-9) * p["goods_cost_share"] * market_trend
    fulfillment_cost = orders * p["fulfillment_cost_usd_per_order"] * learning + fc_cost
    shipping_cost = (
        orders * p["shipping_cost_usd_per_order"] * learning
        + member_orders * p["prime_shipping_cost_usd_per_order"]
    )
    marketing = p["marketing_share_of_revenue"] * revenue
    technology = p["technology_share_of_revenue"] * revenue
    operating_income = (
        revenue
        - cogs
        - fulfillment_cost
        - shipping_cost
        - service_cost
        - marketing
        - technology
        - p["overhead_usd_per_week"]
    )
    margin = eq.where(revenue > 0, operating_income / np.maximum(revenue, 1e-9), 0.0)
    return WeekFinancials(
        learning_factor=learning,
        unit_cost_usd=unit_cost,
        revenue_usd=revenue,
        prime_fees_usd=prime_fees,
        cogs_usd=cogs,
        fulfillment_cost_usd=fulfillment_cost,
        shipping_cost_usd=shipping_cost,
        service_cost_usd=service_cost,
        marketing_usd=marketing,
        technology_usd=technology,
        operating_income_usd=operating_income,
        operating_margin_share=margin,
    )
