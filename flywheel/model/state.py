"""The model's state: stocks as numpy arrays over replications, and a week's decisions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from flywheel.model import equations as eq
from flywheel.scenario.loading import Scenario
from flywheel.scenario.schema import Levers as _Levers
from flywheel.scenario.schema import field_infos

Array = npt.NDArray[np.float64]


# The stocks (and event-driven conditions), in row order of `State.block`, with their units.
STOCKS = {
    "market": "people",
    "potential": "people not yet customers (market = potential + customers + lapsed)",
    "customers": "people",
    "lapsed": "people",
    "prime_members": "people (subset of customers)",
    "sellers": "active third-party sellers",
    "sellers_onboarding": "signed up, not yet listing",
    "cumulative_orders": "orders",
    "price_index": "1.0 at week 0",
    "fulfillment_centers": "open FCs",
    "fc_under_construction": "FCs ordered, not yet open (each opening is a SimPy event)",
    "fc_out_of_service": "FCs down because of an outage",
    "agents": "customer-service agents",
    "agents_in_hiring": "hires not yet on the desk (each arrival is a SimPy event)",
    "service_backlog": "contacts carried over to next week",
    "queue_wait_hours": "last week's mean wait (what customers remember)",
    "perceived_cx": "index",
    "expected_cx": "index: the CX customers expect (week 0 sets it; model.md#expectations)",
    "perceived_delivery_days": "days; a stock that breaks the orders-speed algebraic loop",
    "reviews": "cumulative product reviews",
    "experiment_index": "cumulative conversion gain from A/B tests (1 at week 0)",
    "spend_index": "visits per customer relative to week 0 (online share of shopping)",
    "cash_usd": "USD",
    "marketing_usd_last_week": "USD/week: last week's marketing, paid acquisition's budget (R6)",
    "orders_smoothed": "orders/week, 13-week smoothing (planner's view)",
    "orders_growth_per_week": "planner's smoothed growth trend, 1/week",
    "fc_orders_placed": "count of FC orders so far (indexes the lead-time draws)",
    "fc_backlog_orders": "orders waiting for FC shipping, shipped first next week",
    "is_marketplace_open": "1 once the marketplace has launched, else 0",
    "is_prime_launched": "1 once Prime has launched, else 0",
    "demand_shock_share": "sum of active demand shocks",
    "recession_depth_share": "sum of active recessions",
    "price_war_depth_share": "sum of active price wars",
    "cost_shock_usd_per_week": "USD/week: sum of active cost shocks (model.md#financials)",
    "insolvent": "1 once cash would have passed the credit limit (stays 1), else 0",
}


class State:
    """Stocks (and event-driven conditions) of all replications: one (stocks, R) block, whose
    rows are also attributes of shape (R,) (`state.customers`; see `STOCKS` for the units).

    Setting an attribute writes into its row, so the compiled step (`kernel.week_kernel`),
    which updates the block in place, and the SimPy events, which set attributes, share it.
    """

    def __init__(self, block: Array) -> None:
        if block.shape[0] != len(STOCKS) or block.ndim != 2:
            raise ValueError(f"a State block has shape ({len(STOCKS)}, R), not {block.shape}")
        self.block = np.ascontiguousarray(block, dtype=np.float64)

    @property
    def replications(self) -> int:
        return int(self.block.shape[1])

    def copy(self) -> State:
        """A deep copy (the block copied)."""
        return State(self.block.copy())

    def __getattr__(self, name: str) -> Array:
        try:
            return self.__dict__["block"][_STOCK_ROWS[name]]
        except KeyError:
            raise AttributeError(f"State has no stock {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        if name in _STOCK_ROWS:
            self.block[_STOCK_ROWS[name]] = value
        else:
            super().__setattr__(name, value)


_STOCK_ROWS = {name: row for row, name in enumerate(STOCKS)}


@dataclass(frozen=True)
class Decisions:
    """What the week decided that happens later as discrete events; each of shape (R,)."""

    fc_orders: Array  # FCs ordered this week
    fc_lead_time_weeks: Array  # their build time (whole weeks >= 1)
    hires: Array  # agents hired this week
    outages: Array  # FCs knocked out this week by random outages


def week0_base_days(scenario: Scenario) -> float:
    """Uncongested delivery days (days) at week 0: the policy's base times the starting
    network's speed factor (R3; exactly `delivery_days_base` with the density lever off)."""
    levers = scenario.levers
    factor = eq.network_speed_factor(
        np.float64(scenario.initial.fulfillment_centers),
        np.float64(levers.delivery_density_reference_centers),
        np.float64(levers.delivery_density_elasticity),
    )
    days = eq.network_base_days(
        np.float64(levers.delivery_days_base), factor, np.float64(levers.delivery_days_floor)
    )
    return float(days)


def initial_state(scenario: Scenario, replications: int) -> State:
    """The week-0 stocks of `replications` identical copies of the scenario's initial state."""
    init = scenario.initial

    def full(value: float) -> Array:
        return np.full(replications, float(value))

    lapsed = 0.0
    values = dict(
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
        expected_cx=full(1.0),
        perceived_delivery_days=full(week0_base_days(scenario)),
        reviews=full(init.reviews),
        experiment_index=full(1.0),
        spend_index=full(1.0),
        cash_usd=full(init.cash_usd),
        marketing_usd_last_week=full(0.0),  # no spend before week 0
        orders_smoothed=full(0.0),
        orders_growth_per_week=full(0.0),
        fc_orders_placed=full(0.0),
        fc_backlog_orders=full(0.0),
        is_marketplace_open=np.full(replications, init.is_marketplace_open),
        is_prime_launched=np.full(replications, init.is_prime_launched),
        demand_shock_share=full(0.0),
        recession_depth_share=full(0.0),
        price_war_depth_share=full(0.0),
        cost_shock_usd_per_week=full(0.0),
        insolvent=full(0.0),
    )
    return State(np.stack([values[name] for name in STOCKS]))


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
