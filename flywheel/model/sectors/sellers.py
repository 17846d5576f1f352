"""Sellers (R2 traffic, B4 crowding; model.md#sellers): attractiveness, sign-ups with an
onboarding delay, exits."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Held, Lever, Loop, Stock, Term
from flywheel.model.parts import (
    hazard_to_share,
    seller_attractiveness,
    seller_sales_usd_per_week,
)
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.references import week0_visits


class Sellers(NamedTuple):
    """The week's seller flows."""

    sales_per_seller: float  # net 3P sales one seller can expect, USD/seller/week
    attractiveness: float  # of selling here (1 at the reference sales)
    seller_joins: float  # sign-ups, sellers/week (0 while the marketplace is closed)
    seller_exits: float  # sellers/week
    onboarded: float  # sign-ups going live, sellers/week
    gmv_for_sellers: float  # the traffic sellers see, USD/week (held, at today's prices, R2 cut)
    skus_for_sellers: float  # the sales-weighted SKUs they share it with (held with B4 cut)


@sector
def sellers_week(  # type: ignore[no-untyped-def]
    t: int,
    s: Array,
    p: Array,
    k: Array,
    cut: Cuts,
    gmv: float,  # the week's GMV as delivered (`fulfillment.delivered_sales`), USD/week
    demand_multiplier: float,  # the week's season, shock, recession and noise (`Demand`)
    skus_for_sales: float,  # 1P SKUs plus sales-weighted 3P ones (`Prices.skus_for_sales`)
    seller_join_noise: float,
):
    """This week's `Sellers`: traffic (GMV; held, at today's prices, with R2 cut) pulls
    sellers in, crowding (SKUs; held with B4 cut) pushes them out. R2's capture holds the GMV
    at the price index 1 without season, shocks, recession and noise: at week 0 the base
    conversion's (no history yet), later the week's delivered GMV."""
    if cut.starts[Loop.R2]:
        if t == 0:
            cut.held[Held.gmv_usd] = (
                week0_visits(s, p) * p[Lever.conversion_base_share] * p[Lever.basket_usd]
            )
        else:
            cut.held[Held.gmv_usd] = gmv / np.maximum(
                s[Stock.price_index] * demand_multiplier, 1e-12
            )
    gmv_for_sellers = cut.held[Held.gmv_usd] * s[Stock.price_index] if cut.on[Loop.R2] else gmv
    if cut.starts[Loop.B4]:
        cut.held[Held.skus] = skus_for_sales
    skus_for_sellers = cut.held[Held.skus] if cut.on[Loop.B4] else skus_for_sales
    # One seller's SKUs in 1P-equivalents: its share of the GMV is of the sales-weighted SKUs.
    skus_per_seller_for_sales = p[Lever.sales_per_3p_sku_relative] * p[Lever.skus_per_seller]
    sales_per_seller = seller_sales_usd_per_week(
        gmv_for_sellers,
        skus_per_seller_for_sales,
        skus_for_sellers,
        p[Lever.seller_take_rate_share],
    )
    attractiveness = seller_attractiveness(
        sales_per_seller,
        p[Lever.sales_per_seller_ref_usd_per_week],
        p[Lever.seller_attractiveness_elasticity],
    )
    seller_joins = 0.0
    if s[Stock.is_marketplace_open] != 0.0:
        seller_joins = p[Lever.seller_join_rate_per_week] * attractiveness * seller_join_noise
    seller_exits = s[Stock.sellers] * hazard_to_share(
        p[Lever.seller_exit_per_week] / np.maximum(attractiveness, 0.05)
    )
    onboarded = s[Stock.sellers_onboarding] * k[Term.onboarded_share]
    return Sellers(
        sales_per_seller,
        attractiveness,
        seller_joins,
        seller_exits,
        onboarded,
        gmv_for_sellers,
        skus_for_sellers,
    )
