"""Loop gains (model.md#loop-gains): how strongly each loop's link scales its target flow this
week, against the link held (week 0's, or a cut's first week's)."""

from __future__ import annotations

import numpy as np

from flywheel.model.layout import Held, Lever, Loop, Out, Term
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.customers import Adoption
from flywheel.model.sectors.demand import Demand
from flywheel.model.sectors.finance import Pricing
from flywheel.model.sectors.fulfillment import Fulfillment
from flywheel.model.sectors.sellers import Sellers


@sector
def loop_gains(  # type: ignore[no-untyped-def]
    o: Array,
    p: Array,
    k: Array,
    cut: Cuts,
    adoption: Adoption,
    demand: Demand,
    fulfillment: Fulfillment,
    sellers: Sellers,
    pricing: Pricing,
    prime_share_effect: float,
    is_open: bool,
):
    """Loop strength (model.md#loop-gains) into `o`'s gain rows: log of the factor by which
    each loop's link, as the flows used it this week, scales its target flow against the link
    held (`cut.held`: week 0's, or from a cut's first week that week's; > 0 amplifies, < 0
    dampens). A cut loop's link is its held value, so its gain is 0 by construction (B5's,
    the margin, is set to 0). R2 and B4 act on sellers' sign-ups, so they are 0 while the
    marketplace is closed."""
    held = cut.held
    pass_through = p[Lever.pass_through_share]
    uplift = p[Lever.prime_visit_uplift_share]
    elasticity = p[Lever.seller_attractiveness_elasticity]
    if cut.on[Loop.R1]:  # the held pressure, in the order adoption_week computes it
        word_of_mouth_held = (
            k[Term.bass_q_per_week]
            * held[Held.cx_relative] ** p[Lever.wom_cx_exponent]
            * held[Held.customer_share]
        )
    else:  # q C/M with its CX multiplier, as held (week 0's)
        word_of_mouth_held = (
            k[Term.bass_q_per_week]
            * held[Held.customer_share]
            * held[Held.cx_relative] ** p[Lever.wom_cx_exponent]
        )
    service_for_cx = held[Held.service_score] if cut.on[Loop.B2] else o[Out.score_service]
    gains = (
        # R1: the adoption rate p + q C/M (CX) against the same with the held word of mouth
        np.log(
            np.maximum(adoption.innovation + adoption.word_of_mouth, 1e-300)
            / np.maximum(adoption.innovation + word_of_mouth_held, 1e-300)
        ),
        # R2 and B4 scale the same flow, seller attractiveness: traffic (GMV at the held
        # prices) pulls sellers in, crowding (SKUs) pushes them out; their sum is its log change.
        elasticity
        * np.log(
            np.maximum(sellers.gmv_for_sellers, 1e-12)
            / np.maximum(held[Held.gmv_usd] * o[Out.price_index], 1e-12)
        ),
        # R3: the cost part of the price target, and the network's speed (0 when it is off)
        -p[Lever.price_elasticity]
        * np.log(
            np.maximum((1.0 - pass_through) + pass_through * pricing.ratio_for_price, 1e-12)
            / np.maximum((1.0 - pass_through) + pass_through * held[Held.price_ratio], 1e-12)
        )
        + p[Lever.speed_elasticity]
        * np.log(held[Held.network_speed_factor] / fulfillment.network_factor),
        np.log1p(prime_share_effect * uplift) - np.log1p(held[Held.prime_share] * uplift),
        # R5: log(learning lift) against the held one (1 unless cut later than week 0)
        np.log(np.maximum(demand.learning_lift, 1e-12))
        - np.log(np.maximum(held[Held.learning_lift], 1e-12)),
        # R6: the acquisition budget against the held one (0 when off or before any spend);
        # a difference of logs, as a ratio overflows when the held budget is subnormal
        np.log(adoption.budget_usd) - np.log(held[Held.marketing_usd])
        if adoption.budget_usd > 0.0 and held[Held.marketing_usd] > 0.0
        else 0.0,
        p[Lever.speed_elasticity]
        * np.log(held[Held.congestion_factor] / np.maximum(fulfillment.congestion, 1e-12)),
        p[Lever.cx_weight_service]
        * np.log(np.maximum(service_for_cx / held[Held.service_score], 1e-12)),
        np.log(
            np.maximum(adoption.potential_for_bass, 1e-12)
            / np.maximum(held[Held.potential_share] * o[Out.market], 1e-12)
        ),
        -elasticity * np.log(sellers.skus_for_sellers / held[Held.skus]),
        np.log(np.maximum(1.0 + o[Out.operating_margin_share], 1e-3)),
    )
    for loop in range(len(gains)):
        gain = gains[loop]
        if not is_open and (loop == Loop.R2 or loop == Loop.B4):
            gain = 0.0  # no marketplace, no sign-ups for the link to scale
        if loop == Loop.B5 and cut.on[loop]:
            gain = 0.0  # the margin still moves; the cut takes its hold on cash away
        o[Out.gain_R1 + loop] = gain
