"""The model's state: stocks as numpy arrays over replications, plus week-0 reference values."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from flywheel.scenario import Scenario
from flywheel.schema import Levers as _Levers
from flywheel.schema import field_infos

Array = npt.NDArray[np.float64]


@dataclass
class State:
    """Stocks (and event-driven conditions) of all replications; each field has shape (R,)."""

    market: Array  # people
    potential: Array  # people not yet customers (market = potential + customers + lapsed)
    customers: Array  # people
    lapsed: Array  # people
    prime_members: Array  # people (subset of customers)
    sellers: Array  # active third-party sellers
    sellers_onboarding: Array  # signed up, not yet listing
    cumulative_orders: Array  # orders
    price_index: Array  # 1.0 at week 0
    fulfillment_centers: Array  # open FCs
    fc_under_construction: Array  # FCs ordered, not yet open (each opening is a SimPy event)
    fc_out_of_service: Array  # FCs down because of an outage
    agents: Array  # customer-service agents
    agents_in_hiring: Array  # hires not yet on the desk (each arrival is a SimPy event)
    service_backlog: Array  # contacts carried over to next week
    queue_wait_hours: Array  # last week's mean wait (what customers remember)
    perceived_cx: Array  # index
    perceived_delivery_days: Array  # days; a stock that breaks the orders-speed algebraic loop
    reviews: Array  # cumulative product reviews
    experiment_index: Array  # cumulative conversion gain from A/B tests (1 at week 0)
    spend_index: Array  # visits per customer relative to week 0 (online share of shopping)
    cash_usd: Array  # USD
    orders_smoothed: Array  # orders/week, 13-week smoothing (planner's view)
    orders_growth_per_week: Array  # planner's smoothed growth trend, 1/week
    fc_orders_placed: Array  # count of FC orders so far (indexes the lead-time draws)
    is_marketplace_open: npt.NDArray[np.bool_]
    is_prime_launched: npt.NDArray[np.bool_]
    demand_shock_share: Array  # sum of active demand shocks
    recession_depth_share: Array  # sum of active recessions
    price_war_depth_share: Array  # sum of active price wars

    def copy(self) -> State:
        """A deep copy (arrays copied)."""
        return State(**{f.name: getattr(self, f.name).copy() for f in fields(self)})


@dataclass(frozen=True)
class Reference:
    """Week-0 values that knocked-out links are held at, and index denominators; shape (R,)."""

    perceived_cx: Array
    selection_level: Array
    skus: Array
    gmv_usd: Array
    visits: Array
    unit_cost_ratio: Array
    unit_cost_usd: Array
    service_score: Array
    review_effect: Array
    potential_share: Array
    delivery_days: Array
    prime_share: Array
    cumulative_orders: Array


@dataclass(frozen=True)
class Exogenous:
    """This week's exogenous inputs, each of shape (R,) or scalar."""

    week: int
    seasonality: Array  # demand multiplier of the calendar month
    seasonality_ahead: Array  # the highest multiplier of the next 8 weeks (staffing looks ahead)
    demand_noise: Array  # mean-one lognormal multiplier
    seller_join_noise: Array  # mean-one lognormal multiplier
    outage_uniform: Array  # uniform draw for this week's random outages
    lead_time_normals: Array  # (R, K) standard normals, one per FC order


@dataclass(frozen=True)
class Decisions:
    """What the week decided that happens later as discrete events; each of shape (R,)."""

    fc_orders: Array  # FCs ordered this week
    fc_lead_time_weeks: Array  # their build time (whole weeks >= 1)
    hires: Array  # agents hired this week
    outages: Array  # FCs knocked out this week by random outages


def initial_state(scenario: Scenario, replications: int) -> State:
    """The week-0 stocks of `replications` identical copies of the scenario's initial state."""
    init, levers = scenario.initial, scenario.levers

    def full(value: float) -> Array:
        return np.full(replications, float(value))

    lapsed = 0.0
    return State(
        market=full(init.market_people),
        potential=full(init.market_people - init.customers - lapsed),
        customers=full(init.customers),
        lapsed=full(lapsed),
        prime_members=full(init.prime_members),
        sellers=full(init.sellers),
        sellers_onboarding=full(0.0),
        cumulative_orders=full(init.cumulative_orders),
        price_index=full(1.0),
        fulfillment_centers=full(init.fulfillment_centers),
        fc_under_construction=full(0.0),
        fc_out_of_service=full(0.0),
        agents=full(init.agents),
        agents_in_hiring=full(0.0),
        service_backlog=full(0.0),
        queue_wait_hours=full(0.0),
        perceived_cx=full(1.0),
        perceived_delivery_days=full(levers.delivery_days_base),
        reviews=full(init.reviews),
        experiment_index=full(1.0),
        spend_index=full(1.0),
        cash_usd=full(init.cash_usd),
        orders_smoothed=full(0.0),
        orders_growth_per_week=full(0.0),
        fc_orders_placed=full(0.0),
        is_marketplace_open=np.full(replications, init.is_marketplace_open),
        is_prime_launched=np.full(replications, init.is_prime_launched),
        demand_shock_share=full(0.0),
        recession_depth_share=full(0.0),
        price_war_depth_share=full(0.0),
    )


def lever_arrays(
    scenario: Scenario, replications: int, overrides: dict[str, npt.ArrayLike] | None = None
) -> dict[str, Array]:
    """Every lever as an array of shape (R,): the scenario value or a per-replication override."""
    params: dict[str, Array] = {}
    for name in field_infos(_Levers):
        params[name] = np.full(replications, float(getattr(scenario.levers, name)))
    for name, values in (overrides or {}).items():
        if name not in params:
            raise KeyError(f"unknown lever {name!r}")
        params[name] = np.broadcast_to(np.asarray(values, dtype=float), (replications,)).copy()
    return params


def week0_reference(
    s: State,
    p: dict[str, Array],
    selection: Array,
    skus: Array,
    service: Array,
    reviews_lift: Array,
) -> Reference:
    visits0 = s.customers * p["visit_rate_per_week"]
    orders0 = visits0 * p["conversion_base_share"]
    prime_share = np.where(s.customers > 0, s.prime_members / np.maximum(s.customers, 1e-9), 0.0)
    return Reference(
        perceived_cx=np.ones_like(selection),
        selection_level=np.maximum(selection, 1e-12),
        skus=skus.copy(),
        gmv_usd=orders0 * p["basket_usd"],
        visits=np.maximum(visits0, 1e-9),
        unit_cost_ratio=np.ones_like(selection),
        unit_cost_usd=np.ones_like(selection),
        service_score=service.copy(),
        review_effect=reviews_lift.copy(),
        potential_share=s.potential / s.market,
        delivery_days=s.perceived_delivery_days.copy(),
        prime_share=prime_share,
        cumulative_orders=s.cumulative_orders.copy(),
    )


def with_reference(ref: Reference, **changes: Array) -> Reference:
    from dataclasses import replace

    return replace(ref, **changes)
