"""Prices and selection (R2, R3; model.md#selection): the competitors' price, the retailer's
relative price, the assortment and its selection level."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Lever, Stock, Term
from flywheel.model.parts import WEEKS_PER_YEAR, selection_level
from flywheel.model.sectors import Array, sector


class Prices(NamedTuple):
    """The week's prices (indices, 1 at week 0 without trend) and assortment."""

    market_trend: float  # competitors' long-run price drift (index)
    competitor_price: float  # competitor price index, price wars included
    price_relative: float  # own price index / competitor price index
    skus: float  # SKUs on offer, 1P plus the 3P listings kept (what selection counts)
    skus_for_sales: float  # 1P SKUs plus 3P ones weighted by their relative sales
    share_3p: float  # third-party share of GMV: of the sales-weighted SKUs
    selection: float  # unnormalised selection level in [0, 1)


@sector
def prices_week(t: int, s: Array, p: Array, k: Array):  # type: ignore[no-untyped-def]
    """This week's `Prices`. Pulled defective listings (the andon cord, `k` listings kept
    share) shrink the 3P assortment."""
    market_trend = np.exp(p[Lever.competitor_price_trend_per_year] * t / WEEKS_PER_YEAR)
    competitor_price = market_trend * (1.0 - np.minimum(s[Stock.price_war_depth_share], 0.9))
    price_relative = s[Stock.price_index] / competitor_price
    skus_3p = s[Stock.sellers] * p[Lever.skus_per_seller] * k[Term.listings_kept_share]
    skus = p[Lever.skus_1p] + skus_3p
    # A 3P listing sells `sales_per_3p_sku_relative` of a 1P one: GMV splits by sales-weighted
    # SKUs (at the default 1 the weighted SKUs are the SKUs, the share the SKU share).
    skus_3p_weighted = p[Lever.sales_per_3p_sku_relative] * skus_3p
    skus_for_sales = p[Lever.skus_1p] + skus_3p_weighted
    share_3p = skus_3p_weighted / skus_for_sales
    selection = selection_level(
        skus, p[Lever.selection_saturation_skus], p[Lever.selection_log_form_share]
    )
    return Prices(
        market_trend, competitor_price, price_relative, skus, skus_for_sales, share_3p, selection
    )
