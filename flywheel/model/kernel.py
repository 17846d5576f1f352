"""The weekly step compiled with numba: one call advances every replication one week.

Why compiled: a lockstep week written as numpy array operations was ~550 numpy calls, each
costing ~0.4 µs however few replications there are, so a 100-replication batch spent three
quarters of its time on that fixed cost (bench/RESULTS.md). Here the week is one call that
loops over the replications in machine code; the arithmetic is that of `equations.py`, in
the same order (`kernel_parts`), and the numbers agree with the numpy step to ~1e-9.

The Erlang C wait stays in numpy (it needs scipy's incomplete gamma function): `week_kernel`
leaves its inputs in `scratch` and the caller finishes the service desk with
`equations.erlang_c_wait_hours` (`step.LockstepWeek`). Blocks are (rows, replications), rows
named in `kernel_layout`.

Numba caches the machine code on disk: the first compile takes ~6 s, a new process's first
call from the cache 0.45–0.75 s. `kernel_cache.guard_cache` drops a cached kernel built from
other equations, parts or row layouts (numba itself only watches this file).
"""

from __future__ import annotations

import hashlib
import inspect

import numba
import numpy as np

from flywheel.model import equations as eq
from flywheel.model import layout as kernel_layout
from flywheel.model import parts as kernel_parts
from flywheel.model.kernel_cache import guard_cache
from flywheel.model.layout import (
    DECISIONS,
    OUTPUTS,
    REFERENCES,
    SCRATCH,
    STOCK_OUTPUTS,
    STOCKS,
    TERMS,
    Decision,
    Lever,
    Loop,
    Out,
    Ref,
    Scratch,
    Stock,
    Term,
)
from flywheel.model.parts import (
    WEEKS_PER_YEAR,
    WeekFinancials,
    bass_adoption,
    churn_hazard,
    conversion_share,
    customer_lifetime_value_usd,
    delivery_days,
    hazard_to_share,
    logistic_increase,
    logistic_market_growth,
    lognormal_from_sigma,
    loop_gains,
    nps_proxy,
    plan_fulfillment,
    plan_staffing,
    poisson_count_from_uniform,
    price_target_index,
    prime_join_hazard,
    review_effect,
    selection_level,
    seller_attractiveness,
    seller_sales_usd_per_week,
    service_desk_flows,
    service_score,
    smooth_over,
    week_financials,
    weighted_cx,
)

JIT_OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}
FINANCIAL_OUTPUTS = tuple(int(Out[name]) for name in WeekFinancials._fields)  # output rows


@numba.njit(**JIT_OPTIONS)
def week_kernel(  # type: ignore[no-untyped-def]
    week,
    is_q4,
    is_q4_ahead,
    cut,
    want_derived,
    want_gains,
    stocks,
    levers,
    terms,
    reference,
    demand_normals,
    seller_join_normals,
    outage_uniforms,
    lead_time_normals,
    outputs,
    decisions,
    scratch,
):
    """Advance every replication one week: outputs, decisions and the Erlang C inputs are
    written into `outputs`, `decisions` and `scratch`, the stocks updated in place (all but
    `queue_wait_hours`, which the caller sets with the wait). Week 0 fills `reference`.

    `cut` holds one flag per loop (`Loop`); the weekly noise arrays are (weeks, R)
    (`lead_time_normals` (R, draws)); `is_q4` / `is_q4_ahead` say whether this week's month /
    the busiest month of the staffing look-ahead is in October-December.
    """
    for r in range(stocks.shape[1]):
        _replication_week(
            r,
            week,
            is_q4,
            is_q4_ahead,
            cut,
            want_derived,
            want_gains,
            stocks[:, r],
            levers[:, r],
            terms[:, r],
            reference[:, r],
            demand_normals[week, r],
            seller_join_normals[week, r],
            outage_uniforms[week, r],
            lead_time_normals[r],
            outputs[:, r],
            decisions[:, r],
            scratch[:, r],
        )


@numba.njit(error_model="numpy")
def _replication_week(  # type: ignore[no-untyped-def]
    r,
    t,
    is_q4,
    is_q4_ahead,
    cut,
    want_derived,
    want_gains,
    s,
    p,
    k,
    ref,
    demand_normal,
    seller_join_normal,
    outage_uniform,
    lead_normals,
    o,
    d,
    w,
):
    """One replication's week (`week_kernel`); `s, p, k, ref, o, d, w` are its columns."""
    cut_r1, cut_r2, cut_r3, cut_r4, cut_r5 = (
        cut[Loop.R1],
        cut[Loop.R2],
        cut[Loop.R3],
        cut[Loop.R4],
        cut[Loop.R5],
    )
    cut_b1, cut_b2, cut_b3, cut_b4, cut_b5 = (
        cut[Loop.B1],
        cut[Loop.B2],
        cut[Loop.B3],
        cut[Loop.B4],
        cut[Loop.B5],
    )
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

    market, potential, customers = s[Stock.market], s[Stock.potential], s[Stock.customers]
    lapsed, prime_members = s[Stock.lapsed], s[Stock.prime_members]
    sellers, price_index = s[Stock.sellers], s[Stock.price_index]
    perceived_cx, perceived_days = s[Stock.perceived_cx], s[Stock.perceived_delivery_days]
    is_marketplace_open = s[Stock.is_marketplace_open] != 0.0
    is_prime_launched = s[Stock.is_prime_launched] != 0.0

    market_trend = np.exp(p[Lever.competitor_price_trend_per_year] * t / WEEKS_PER_YEAR)
    competitor_price = market_trend * (1.0 - np.minimum(s[Stock.price_war_depth_share], 0.9))
    price_relative = price_index / competitor_price

    # Selection: pulled defective listings (andon cord) shrink the 3P assortment.
    skus_3p = sellers * p[Lever.skus_per_seller] * k[Term.listings_kept_share]
    skus = p[Lever.skus_1p] + skus_3p
    share_3p = skus_3p / skus
    selection = selection_level(skus, p[Lever.selection_saturation_skus])
    reviews_lift = review_effect(
        s[Stock.reviews],
        skus,
        p[Lever.review_effect_max_index],
        p[Lever.review_saturation_reviews_per_sku],
    )
    service = service_score(s[Stock.queue_wait_hours], p[Lever.queue_wait_reference_seconds])
    if t == 0:
        visits0 = customers * p[Lever.visit_rate_per_week]
        orders0 = visits0 * p[Lever.conversion_base_share]
        ref[Ref.perceived_cx] = 1.0
        ref[Ref.selection_level] = np.maximum(selection, 1e-12)
        ref[Ref.skus] = skus
        ref[Ref.gmv_usd] = orders0 * p[Lever.basket_usd]
        ref[Ref.visits] = np.maximum(visits0, 1e-9)
        ref[Ref.unit_cost_ratio] = 1.0
        ref[Ref.unit_cost_usd] = 1.0
        ref[Ref.service_score] = service
        ref[Ref.review_effect] = reviews_lift
        ref[Ref.potential_share] = potential / market
        ref[Ref.delivery_days] = perceived_days
        ref[Ref.prime_share] = prime_members / np.maximum(customers, 1e-9) if customers > 0 else 0.0
        ref[Ref.cumulative_orders] = s[Stock.cumulative_orders]
    selection_index = selection / ref[Ref.selection_level]
    speed_index = ref[Ref.delivery_days] / perceived_days
    review_index = reviews_lift / ref[Ref.review_effect]
    score_price = 1.0 / price_relative
    score_reliability = k[Term.score_reliability]
    cx = weighted_cx(p, k, score_price, selection_index, speed_index, service, score_reliability)
    if t == 0:
        perceived_cx = cx
        ref[Ref.perceived_cx] = cx
    cx_for_wom = ref[Ref.perceived_cx] if cut_r1 else perceived_cx

    # Customers: Bass adoption (exact weekly step), churn, win-back, Prime (R1, R4, B3).
    recession = np.minimum(s[Stock.recession_depth_share], 0.9)
    marketing_effect = k[Term.marketing_effect_base] * (1.0 - recession)
    innovation = k[Term.bass_p_per_week] * marketing_effect
    imitation = (
        k[Term.bass_q_per_week] * (cx_for_wom / ref[Ref.perceived_cx]) ** p[Lever.wom_cx_exponent]
    )
    potential_for_bass = potential
    if cut_b3:  # saturation held: adoption as if the untapped share stayed at week 0's
        potential_for_bass = ref[Ref.potential_share] * market
    adoption = np.minimum(
        bass_adoption(customers, potential_for_bass, market, innovation, imitation), potential
    )  # nobody adopts who is not in the market (keeps the stocks conserved)
    prime_share = prime_members / np.maximum(customers, 1e-9) if customers > 0 else 0.0
    prime_share_effect = ref[Ref.prime_share] if cut_r4 else prime_share
    hazard = churn_hazard(
        perceived_cx,
        ref[Ref.perceived_cx],
        p[Lever.churn_base_per_week],
        p[Lever.churn_cx_exponent],
    )
    member_hazard = hazard * k[Term.member_hazard_factor]
    member_churn = prime_members * hazard_to_share(member_hazard)
    if cut_r4:
        churn = customers * hazard_to_share(
            hazard * (1.0 - prime_share_effect * p[Lever.prime_churn_cut_share])
        )
        # Churn uses the week-0 member share, so it can exceed what non-members alone can
        # supply; the excess leaves from the members, else members outnumber customers.
        member_churn = np.minimum(
            np.maximum(member_churn, churn - (customers - prime_members)), churn
        )
    else:
        churn = member_churn + (customers - prime_members) * hazard_to_share(hazard)
    winback = lapsed * hazard_to_share(
        p[Lever.winback_rate_per_week] * perceived_cx / ref[Ref.perceived_cx]
    )

    # Traffic and orders (R2, R3, R5, B1 through the perceived-delivery stock).
    visit_rate = p[Lever.visit_rate_per_week] * s[Stock.spend_index]
    visits = customers * visit_rate * (1.0 + prime_share_effect * p[Lever.prime_visit_uplift_share])
    learning_lift = 1.0 if cut_r5 else review_index * s[Stock.experiment_index]
    demand = season * (1.0 + s[Stock.demand_shock_share]) * (1.0 - recession) * demand_noise
    conversion = conversion_share(
        p[Lever.conversion_base_share],
        selection_index,
        price_relative,
        speed_index,
        learning_lift,
        demand,
        p[Lever.selection_elasticity],
        p[Lever.price_elasticity],
        p[Lever.speed_elasticity],
    )
    orders = visits * conversion
    gmv = orders * p[Lever.basket_usd] * price_index
    gmv_3p = gmv * share_3p

    # Fulfillment (B1): utilisation -> delivery days; customers see it with a delay.
    open_centers = np.maximum(s[Stock.fulfillment_centers] - s[Stock.fc_out_of_service], 0.0)
    capacity = open_centers * p[Lever.fc_capacity_orders_per_week]
    if capacity > 0:
        utilisation = orders / np.maximum(capacity, 1e-9)
    else:  # no centre open: overloaded
        utilisation = 10.0 if orders > 0 else 0.0
    days = delivery_days(
        utilisation,
        p[Lever.delivery_days_base],
        p[Lever.comfortable_utilisation_share],
        p[Lever.delivery_congestion_scale],
        p[Lever.delivery_congestion_exponent],
    )
    if cut_b1:
        days = p[Lever.delivery_days_base]

    # Service desk (B2): contacts queue at the agents on duty (the Erlang C wait: the caller).
    contacts = orders * p[Lever.contact_rate_per_order] * k[Term.contacts_kept_share]
    backlog_next, occupancy, backlog_wait, arrivals_per_hour, servers, service_per_hour = (
        service_desk_flows(
            contacts,
            s[Stock.service_backlog],
            s[Stock.agents],
            p[Lever.service_open_hours_per_week],
            p[Lever.agent_productive_share],
            p[Lever.handle_time_minutes],
        )
    )
    w[Scratch.arrivals_per_hour] = arrivals_per_hour
    w[Scratch.servers] = servers
    w[Scratch.service_per_hour] = service_per_hour
    w[Scratch.backlog_wait_hours] = backlog_wait

    # Sellers (R2 traffic, B4 crowding) with an onboarding delay.
    gmv_for_sellers = ref[Ref.gmv_usd] * price_index if cut_r2 else gmv
    skus_for_sellers = ref[Ref.skus] if cut_b4 else skus
    sales_per_seller = seller_sales_usd_per_week(
        gmv_for_sellers,
        p[Lever.skus_per_seller],
        skus_for_sellers,
        p[Lever.seller_take_rate_share],
    )
    attractiveness = seller_attractiveness(
        sales_per_seller,
        p[Lever.sales_per_seller_ref_usd_per_week],
        p[Lever.seller_attractiveness_elasticity],
    )
    seller_joins = 0.0
    if is_marketplace_open:
        seller_joins = p[Lever.seller_join_rate_per_week] * attractiveness * seller_join_noise
    seller_exits = sellers * hazard_to_share(
        p[Lever.seller_exit_per_week] / np.maximum(attractiveness, 0.05)
    )
    onboarded = s[Stock.sellers_onboarding] * k[Term.onboarded_share]

    # Costs and financials (R3, B5).
    money = week_financials(s, p, k, ref, orders, visits, visit_rate, gmv, gmv_3p, market_trend)

    # Price policy (R3): pass cost savings through, with an adjustment delay.
    unit_cost_ratio = (money.unit_cost_usd / market_trend) / ref[Ref.unit_cost_usd]
    if t == 0:
        ref[Ref.unit_cost_usd] = money.unit_cost_usd / market_trend
        ref[Ref.unit_cost_ratio] = 1.0
        unit_cost_ratio = 1.0
    ratio_for_price = ref[Ref.unit_cost_ratio] if cut_r3 else unit_cost_ratio
    price_target = price_target_index(
        ratio_for_price,
        p[Lever.pass_through_share],
        p[Lever.target_operating_margin_share],
        market_trend,
    )

    # Prime joins (R4): members value fast free shipping on their orders.
    member_orders_per_year = visit_rate * k[Term.prime_visit_factor] * conversion * WEEKS_PER_YEAR
    prime_value = member_orders_per_year * p[Lever.prime_shipping_value_usd_per_order] * speed_index
    join_hazard = prime_join_hazard(
        prime_value,
        p[Lever.prime_fee_usd_per_year],
        p[Lever.prime_join_rate_per_week],
        p[Lever.prime_value_ratio_reference],
        p[Lever.prime_value_exponent],
    )
    prime_joins = 0.0
    if is_prime_launched:
        prime_joins = np.maximum(
            customers - prime_members - (churn - member_churn), 0.0
        ) * hazard_to_share(join_hazard)
    prime_cancels = (prime_members - member_churn) * k[Term.prime_cancel_share]

    orders_smoothed, growth_trend, fc_orders, lead_weeks, capex = plan_fulfillment(
        s, p, k, t, orders, season, lead_normals, cut_b5
    )
    hires = plan_staffing(s, p, k, contacts, backlog_next, season_ahead / season, cut_b5)
    outages = poisson_count_from_uniform(
        outage_uniform, open_centers * k[Term.fc_outage_rate_per_week]
    )
    outages = np.minimum(outages, open_centers)
    d[Decision.fc_orders] = fc_orders
    d[Decision.fc_lead_time_weeks] = lead_weeks
    d[Decision.hires] = hires
    d[Decision.outages] = outages

    for out_row, stock_row in STOCK_OUTPUTS:  # outputs that are a stock at the week's start
        o[out_row] = s[stock_row]
    o[Out.adoption] = adoption
    o[Out.churn] = churn
    o[Out.winback] = winback
    o[Out.prime_joins] = prime_joins
    o[Out.visits] = visits
    o[Out.conversion] = conversion
    o[Out.orders] = orders
    o[Out.gmv_usd] = gmv
    o[Out.gmv_3p_usd] = gmv_3p
    for field, out_row in enumerate(FINANCIAL_OUTPUTS):  # WeekFinancials' fields
        o[out_row] = money[field]
    o[Out.capex_usd] = capex
    o[Out.seller_joins] = seller_joins
    o[Out.seller_exits] = seller_exits
    o[Out.seller_attractiveness] = attractiveness
    o[Out.sales_per_seller_usd] = sales_per_seller
    o[Out.skus] = skus
    o[Out.share_3p] = share_3p
    o[Out.selection_index] = selection_index
    o[Out.price_target_index] = price_target
    o[Out.competitor_price_index] = competitor_price
    o[Out.utilisation] = utilisation
    o[Out.delivery_days] = days
    o[Out.fc_orders] = fc_orders
    o[Out.contacts] = contacts
    o[Out.service_backlog] = backlog_next
    o[Out.agent_occupancy] = occupancy
    o[Out.cx] = cx
    o[Out.perceived_cx] = perceived_cx
    o[Out.score_price] = score_price
    o[Out.score_selection] = selection_index
    o[Out.score_speed] = speed_index
    o[Out.score_service] = service
    o[Out.score_reliability] = score_reliability
    o[Out.review_index] = review_index
    o[Out.prime_value_usd_per_year] = prime_value
    if want_derived:  # outputs nothing else reads
        o[Out.fc_sqft] = s[Stock.fulfillment_centers] * p[Lever.fc_size_sqft]
        o[Out.nps_proxy] = nps_proxy(perceived_cx, ref[Ref.perceived_cx])
        o[Out.customer_lifetime_value_usd] = customer_lifetime_value_usd(
            money.revenue_usd
            - money.cogs_usd
            - money.fulfillment_cost_usd
            - money.shipping_cost_usd
            - money.service_cost_usd,
            customers,
            churn / np.maximum(customers, 1e-9),
        )
        o[Out.is_marketplace_open] = 1.0 if is_marketplace_open else 0.0
        o[Out.is_prime_launched] = 1.0 if is_prime_launched else 0.0
    if want_gains:
        loop_gains(
            o,
            p,
            ref,
            cut,
            cx_for_wom,
            unit_cost_ratio,
            prime_share,
            potential_for_bass,
            skus,
            is_marketplace_open,
        )

    # Stock updates (Euler, one week). Stocks are non-negative by construction of the flows.
    market_growth = logistic_market_growth(
        market, p[Lever.market_ceiling_people], k[Term.market_growth_per_week]
    )
    s[Stock.market] = market + market_growth
    s[Stock.spend_index] = s[Stock.spend_index] + logistic_increase(
        s[Stock.spend_index], p[Lever.spend_index_ceiling], k[Term.spend_growth_per_week]
    )
    s[Stock.potential] = potential + market_growth - adoption
    s[Stock.customers] = customers + adoption + winback - churn
    s[Stock.lapsed] = lapsed + churn - winback
    s[Stock.prime_members] = np.maximum(
        prime_members + prime_joins - member_churn - prime_cancels, 0.0
    )
    s[Stock.sellers] = sellers + onboarded - seller_exits
    s[Stock.sellers_onboarding] = s[Stock.sellers_onboarding] + seller_joins - onboarded
    s[Stock.cumulative_orders] = s[Stock.cumulative_orders] + orders
    s[Stock.price_index] = smooth_over(
        price_index, price_target, k[Term.price_adjustment_time_weeks_at_least_1]
    )
    s[Stock.agents] = s[Stock.agents] * (1.0 - k[Term.agent_attrition_share])
    s[Stock.agents_in_hiring] = s[Stock.agents_in_hiring] + hires
    s[Stock.service_backlog] = backlog_next
    cx_perceived_target = cx
    if cut_b2:  # B2 cut: service held at week 0
        cx_perceived_target = weighted_cx(
            p,
            k,
            score_price,
            selection_index,
            speed_index,
            ref[Ref.service_score],
            score_reliability,
        )
    s[Stock.perceived_cx] = smooth_over(
        perceived_cx, cx_perceived_target, k[Term.perception_delay_weeks_at_least_1]
    )
    s[Stock.perceived_delivery_days] = smooth_over(
        perceived_days, days, k[Term.delivery_perception_weeks_at_least_1]
    )
    s[Stock.reviews] = s[Stock.reviews] + orders * p[Lever.reviews_per_order]
    traffic = np.minimum(np.maximum(np.sqrt(visits / np.maximum(ref[Ref.visits], 1e-9)), 0.0), 3.0)
    room = 0.0
    if k[Term.has_experiment_room] != 0.0:
        room = 1.0 - (s[Stock.experiment_index] - 1.0) / k[Term.experiment_room_index]
    s[Stock.experiment_index] = s[Stock.experiment_index] * (
        1.0 + k[Term.experiment_uplift_per_week] * traffic * np.minimum(np.maximum(room, 0.0), 1.0)
    )
    s[Stock.cash_usd] = s[Stock.cash_usd] + money.operating_income_usd - capex
    s[Stock.fc_under_construction] = s[Stock.fc_under_construction] + fc_orders
    s[Stock.fc_orders_placed] = s[Stock.fc_orders_placed] + (1.0 if fc_orders > 0 else 0.0)
    s[Stock.orders_smoothed] = orders_smoothed
    s[Stock.orders_growth_per_week] = growth_trend


def model_stamp() -> str:
    """A hash of what the compiled kernel is built from: this file, `kernel_parts`,
    `kernel_layout`, `equations.py` and the row layouts themselves (the lever order comes
    from the schema, the stocks from `state.py`)."""
    digest = hashlib.sha256()
    for module in (eq, kernel_layout, kernel_parts, inspect.getmodule(model_stamp)):
        digest.update(inspect.getsource(module).encode())  # type: ignore[arg-type]
    layouts = (STOCKS, tuple(Lever.__members__), TERMS, REFERENCES, OUTPUTS, DECISIONS, SCRATCH)
    digest.update(repr(layouts).encode())
    return digest.hexdigest()[:16]


guard_cache(week_kernel, model_stamp())
