"""The week-0 references (`ref.*` in model.md): the values a knocked-out loop's link is held
at, and the denominators of the indices that are 1 at week 0 (model.md#loop-knockouts)."""

from __future__ import annotations

import numpy as np

from flywheel.model.layout import Lever, Ref, Stock
from flywheel.model.sectors import Array, sector
from flywheel.model.sectors.prices import Prices


@sector
def week0_references(  # type: ignore[no-untyped-def]
    s: Array, p: Array, ref: Array, prices: Prices, service: float, review_effect: float
):
    """Fill the replication's `ref` column at week 0 from its starting stocks, its prices and
    selection, its service score and its review effect. `cx_relative` is a
    placeholder until the week's CX is known (`experience.experience_week`),
    `costplus_price_index` until its costs (`finance.pricing_week`), `congestion_factor` until
    its delivery days
    (`fulfillment.fulfillment_week`)."""
    customers, prime_members = s[Stock.customers], s[Stock.prime_members]
    visits0 = customers * p[Lever.visit_rate_per_week]
    orders0 = visits0 * p[Lever.conversion_base_share]
    ref[Ref.selection_level] = np.maximum(prices.selection, 1e-12)
    ref[Ref.skus] = prices.skus
    ref[Ref.gmv_usd] = orders0 * p[Lever.basket_usd]
    ref[Ref.visits] = np.maximum(visits0, 1e-9)
    ref[Ref.unit_cost_ratio] = 1.0
    ref[Ref.costplus_price_index] = 1.0
    ref[Ref.service_score] = service
    ref[Ref.review_effect] = review_effect
    ref[Ref.potential_share] = s[Stock.potential] / s[Stock.market]
    ref[Ref.delivery_days] = s[Stock.perceived_delivery_days]
    ref[Ref.prime_share] = prime_members / np.maximum(customers, 1e-9) if customers > 0 else 0.0
    ref[Ref.cumulative_orders] = s[Stock.cumulative_orders]
    # word of mouth (R1): customers as a share of the market, as imitation sees them
    ref[Ref.customer_share] = customers / s[Stock.market] if s[Stock.market] > 0 else 0.0
    ref[Ref.congestion_factor] = 1.0  # placeholder until the week's delivery days are known
    ref[Ref.cash_usd] = s[Stock.cash_usd]
    ref[Ref.cx_relative] = 1.0
