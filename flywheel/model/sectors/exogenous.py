"""Exogenous drivers of the week: seasonality, weekly noise and recession depth (`ex.*` in
model.md's notation), and the spend index's next value (a logistic trend or the online share
of retail from data, model.md#spend)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Lever, Stock, Term
from flywheel.model.parts import logistic_increase, lognormal_from_sigma
from flywheel.model.sectors import Array, sector


class Exogenous(NamedTuple):
    """The week's drivers from outside the loops (multipliers and shares)."""

    season: float  # demand seasonality this week (multiplier, mean 1 over a year)
    season_ahead: float  # the busiest month's seasonality in the staffing look-ahead
    demand_noise: float  # mean-one lognormal factor on orders per visit
    seller_join_noise: float  # mean-one lognormal factor on seller sign-ups
    recession: float  # depth of a recession in force (share, at most 0.9)


@sector
def exogenous_week(  # type: ignore[no-untyped-def]
    is_q4: bool,
    is_q4_ahead: bool,
    s: Array,
    p: Array,
    k: Array,
    demand_normal: float,
    seller_join_normal: float,
):
    """This week's `Exogenous` drivers from the calendar flags and the week's standard normal
    draws (model.md#randomness)."""
    season = k[Term.season_q4] if is_q4 else k[Term.season_off]
    season_ahead = k[Term.season_q4] if is_q4_ahead else season
    demand_noise = 1.0
    if p[Lever.weekly_demand_noise_cv] != 0.0:
        demand_noise = lognormal_from_sigma(
            demand_normal, k[Term.demand_noise_sigma], k[Term.demand_noise_drift]
        )
    seller_join_noise = 1.0
    if p[Lever.seller_join_noise_cv] != 0.0:
        seller_join_noise = lognormal_from_sigma(
            seller_join_normal, k[Term.seller_join_noise_sigma], k[Term.seller_join_noise_drift]
        )
    recession = np.minimum(s[Stock.recession_depth_share], 0.9)
    return Exogenous(season, season_ahead, demand_noise, seller_join_noise, recession)


@sector
def spend_index_next(  # type: ignore[no-untyped-def]
    s: Array, p: Array, k: Array, is_spend_from_data: bool, online_share_ratio_next: float
):
    """Next week's spend index (index, 1 at week 0; model.md#spend): the online share of
    retail relative to week 0's (`online_share_ratio_next`, from data) to the power
    `online_share_elasticity`, or else the logistic trend of the `spend_*` levers."""
    if is_spend_from_data:
        spend_next = online_share_ratio_next ** p[Lever.online_share_elasticity]
    else:
        spend_next = s[Stock.spend_index] + logistic_increase(
            s[Stock.spend_index], p[Lever.spend_index_ceiling], k[Term.spend_growth_per_week]
        )
    return spend_next
