"""The engine: one SimPy environment per batch; all replications advance in lockstep.

This is the only module that imports simpy. One time unit is one week. A weekly process
advances every replication's stocks (`step.LockstepWeek`, a compiled numba step); the discrete side
is SimPy processes acting on the replications they concern: scenario events (policy changes,
launches, shocks, outages), FC openings after each order's own lead time, hires arriving after
the hiring delay, random (Poisson) outages and their repairs. Processes scheduled for the same
week run before that week's step (they were scheduled earlier), so an event "at week t" is in
force during week t.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import simpy

from flywheel.engine.due import (
    NO_STOCK,
    RING_TOO_SHORT,
    add_due,
    apply_due,
    longest_delay_weeks,
)
from flywheel.engine.recording import Recorder, SeriesRecorder
from flywheel.engine.step import LockstepWeek, extras_for
from flywheel.engine.streams import Noise, batch_noise
from flywheel.model.layout import Stock
from flywheel.model.outputs import OUTPUT_NAMES
from flywheel.model.state import State, initial_state, lever_arrays
from flywheel.model.terms import lever_terms
from flywheel.scenario.drivers import LOGISTIC_DRIVER, online_share_ratio
from flywheel.scenario.events import (
    CostShock,
    DemandShock,
    FcOutage,
    MarketplaceLaunch,
    PolicyChange,
    PriceWar,
    PrimeLaunch,
    Recession,
)
from flywheel.scenario.loading import Scenario
from flywheel.scenario.market_drivers import internet_users_people

AXES = ("replication", "week")
STAFFING_LOOKAHEAD_WEEKS = 8  # staffing plans for the busiest month of the next two
Array = npt.NDArray[np.float64]


def output_names() -> tuple[str, ...]:
    """Names of every model output, in recording order (the output registry's order)."""
    return OUTPUT_NAMES


def check_outputs(names: tuple[str, ...]) -> tuple[str, ...]:
    """`names`, or ValueError naming those that are not model outputs."""
    unknown = [name for name in names if name not in output_names()]
    if unknown:
        raise ValueError(
            f"outputs = {list(names)!r}: unknown output(s) {unknown} "
            f"(e.g. customers, revenue_usd; {len(output_names())} in all)"
        )
    return names


def run_batch(
    scenario: Scenario,
    replication_ids: npt.ArrayLike,
    seed: int,
    lever_overrides: dict[str, npt.ArrayLike] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Array]:
    """Simulate replications `replication_ids` of `scenario`; outputs of shape (R, weeks).

    `lever_overrides` gives per-replication lever values (shape (R,)) for sweeps and sensitivity
    runs. Replication k's numbers depend only on (scenario, overrides of k, seed, k).
    """
    recorder = SeriesRecorder(scenario.horizon_weeks)
    return stream_batch(scenario, replication_ids, seed, recorder, lever_overrides, progress)


def stream_batch(
    scenario: Scenario,
    replication_ids: npt.ArrayLike,
    seed: int,
    recorder: Recorder,
    lever_overrides: dict[str, npt.ArrayLike] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """As `run_batch`, but every week's outputs go to `recorder` as they are computed, and
    `recorder.finish()` is returned: a reducer that keeps only sums or a few outputs needs
    no memory for the whole series (Monte Carlo streams this way)."""
    ids = np.atleast_1d(np.asarray(replication_ids, dtype=np.int64))
    replications, weeks = ids.size, scenario.horizon_weeks
    state = initial_state(scenario, replications)
    params = lever_arrays(scenario, replications, lever_overrides)
    if scenario.market_driver != LOGISTIC_DRIVER:
        _start_market_from_data(scenario, state, params)
    noise = batch_noise(seed, ids, weeks)
    months = _months(scenario.start_date, weeks)
    terms: dict[str, Array] = {}  # lever_terms(params), emptied by every policy change
    env = simpy.Environment()
    for event in scenario.events:
        week = scenario.event_week(event)
        env.process(_scenario_event(env, event, week, state, params, terms))
    env.process(_weekly(env, scenario, state, params, terms, noise, months, recorder, progress))
    env.run(until=weeks)
    return recorder.finish()


def _start_market_from_data(scenario: Scenario, state: State, params: dict[str, Array]) -> None:
    """Week 0's market for a data `market_driver`: `market_share_of_internet_users` (per
    replication) x the series at week 0's middle, `potential` the rest of it after customers
    and lapsed (not below 0: a share override too small for the customers leaves potential
    empty and the market at customers + lapsed)."""
    users = internet_users_people(
        scenario.market_driver, scenario.start_date, scenario.horizon_weeks
    )
    served = state.customers + state.lapsed
    state.market[:] = np.maximum(params["market_share_of_internet_users"] * users[0], served)
    state.potential[:] = state.market - served


@lru_cache(maxsize=8)
def _months(start: dt.date, weeks: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(calendar month of each week, the latest month of the STAFFING_LOOKAHEAD_WEEKS weeks
    from it: staffing plans for the busiest month ahead), kept per start and horizon."""
    months = [(start + dt.timedelta(days=7 * week)).month for week in range(weeks)]
    ahead = [max(months[week : week + STAFFING_LOOKAHEAD_WEEKS]) for week in range(weeks)]
    return tuple(months), tuple(ahead)


def _weekly(
    env: simpy.Environment,
    scenario: Scenario,
    state: State,
    params: dict[str, Array],
    terms: dict[str, Array],
    noise: dict[str, Array],
    month_tables: tuple[tuple[int, ...], tuple[int, ...]],
    recorder: Recorder,
    progress: Callable[[int, int], None] | None,
) -> Iterator[Any]:
    """The lockstep process: one compiled step (`step.LockstepWeek`) for all replications
    per time unit."""
    weeks = scenario.horizon_weeks
    # A recorder may say which outputs it keeps (`outputs`); the others nobody reads are skipped.
    extras = extras_for(getattr(recorder, "outputs", None))
    lockstep = LockstepWeek(state, scenario.knockout_weeks(), extras)
    lockstep.set_noise(noise)
    if scenario.spend_driver != LOGISTIC_DRIVER:  # an exogenous series, resolved once
        lockstep.set_spend_driver(
            online_share_ratio(scenario.spend_driver, scenario.start_date, weeks)
        )
    if scenario.market_driver != LOGISTIC_DRIVER:
        lockstep.set_market_driver(
            internet_users_people(scenario.market_driver, scenario.start_date, weeks)
        )
    calendar = _Calendar(env, state, weeks, state.replications)
    months, months_ahead = month_tables
    decisions = lockstep.decisions
    for week in range(weeks):
        if not terms:  # the first week, or a policy change has just come into force
            terms.update(lever_terms(params))
            lockstep.set_levers(params, terms)
        lockstep.advance(week, months[week] >= 10, months_ahead[week] >= 10)
        recorder.write(week, lockstep.outputs)
        # FC orders open after their own lead time; hires join after the hiring delay;
        # centres knocked out by a random outage come back after the outage duration.
        calendar.schedule(
            decisions.fc_orders,
            decisions.fc_lead_time_weeks,
            "fulfillment_centers",
            "fc_under_construction",
        )
        calendar.schedule(
            decisions.hires, params["agent_hiring_delay_weeks"], "agents", "agents_in_hiring"
        )
        # An outage drawn in week t is in force from week t + 1 (this week's step has run),
        # so the repair is due duration + 1 weeks from now: due after `duration` weeks, as
        # before, a 1-week outage (the default) was repaired before any step saw it.
        state.fc_out_of_service += decisions.outages
        calendar.schedule(
            decisions.outages,
            terms["fc_outage_repair_weeks"],
            "",
            "fc_out_of_service",
        )
        if progress is not None:
            progress(week + 1, weeks)
        yield env.timeout(1)


class _Calendar:
    """Discrete events due at future weeks, one SimPy event per due week.

    FC openings, hire arrivals and outage repairs of all replications that fall due in the
    same week share one scheduled SimPy event, whose callback applies them to the replications
    they concern. What falls due is kept dense, one (span, R) ring of future weeks per kind of
    move (week w in row w % span; span a power of two above the longest delay scheduled, grown
    when a longer one comes), so that scheduling a week's orders with their own lead times is
    one compiled scatter (`due.add_due`), not a loop over the distinct delays, and memory
    follows the longest delay, not the horizon. An event due at week t was scheduled before
    the weekly step's own timeout for week t, so it is in force during week t. Moves due at or
    after the horizon never fire (the run ends first) and are not kept.
    """

    def __init__(self, env: simpy.Environment, state: State, weeks: int, replications: int):
        self.env = env
        self.state = state
        self.weeks = weeks
        self.replications = replications
        self.span = 64  # rows of each ring; doubled whenever a longer delay is scheduled
        # (increase, decrease) -> (span, R) amounts due, and their stock rows (or NO_STOCK)
        self.due: dict[tuple[str, str], Array] = {}
        self.stock_rows: dict[tuple[str, str], tuple[int, int]] = {}
        self.is_week_scheduled = np.zeros(weeks, dtype=bool)
        self.new_weeks = np.zeros(replications, dtype=np.int64)  # `due.add_due` writes here

    def schedule(self, values: Array, delays: Array, increase: str, decrease: str) -> None:
        """For every replication with values > 0, schedule the move after its own delay.

        In `delay` whole weeks (at least 1), `values` move from state.`decrease` to
        state.`increase` (either may be "" for a flow from or to outside the stocks).
        """
        now = int(self.env.now)
        ring = self._ring(increase, decrease)
        args = (values, delays, now, self.weeks, self.is_week_scheduled, self.new_weeks)
        count = add_due(ring, *args)
        if count == RING_TOO_SHORT:  # a longer delay than ever: grow the rings, then add
            self._fit(longest_delay_weeks(values, delays, now, self.weeks))
            count = add_due(self._ring(increase, decrease), *args)
        for week in self.new_weeks[:count].tolist():
            self.env.timeout(week - now).callbacks.append(
                lambda _event, week=week: self._fire(week)
            )

    def _ring(self, increase: str, decrease: str) -> Array:
        """The (span, R) ring of one kind of move, created empty on first use."""
        key = (increase, decrease)
        if key not in self.due:
            self.due[key] = np.zeros((self.span, self.replications))
            self.stock_rows[key] = (_stock_row(increase), _stock_row(decrease))
        return self.due[key]

    def _fit(self, delay: int) -> None:
        """Grow every ring so that a move `delay` weeks ahead has a row of its own."""
        if delay < self.span:
            return
        span = self.span
        while span <= delay:
            span *= 2
        now = int(self.env.now)
        ahead = np.arange(now, now + self.span)  # the weeks the old rows hold
        for key, due in self.due.items():
            grown = np.zeros((span, self.replications))
            grown[ahead % span] = due[ahead % self.span]
            self.due[key] = grown
        self.span = span

    def _fire(self, week: int) -> None:
        """Apply every move due at `week` (a decreased stock never goes below zero: no
        rounding residue), and free its rows for the week `span` weeks on."""
        row = week % self.span
        for key, ring in self.due.items():
            increase, decrease = self.stock_rows[key]
            apply_due(ring, row, self.state.block, increase, decrease)


def _stock_row(name: str) -> int:
    """The row of stock `name` in a State's block, or `due.NO_STOCK` for ""."""
    return int(Stock[name]) if name else NO_STOCK


def _scenario_event(
    env: simpy.Environment,
    event: Any,
    week: int,
    state: State,
    params: dict[str, Array],
    terms: dict[str, Array],
) -> Iterator[Any]:
    """A scenario event as a SimPy process: wait until its week, act, and undo a shock after it."""
    if week > 0:
        yield env.timeout(week)
    if isinstance(event, PolicyChange):
        params[event.lever] = np.full_like(params[event.lever], event.value)
        terms.clear()  # the lever-only terms are worked out again before this week's step
    elif isinstance(event, MarketplaceLaunch):
        state.is_marketplace_open[:] = True
    elif isinstance(event, PrimeLaunch):
        state.is_prime_launched[:] = True
    else:
        attribute, size = _shock(event)
        setattr(state, attribute, getattr(state, attribute) + size)
        yield env.timeout(event.duration_weeks)
        after = getattr(state, attribute) - size
        if attribute != "demand_shock_share":
            # Sizes are >= 0, so the sum of those in force is too; clamp the rounding residue
            # of (a + b) - a - b, which left e.g. -1e-38 FCs out of service (a negative stock).
            after = np.maximum(after, 0.0)
        setattr(state, attribute, after)


def _shock(event: Any) -> tuple[str, float]:
    """(state attribute, size) of a temporary shock event."""
    if isinstance(event, DemandShock):
        return "demand_shock_share", event.size_share
    if isinstance(event, Recession):
        return "recession_depth_share", event.depth_share
    if isinstance(event, PriceWar):
        return "price_war_depth_share", event.depth_share
    if isinstance(event, FcOutage):
        return "fc_out_of_service", event.centers
    if isinstance(event, CostShock):
        return "cost_shock_usd_per_week", event.size_usd_per_week
    raise TypeError(f"unknown event {event!r}")


def simulate_service_desk(
    arrivals_per_hour: float,
    agents_on_duty: int,
    handle_time_minutes: float,
    hours: float,
    seed: int,
    warmup_hours: float = 0.0,
) -> dict[str, float]:
    """A contact-by-contact M/M/c service desk in SimPy (the reference the weekly desk matches).

    Poisson arrivals, exponential handle times, `agents_on_duty` servers, first come first
    served. Returns the mean and standard error (batch means) of the wait in hours, and the
    number of contacts served after the warm-up.
    """
    from flywheel.engine.streams import replication_rng

    rng = replication_rng(seed, 0, Noise.DEMAND)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=agents_on_duty)
    waits: list[float] = []
    service_rate = 60.0 / handle_time_minutes

    def contact(arrived: float) -> Iterator[Any]:
        with desk.request() as request:
            yield request
            if arrived >= warmup_hours:
                waits.append(env.now - arrived)
            yield env.timeout(rng.exponential(1.0 / service_rate))

    def arrivals() -> Iterator[Any]:
        while True:
            yield env.timeout(rng.exponential(1.0 / arrivals_per_hour))
            env.process(contact(env.now))

    env.process(arrivals())
    env.run(until=warmup_hours + hours)
    values = np.asarray(waits)
    batches = np.array_split(values, 20)
    means = np.array([b.mean() for b in batches if b.size])
    return {
        "mean_wait_hours": float(values.mean()),
        "standard_error_hours": float(means.std(ddof=1) / np.sqrt(means.size)),
        "contacts": float(values.size),
    }
