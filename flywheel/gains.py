"""Loop gains: how strongly each loop's link scales its target flow this week."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from flywheel import equations as eq
from flywheel.state import Reference

Array = npt.NDArray[np.float64]


def loop_gains(
    o: dict[str, Array],
    p: dict[str, Array],
    ref: Reference,
    cx_for_wom: Array,
    unit_cost_ratio: Array,
    prime_share: Array,
    potential: Array,
    skus: Array,
    is_marketplace_open: npt.NDArray[np.bool_],
    cut: frozenset[str],
) -> dict[str, Array]:
    """Loop strength: log of the factor by which each loop's link now scales its target flow
    against the link held at week 0, i.e. what the loop's knockout would take away at today's
    state (0 when the loop is cut; > 0 amplifies, < 0 dampens). R2 and B4 act on sellers'
    sign-ups, so they are 0 while the marketplace is closed. model.md#loop-gains."""
    zero = np.zeros_like(o["orders"])
    gains = {
        "gain_R1": p["wom_cx_exponent"] * np.log(cx_for_wom / ref.perceived_cx),
        # R2 and B4 scale the same flow, seller attractiveness: traffic (GMV at week-0 prices)
        # pulls sellers in, crowding (SKUs) pushes them out; their sum is its log change.
        "gain_R2": p["seller_attractiveness_elasticity"]
        * np.log(
            np.maximum(o["gmv_usd"], 1e-12) / np.maximum(ref.gmv_usd * o["price_index"], 1e-12)
        ),
        "gain_R3": -p["price_elasticity"]
        * np.log(
            np.maximum(
                (1.0 - p["pass_through_share"]) + p["pass_through_share"] * unit_cost_ratio, 1e-12
            )
        ),
        "gain_R4": np.log1p(prime_share * p["prime_visit_uplift_share"])
        - np.log1p(ref.prime_share * p["prime_visit_uplift_share"]),
        "gain_R5": np.log(np.maximum(o["review_index"] * o["experiment_index"], 1e-12)),
        "gain_B1": p["speed_elasticity"] * np.log(np.maximum(o["score_speed"], 1e-12)),
        "gain_B2": p["cx_weight_service"]
        * np.log(np.maximum(o["score_service"] / ref.service_score, 1e-12)),
        "gain_B3": np.log(
            np.maximum(potential / o["market"], 1e-12) / np.maximum(ref.potential_share, 1e-12)
        ),
        "gain_B4": -p["seller_attractiveness_elasticity"] * np.log(skus / ref.skus),
        "gain_B5": np.log(np.maximum(1.0 + o["operating_margin_share"], 1e-3)),
    }
    for loop in ("R2", "B4"):  # no marketplace, no sign-ups for the link to scale
        gains[f"gain_{loop}"] = eq.where(is_marketplace_open, gains[f"gain_{loop}"], 0.0)
    return {name: (zero if name[5:] in cut else value) for name, value in gains.items()}
