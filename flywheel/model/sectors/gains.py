"""Loop gains (model.md#loop-gains): how strongly each loop's link scales its target flow this
week, against the link held at week 0."""

from __future__ import annotations

import numpy as np

from flywheel.model.layout import Lever, Loop, Out, Ref
from flywheel.model.sectors import Array, Flags, sector


@sector
def loop_gains(  # type: ignore[no-untyped-def]
    o: Array,
    p: Array,
    ref: Array,
    cut: Flags,
    cx_for_wom: float,
    unit_cost_ratio: float,
    prime_share: float,
    potential: float,
    skus: float,
    is_open: bool,
):
    """Loop strength (model.md#loop-gains) into `o`'s gain rows: log of the factor by which
    each loop's link now scales its target flow against the link held at week 0 (0 when the
    loop is cut; > 0 amplifies, < 0 dampens). R2 and B4 act on sellers' sign-ups, so they are
    0 while the marketplace is closed."""
    pass_through = p[Lever.pass_through_share]
    uplift = p[Lever.prime_visit_uplift_share]
    elasticity = p[Lever.seller_attractiveness_elasticity]
    gains = (
        p[Lever.wom_cx_exponent] * np.log(cx_for_wom / ref[Ref.perceived_cx]),
        # R2 and B4 scale the same flow, seller attractiveness: traffic (GMV at week-0 prices)
        # pulls sellers in, crowding (SKUs) pushes them out; their sum is its log change.
        elasticity
        * np.log(
            np.maximum(o[Out.gmv_usd], 1e-12)
            / np.maximum(ref[Ref.gmv_usd] * o[Out.price_index], 1e-12)
        ),
        -p[Lever.price_elasticity]
        * np.log(np.maximum((1.0 - pass_through) + pass_through * unit_cost_ratio, 1e-12)),
        np.log1p(prime_share * uplift) - np.log1p(ref[Ref.prime_share] * uplift),
        np.log(np.maximum(o[Out.review_index] * o[Out.experiment_index], 1e-12)),
        p[Lever.speed_elasticity] * np.log(np.maximum(o[Out.score_speed], 1e-12)),
        p[Lever.cx_weight_service]
        * np.log(np.maximum(o[Out.score_service] / ref[Ref.service_score], 1e-12)),
        np.log(
            np.maximum(potential / o[Out.market], 1e-12)
            / np.maximum(ref[Ref.potential_share], 1e-12)
        ),
        -elasticity * np.log(skus / ref[Ref.skus]),
        np.log(np.maximum(1.0 + o[Out.operating_margin_share], 1e-3)),
    )
    for loop in range(len(gains)):
        gain = gains[loop]
        if not is_open and (loop == Loop.R2 or loop == Loop.B4):
            gain = 0.0  # no marketplace, no sign-ups for the link to scale
        o[Out.gain_R1 + loop] = 0.0 if cut[loop] else gain
