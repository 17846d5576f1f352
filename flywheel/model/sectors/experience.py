"""Customer experience (cross-cutting; model.md#customer-experience): the five scores, each 1
at week 0, and CX, their weighted geometric mean."""

from __future__ import annotations

from typing import NamedTuple

from flywheel.model.layout import Lever, Loop, Ref, Stock, Term
from flywheel.model.parts import customer_experience, review_effect, service_score
from flywheel.model.sectors import Array, Flags, sector
from flywheel.model.sectors.prices import Prices
from flywheel.model.sectors.references import week0_references


class Experience(NamedTuple):
    """The week's scores (indices, 1 at week 0) and CX."""

    selection_index: float  # selection / week 0's (the selection score)
    speed_index: float  # week 0's delivery days / perceived delivery days (the speed score)
    review_index: float  # review effect / week 0's
    score_price: float  # 1 / relative price
    service: float  # service score from last week's wait
    score_reliability: float  # from the effective defect rate (a lever-only term)
    cx: float  # this week's CX index
    perceived_cx: float  # the perceived-CX stock (week 0: this week's CX)
    cx_for_wom: float  # the CX word of mouth sees (week 0's with R1 cut)


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
    t: int, s: Array, p: Array, k: Array, ref: Array, cut: Flags, prices: Prices
):
    """This week's `Experience`. Week 0 fills the references (`week0_references`) first, and
    sets the perceived CX and its reference to this week's CX."""
    reviews_lift = review_effect(
        s[Stock.reviews],
        prices.skus,
        p[Lever.review_effect_max_index],
        p[Lever.review_saturation_reviews_per_sku],
    )
    service = service_score(s[Stock.queue_wait_hours], p[Lever.queue_wait_reference_seconds])
    if t == 0:
        week0_references(s, p, ref, prices, service, reviews_lift)
    selection_index = prices.selection / ref[Ref.selection_level]
    speed_index = ref[Ref.delivery_days] / s[Stock.perceived_delivery_days]
    review_index = reviews_lift / ref[Ref.review_effect]
    score_price = 1.0 / prices.price_relative
    score_reliability = k[Term.score_reliability]
    cx = weighted_cx(p, k, score_price, selection_index, speed_index, service, score_reliability)
    perceived_cx = s[Stock.perceived_cx]
    if t == 0:
        perceived_cx = cx
        ref[Ref.perceived_cx] = cx
    cx_for_wom = ref[Ref.perceived_cx] if cut[Loop.R1] else perceived_cx
    return Experience(
        selection_index,
        speed_index,
        review_index,
        score_price,
        service,
        score_reliability,
        cx,
        perceived_cx,
        cx_for_wom,
    )


@sector
def cx_target(p: Array, k: Array, ref: Array, cut: Flags, experience: Experience):  # type: ignore[no-untyped-def]
    """The CX the perceived-CX stock moves toward: this week's, or with B2 cut the CX with the
    service score held at week 0's."""
    if not cut[Loop.B2]:
        return experience.cx
    return weighted_cx(
        p,
        k,
        experience.score_price,
        experience.selection_index,
        experience.speed_index,
        ref[Ref.service_score],
        experience.score_reliability,
    )
