"""The week's outputs: every flow and auxiliary the sectors computed, into the replication's
output column (rows `layout.Out`)."""

from __future__ import annotations

import numpy as np

from flywheel.model.layout import STOCK_OUTPUTS, Lever, Out, Stock
from flywheel.model.parts import customer_lifetime_value_usd, nps_proxy
from flywheel.model.sectors import Array, sector
from flywheel.model.sectors.customers import Adoption, Churn
from flywheel.model.sectors.demand import Demand
from flywheel.model.sectors.experience import Experience
from flywheel.model.sectors.finance import Pricing, WeekFinancials
from flywheel.model.sectors.fulfillment import Fulfillment
from flywheel.model.sectors.planner import Plans
from flywheel.model.sectors.prices import Prices
from flywheel.model.sectors.prime import Prime
from flywheel.model.sectors.sellers import Sellers
from flywheel.model.sectors.service import Desk
from flywheel.model.sectors.solvency import Funding

FINANCIAL_OUTPUTS = tuple(int(Out[name]) for name in WeekFinancials._fields)  # output rows


@sector
def record_outputs(  # type: ignore[no-untyped-def]
    o: Array,
    s: Array,
    prices: Prices,
    experience: Experience,
    adoption: Adoption,
    churn: Churn,
    demand: Demand,
    sales: Demand,
    fulfillment: Fulfillment,
    desk: Desk,
    sellers: Sellers,
    money: WeekFinancials,
    pricing: Pricing,
    prime: Prime,
    plans: Plans,
    funding: Funding,
):
    """Write the week's outputs (all but the derived ones and the gains):
    `orders` as placed (`demand`), GMV as delivered (`sales`)."""
    for out_row, stock_row in STOCK_OUTPUTS:  # outputs that are a stock at the week's start
        o[out_row] = s[stock_row]
    o[Out.adoption] = adoption.adoption
    o[Out.word_of_mouth_per_week] = adoption.word_of_mouth
    o[Out.churn] = churn.churn
    o[Out.winback] = churn.winback
    o[Out.prime_joins] = prime.prime_joins
    o[Out.visits] = demand.visits
    o[Out.conversion] = demand.conversion
    o[Out.orders] = demand.orders
    o[Out.orders_delivered] = sales.orders
    o[Out.orders_unfilled] = fulfillment.cancelled
    o[Out.gmv_usd] = sales.gmv
    o[Out.gmv_3p_usd] = sales.gmv_3p
    for field, out_row in enumerate(FINANCIAL_OUTPUTS):  # WeekFinancials' fields
        o[out_row] = money[field]
    o[Out.capex_usd] = plans.capex
    o[Out.insolvent] = funding.insolvent
    o[Out.unfunded_loss_usd] = funding.unfunded_loss_usd
    o[Out.seller_joins] = sellers.seller_joins
    o[Out.seller_exits] = sellers.seller_exits
    o[Out.seller_attractiveness] = sellers.attractiveness
    o[Out.sales_per_seller_usd] = sellers.sales_per_seller
    o[Out.skus] = prices.skus
    o[Out.share_3p] = prices.share_3p
    o[Out.selection_index] = experience.selection_index
    o[Out.price_target_index] = pricing.price_target
    o[Out.competitor_price_index] = prices.competitor_price
    o[Out.fc_capacity_orders] = fulfillment.capacity
    o[Out.fc_orders_shipped] = fulfillment.shipped
    o[Out.utilisation] = fulfillment.utilisation
    o[Out.delivery_days] = fulfillment.days
    o[Out.fc_orders] = plans.fc_orders
    o[Out.contacts] = desk.contacts
    o[Out.service_backlog] = desk.backlog_next
    o[Out.agent_occupancy] = desk.occupancy
    o[Out.queue_wait_hours] = desk.queue_wait_hours
    o[Out.cx] = experience.cx
    o[Out.perceived_cx] = experience.perceived_cx
    o[Out.expected_cx] = experience.expected_cx
    o[Out.market_cx] = experience.market_cx
    o[Out.score_price] = experience.score_price
    o[Out.score_selection] = experience.selection_index
    o[Out.score_speed] = experience.speed_index
    o[Out.score_service] = experience.service
    o[Out.score_reliability] = experience.score_reliability
    o[Out.review_index] = experience.review_index
    o[Out.prime_value_usd_per_year] = prime.prime_value


@sector
def record_derived(  # type: ignore[no-untyped-def]
    o: Array,
    s: Array,
    p: Array,
    ref: Array,
    experience: Experience,
    churn: Churn,
    money: WeekFinancials,
):
    """Write the derived outputs, which nothing else reads (computed only when recorded)."""
    customers = s[Stock.customers]
    o[Out.fc_sqft] = s[Stock.fulfillment_centers] * p[Lever.fc_size_sqft]
    o[Out.nps_proxy] = nps_proxy(experience.perceived_cx, experience.expected_cx)
    o[Out.customer_lifetime_value_usd] = customer_lifetime_value_usd(
        money.revenue_usd
        - money.cogs_usd
        - money.fulfillment_cost_usd
        - money.shipping_cost_usd
        - money.service_cost_usd,
        customers,
        churn.churn / np.maximum(customers, 1e-9),
    )
    o[Out.is_marketplace_open] = 1.0 if s[Stock.is_marketplace_open] != 0.0 else 0.0
    o[Out.is_prime_launched] = 1.0 if s[Stock.is_prime_launched] != 0.0 else 0.0
