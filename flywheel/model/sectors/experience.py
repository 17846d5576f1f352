"""Customer experience (cross-cutting; model.md#customer-experience): the five scores, CX (their
weighted geometric mean), the market benchmark's CX and the CX customers expect
(model.md#expectations), which every CX-driven flow compares perceived CX with."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Held, Lever, Loop, Ref, Stock, Term
from flywheel.model.parts import (
    WEEKS_PER_YEAR,
    customer_experience,
    expectation_target,
    review_effect,
    reviewed_skus,
    service_score,
)
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.prices import Prices
from flywheel.model.sectors.references import week0_references


class Experience(NamedTuple):
    """The week's scores (indices, 1 at week 0 but service and reliability), CX, the market
    benchmark and the expected CX."""

    selection_index: float  # selection / week 0's (the selection score)
    speed_index: float  # week 0's delivery days / perceived delivery days (the speed score)
    review_index: float  # review effect / week 0's
    score_price: float  # 1 / relative price
    service: float  # service score from last week's wait (at most 1, the market's)
    score_reliability: float  # from the effective defect rate (a lever-only term)
    cx: float  # this week's CX index
    perceived_cx: float  # the perceived-CX stock (week 0: this week's CX)
    selection_relative: float  # selection score / the market's (conversion sees it)
    speed_relative: float  # market delivery days / perceived delivery days
    market_cx: float  # the market benchmark's CX on the same scale
    expected_cx: float  # the expected-CX stock (week 0: its target)
    cx_relative: float  # perceived CX / expected CX (what CX-driven flows see)
    cx_relative_for_wom: float  # the relative CX word of mouth sees (held with R1 cut)


@sector
def weighted_cx(  # type: ignore[no-untyped-def]
    p: Array,
    k: Array,
    price: float,
    selection: float,
    speed: float,
    service: float,
    reliability: float,
):
    """One replication's CX index from its five scores, weighted by its CX weight levers
    (`p`) and their sum (`k`, a lever-only term)."""
    return customer_experience(
        price,
        selection,
        speed,
        service,
        reliability,
        p[Lever.cx_weight_price],
        p[Lever.cx_weight_selection],
        p[Lever.cx_weight_speed],
        p[Lever.cx_weight_service],
        p[Lever.cx_weight_reliability],
        k[Term.cx_weight_total],
    )


@sector
def experience_week(  # type: ignore[no-untyped-def]
    t: int, s: Array, p: Array, k: Array, ref: Array, cut: Cuts, prices: Prices
):
    """This week's `Experience`. Week 0 fills the references (`week0_references`) first, sets
    the perceived CX to this week's CX and the expected CX to its target (as if the retailer
    had been trading at this CX for long). A capture (`cut.starts`) holds the relative CX
    word of mouth sees (R1) and the service score perceived CX sees (B2)."""
    reviews_lift = review_effect(
        s[Stock.reviews],
        reviewed_skus(prices.skus, prices.skus_for_sales, p[Lever.review_sales_weighting_share]),
        p[Lever.review_effect_max_index],
        p[Lever.review_saturation_reviews_per_sku],
    )
    service = service_score(s[Stock.queue_wait_hours], p[Lever.queue_wait_reference_seconds])
    if t == 0:
        week0_references(s, p, ref, prices, reviews_lift)
    if cut.starts[Loop.B2]:
        cut.held[Held.service_score] = service
    selection_index = prices.selection / ref[Ref.selection_level]
    speed_index = ref[Ref.delivery_days] / s[Stock.perceived_delivery_days]
    review_index = reviews_lift / ref[Ref.review_effect]
    score_price = 1.0 / prices.price_relative
    score_reliability = k[Term.score_reliability]
    cx = weighted_cx(p, k, score_price, selection_index, speed_index, service, score_reliability)
    years = t / WEEKS_PER_YEAR
    market_selection = p[Lever.market_selection_index] * np.exp(
        p[Lever.market_selection_growth_per_year] * years
    )
    market_days = p[Lever.market_delivery_days] * np.exp(
        p[Lever.market_delivery_trend_per_year] * years
    )
    market_speed = ref[Ref.delivery_days] / market_days
    # The market's price score is 1 (its price is the competitors'), its service score 1 (its
    # wait is the reference wait).
    market_cx = weighted_cx(
        p, k, 1.0, market_selection, market_speed, 1.0, k[Term.market_score_reliability]
    )
    perceived_cx = s[Stock.perceived_cx]
    expected_cx = s[Stock.expected_cx]
    if t == 0:
        perceived_cx = cx
        expected_cx = expectation_target(cx, market_cx, p[Lever.expectation_anchor_share])
    cx_relative = perceived_cx / expected_cx
    if cut.starts[Loop.R1]:
        cut.held[Held.cx_relative] = cx_relative
    cx_relative_for_wom = cut.held[Held.cx_relative] if cut.on[Loop.R1] else cx_relative
    return Experience(
        selection_index,
        speed_index,
        review_index,
        score_price,
        service,
        score_reliability,
        cx,
        perceived_cx,
        selection_index / market_selection,
        speed_index / market_speed,
        market_cx,
        expected_cx,
        cx_relative,
        cx_relative_for_wom,
    )


@sector
def cx_target(p: Array, k: Array, cut: Cuts, experience: Experience):  # type: ignore[no-untyped-def]
    """The CX the perceived-CX stock moves toward: this week's, or with B2 cut the CX with the
    service score held (week 0's, or the cut's first week's)."""
    if not cut.on[Loop.B2]:
        return experience.cx
    return weighted_cx(
        p,
        k,
        experience.score_price,
        experience.selection_index,
        experience.speed_index,
        cut.held[Held.service_score],
        experience.score_reliability,
    )
