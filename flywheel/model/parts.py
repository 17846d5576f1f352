"""The compiled week's parts: the equations, compiled, and the financials, plans and gains
of one replication's week (`kernel.week_kernel` calls them; numba inlines them into it).

The equations are those of `equations.py`, compiled from the same source (`_jit(eq.f)`); the
four whose numpy form cannot be compiled (they use numpy's error state or array shortcuts)
have scalar twins here, each checked against its numpy original in tests/test_kernel.py.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from flywheel.model import equations as eq
from flywheel.model.layout import Lever, Loop, Out, Ref, Stock, Term


def _jit(function):  # type: ignore[no-untyped-def]
    """`function` compiled for use inside the kernel (same source, scalar arguments)."""
    return numba.njit(error_model="numpy")(function)


logistic_market_growth = _jit(eq.logistic_market_growth)
logistic_increase = _jit(eq.logistic_increase)
hazard_to_share = _jit(eq.hazard_to_share)
churn_hazard = _jit(eq.churn_hazard)
selection_level = _jit(eq.selection_level)
review_effect = _jit(eq.review_effect)
service_score = _jit(eq.service_score)
conversion_share = _jit(eq.conversion_share)
delivery_days = _jit(eq.delivery_days)
agents_needed = _jit(eq.agents_needed)
learning_factor = _jit(eq.learning_factor)
price_target_index = _jit(eq.price_target_index)
seller_sales_usd_per_week = _jit(eq.seller_sales_usd_per_week)
seller_attractiveness = _jit(eq.seller_attractiveness)
prime_join_hazard = _jit(eq.prime_join_hazard)
smooth_over = _jit(eq.smooth_over)
lognormal_from_sigma = _jit(eq.lognormal_from_sigma)
nps_proxy = _jit(eq.nps_proxy)
customer_lifetime_value_usd = _jit(eq.customer_lifetime_value_usd)

WEEKS_PER_YEAR = eq.WEEKS_PER_YEAR
PAID_HOURS_PER_AGENT_WEEK = eq.PAID_HOURS_PER_AGENT_WEEK
MAX_QUEUE_OCCUPANCY = eq.MAX_QUEUE_OCCUPANCY
MAX_QUEUE_WAIT_HOURS = eq.MAX_QUEUE_WAIT_HOURS
POISSON_MAX_COUNT = eq.POISSON_MAX_COUNT


# --- scalar twins of the equations whose numpy form does not compile ------------------------
@numba.njit(error_model="numpy")
def bass_adoption(customers, potential, market, innovation, imitation):  # type: ignore[no-untyped-def]
    """`eq.bass_adoption` for one replication (people/week)."""
    slope = imitation / market
    rate = innovation + slope * (potential + customers)
    drive = innovation + slope * customers
    remaining = np.exp(-rate)
    denominator = drive + slope * potential * remaining
    adoption = potential * drive * -np.expm1(-rate) / denominator if denominator > 0 else 0.0
    return np.minimum(np.maximum(adoption, 0.0), potential)


@numba.njit(error_model="numpy")
def customer_experience(s0, s1, s2, s3, s4, w0, w1, w2, w3, w4, total):  # type: ignore[no-untyped-def]
    """`eq.customer_experience` for one replication's five scores and weights (index)."""
    log_cx = w0 * np.log(np.maximum(s0, 1e-12))
    log_cx = log_cx + w1 * np.log(np.maximum(s1, 1e-12))
    log_cx = log_cx + w2 * np.log(np.maximum(s2, 1e-12))
    log_cx = log_cx + w3 * np.log(np.maximum(s3, 1e-12))
    log_cx = log_cx + w4 * np.log(np.maximum(s4, 1e-12))
    return np.exp(log_cx / total)


@numba.njit(error_model="numpy")
def weighted_cx(p, k, price, selection, speed, service, reliability):  # type: ignore[no-untyped-def]
    """One replication's CX index from its five scores, weighted by its CX weight levers
    (`p`, its lever column) and their sum (`k`, its lever-only terms)."""
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


@numba.njit(error_model="numpy")
def poisson_count_from_uniform(uniform, mean):  # type: ignore[no-untyped-def]
    """`eq.poisson_count_from_uniform` for one replication (count)."""
    mean = np.maximum(mean, 0.0)
    term = np.exp(-mean)
    cdf = term
    count = 0.0
    for k in range(1, POISSON_MAX_COUNT + 1):
        if not uniform > cdf:
            break
        count += 1.0
        term = term * mean / k
        cdf = cdf + term
    return count


@numba.njit(error_model="numpy")
def service_desk_flows(contacts, backlog, agents, open_hours, productive_share, handle_minutes):  # type: ignore[no-untyped-def]
    """`eq.service_desk_week` but for the Erlang C wait, for one replication: (backlog
    carried over, occupancy, backlog wait hours, arrivals per hour, servers, service rate)."""
    service_per_hour = 60.0 / handle_minutes
    servers = agents * productive_share * PAID_HOURS_PER_AGENT_WEEK / open_hours
    capacity = servers * service_per_hour * open_hours * MAX_QUEUE_OCCUPANCY
    demand = contacts + backlog
    served = np.minimum(demand, capacity)
    backlog_next = demand - served
    arrivals_per_hour = served / open_hours
    backlog_wait = 0.5 * backlog_next / (servers * service_per_hour) if backlog_next > 0 else 0.0
    occupancy = arrivals_per_hour / (servers * service_per_hour) if servers > 0 else 1.0
    backlog_wait = 0.0 if np.isnan(backlog_wait) else np.minimum(backlog_wait, MAX_QUEUE_WAIT_HOURS)
    return (
        backlog_next,
        np.minimum(occupancy, 1.0),
        backlog_wait,
        arrivals_per_hour,
        servers,
        service_per_hour,
    )


class WeekFinancials(NamedTuple):
    """One replication's costs and financials in a week: USD per week unless named otherwise
    (fields named as the outputs they become)."""

    learning_factor: float  # unit cost multiplier from cumulative orders (1 at week 0)
    unit_cost_usd: float  # all costs per order, USD
    revenue_usd: float
    prime_fees_usd: float
    cogs_usd: float
    fulfillment_cost_usd: float
    shipping_cost_usd: float
    service_cost_usd: float
    marketing_usd: float
    technology_usd: float
    operating_income_usd: float
    operating_margin_share: float  # operating income / revenue (0 without revenue)


@numba.njit(error_model="numpy")
def week_financials(s, p, k, ref, orders, visits, visit_rate, gmv, gmv_3p, market_trend):  # type: ignore[no-untyped-def]
    """One replication's costs and financials this week (`WeekFinancials`; loops R3, B5;
    model.md#costs)."""
    learning = learning_factor(
        s[Stock.cumulative_orders] + orders,
        ref[Ref.cumulative_orders],
        p[Lever.learning_rate_share],
    )
    orders_safe = np.maximum(orders, 1.0)
    goods_cost_per_order = k[Term.goods_cost_base_usd] * market_trend
    variable_ops = k[Term.variable_cost_usd_per_order] * learning
    fc_cost = s[Stock.fulfillment_centers] * p[Lever.fc_fixed_cost_usd_per_week]
    service_cost = s[Stock.agents] * p[Lever.agent_cost_usd_per_week]
    fixed = fc_cost + service_cost + p[Lever.overhead_usd_per_week]
    unit_cost = goods_cost_per_order + variable_ops + fixed / orders_safe
    gmv_1p = gmv - gmv_3p
    member_share_of_orders = 0.0
    if visits > 0:
        member_share_of_orders = (
            s[Stock.prime_members]
            * k[Term.prime_visit_factor]
            * visit_rate
            / np.maximum(visits, 1e-9)
        )
    member_orders = orders * member_share_of_orders
    prime_fees = 0.0
    if s[Stock.is_prime_launched] != 0.0:
        prime_fees = s[Stock.prime_members] * p[Lever.prime_fee_usd_per_year] / WEEKS_PER_YEAR
    revenue = gmv_1p + p[Lever.seller_take_rate_share] * gmv_3p + prime_fees
    cogs = (
        gmv_1p / np.maximum(s[Stock.price_index], 1e-9) * p[Lever.goods_cost_share] * market_trend
    )
    fulfillment_cost = orders * p[Lever.fulfillment_cost_usd_per_order] * learning + fc_cost
    shipping_cost = (
        orders * p[Lever.shipping_cost_usd_per_order] * learning
        + member_orders * p[Lever.prime_shipping_cost_usd_per_order]
    )
    marketing = p[Lever.marketing_share_of_revenue] * revenue
    technology = p[Lever.technology_share_of_revenue] * revenue
    operating_income = (
        revenue
        - cogs
        - fulfillment_cost
        - shipping_cost
        - service_cost
        - marketing
        - technology
        - p[Lever.overhead_usd_per_week]
    )
    margin = operating_income / np.maximum(revenue, 1e-9) if revenue > 0 else 0.0
    return WeekFinancials(
        learning,
        unit_cost,
        revenue,
        prime_fees,
        cogs,
        fulfillment_cost,
        shipping_cost,
        service_cost,
        marketing,
        technology,
        operating_income,
        margin,
    )


@numba.njit(error_model="numpy")
def plan_fulfillment(s, p, k, t, orders, season, lead_normals, cut_b5):  # type: ignore[no-untyped-def]
    """One replication's FC planning (B1, B5): (smoothed orders/week, growth trend 1/week,
    FCs ordered, their build weeks, capex USD). The planner looks through seasonality, plans
    for the Q4 peak over the lead time, and (B5) orders no more than cash plus credit pays."""
    orders_trend = orders / season
    smoothed_before = s[Stock.orders_smoothed]
    orders_smoothed = orders_trend if t == 0 else smooth_over(smoothed_before, orders_trend, 13.0)
    growth = 0.0
    if smoothed_before > 0:
        growth = orders_smoothed / np.maximum(smoothed_before, 1e-9) - 1.0
    growth_trend = smooth_over(s[Stock.orders_growth_per_week], growth, 26.0)
    forecast_orders = orders_smoothed * np.exp(
        np.minimum(np.maximum(growth_trend * k[Term.fc_lookahead_weeks], -3.0), 3.0)
    )
    centers_needed = (
        forecast_orders * p[Lever.q4_demand_multiplier] / k[Term.fc_orders_at_trigger_per_week]
    )
    gap = np.ceil(
        centers_needed - s[Stock.fulfillment_centers] - s[Stock.fc_under_construction] - 1e-9
    )
    fc_orders = np.minimum(np.maximum(gap, 0.0), 50.0)
    if not cut_b5:  # margin squeeze: no capex beyond cash plus credit
        affordable = np.floor(
            np.maximum(s[Stock.cash_usd] + p[Lever.credit_limit_usd], 0.0) / p[Lever.fc_capex_usd]
        )
        fc_orders = np.minimum(fc_orders, affordable)
    capex = fc_orders * p[Lever.fc_capex_usd]
    lead_weeks = p[Lever.fc_lead_time_weeks]
    if fc_orders > 0:  # each order's build time is its own draw
        draw = int(np.minimum(s[Stock.fc_orders_placed], lead_normals.shape[0] - 1))
        lead_weeks = np.maximum(
            1.0,
            np.rint(
                p[Lever.fc_lead_time_weeks]
                * lognormal_from_sigma(
                    lead_normals[draw],
                    k[Term.fc_lead_time_noise_sigma],
                    k[Term.fc_lead_time_noise_drift],
                )
            ),
        )
    return orders_smoothed, growth_trend, fc_orders, lead_weeks, capex


@numba.njit(error_model="numpy")
def plan_staffing(s, p, k, contacts, backlog_next, season_ratio, cut_b5):  # type: ignore[no-untyped-def]
    """One replication's hires this week (B2): toward the agents the contacts forecast for the
    busiest month ahead need; (B5) out of cash and credit, only this week's leavers replaced."""
    contacts_ahead = contacts * season_ratio + backlog_next
    agents_target = (
        agents_needed(
            contacts_ahead,
            p[Lever.service_open_hours_per_week],
            p[Lever.agent_productive_share],
            p[Lever.handle_time_minutes],
            p[Lever.target_occupancy_share],
        )
        * p[Lever.service_staffing_share]
    )
    hires = np.maximum(agents_target - s[Stock.agents] - s[Stock.agents_in_hiring], 0.0)
    if not cut_b5 and not s[Stock.cash_usd] + p[Lever.credit_limit_usd] > 0:
        hires = np.minimum(hires, s[Stock.agents] * k[Term.agent_attrition_share])
    return hires


@numba.njit(error_model="numpy")
def loop_gains(  # type: ignore[no-untyped-def]
    o, p, ref, cut, cx_for_wom, unit_cost_ratio, prime_share, potential, skus, is_open
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
