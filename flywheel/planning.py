"""Planning decisions of a week: fulfillment-centre orders (B1, B5) and hiring (B2).

Pure numpy; the engine turns the decisions into SimPy events (openings, arrivals).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from flywheel import equations as eq
from flywheel.state import State

Array = npt.NDArray[np.float64]


def plan_fulfillment(
    s: State,
    p: dict[str, Array],
    k: dict[str, Array],
    week: int,
    orders: Array,
    seasonality: Array,
    lead_time_normals: Array,
    cut: frozenset[str],
) -> tuple[Array, Array, Array, Array, Array]:
    """(smoothed orders, growth trend, FCs ordered, their lead weeks, capex USD) this week."""
    # Planner (B1, B5): forecast utilisation over the lead time, order FCs if cash allows.
    # The planner looks through seasonality and plans capacity for the Q4 peak.
    orders_trend = orders / seasonality
    orders_smoothed = (
        orders_trend if week == 0 else eq.smooth_over(s.orders_smoothed, orders_trend, 13.0)
    )
    growth = eq.where(
        s.orders_smoothed > 0, orders_smoothed / np.maximum(s.orders_smoothed, 1e-9) - 1.0, 0.0
    )
    growth_trend = eq.smooth_over(s.orders_growth_per_week, growth, 26.0)
    lookahead = k["fc_lookahead_weeks"]
    forecast_orders = orders_smoothed * np.exp(
        np.minimum(np.maximum(growth_trend * lookahead, -3.0), 3.0)
    )
    centers_needed = (
        forecast_orders * p["q4_demand_multiplier"] / k["fc_orders_at_trigger_per_week"]
    )
    gap = np.ceil(centers_needed - s.fulfillment_centers - s.fc_under_construction - 1e-9)
    fc_orders = np.minimum(np.maximum(gap, 0.0), 50.0)
    if "B5" not in cut:  # margin squeeze: no capex beyond cash plus credit
        affordable = np.floor(
            np.maximum(s.cash_usd + p["credit_limit_usd"], 0.0) / p["fc_capex_usd"]
        )
        fc_orders = np.minimum(fc_orders, affordable)
    capex = fc_orders * p["fc_capex_usd"]
    if not np.count_nonzero(fc_orders):  # nothing ordered: no build time to draw
        return orders_smoothed, growth_trend, fc_orders, p["fc_lead_time_weeks"], capex
    draw_index = np.minimum(s.fc_orders_placed, lead_time_normals.shape[1] - 1).astype(int)
    lead_normal = lead_time_normals[np.arange(orders.size), draw_index]
    lead_weeks = np.maximum(
        1.0,
        np.round(
            p["fc_lead_time_weeks"]
            * eq.lognormal_from_sigma(
                lead_normal, k["fc_lead_time_noise_sigma"], k["fc_lead_time_noise_drift"]
            )
        ),
    )
    return orders_smoothed, growth_trend, fc_orders, lead_weeks, capex


def plan_staffing(
    s: State,
    p: dict[str, Array],
    k: dict[str, Array],
    contacts: Array,
    backlog_next: Array,
    season_ratio: Array,
    cut: frozenset[str],
) -> Array:
    """Agents hired this week (they arrive after the hiring delay)."""
    # Staffing (B2): hire toward the agents the forecast contacts need.
    contacts_ahead = contacts * season_ratio + backlog_next
    agents_target = (
        eq.agents_needed(
            contacts_ahead,
            p["service_open_hours_per_week"],
            p["agent_productive_share"],
            p["handle_time_minutes"],
            p["target_occupancy_share"],
        )
        * p["service_staffing_share"]
    )
    hires = np.maximum(agents_target - s.agents - s.agents_in_hiring, 0.0)
    if "B5" not in cut:  # out of cash and credit: only replace this week's leavers
        replacements = s.agents * k["agent_attrition_share"]
        hires = eq.where(
            s.cash_usd + p["credit_limit_usd"] > 0, hires, np.minimum(hires, replacements)
        )
    return hires
