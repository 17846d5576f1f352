"""The planner (B1, B2, B5; model.md#fulfillment, model.md#service): FC orders and their lead
times, hires, and random FC outages: the week's decisions, which the engine turns into events."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Decision, Held, Lever, Loop, Stock, Term
from flywheel.model.parts import (
    agents_needed,
    lognormal_from_sigma,
    poisson_count_from_uniform,
    smooth_over,
)
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.exogenous import Exogenous
from flywheel.model.sectors.service import Desk
from flywheel.model.sectors.solvency import spending_stopped


class Plans(NamedTuple):
    """The week's plans and decisions."""

    orders_smoothed: float  # deseasonalised orders, smoothed over 13 weeks (orders/week)
    growth_trend: float  # their growth, smoothed over 26 weeks (1/week)
    fc_orders: float  # centres ordered this week (count)
    lead_weeks: float  # their build time (weeks)
    capex: float  # paid for them now, USD
    hires: float  # agents hired this week (join after the hiring delay)
    outages: float  # centres going out of service from next week (count)


@sector
def plan_fulfillment(s, p, k, t, orders, season, lead_normals, cash):  # type: ignore[no-untyped-def]
    """One replication's FC planning (B1, B5): (smoothed orders/week, growth trend 1/week,
    FCs ordered, their build weeks, capex USD). The planner looks through seasonality, plans
    for the Q4 peak over the lead time, and (B5) orders no more than `cash` (USD, the held
    cash with B5 cut) plus credit pays."""
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
    # margin squeeze: no capex beyond cash plus credit
    affordable = np.floor(np.maximum(cash + p[Lever.credit_limit_usd], 0.0) / p[Lever.fc_capex_usd])
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


@sector
def plan_staffing(s, p, k, contacts, backlog_next, season_ratio, cash):  # type: ignore[no-untyped-def]
    """One replication's hires this week (B2): toward the agents the contacts forecast for the
    busiest month ahead need; (B5) out of `cash` (USD, the held cash with B5 cut) and credit, only
    this week's leavers replaced."""
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
    if not cash + p[Lever.credit_limit_usd] > 0:
        hires = np.minimum(hires, s[Stock.agents] * k[Term.agent_attrition_share])
    return hires


@sector
def planner_week(  # type: ignore[no-untyped-def]
    t: int,
    s: Array,
    p: Array,
    k: Array,
    cut: Cuts,
    orders: float,
    exogenous: Exogenous,
    desk: Desk,
    open_centers: float,
    lead_normals: Array,
    outage_uniform: float,
    d: Array,
):
    """This week's `Plans`, also written into `d`, the replication's decision column. With B5
    cut the planner sees the held cash (week 0's or the cut's first week's): the margin no
    longer limits FCs or hiring. An insolvent replication orders no FCs and hires nobody
    (`finance.spending_stopped`)."""
    cash = cut.held[Held.cash_usd] if cut.on[Loop.B5] else s[Stock.cash_usd]
    stopped = spending_stopped(s, cut)  # insolvent: no more capex or hiring
    orders_smoothed, growth_trend, fc_orders, lead_weeks, capex = plan_fulfillment(
        s, p, k, t, orders, exogenous.season, lead_normals, cash
    )
    hires = plan_staffing(
        s,
        p,
        k,
        desk.contacts,
        desk.backlog_next,
        exogenous.season_ahead / exogenous.season,
        cash,
    )
    if stopped:
        fc_orders, capex, hires = 0.0, 0.0, 0.0
    outages = poisson_count_from_uniform(
        outage_uniform, open_centers * k[Term.fc_outage_rate_per_week]
    )
    outages = np.minimum(outages, open_centers)
    d[Decision.fc_orders] = fc_orders
    d[Decision.fc_lead_time_weeks] = lead_weeks
    d[Decision.hires] = hires
    d[Decision.outages] = outages
    return Plans(orders_smoothed, growth_trend, fc_orders, lead_weeks, capex, hires, outages)
