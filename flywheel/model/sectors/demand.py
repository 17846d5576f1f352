"""Demand and conversion (R2, R3, R5, B1; model.md#conversion): visits, orders per visit,
orders and GMV."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Held, Lever, Loop, Stock
from flywheel.model.parts import conversion_share
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.exogenous import Exogenous
from flywheel.model.sectors.experience import Experience
from flywheel.model.sectors.prices import Prices


class Demand(NamedTuple):
    """The week's traffic and sales."""

    visit_rate: float  # visits per customer per week (before the Prime uplift)
    visits: float  # visits/week
    conversion: float  # orders per visit
    orders: float  # orders/week
    gmv: float  # USD/week
    gmv_3p: float  # third-party GMV, USD/week
    learning_lift: float  # conversion lift from reviews and experiments (held with R5 cut)
    demand_multiplier: float  # season, shock, recession and noise on orders per visit


@sector
def demand_week(  # type: ignore[no-untyped-def]
    s: Array,
    p: Array,
    cut: Cuts,
    prices: Prices,
    experience: Experience,
    exogenous: Exogenous,
    prime_share_effect: float,
):
    """This week's `Demand`: members visit more often; selection, price, perceived speed,
    reviews and experiments (R5), seasonality, shocks and noise move orders per visit. With R5
    cut the learning lift is held (1 from week 0, else the cut's first week's)."""
    visit_rate = p[Lever.visit_rate_per_week] * s[Stock.spend_index]
    visits = (
        s[Stock.customers]
        * visit_rate
        * (1.0 + prime_share_effect * p[Lever.prime_visit_uplift_share])
    )
    learning_lift = experience.review_index * s[Stock.experiment_index]
    if cut.starts[Loop.R5]:
        cut.held[Held.learning_lift] = learning_lift
    if cut.on[Loop.R5]:
        learning_lift = cut.held[Held.learning_lift]
    demand = (
        exogenous.season
        # stacked shocks (each >= -0.9) can sum below -1: no shock takes more than all demand
        * np.maximum(1.0 + s[Stock.demand_shock_share], 0.0)
        * (1.0 - exogenous.recession)
        * exogenous.demand_noise
    )
    conversion = conversion_share(
        p[Lever.conversion_base_share],
        experience.selection_relative,
        prices.price_relative,
        experience.speed_relative,
        learning_lift,
        demand,
        p[Lever.selection_elasticity],
        p[Lever.price_elasticity],
        p[Lever.speed_elasticity],
    )
    orders = visits * conversion
    gmv = orders * p[Lever.basket_usd] * s[Stock.price_index]
    gmv_3p = gmv * prices.share_3p
    return Demand(visit_rate, visits, conversion, orders, gmv, gmv_3p, learning_lift, demand)
