"""One week of the continuous part of the model, for all replications at once (pure numpy).

`advance_week` computes every flow and output, updates the stocks (Euler, one week) and
returns the outputs and the decisions the engine turns into SimPy events (FC orders, hires,
outages). No simpy here: the engine owns the clock.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from flywheel import equations as eq
from flywheel.finance import week_financials
from flywheel.gains import loop_gains
from flywheel.parameters import LOOP_IDS
from flywheel.planning import plan_fulfillment, plan_staffing
from flywheel.state import Decisions, Exogenous, Reference, State, week0_reference, with_reference
from flywheel.terms import CX_WEIGHT_LEVERS

Array = npt.NDArray[np.float64]
# Outputs that no stock and no other output depends on, by group: computed only when recorded
# (the loop gains alone are ~40 array operations a week).
EXTRA_OUTPUTS = {
    "derived": (
        "fc_sqft",
        "nps_proxy",
        "customer_lifetime_value_usd",
        "is_marketplace_open",
        "is_prime_launched",
    ),
    "gains": tuple(f"gain_{loop}" for loop in LOOP_IDS),
}
EXTRAS = frozenset(EXTRA_OUTPUTS)


def extras_for(outputs: frozenset[str] | None) -> frozenset[str]:
    """The groups of `EXTRA_OUTPUTS` that recording `outputs` (None = all) needs."""
    if outputs is None:
        return EXTRAS
    return frozenset(g for g, names in EXTRA_OUTPUTS.items() if not outputs.isdisjoint(names))


def advance_week(
    state: State,
    p: dict[str, Array],
    k: dict[str, Array],
    ref: Reference | None,
    ex: Exogenous,
    cut: frozenset[str],
    extras: frozenset[str] = EXTRAS,
) -> tuple[dict[str, Array], Decisions, Reference]:
    """Advance all replications one week; return (outputs, decisions, reference).

    `p` holds the levers in force, `k` the lever-only terms `terms.lever_terms(p)`. Outputs
    may be the state's own arrays (no copies): a caller keeps what it needs before the state
    changes again (the engine's recorders copy them at once). `extras` names the groups of
    outputs that nothing else reads to compute (`EXTRA_OUTPUTS`); the others are left out.
    """
    s, t = state, ex.week
    market_trend = np.exp(p["competitor_price_trend_per_year"] * t / eq.WEEKS_PER_YEAR)
    competitor_price = market_trend * (1.0 - np.minimum(s.price_war_depth_share, 0.9))
    price_relative = s.price_index / competitor_price

    # Selection: pulled defective listings (andon cord) shrink the 3P assortment.
    skus_3p = s.sellers * p["skus_per_seller"] * k["listings_kept_share"]
    skus = p["skus_1p"] + skus_3p
    share_3p = skus_3p / skus
    selection = eq.selection_level(skus, p["selection_saturation_skus"])
    reviews_lift = eq.review_effect(
        s.reviews, skus, p["review_effect_max_index"], p["review_saturation_reviews_per_sku"]
    )
    service = eq.service_score(s.queue_wait_hours, p["queue_wait_reference_seconds"])
    if ref is None:
        ref = week0_reference(s, p, selection, skus, service, reviews_lift)
    selection_index = selection / ref.selection_level
    speed_index = ref.delivery_days / s.perceived_delivery_days
    review_index = reviews_lift / ref.review_effect
    scores = (
        1.0 / price_relative,
        selection_index,
        speed_index,
        service,
        k["score_reliability"],
    )
    weights = tuple(p[name] for name in CX_WEIGHT_LEVERS)
    cx = eq.customer_experience(scores, weights, k["cx_weight_total"])
    if t == 0:
        s.perceived_cx = cx.copy()
        ref = with_reference(ref, perceived_cx=cx.copy())
    cx_for_wom = ref.perceived_cx if "R1" in cut else s.perceived_cx

    # Customers: Bass adoption (exact weekly step), churn, win-back, Prime (R1, R4, B3).
    recession = np.minimum(s.recession_depth_share, 0.9)
    marketing_effect = k["marketing_effect_base"] * (1.0 - recession)
    innovation = k["bass_p_per_week"] * marketing_effect
    imitation = k["bass_q_per_week"] * (cx_for_wom / ref.perceived_cx) ** p["wom_cx_exponent"]
    potential_for_bass = s.potential
    if "B3" in cut:  # saturation held: adoption as if the untapped share stayed at week 0's
        potential_for_bass = ref.potential_share * s.market
    adoption = np.minimum(
        eq.bass_adoption(s.customers, potential_for_bass, s.market, innovation, imitation),
        s.potential,
    )  # nobody adopts who is not in the market (keeps the stocks conserved)
    prime_share = eq.where(s.customers > 0, s.prime_members / np.maximum(s.customers, 1e-9), 0.0)
    prime_share_effect = ref.prime_share if "R4" in cut else prime_share
    hazard = eq.churn_hazard(
        s.perceived_cx, ref.perceived_cx, p["churn_base_per_week"], p["churn_cx_exponent"]
    )
    member_hazard = hazard * k["member_hazard_factor"]
    member_churn = s.prime_members * eq.hazard_to_share(member_hazard)
    if "R4" in cut:
        churn = s.customers * eq.hazard_to_share(
            hazard * (1.0 - prime_share_effect * p["prime_churn_cut_share"])
        )
        # Churn uses the week-0 member share, so it can exceed what non-members alone can
        # supply; the excess leaves from the members, else members outnumber customers.
        member_churn = np.clip(member_churn, churn - (s.customers - s.prime_members), churn)
    else:
        churn = member_churn + (s.customers - s.prime_members) * eq.hazard_to_share(hazard)
    winback = s.lapsed * eq.hazard_to_share(
        p["winback_rate_per_week"] * s.perceived_cx / ref.perceived_cx
    )

    # Traffic and orders (R2, R3, R5, B1 through the perceived-delivery stock).
    # Spend index: the online share of each customer's shopping grows with e-commerce.
    visit_rate = p["visit_rate_per_week"] * s.spend_index
    visits = s.customers * visit_rate * (1.0 + prime_share_effect * p["prime_visit_uplift_share"])
    learning_lift = np.ones_like(review_index) if "R5" in cut else review_index * s.experiment_index
    demand = ex.seasonality * (1.0 + s.demand_shock_share) * (1.0 - recession) * ex.demand_noise
    conversion = eq.conversion_share(
        p["conversion_base_share"],
        selection_index,
        price_relative,
        speed_index,
        learning_lift,
        demand,
        p["selection_elasticity"],
        p["price_elasticity"],
        p["speed_elasticity"],
    )
    orders = visits * conversion
    gmv = orders * p["basket_usd"] * s.price_index
    gmv_3p = gmv * share_3p

    # Fulfillment (B1): utilisation -> delivery days; customers see it with a delay.
    open_centers = np.maximum(s.fulfillment_centers - s.fc_out_of_service, 0.0)
    capacity = open_centers * p["fc_capacity_orders_per_week"]
    utilisation = orders / np.maximum(capacity, 1e-9)
    has_capacity = capacity > 0
    if np.count_nonzero(has_capacity) < has_capacity.size:  # no centre open: overloaded
        utilisation = np.where(has_capacity, utilisation, np.where(orders > 0, 10.0, 0.0))
    days = eq.delivery_days(
        utilisation,
        p["delivery_days_base"],
        p["comfortable_utilisation_share"],
        p["delivery_congestion_scale"],
        p["delivery_congestion_exponent"],
    )
    if "B1" in cut:
        days = p["delivery_days_base"].copy()

    # Service desk (B2): contacts queue at the agents on duty.
    contacts = orders * p["contact_rate_per_order"] * k["contacts_kept_share"]
    wait, backlog_next, occupancy = eq.service_desk_week(
        contacts,
        s.service_backlog,
        s.agents,
        p["service_open_hours_per_week"],
        p["agent_productive_share"],
        p["handle_time_minutes"],
    )

    # Sellers (R2 traffic, B4 crowding) with an onboarding delay.
    gmv_for_sellers = ref.gmv_usd * s.price_index if "R2" in cut else gmv
    skus_for_sellers = ref.skus if "B4" in cut else skus
    sales_per_seller = eq.seller_sales_usd_per_week(
        gmv_for_sellers, p["skus_per_seller"], skus_for_sellers, p["seller_take_rate_share"]
    )
    attractiveness = eq.seller_attractiveness(
        sales_per_seller,
        p["sales_per_seller_ref_usd_per_week"],
        p["seller_attractiveness_elasticity"],
    )
    seller_joins = eq.where(
        s.is_marketplace_open,
        p["seller_join_rate_per_week"] * attractiveness * ex.seller_join_noise,
        0.0,
    )
    seller_exits = s.sellers * eq.hazard_to_share(
        p["seller_exit_per_week"] / np.maximum(attractiveness, 0.05)
    )
    onboarded = s.sellers_onboarding * k["onboarded_share"]

    # Costs and financials (R3, B5).
    money = week_financials(s, p, k, ref, orders, visits, visit_rate, gmv, gmv_3p, market_trend)
    unit_cost, revenue, cogs = money.unit_cost_usd, money.revenue_usd, money.cogs_usd

    # Price policy (R3): pass cost savings through, with an adjustment delay.
    unit_cost_ratio = (unit_cost / market_trend) / ref.unit_cost_usd
    if t == 0:
        ref = with_reference(
            ref, unit_cost_usd=unit_cost / market_trend, unit_cost_ratio=np.ones_like(unit_cost)
        )
        unit_cost_ratio = np.ones_like(unit_cost)
    ratio_for_price = ref.unit_cost_ratio if "R3" in cut else unit_cost_ratio
    price_target = eq.price_target_index(
        ratio_for_price, p["pass_through_share"], p["target_operating_margin_share"], market_trend
    )

    # Prime joins (R4): members value fast free shipping on their orders.
    member_orders_per_year = visit_rate * k["prime_visit_factor"] * conversion * eq.WEEKS_PER_YEAR
    prime_value = member_orders_per_year * p["prime_shipping_value_usd_per_order"] * speed_index
    join_hazard = eq.prime_join_hazard(
        prime_value,
        p["prime_fee_usd_per_year"],
        p["prime_join_rate_per_week"],
        p["prime_value_ratio_reference"],
        p["prime_value_exponent"],
    )
    prime_joins = eq.where(
        s.is_prime_launched,
        np.maximum(s.customers - s.prime_members - (churn - member_churn), 0.0)
        * eq.hazard_to_share(join_hazard),
        0.0,
    )
    prime_cancels = (s.prime_members - member_churn) * k["prime_cancel_share"]

    orders_smoothed, growth_trend, fc_orders, lead_weeks, capex = plan_fulfillment(
        s, p, k, t, orders, ex.seasonality, ex.lead_time_normals, cut
    )
    hires = plan_staffing(
        s, p, k, contacts, backlog_next, ex.seasonality_ahead / ex.seasonality, cut
    )
    outages = eq.poisson_count_from_uniform(
        ex.outage_uniform, open_centers * k["fc_outage_rate_per_week"]
    )
    outages = np.minimum(outages, open_centers)

    service_for_cx = ref.service_score if "B2" in cut else service  # B2 cut: held at week 0
    outputs = {
        "market": s.market,
        "potential": s.potential,
        "customers": s.customers,
        "lapsed": s.lapsed,
        "prime_members": s.prime_members,
        "adoption": adoption,
        "churn": churn,
        "winback": winback,
        "prime_joins": prime_joins,
        "visits": visits,
        "conversion": conversion,
        "orders": orders,
        "gmv_usd": gmv,
        "gmv_3p_usd": gmv_3p,
        "revenue_usd": revenue,
        "prime_fees_usd": money.prime_fees_usd,
        "cogs_usd": cogs,
        "fulfillment_cost_usd": money.fulfillment_cost_usd,
        "shipping_cost_usd": money.shipping_cost_usd,
        "service_cost_usd": money.service_cost_usd,
        "marketing_usd": money.marketing_usd,
        "technology_usd": money.technology_usd,
        "operating_income_usd": money.operating_income_usd,
        "operating_margin_share": money.operating_margin_share,
        "capex_usd": capex,
        "cash_usd": s.cash_usd,
        "sellers": s.sellers,
        "sellers_onboarding": s.sellers_onboarding,
        "seller_joins": seller_joins,
        "seller_exits": seller_exits,
        "seller_attractiveness": attractiveness,
        "sales_per_seller_usd": sales_per_seller,
        "skus": skus,
        "share_3p": share_3p,
        "selection_index": selection_index,
        "price_index": s.price_index,
        "price_target_index": price_target,
        "competitor_price_index": competitor_price,
        "unit_cost_usd": unit_cost,
        "learning_factor": money.learning_factor,
        "utilisation": utilisation,
        "delivery_days": days,
        "perceived_delivery_days": s.perceived_delivery_days,
        "fulfillment_centers": s.fulfillment_centers,
        "fc_under_construction": s.fc_under_construction,
        "fc_out_of_service": s.fc_out_of_service,
        "fc_orders": fc_orders,
        "contacts": contacts,
        "queue_wait_hours": wait,
        "service_backlog": backlog_next,
        "agent_occupancy": occupancy,
        "agents": s.agents,
        "cx": cx,
        "perceived_cx": s.perceived_cx,
        "score_price": scores[0],
        "score_selection": scores[1],
        "score_speed": scores[2],
        "score_service": service,
        "score_reliability": scores[4],
        "reviews": s.reviews,
        "review_index": review_index,
        "experiment_index": s.experiment_index,
        "spend_index": s.spend_index,
        "prime_value_usd_per_year": prime_value,
    }
    if "derived" in extras:  # outputs nothing else reads
        outputs["fc_sqft"] = s.fulfillment_centers * p["fc_size_sqft"]
        outputs["nps_proxy"] = eq.nps_proxy(s.perceived_cx, ref.perceived_cx)
        outputs["customer_lifetime_value_usd"] = eq.customer_lifetime_value_usd(
            revenue
            - cogs
            - money.fulfillment_cost_usd
            - money.shipping_cost_usd
            - money.service_cost_usd,
            s.customers,
            churn / np.maximum(s.customers, 1e-9),
        )
        outputs["is_marketplace_open"] = s.is_marketplace_open.astype(float)
        outputs["is_prime_launched"] = s.is_prime_launched.astype(float)
    if "gains" in extras:
        outputs.update(
            loop_gains(
                outputs,
                p,
                ref,
                cx_for_wom,
                unit_cost_ratio,
                prime_share,
                potential_for_bass,
                skus,
                s.is_marketplace_open,
                cut,
            )
        )

    # Stock updates (Euler, one week). Stocks are non-negative by construction of the flows.
    market_growth = eq.logistic_market_growth(
        s.market, p["market_ceiling_people"], k["market_growth_per_week"]
    )
    s.market = s.market + market_growth
    s.spend_index = s.spend_index + eq.logistic_increase(
        s.spend_index, p["spend_index_ceiling"], k["spend_growth_per_week"]
    )
    s.potential = s.potential + market_growth - adoption
    s.customers = s.customers + adoption + winback - churn
    s.lapsed = s.lapsed + churn - winback
    s.prime_members = np.maximum(s.prime_members + prime_joins - member_churn - prime_cancels, 0.0)
    s.sellers = s.sellers + onboarded - seller_exits
    s.sellers_onboarding = s.sellers_onboarding + seller_joins - onboarded
    s.cumulative_orders = s.cumulative_orders + orders
    s.price_index = eq.smooth_over(
        s.price_index, price_target, k["price_adjustment_time_weeks_at_least_1"]
    )
    s.agents = s.agents * (1.0 - k["agent_attrition_share"])
    s.agents_in_hiring = s.agents_in_hiring + hires
    s.service_backlog = backlog_next
    s.queue_wait_hours = wait
    cx_perceived_target = (
        cx
        if "B2" not in cut
        else eq.customer_experience(
            (scores[0], scores[1], scores[2], service_for_cx, scores[4]),
            weights,
            k["cx_weight_total"],
        )
    )
    s.perceived_cx = eq.smooth_over(
        s.perceived_cx, cx_perceived_target, k["perception_delay_weeks_at_least_1"]
    )
    s.perceived_delivery_days = eq.smooth_over(
        s.perceived_delivery_days, days, k["delivery_perception_weeks_at_least_1"]
    )
    s.reviews = s.reviews + orders * p["reviews_per_order"]
    traffic = np.minimum(np.maximum(np.sqrt(visits / np.maximum(ref.visits, 1e-9)), 0.0), 3.0)
    room = eq.where(
        k["has_experiment_room"],
        1.0 - (s.experiment_index - 1.0) / k["experiment_room_index"],
        0.0,
    )
    s.experiment_index = s.experiment_index * (
        1.0 + k["experiment_uplift_per_week"] * traffic * np.minimum(np.maximum(room, 0.0), 1.0)
    )
    s.cash_usd = s.cash_usd + money.operating_income_usd - capex
    s.fc_under_construction = s.fc_under_construction + fc_orders
    s.fc_orders_placed = s.fc_orders_placed + (fc_orders > 0)
    s.orders_smoothed = orders_smoothed
    s.orders_growth_per_week = growth_trend
    decisions = Decisions(
        fc_orders=fc_orders, fc_lead_time_weeks=lead_weeks, hires=hires, outages=outages
    )
    return outputs, decisions, ref
