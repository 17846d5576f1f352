"""Lever-only terms of the weekly step, worked out once per lever setting.

A lever changes only at a policy-change event, yet the weekly step used ~30 numpy operations a
week on levers alone (rates per year turned per week, products of levers, a few powers and
exponentials). `lever_terms` computes them once; the engine recomputes them after every policy
change. Each term is the very expression the step used inline, evaluated in the same order, so
the numbers are bit-identical to computing it every week.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from flywheel.model import equations as eq

Array = npt.NDArray[np.float64]
# The CX weights in the order of the step's scores (price, selection, speed, service, reliability).
CX_WEIGHT_LEVERS = (
    "cx_weight_price",
    "cx_weight_selection",
    "cx_weight_speed",
    "cx_weight_service",
    "cx_weight_reliability",
)
# Smoothing times, floored at one week (model.md's smooth: x + (target - x) / max(T, 1)).
SMOOTHING_LEVERS = (
    "price_adjustment_time_weeks",
    "perception_delay_weeks",
    "delivery_perception_weeks",
    "expectation_adaptation_weeks",
)


def lever_terms(p: dict[str, Array]) -> dict[str, Array]:
    """{term: (R,) array} from the lever arrays `p` (see each comment for where it is used)."""
    defect_effective = p["defect_rate_share"] * (1.0 - p["andon_cord_share"])
    noise_sigmas = {
        source: eq.lognormal_sigma(p[lever])
        for source, lever in (
            ("demand", "weekly_demand_noise_cv"),
            ("seller_join", "seller_join_noise_cv"),
            ("fc_lead_time", "fc_lead_time_cv"),
        )
    }
    q4 = p["q4_demand_multiplier"]
    return {
        # seasonality: the Q4 multiplier in October-December, the off-season one otherwise
        "season_q4": eq.seasonality_multiplier(np.int64(12), q4),
        "season_off": eq.seasonality_multiplier(np.int64(1), q4),
        # mean-one lognormal noise: sigma and drift of each source
        **{f"{source}_noise_sigma": sigma for source, sigma in noise_sigmas.items()},
        **{
            f"{source}_noise_drift": eq.lognormal_drift(sigma)
            for source, sigma in noise_sigmas.items()
        },
        # CX (all loops): the sum of the weights, and each smoothing time floored at 1 week
        "cx_weight_total": sum(p[name] for name in CX_WEIGHT_LEVERS),
        **{f"{name}_at_least_1": np.maximum(p[name], 1.0) for name in SMOOTHING_LEVERS},
        # selection and reliability (R2, B2): pulled defective listings
        "defect_effective_share": defect_effective,
        "listings_kept_share": 1.0 - p["andon_cord_share"] * p["defect_rate_share"],
        "score_reliability": eq.reliability_score(defect_effective),
        # the market's reliability score (the benchmark's; model.md#expectations)
        "market_score_reliability": eq.reliability_score(p["market_defect_rate_share"]),
        # adoption (R1): marketing effect before the recession, Bass rates per week
        "marketing_effect_base": (p["marketing_share_of_revenue"] / eq.MARKETING_SHARE_REFERENCE)
        ** p["marketing_elasticity"],
        "bass_p_per_week": eq.per_week(p["bass_p_per_year"]),
        "bass_q_per_week": eq.per_week(p["bass_q_per_year"]),
        # churn and Prime (R4)
        "member_hazard_factor": 1.0 - p["prime_churn_cut_share"],
        "prime_cancel_share": eq.hazard_to_share(p["prime_churn_per_week"]),
        "prime_visit_factor": 1.0 + p["prime_visit_uplift_share"],
        # service desk contacts (B2): the andon cord also removes defect contacts
        "contacts_kept_share": 1.0 - p["defect_share_of_contacts"] * p["andon_cord_share"],
        # sellers (R2, B4)
        "onboarded_share": np.minimum(1.0 / p["seller_onboarding_delay_weeks"], 1.0),
        # costs (R3)
        "goods_cost_base_usd": p["basket_usd"] * p["goods_cost_share"],
        "variable_cost_usd_per_order": p["fulfillment_cost_usd_per_order"]
        + p["shipping_cost_usd_per_order"],
        # stocks
        "market_growth_per_week": eq.per_week(p["market_growth_per_year"]),
        "spend_growth_per_week": eq.per_week(p["spend_growth_per_year"]),
        "agent_attrition_share": np.minimum(p["agent_attrition_per_week"], 1.0),
        "experiment_uplift_per_week": eq.per_week(p["experiment_uplift_per_year_share"])
        * p["ab_testing_intensity_share"],
        "has_experiment_room": p["experiment_effect_max_index"] > 1.0,
        "experiment_room_index": np.maximum(p["experiment_effect_max_index"] - 1.0, 1e-9),
        # FC planner (B1, B5)
        "fc_lookahead_weeks": p["fc_lead_time_weeks"] * p["fc_planning_lookahead_share"],
        "fc_orders_at_trigger_per_week": p["fc_capacity_orders_per_week"]
        * p["fc_build_trigger_utilisation_share"],
        "fc_outage_rate_per_week": eq.per_week(p["fc_outage_rate_per_year"]),
        # an outage drawn in week t is repaired duration + 1 weeks later (engine.py says why)
        "fc_outage_repair_weeks": np.maximum(1.0, np.round(p["fc_outage_duration_weeks"])) + 1.0,
    }
