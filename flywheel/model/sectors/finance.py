"""Costs, the learning curve and the financials (R3, B5; model.md#costs, model.md#financials),
and the price policy (R3; model.md#price)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model import parts
from flywheel.model.layout import Lever, Loop, Ref, Stock, Term
from flywheel.model.parts import WEEKS_PER_YEAR, price_target_index
from flywheel.model.sectors import Array, Flags, sector
from flywheel.model.sectors.demand import Demand
from flywheel.model.sectors.solvency import spending_stopped


class WeekFinancials(NamedTuple):
    """One replication's costs and financials in a week: USD per week unless named otherwise
    (fields named as the outputs they become)."""

    learning_factor: float  # unit cost multiplier from cumulative orders (1 at week 0)
    unit_cost_usd: float  # all costs per order, USD
    revenue_usd: float
    prime_fees_usd: float
    cogs_usd: float
    fulfillment_cost_usd: float
    shipping_cost_usd: float
    service_cost_usd: float
    marketing_usd: float
    technology_usd: float
    operating_income_usd: float
    operating_margin_share: float  # operating income / revenue (0 without revenue)


@sector
def finance_week(  # type: ignore[no-untyped-def]
    s: Array,
    p: Array,
    k: Array,
    ref: Array,
    cut: Flags,
    demand: Demand,
    market_trend: float,
):
    """One replication's costs and financials this week (`WeekFinancials`; loops R3, B5;
    model.md#costs, model.md#financials)."""
    orders, visits, visit_rate = demand.orders, demand.visits, demand.visit_rate
    gmv, gmv_3p = demand.gmv, demand.gmv_3p
    learning_factor = parts.learning_factor(
        s[Stock.cumulative_orders] + orders,
        ref[Ref.cumulative_orders],
        p[Lever.learning_rate_share],
    )
    orders_safe = np.maximum(orders, 1.0)
    goods_cost_per_order = k[Term.goods_cost_base_usd] * market_trend
    variable_ops = k[Term.variable_cost_usd_per_order] * learning_factor
    fc_cost = s[Stock.fulfillment_centers] * p[Lever.fc_fixed_cost_usd_per_week]
    service_cost_usd = s[Stock.agents] * p[Lever.agent_cost_usd_per_week]
    fixed = fc_cost + service_cost_usd + p[Lever.overhead_usd_per_week]
    unit_cost_usd = goods_cost_per_order + variable_ops + fixed / orders_safe
    gmv_1p = gmv - gmv_3p
    member_share_of_orders = 0.0
    if visits > 0:
        member_share_of_orders = (
            s[Stock.prime_members]
            * k[Term.prime_visit_factor]
            * visit_rate
            / np.maximum(visits, 1e-9)
        )
    member_orders = orders * member_share_of_orders
    prime_fees_usd = 0.0
    if s[Stock.is_prime_launched] != 0.0:
        prime_fees_usd = s[Stock.prime_members] * p[Lever.prime_fee_usd_per_year] / WEEKS_PER_YEAR
    revenue_usd = gmv_1p + p[Lever.seller_take_rate_share] * gmv_3p + prime_fees_usd
    cogs_usd = (
        gmv_1p / np.maximum(s[Stock.price_index], 1e-9) * p[Lever.goods_cost_share] * market_trend
    )
    fulfillment_cost_usd = (
        orders * p[Lever.fulfillment_cost_usd_per_order] * learning_factor + fc_cost
    )
    shipping_cost_usd = (
        orders * p[Lever.shipping_cost_usd_per_order] * learning_factor
        + member_orders * p[Lever.prime_shipping_cost_usd_per_order]
    )
    marketing_usd = p[Lever.marketing_share_of_revenue] * revenue_usd
    if spending_stopped(s, cut):  # insolvent: no more marketing (model.md#insolvency)
        marketing_usd = 0.0
    technology_usd = p[Lever.technology_share_of_revenue] * revenue_usd
    operating_income_usd = (
        revenue_usd
        - cogs_usd
        - fulfillment_cost_usd
        - shipping_cost_usd
        - service_cost_usd
        - marketing_usd
        - technology_usd
        - p[Lever.overhead_usd_per_week]
    )
    operating_margin_share = (
        operating_income_usd / np.maximum(revenue_usd, 1e-9) if revenue_usd > 0 else 0.0
    )
    return WeekFinancials(
        learning_factor,
        unit_cost_usd,
        revenue_usd,
        prime_fees_usd,
        cogs_usd,
        fulfillment_cost_usd,
        shipping_cost_usd,
        service_cost_usd,
        marketing_usd,
        technology_usd,
        operating_income_usd,
        operating_margin_share,
    )


class Pricing(NamedTuple):
    """The week's price policy."""

    unit_cost_ratio: float  # unit cost relative to the market, / week 0's (1 at week 0)
    price_target: float  # the price index the policy aims for
    ratio_for_price: float  # the cost ratio the price target sees (week 0's with R3 cut)


@sector
def pricing_week(  # type: ignore[no-untyped-def]
    t: int, p: Array, ref: Array, cut: Flags, money: WeekFinancials, market_trend: float
):
    """This week's `Pricing`: pass cost savings through (week 0's cost ratio with R3 cut);
    prices follow with an adjustment delay (`stocks.update_stocks`). Week 0 sets the unit-cost
    reference."""
    unit_cost_ratio = (money.unit_cost_usd / market_trend) / ref[Ref.unit_cost_usd]
    if t == 0:
        ref[Ref.unit_cost_usd] = money.unit_cost_usd / market_trend
        ref[Ref.unit_cost_ratio] = 1.0
        unit_cost_ratio = 1.0
    ratio_for_price = ref[Ref.unit_cost_ratio] if cut[Loop.R3] else unit_cost_ratio
    price_target = price_target_index(
        ratio_for_price,
        p[Lever.pass_through_share],
        p[Lever.target_operating_margin_share],
        market_trend,
    )
    return Pricing(unit_cost_ratio, price_target, ratio_for_price)
