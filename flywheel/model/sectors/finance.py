"""Costs, the learning curve and the financials (R3, B5; model.md#costs, model.md#financials),
and the price policy (R3; model.md#price)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model import parts
from flywheel.model.equations import CASH_SQUEEZE_WEEKS
from flywheel.model.layout import Held, Lever, Loop, Ref, Stock, Term
from flywheel.model.parts import (
    WEEKS_PER_YEAR,
    capped_price_goal_index,
    costplus_price_index,
    price_goal_index,
    unpriced_advertising_usd,
)
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.advertising import Advertising
from flywheel.model.sectors.demand import Demand
from flywheel.model.sectors.solvency import spending_stopped


class WeekFinancials(NamedTuple):
    """One replication's costs and financials in a week: USD per week unless named otherwise
    (fields named as the outputs they become)."""

    learning_factor: float  # unit cost multiplier from cumulative orders (1 at week 0)
    unit_cost_usd: float  # all costs per order, USD
    revenue_usd: float
    prime_fees_usd: float
    advertising_revenue_usd: float  # inside revenue (model.md#advertising)
    advertising_cost_usd: float
    cogs_usd: float
    fulfillment_cost_usd: float  # variable, FC running cost and FC depreciation
    depreciation_usd: float  # FC capex charged over its life (non-cash)
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
    cut: Cuts,
    sales: Demand,  # the week's sales as delivered (`fulfillment.delivered_sales`)
    market_trend: float,
    ads: Advertising,  # the week's advertising (`advertising.advertising_week`)
):
    """One replication's costs and financials this week (`WeekFinancials`; loops R3, B5;
    model.md#costs, model.md#financials); advertising counts in revenue, its serving cost in
    the costs (model.md#advertising)."""
    orders, visits, visit_rate = sales.orders, sales.visits, sales.visit_rate
    gmv, gmv_3p = sales.gmv, sales.gmv_3p
    learning_factor = parts.learning_factor(
        s[Stock.cumulative_orders] + orders,
        ref[Ref.cumulative_orders],
        p[Lever.learning_rate_share],
    )
    orders_safe = np.maximum(orders, 1.0)
    goods_cost_per_order = k[Term.goods_cost_base_usd] * market_trend
    variable_ops = k[Term.variable_cost_usd_per_order] * learning_factor
    depreciation_usd = parts.fc_depreciation_usd(
        s[Stock.fulfillment_centers], p[Lever.fc_capex_usd], p[Lever.fc_depreciation_years]
    )
    fc_cost = s[Stock.fulfillment_centers] * p[Lever.fc_fixed_cost_usd_per_week] + depreciation_usd
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
    advertising_revenue_usd = ads.advertising_revenue_usd
    advertising_cost_usd = ads.advertising_cost_usd
    revenue_usd = (
        gmv_1p + p[Lever.seller_take_rate_share] * gmv_3p + prime_fees_usd
    ) + advertising_revenue_usd
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
    if p[Lever.marketing_floor_usd_per_week] > 0.0:  # capital-funded launch marketing
        marketing_usd = parts.funded_marketing_usd(
            marketing_usd, p[Lever.marketing_floor_usd_per_week]
        )
    if spending_stopped(s, cut):  # insolvent: no more marketing (model.md#insolvency)
        marketing_usd = 0.0
    technology_usd = p[Lever.technology_share_of_revenue] * revenue_usd
    # Prime's content: paid from the margin, not priced into goods (model.md#financials).
    prime_content_usd = parts.prime_content_cost_usd(
        s[Stock.prime_members],
        p[Lever.prime_content_usd_per_member_per_year],
        s[Stock.is_prime_launched],
    )
    operating_income_usd = (
        revenue_usd
        - cogs_usd
        - fulfillment_cost_usd
        - shipping_cost_usd
        - service_cost_usd
        - marketing_usd
        - technology_usd
        - p[Lever.overhead_usd_per_week]
        - advertising_cost_usd
        # One-off costs of `cost_shock` events: charged to income (and so cash), not priced.
        - s[Stock.cost_shock_usd_per_week]
        - prime_content_usd
    )
    operating_margin_share = (
        operating_income_usd / np.maximum(revenue_usd, 1e-9) if revenue_usd > 0 else 0.0
    )
    return WeekFinancials(
        learning_factor,
        unit_cost_usd,
        revenue_usd,
        prime_fees_usd,
        advertising_revenue_usd,
        advertising_cost_usd,
        cogs_usd,
        fulfillment_cost_usd,
        depreciation_usd,
        shipping_cost_usd,
        service_cost_usd,
        marketing_usd,
        technology_usd,
        operating_income_usd,
        operating_margin_share,
    )


class Pricing(NamedTuple):
    """The week's price policy."""

    unit_cost_ratio: float  # the target-margin price relative to the market, / week 0's
    price_target: float  # the price index the policy aims for (held price x drift with R3 cut)
    ratio_for_price: float  # the ratio the price target sees (the held price ratio with R3 cut)
    costplus_price: float  # the target-margin price index (break-even or better when squeezed)
    is_squeezed: bool  # cash plus credit below a quarter's costs
    price_goal: float  # what the price index smooths toward this week (part of the gap)


@sector
def pricing_week(  # type: ignore[no-untyped-def]
    t: int,
    s: Array,
    p: Array,
    ref: Array,
    cut: Cuts,
    money: WeekFinancials,
    market_trend: float,
):
    """This week's `Pricing` (model.md#price): the target-margin price from this week's costs
    (with R3 cut the held price, price index / competitors' drift at week 0 (1) or at the cut's
    first week, following the competitors' drift); the price closes the share
    `pass_through_share` of the gap to it within the price-adjustment time, the rest over the
    margin-adjustment time. Near the credit limit the price aims at least at break-even,
    within the price-adjustment time (model.md#insolvency). A low-price cap
    (`price_cap_relative` > 0) keeps the goal at or below that multiple of the competitors'
    drift, with R3 cut too, unless squeezed. Advertising enters the margin's base only by
    `advertising_priced_share` (1: fully, the default). Week 0 sets the reference; a capture
    holds the price ratio (R3) and the cash the planner sees (B5)."""
    goods_costs_usd = (
        money.cogs_usd
        + money.fulfillment_cost_usd
        + money.shipping_cost_usd
        + money.service_cost_usd
        + p[Lever.overhead_usd_per_week]
    )
    covered_costs_usd = goods_costs_usd + money.advertising_cost_usd
    priced_marketing_usd = money.marketing_usd
    if p[Lever.marketing_floor_usd_per_week] > 0.0:
        # the floor's spend above the share is paid from capital raised, not priced into goods
        priced_marketing_usd = np.minimum(
            money.marketing_usd, p[Lever.marketing_share_of_revenue] * money.revenue_usd
        )
    revenue_share_costs = 0.0
    if money.revenue_usd > 0:
        revenue_share_costs = (priced_marketing_usd + money.technology_usd) / money.revenue_usd
    # Advertising the price leaves out: its profit reaches income, not the price of goods.
    priced_costs_usd = goods_costs_usd + (
        money.advertising_cost_usd
        - unpriced_advertising_usd(money.advertising_cost_usd, p[Lever.advertising_priced_share])
    )
    priced_revenue_usd = money.revenue_usd - unpriced_advertising_usd(
        money.advertising_revenue_usd, p[Lever.advertising_priced_share]
    )
    if cut.starts[Loop.B5]:
        cut.held[Held.cash_usd] = s[Stock.cash_usd]
    cash_usd = cut.held[Held.cash_usd] if cut.on[Loop.B5] else s[Stock.cash_usd]  # as planned
    cash_headroom_usd = cash_usd + p[Lever.credit_limit_usd]
    is_squeezed = cash_headroom_usd < CASH_SQUEEZE_WEEKS * covered_costs_usd
    margin_for_price = p[Lever.target_operating_margin_share]
    if is_squeezed:
        margin_for_price = np.maximum(margin_for_price, 0.0)
    costplus_price = costplus_price_index(
        s[Stock.price_index],
        priced_costs_usd,
        revenue_share_costs,
        margin_for_price,
        priced_revenue_usd,
        money.prime_fees_usd,
    )
    if t == 0:
        ref[Ref.costplus_price_index] = costplus_price / market_trend
    unit_cost_ratio = (costplus_price / market_trend) / ref[Ref.costplus_price_index]
    ratio_for_price = unit_cost_ratio
    price_target = costplus_price
    if cut.starts[Loop.R3]:  # the price relative to the competitors' drift (1 at week 0)
        cut.held[Held.price_ratio] = s[Stock.price_index] / market_trend
    if cut.on[Loop.R3]:  # costs no longer reach the price: the held price x competitors' drift
        ratio_for_price = cut.held[Held.price_ratio]
        price_target = market_trend * ratio_for_price
    pass_through = p[Lever.pass_through_share]
    if is_squeezed:
        pass_through = 1.0
    price_goal = price_goal_index(
        s[Stock.price_index],
        price_target,
        pass_through,
        p[Lever.price_adjustment_time_weeks],
        p[Lever.margin_adjustment_time_weeks],
    )
    # The low-price cap is on the competitors' drift, not on a price war's temporary cut (the
    # policy does not react to those); a squeezed retailer gives it up to aim at break-even.
    if p[Lever.price_cap_relative] > 0.0 and not is_squeezed:
        price_goal = capped_price_goal_index(price_goal, p[Lever.price_cap_relative], market_trend)
    return Pricing(
        unit_cost_ratio, price_target, ratio_for_price, costplus_price, is_squeezed, price_goal
    )
