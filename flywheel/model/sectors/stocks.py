"""The stock updates (model.md#stocks): every stock advanced one Euler week from the flows the
sectors computed. Stocks are non-negative by construction of the flows."""

from __future__ import annotations

import numpy as np

from flywheel.model.layout import Held, Lever, Loop, Ref, Stock, Term
from flywheel.model.parts import (
    expectation_target,
    logistic_market_growth,
    shipping_offer_budget_usd,
    smooth_over,
)
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.customers import Adoption, Churn
from flywheel.model.sectors.demand import Demand
from flywheel.model.sectors.experience import Experience, cx_target
from flywheel.model.sectors.finance import Pricing, WeekFinancials
from flywheel.model.sectors.fulfillment import Fulfillment
from flywheel.model.sectors.planner import Plans
from flywheel.model.sectors.prime import Prime
from flywheel.model.sectors.sellers import Sellers
from flywheel.model.sectors.service import Desk
from flywheel.model.sectors.solvency import Funding, spending_stopped


@sector
def update_stocks(  # type: ignore[no-untyped-def]
    s: Array,
    p: Array,
    k: Array,
    ref: Array,
    cut: Cuts,
    experience: Experience,
    adoption: Adoption,
    churn: Churn,
    sales: Demand,  # the week's sales as delivered (`fulfillment.delivered_sales`)
    fulfillment: Fulfillment,
    desk: Desk,
    sellers: Sellers,
    money: WeekFinancials,
    pricing: Pricing,
    prime: Prime,
    plans: Plans,
    funding: Funding,
    spend_next: float,
    is_market_from_data: bool,
    internet_users_next: float,
):
    """Advance the replication's stocks `s` one week. Each stock reads only its own
    start-of-week value.
    The market grows along its logistic, or with `is_market_from_data` moves to
    `market_share_of_internet_users` x `internet_users_next` (people, next week's value of the
    data series); `potential` takes the same growth (model.md#market)."""
    market = s[Stock.market]
    if is_market_from_data:
        market_growth = p[Lever.market_share_of_internet_users] * internet_users_next - market
    else:
        market_growth = logistic_market_growth(
            market, p[Lever.market_ceiling_people], k[Term.market_growth_per_week]
        )
    s[Stock.market] = market + market_growth
    s[Stock.spend_index] = spend_next  # exogenous.spend_index_next
    s[Stock.potential] = s[Stock.potential] + market_growth - adoption.adoption
    s[Stock.customers] = s[Stock.customers] + adoption.adoption + churn.winback - churn.churn
    s[Stock.lapsed] = s[Stock.lapsed] + churn.churn - churn.winback
    s[Stock.prime_members] = np.maximum(
        s[Stock.prime_members] + prime.prime_joins - churn.member_churn - prime.prime_cancels, 0.0
    )
    s[Stock.sellers] = s[Stock.sellers] + sellers.onboarded - sellers.seller_exits
    s[Stock.sellers_onboarding] = (
        s[Stock.sellers_onboarding] + sellers.seller_joins - sellers.onboarded
    )
    s[Stock.cumulative_orders] = s[Stock.cumulative_orders] + sales.orders
    s[Stock.price_index] = smooth_over(
        s[Stock.price_index], pricing.price_goal, k[Term.price_adjustment_time_weeks_at_least_1]
    )
    s[Stock.agents] = s[Stock.agents] * (1.0 - k[Term.agent_attrition_share])
    s[Stock.agents_in_hiring] = s[Stock.agents_in_hiring] + plans.hires
    s[Stock.service_backlog] = desk.backlog_next
    s[Stock.queue_wait_hours] = desk.queue_wait_hours
    s[Stock.perceived_cx] = smooth_over(
        experience.perceived_cx,
        cx_target(p, k, cut, experience),
        k[Term.perception_delay_weeks_at_least_1],
    )
    s[Stock.expected_cx] = smooth_over(
        experience.expected_cx,
        expectation_target(
            experience.perceived_cx, experience.market_cx, p[Lever.expectation_anchor_share]
        ),
        k[Term.expectation_adaptation_weeks_at_least_1],
    )
    s[Stock.perceived_delivery_days] = smooth_over(
        s[Stock.perceived_delivery_days],
        fulfillment.days,
        k[Term.delivery_perception_weeks_at_least_1],
    )
    s[Stock.reviews] = s[Stock.reviews] + sales.orders * p[Lever.reviews_per_order]
    update_experiments(s, k, ref, sales.visits)
    s[Stock.cash_usd] = funding.cash_next_usd  # held at minus the credit limit
    update_acquisition_budget(s, p, cut, money.marketing_usd, money.shipping_cost_usd)
    s[Stock.insolvent] = funding.insolvent
    s[Stock.fc_under_construction] = s[Stock.fc_under_construction] + plans.fc_orders
    s[Stock.fc_orders_placed] = s[Stock.fc_orders_placed] + (1.0 if plans.fc_orders > 0 else 0.0)
    s[Stock.orders_smoothed] = plans.orders_smoothed
    s[Stock.orders_growth_per_week] = plans.growth_trend
    s[Stock.fc_backlog_orders] = fulfillment.backlog_next


@sector
def update_experiments(s: Array, k: Array, ref: Array, visits: float):  # type: ignore[no-untyped-def]
    """The experiment index (R5; model.md#reviews-and-experiments): a weekly gain that grows
    with traffic and flattens toward its ceiling."""
    traffic = np.minimum(np.maximum(np.sqrt(visits / np.maximum(ref[Ref.visits], 1e-9)), 0.0), 3.0)
    room = 0.0
    if k[Term.has_experiment_room] != 0.0:
        room = 1.0 - (s[Stock.experiment_index] - 1.0) / k[Term.experiment_room_index]
    s[Stock.experiment_index] = s[Stock.experiment_index] * (
        1.0 + k[Term.experiment_uplift_per_week] * traffic * np.minimum(np.maximum(room, 0.0), 1.0)
    )


@sector
def update_acquisition_budget(  # type: ignore[no-untyped-def]
    s: Array, p: Array, cut: Cuts, marketing_usd: float, shipping_cost_usd: float
):
    """Next week's paid-acquisition budget (R6; model.md#adoption): this week's marketing
    spend (USD/week) plus, with `acquisition_shipping_offer_share` > 0, that share of the net
    shipping cost (the shipping offers, model.md#shipping-offers), or with R6 cut the budget
    held (adoption_week captures it, last week's budget; when a cut starts with no budget last
    week, as at week 0, this week's): the cut holds the offers' part too."""
    budget_usd = marketing_usd
    if p[Lever.acquisition_shipping_offer_share] > 0.0 and not spending_stopped(s, cut):
        # the offers are marketing outside the marketing line; insolvent: stopped as marketing
        budget_usd = budget_usd + shipping_offer_budget_usd(
            shipping_cost_usd,
            p[Lever.shipping_charged_share_of_cost],
            p[Lever.acquisition_shipping_offer_share],
        )
    if cut.starts[Loop.R6] and s[Stock.marketing_usd_last_week] <= 0.0:
        cut.held[Held.marketing_usd] = budget_usd
    if cut.on[Loop.R6]:
        budget_usd = cut.held[Held.marketing_usd]
    s[Stock.marketing_usd_last_week] = budget_usd
