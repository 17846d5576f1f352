"""The week-0 references (`ref.*` in model.md): the denominators of the indices that are 1 at
week 0. The values a cut loop's link is held at are `Cuts.held` (model.md#loop-knockouts)."""

from __future__ import annotations

import numpy as np

from flywheel.model.layout import Lever, Ref, Stock
from flywheel.model.sectors import Array, sector
from flywheel.model.sectors.prices import Prices


@sector
def week0_references(s: Array, p: Array, ref: Array, prices: Prices, review_effect: float):  # type: ignore[no-untyped-def]
    """Fill the replication's `ref` column at week 0 from its starting stocks, its selection
    and its review effect. `costplus_price_index` is a placeholder until its costs
    (`finance.pricing_week`)."""
    ref[Ref.selection_level] = np.maximum(prices.selection, 1e-12)
    ref[Ref.visits] = np.maximum(week0_visits(s, p), 1e-9)
    ref[Ref.costplus_price_index] = 1.0
    ref[Ref.review_effect] = review_effect
    ref[Ref.delivery_days] = s[Stock.perceived_delivery_days]
    ref[Ref.cumulative_orders] = s[Stock.cumulative_orders]
    ref[Ref.skus] = prices.skus


@sector
def week0_visits(s: Array, p: Array):  # type: ignore[no-untyped-def]
    """Visits/week at week 0: customers times the base visit rate (no Prime uplift)."""
    return s[Stock.customers] * p[Lever.visit_rate_per_week]
