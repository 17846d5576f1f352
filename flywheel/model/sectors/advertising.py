"""Advertising (model.md#advertising): sponsored placement sold to sellers, a share of the
traffic they sell to (3P GMV) raised by their competition for it (the seller count)."""

from __future__ import annotations

from typing import NamedTuple

from flywheel.model import parts
from flywheel.model.layout import Lever, Stock
from flywheel.model.sectors import Array, sector


class Advertising(NamedTuple):
    """The week's advertising, USD/week."""

    advertising_revenue_usd: float  # paid by sellers for sponsored placement
    advertising_cost_usd: float  # the cost of serving it (ad tech, sales)


@sector
def advertising_week(  # type: ignore[no-untyped-def]
    s: Array,
    p: Array,
    gmv_3p: float,  # the week's 3P GMV as delivered (`fulfillment.delivered_sales`), USD/week
):
    """This week's `Advertising`: 0 while `advertising_share_of_3p_gmv` is 0 (the default)."""
    advertising_revenue_usd = parts.advertising_revenue_usd(
        gmv_3p,
        s[Stock.sellers],
        p[Lever.advertising_share_of_3p_gmv],
        p[Lever.advertising_sellers_ref],
        p[Lever.advertising_seller_elasticity],
    )
    advertising_cost_usd = p[Lever.advertising_cost_share] * advertising_revenue_usd
    return Advertising(advertising_revenue_usd, advertising_cost_usd)
