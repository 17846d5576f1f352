"""The checks MODEL.md says the model must pass: conservation, no NaN / inf / negative stock,
the Bass and Erlang C limit cases, and monotonic sanity."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import flywheel
from flywheel.engine.clock import simulate_service_desk
from flywheel.model import equations as eq
from flywheel.model import parts as kernel_parts
from flywheel.model.outputs import names_where
from flywheel.scenario.catalogue import parameter_table
from flywheel.scenario.events import EVENT_KINDS, PolicyChange
from flywheel.scenario.loading import ScenarioError, scenario_from_dict, with_parameters
from flywheel.scenario.schema import LOOP_IDS

Array = npt.NDArray[np.float64]

# Stocks (and stock-like outputs) that must never be negative.
STOCKS = names_where(non_negative=True)
# Indices that must stay strictly positive (they are divided by or logged).
POSITIVE = ("price_index", "perceived_cx", "cx", "competitor_price_index", "unit_cost_usd")
REL_TOL = 1e-9


def assert_model_invariants(results: flywheel.Results) -> None:
    """Conservation, finiteness, non-negative stocks and Prime as a subset of customers."""
    for name in results.outputs:
        assert np.isfinite(results[name]).all(), f"{name} has NaN or inf"
    for name in STOCKS:
        assert (results[name] >= 0.0).all(), f"{name} < 0: min {results[name].min()}"
    for name in POSITIVE:
        assert (results[name] > 0.0).all(), f"{name} <= 0: min {results[name].min()}"
    market = results["market"]
    parts = results["potential"] + results["customers"] + results["lapsed"]
    np.testing.assert_allclose(parts, market, rtol=REL_TOL, atol=0.0)
    customers = results["customers"]
    assert (results["prime_members"] <= customers * (1 + REL_TOL) + 1e-6).all()
    # Logistic growth stops at the ceiling in force; a policy change may raise the ceiling,
    # and the market may start above it (then it does not grow). A data market_driver has no
    # ceiling (tests/test_market_driver.py checks its path).
    scenario = results.scenario
    if scenario.market_driver != "logistic":
        return
    ceilings = [scenario.levers.market_ceiling_people, scenario.initial.market_people]
    ceilings += [
        event.value
        for event in scenario.events
        if getattr(event, "lever", None) == "market_ceiling_people"
    ]
    assert (results["market"] <= max(ceilings) * 1.000001).all()


def test_baseline_keeps_every_invariant(baseline: flywheel.Scenario) -> None:
    results = flywheel.simulate(baseline, replications=4, seed=3)
    assert results["customers"].shape == (4, baseline.horizon_weeks)
    assert_model_invariants(results)
    # the flywheel turns: customers and orders grow over ten years in every replication
    assert (results["customers"][:, -1] > 2 * results["customers"][:, 0]).all()
    assert (results["orders"][:, -1] > 2 * results["orders"][:, 0]).all()


# --- property: any in-range scenario keeps the invariants ------------------------------------

PROPERTY_WEEKS = 104
LEVER_ROWS = [row for row in parameter_table() if row["group"] == "levers"]
INITIAL_ROWS = {row["name"]: row for row in parameter_table() if row["group"] == "initial"}


def _in_range(row: dict[str, Any]) -> st.SearchStrategy[float]:
    return st.floats(min_value=row["min"], max_value=row["max"], allow_nan=False)


@st.composite
def events(draw: st.DrawFn, weeks: int) -> list[dict[str, Any]]:
    """Up to four random events of any kind, each with in-range parameters."""
    out: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(EVENT_KINDS))
        event: dict[str, Any] = {"kind": kind, "week": draw(st.integers(0, weeks - 1))}
        if kind == "policy":
            row = draw(st.sampled_from(LEVER_ROWS))
            event |= {"lever": row["name"], "value": draw(_in_range(row))}
        elif kind == "demand_shock":
            event |= {
                "duration_weeks": draw(st.integers(1, 60)),
                "size_share": draw(st.floats(-0.9, 5.0)),
            }
        elif kind in ("recession", "price_war"):
            event |= {
                "duration_weeks": draw(st.integers(1, 60)),
                "depth_share": draw(st.floats(0.0, 0.9)),
            }
        elif kind == "fc_outage":
            event |= {
                "duration_weeks": draw(st.integers(1, 30)),
                "centers": draw(st.floats(0.0, 20.0)),
            }
        elif kind == "cost_shock":
            event |= {
                "duration_weeks": draw(st.integers(1, 60)),
                "size_usd_per_week": draw(st.floats(0.0, 1e8)),
            }
        out.append(event)
    return out


@st.composite
def in_range_scenarios(draw: st.DrawFn) -> flywheel.Scenario:
    """A random scenario: every lever within its documented bounds, a random initial state,
    random knockouts and random events."""
    levers = {row["name"]: draw(_in_range(row)) for row in LEVER_ROWS}
    ceiling = levers["market_ceiling_people"]
    market = draw(st.floats(INITIAL_ROWS["market_people"]["min"], ceiling))
    customers = market * draw(st.floats(0.0, 1.0))
    initial = {
        "market_people": market,
        "customers": customers,
        "prime_members": customers * draw(st.floats(0.0, 1.0)),
        "sellers": draw(st.floats(0.0, 1e6)),
        "fulfillment_centers": draw(st.floats(0.0, 50.0)),
        "agents": draw(st.floats(0.0, 1e5)),
        "cash_usd": draw(st.floats(-1e10, 1e10)),
        "cumulative_orders": draw(st.floats(1.0, 1e10)),
        "reviews": draw(st.floats(0.0, 1e9)),
        "is_marketplace_open": draw(st.booleans()),
        "is_prime_launched": draw(st.booleans()),
    }
    knockouts = draw(st.lists(st.sampled_from(LOOP_IDS), unique=True, max_size=len(LOOP_IDS)))
    data = {
        "horizon_weeks": PROPERTY_WEEKS,
        "levers": levers,
        "initial": initial,
        "knockouts": knockouts,
        "events": draw(events(PROPERTY_WEEKS)),
    }
    try:
        return scenario_from_dict(data, origin="<hypothesis>")
    except ScenarioError:
        assume(False)  # only the all-zero CX weights are refused; those are out of range too
        raise


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario=in_range_scenarios(), seed=st.integers(0, 2**32))
def test_any_in_range_scenario_keeps_every_invariant(
    scenario: flywheel.Scenario, seed: int
) -> None:
    results = flywheel.simulate(scenario, replications=2, seed=seed)
    assert_model_invariants(results)


# --- limit case: Bass (1969) closed form ------------------------------------------------------


BASS_MARKET = 1e8
# CX constant with every loop but R1 and B3 cut: no competitor price drift (the price stays at
# the competitors'), no seller joining or leaving (selection stays); speed (B1), service (B2)
# and the price target (R3) are held by their cuts, reliability is a lever; the market's
# benchmark stands still (no delivery trend), so the expected CX stays put too.
CONSTANT_CX_LEVERS = {
    "competitor_price_trend_per_year": 0.0,
    "market_delivery_trend_per_year": 0.0,
    "seller_join_rate_per_week": 0.0,
    "seller_exit_per_week": 0.0,
}
BASS_LEVERS = {
    "churn_base_per_week": 0.0,
    "winback_rate_per_week": 0.0,
    "market_growth_per_year": 0.0,
    "market_ceiling_people": BASS_MARKET,
    # marketing at its reference share: innovation effect exactly 1
    "marketing_share_of_revenue": eq.MARKETING_SHARE_REFERENCE,
}


def test_customers_follow_the_bass_closed_form_with_r1_and_b3_on(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    """With churn, win-back and market growth off, CX held constant and every loop cut but
    R1 (word of mouth, the imitation q C / M) and B3 (saturation, the Bass term (M - C)),
    customers from zero follow C(t) = M (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    market = BASS_MARKET
    scenario = scenario_factory(
        levers={**BASS_LEVERS, **CONSTANT_CX_LEVERS},
        initial={"customers": 0.0, "market_people": market, "prime_members": 0.0},
        knockouts=[loop for loop in LOOP_IDS if loop not in ("R1", "B3")],
        horizon_weeks=520,
    )
    assert scenario.levers.wom_cx_exponent > 0  # the CX multiplier is there, held at 1
    results = flywheel.simulate(scenario, replications=2, seed=11)  # noise must not matter
    np.testing.assert_allclose(results["perceived_cx"], results["perceived_cx"][0, 0], rtol=1e-12)
    np.testing.assert_allclose(results["expected_cx"], results["expected_cx"][0, 0], rtol=1e-12)
    p = scenario.levers.bass_p_per_year / eq.WEEKS_PER_YEAR
    q = scenario.levers.bass_q_per_year / eq.WEEKS_PER_YEAR
    t = np.arange(scenario.horizon_weeks, dtype=float)
    decay = np.exp(-(p + q) * t)
    closed_form = market * (1.0 - decay) / (1.0 + (q / p) * decay)
    customers = results["customers"]
    assert customers[:, 0].tolist() == [0.0, 0.0]
    relative = np.abs(customers[:, 1:] - closed_form[1:]) / closed_form[1:]
    assert relative.max() <= 1e-6, f"max relative error {relative.max():.3g}"
    # the curve is the whole S: it passes half the market within the horizon
    assert customers[0, -1] > 0.5 * market
    np.testing.assert_allclose(results["lapsed"], 0.0, atol=0.0)
    # word of mouth is the imitation pressure q C / M (CX multiplier 1)
    np.testing.assert_allclose(
        results["word_of_mouth_per_week"], q * customers / market, rtol=1e-12, atol=1e-300
    )


@pytest.mark.parametrize("customer_share", [0.0, 0.05])
def test_with_r1_cut_adoption_is_bass_with_a_constant_imitation_rate(
    scenario_factory: Callable[..., flywheel.Scenario], customer_share: float
) -> None:
    """R1 cut holds the whole word-of-mouth pressure at week 0's, w0 = q C0 / M: adoption is
    dC/dt = (p + w0)(M - C), so C(t) = M - (M - C0) e^{-(p + w0) t} (B3 on, every other loop
    cut, no churn, a constant market), whatever CX does."""
    market = BASS_MARKET
    customers0 = customer_share * market
    scenario = scenario_factory(
        levers=BASS_LEVERS,  # CX free to move: with R1 cut it must not matter
        initial={"customers": customers0, "market_people": market, "prime_members": 0.0},
        knockouts=[loop for loop in LOOP_IDS if loop != "B3"],
        horizon_weeks=520,
    )
    results = flywheel.simulate(scenario, replications=2, seed=3)
    p = scenario.levers.bass_p_per_year / eq.WEEKS_PER_YEAR
    q = scenario.levers.bass_q_per_year / eq.WEEKS_PER_YEAR
    w0 = q * customers0 / market
    np.testing.assert_allclose(results["word_of_mouth_per_week"], w0, rtol=1e-12, atol=0.0)
    t = np.arange(scenario.horizon_weeks, dtype=float)
    closed_form = market - (market - customers0) * np.exp(-(p + w0) * t)
    customers = results["customers"]
    relative = np.abs(customers[:, 1:] - closed_form[1:]) / closed_form[1:]
    assert relative.max() <= 1e-6, f"max relative error {relative.max():.3g}"
    # no S: the adoption flow only falls (Bass with R1 on rises first from a small base)
    assert np.all(np.diff(results["adoption"][0]) <= 0.0)
    np.testing.assert_array_equal(results["gain_R1"], 0.0)


# --- limit case: Erlang C ---------------------------------------------------------------------


def erlang_c_textbook(arrivals: float, servers: int, service: float) -> float:
    """Mean wait in queue (hours) of an M/M/c queue, straight from the textbook sum:
    P_wait = (a^c / c!) (c / (c - a)) / (sum_{k<c} a^k / k! + (a^c / c!) (c / (c - a)))."""
    offered = arrivals / service
    head = sum(offered**k / math.factorial(k) for k in range(servers))
    tail = offered**servers / math.factorial(servers) * servers / (servers - offered)
    return tail / (head + tail) / (servers * service - arrivals)


def erlang_c_recursive(arrivals: float, servers: int, service: float) -> float:
    """Textbook Erlang C via the Erlang B recursion B_k = a B_{k-1} / (k + a B_{k-1}), which
    stays finite for thousands of servers."""
    offered = arrivals / service
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    waiting = servers * blocking / (servers - offered * (1.0 - blocking))
    return waiting / (servers * service - arrivals)


def _closed_form(arrivals: float, servers: float, service: float) -> float:
    """The Erlang C wait as the week computes it (compiled, scipy called from machine code)."""
    return kernel_parts.erlang_c_wait_hours(arrivals, float(servers), service)


@pytest.mark.parametrize(
    ("arrivals", "servers", "service"),
    [
        (1.0, 1, 2.0),
        (3.9, 1, 4.0),
        (8.0, 10, 1.0),
        (50.0, 12, 5.0),
        (170.0, 20, 10.0),
        (100.0, 120, 1.0),
        (45.0, 5, 10.0),
    ],
)
def test_erlang_c_matches_the_textbook_sum(arrivals: float, servers: int, service: float) -> None:
    expected = erlang_c_textbook(arrivals, servers, service)
    assert _closed_form(arrivals, servers, service) == pytest.approx(expected, rel=1e-9)
    assert erlang_c_recursive(arrivals, servers, service) == pytest.approx(expected, rel=1e-9)


def test_erlang_c_with_one_server_is_m_m_1() -> None:
    arrivals, service = 7.0, 10.0
    rho = arrivals / service
    assert _closed_form(arrivals, 1, service) == pytest.approx(
        rho / (service - arrivals), rel=1e-12
    )


@pytest.mark.parametrize("utilisation", [0.9, 0.99, 0.999])
def test_erlang_c_is_stable_for_thousands_of_servers(utilisation: float) -> None:
    servers, service = 5000, 10.0
    arrivals = utilisation * servers * service
    wait = _closed_form(arrivals, servers, service)
    assert math.isfinite(wait) and wait > 0.0
    assert wait == pytest.approx(erlang_c_recursive(arrivals, servers, service), rel=1e-8)


def test_erlang_c_is_zero_without_arrivals_or_with_ample_spare_capacity() -> None:
    assert _closed_form(0.0, 3, 1.0) == 0.0
    # Halfin-Whitt spare capacity (c - a) / sqrt(a) = 11 > 10: P(wait) < 1e-22, returned as 0
    assert _closed_form(100.0, 210, 1.0) == 0.0
    tiny = erlang_c_recursive(100.0, 190, 1.0)  # beta = 9: evaluated
    assert 0.0 < tiny < 1e-12
    assert _closed_form(100.0, 190, 1.0) == pytest.approx(tiny, rel=1e-6)


def test_erlang_c_is_capped_where_the_desk_cannot_keep_up() -> None:
    """Arrivals at (or a hair under) capacity: the longest wait, never inf or NaN. (With no
    agents on duty the desk serves nothing: its wait is the backlog's, `service_desk_flows`.)"""
    assert _closed_form(40.0, 4, 10.0) == eq.MAX_QUEUE_WAIT_HOURS
    assert _closed_form(40.0, 4.000001, 10.0) == eq.MAX_QUEUE_WAIT_HOURS


@settings(max_examples=300, deadline=None)
@given(
    arrivals=st.floats(0.0, 1e6),
    servers=st.floats(0.0, 1e5),
    service=st.floats(0.5, 120.0),
)
def test_compiled_erlang_c_is_the_equation_run_by_python(
    arrivals: float, servers: float, service: float
) -> None:
    """The compiled wait (scipy's gammaln and gammaincc called from machine code, `special`)
    is the same source run by Python with scipy's ufuncs, to the last bits of `log` and `exp`
    (the C library's in compiled code, numpy's in Python)."""
    with np.errstate(all="ignore"):  # Python's numpy floats warn where compiled code is silent
        expected = eq.erlang_c_wait_hours(np.float64(arrivals), np.float64(servers), service)
    compiled = kernel_parts.erlang_c_wait_hours(arrivals, servers, service)
    assert compiled == pytest.approx(expected, rel=1e-13, abs=0.0)
    assert (compiled == 0.0) == (expected == 0.0)


def test_simpy_service_desk_agrees_with_erlang_c() -> None:
    """A contact-by-contact M/M/c desk (rho = 0.8) has a mean wait inside the 95 % CI of the
    Erlang C value, and the CI is tight enough to tell c from c + 1 agents."""
    arrivals, agents, handle_minutes = 32.0, 4, 6.0
    service = 60.0 / handle_minutes
    desk = simulate_service_desk(
        arrivals_per_hour=arrivals,
        agents_on_duty=agents,
        handle_time_minutes=handle_minutes,
        hours=1200.0,
        seed=0,
        warmup_hours=50.0,
    )
    expected = erlang_c_textbook(arrivals, agents, service)
    mean, error = desk["mean_wait_hours"], desk["standard_error_hours"]
    assert desk["contacts"] > 30_000
    assert abs(mean - expected) <= 1.96 * error, (mean, expected, error)
    assert 1.96 * error < 0.2 * expected  # a meaningful CI, not a wide net
    one_more_agent = erlang_c_textbook(arrivals, agents + 1, service)
    assert abs(mean - one_more_agent) > 1.96 * error


def test_weekly_queue_wait_equals_erlang_c_with_fixed_staffing(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    """Fixed staff (no hiring, no attrition), no noise, all loops cut: every week's recorded
    queue wait is the Erlang C wait of that week's contacts and agents on duty."""
    levers = {
        **quiet_levers,
        "service_staffing_share": 0.0,
        "agent_attrition_per_week": 0.0,
        "bass_p_per_year": 0.0,
        "bass_q_per_year": 0.0,
        "churn_base_per_week": 0.0,
        "market_growth_per_year": 0.0,
        "q4_demand_multiplier": 1.0,
        "seller_join_rate_per_week": 0.0,
        "seller_exit_per_week": 0.0,
        "competitor_price_trend_per_year": 0.0,
    }
    scenario = scenario_factory(
        levers=levers,
        # 70 agents x 0.8 productive x 40 h / 112 open hours = exactly 20 servers
        initial={"agents": 70.0},
        knockouts=list(LOOP_IDS),
        horizon_weeks=40,
        events=[{"kind": "demand_shock", "week": 20, "duration_weeks": 10, "size_share": 0.15}],
    )
    results = flywheel.simulate(scenario, replications=1, seed=0)
    lv = scenario.levers
    open_hours = lv.service_open_hours_per_week
    servers = (
        results["agents"][0]
        * lv.agent_productive_share
        * eq.PAID_HOURS_PER_AGENT_WEEK
        / (open_hours)
    )
    arrivals = results["contacts"][0] / open_hours
    service = 60.0 / lv.handle_time_minutes
    np.testing.assert_allclose(servers, 20.0, rtol=1e-12)
    occupancy = arrivals / (servers * service)
    assert occupancy.min() > 0.75 and occupancy.max() > 0.9  # two load levels, both queueing
    assert (results["service_backlog"][0] == 0.0).all()
    expected = [erlang_c_textbook(a, 20, service) for a in arrivals]
    np.testing.assert_allclose(results["queue_wait_hours"][0], expected, rtol=1e-9)


# --- monotonic sanity -------------------------------------------------------------------------


def test_more_pass_through_gives_a_lower_price_index(
    baseline: flywheel.Scenario, quiet_levers: dict[str, float]
) -> None:
    """End-of-horizon price index falls as pass-through rises: with noise (mean of 4
    replications, common random numbers) and with every noise source off."""
    five_years = dataclasses.replace(baseline, horizon_weeks=260)
    quiet = with_parameters(five_years, quiet_levers)
    noisy_ends, quiet_ends = [], []
    for share in (0.1, 0.5, 0.9):
        noisy = flywheel.simulate(with_parameters(five_years, {"pass_through_share": share}), 4, 5)
        noisy_ends.append(noisy["price_index"][:, -1].mean())
        calm = flywheel.simulate(with_parameters(quiet, {"pass_through_share": share}), 1, 5)
        quiet_ends.append(calm["price_index"][0, -1])
    assert np.all(np.diff(noisy_ends) < 0), noisy_ends
    assert np.all(np.diff(quiet_ends) < 0), quiet_ends


def test_longer_fc_lead_time_slows_delivery_after_a_demand_surge(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    surge_week, surge_weeks = 104, 52
    delivery = []
    for lead_time in (13.0, 52.0, 104.0):
        scenario = scenario_factory(
            levers={**quiet_levers, "fc_lead_time_weeks": lead_time},
            horizon_weeks=260,
            events=[
                {
                    "kind": "demand_shock",
                    "week": surge_week,
                    "duration_weeks": surge_weeks,
                    "size_share": 0.5,
                }
            ],
        )
        results = flywheel.simulate(scenario, replications=1, seed=0)
        delivery.append(results["delivery_days"][:, surge_week:].mean())
    assert np.all(np.diff(delivery) > 0), delivery


def test_cutting_r2_leaves_fewer_sellers(baseline: flywheel.Scenario) -> None:
    six_years = dataclasses.replace(baseline, horizon_weeks=312)
    full = flywheel.simulate(six_years, replications=4, seed=2)
    cut = flywheel.simulate(dataclasses.replace(six_years, knockouts=("R2",)), 4, seed=2)
    assert cut["sellers"][:, -1].mean() < 0.5 * full["sellers"][:, -1].mean()
    assert (cut["sellers"][:, -1] < full["sellers"][:, -1]).all()


def test_spend_index_grows_logistically_and_scales_visits_per_customer(
    baseline: flywheel.Scenario, quiet_levers: dict[str, float]
) -> None:
    """The spend index follows its discrete logistic from 1 toward the ceiling, visits per
    customer scale with it, and with growth 0 (the default) it stays exactly 1."""
    five_years = with_parameters(dataclasses.replace(baseline, horizon_weeks=260), quiet_levers)
    flat = flywheel.simulate(five_years, replications=1, seed=0)
    assert (flat["spend_index"] == 1.0).all()
    levers = {"spend_growth_per_year": 0.3, "spend_index_ceiling": 4.0}
    grown = flywheel.simulate(with_parameters(five_years, levers), replications=1, seed=0)
    index = grown["spend_index"][0]
    expected = [1.0]
    for _ in range(len(index) - 1):
        level = expected[-1]
        expected.append(level + 0.3 / 52 * level * (1 - level / 4.0))
    np.testing.assert_allclose(index, expected, rtol=1e-12)
    assert index[-1] > 2.3 and (index < 4.0).all()
    # at week 0 both runs are the same; later the grown run has more visits per customer
    per_customer = grown["visits"] / grown["customers"]
    per_customer_flat = flat["visits"] / flat["customers"]
    assert per_customer[0, 0] == per_customer_flat[0, 0]
    assert per_customer[0, -1] > 2.0 * per_customer_flat[0, -1]
    assert grown["orders"][0, -52:].sum() > 1.5 * flat["orders"][0, -52:].sum()


# --- discrete events last as long as they say --------------------------------------------------


def _runs_of_ones(series: Array) -> list[int]:
    """Lengths of the runs of consecutive non-zero weeks."""
    lengths, current = [], 0
    for value in series:
        if value > 0:
            current += 1
        elif current:
            lengths.append(current)
            current = 0
    return lengths + ([current] if current else [])


@pytest.mark.parametrize("duration", [1, 3])
def test_random_outages_last_their_duration(
    scenario_factory: Callable[..., flywheel.Scenario], duration: int
) -> None:
    """One FC that the planner never adds to: every random outage takes it down for exactly
    `duration` weeks (back-to-back outages for a multiple). A 1-week outage must be seen."""
    scenario = scenario_factory(
        levers={
            "fc_outage_rate_per_year": 5.0,
            "fc_outage_duration_weeks": float(duration),
            "fc_capacity_orders_per_week": 5e6,
            "fc_build_trigger_utilisation_share": 1.5,
        },
        horizon_weeks=156,
    )
    results = flywheel.simulate(scenario, replications=20, seed=4)
    assert (results["fulfillment_centers"] == 1.0).all()
    runs = []
    for row in results["fc_out_of_service"]:
        whole = _runs_of_ones(row)
        runs += whole[:-1] if row[-1] > 0 else whole  # a run cut by the horizon is partial
    assert len(runs) > 20, "random outages never took a centre down"
    assert all(n % duration == 0 for n in runs), runs


def test_scheduled_outage_lasts_its_duration(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    scenario = scenario_factory(
        levers={"fc_outage_rate_per_year": 0.0},
        initial={"fulfillment_centers": 3.0},
        horizon_weeks=30,
        events=[{"kind": "fc_outage", "week": 10, "duration_weeks": 4, "centers": 2.0}],
    )
    out = flywheel.simulate(scenario, replications=1, seed=0)["fc_out_of_service"][0]
    assert out[10:14].tolist() == [2.0] * 4
    assert (out[:10] == 0).all() and (out[14:] == 0).all()


def test_overlapping_fractional_outages_leave_no_negative_residue(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    """(a + b) - a - b is not 0 in floating point; found by the property test above."""
    scenario = scenario_factory(
        horizon_weeks=104,
        events=[
            {
                "kind": "fc_outage",
                "week": 64,
                "duration_weeks": 23,
                "centers": 1.1754943508222875e-38,
            },
            {"kind": "fc_outage", "week": 56, "duration_weeks": 23, "centers": 0.09101180667532448},
        ],
        levers={"fc_outage_rate_per_year": 5.0},
    )
    results = flywheel.simulate(scenario, replications=4, seed=0)
    assert (results["fc_out_of_service"] >= 0.0).all()


def test_prime_stays_a_subset_of_customers_with_r4_cut(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    """With R4 cut, churn uses the week-0 member share; members who churn less must still
    leave when non-members run out (found by the property test above)."""
    scenario = scenario_factory(
        levers={
            "churn_base_per_week": 0.03,
            "prime_churn_cut_share": 1.0,
            "bass_p_per_year": 0.0,
            "bass_q_per_year": 0.0,
            "winback_rate_per_week": 0.0,
        },
        initial={"customers": 1e6, "prime_members": 5e5},
        knockouts=["R4"],
        horizon_weeks=104,
    )
    results = flywheel.simulate(scenario, replications=2, seed=0)
    assert results["customers"][0, -1] < 5e5  # churn eats far into the members' share
    assert (results["prime_members"] <= results["customers"] * (1 + 1e-12)).all()
    assert_model_invariants(results)


@pytest.mark.parametrize("lead_time_weeks", [52.0, 150.0])
def test_every_fc_order_opens_after_its_own_lead_time(
    baseline: flywheel.Scenario, lead_time_weeks: float
) -> None:
    """With random lead times, centres move from under construction to open without loss or
    duplication (open + building = initial + orders placed so far), and lead times differ
    between orders, so openings fall in many different weeks. 150 weeks (and the random
    draws above it) outgrow the engine calendar's first ring of 64 weeks."""
    scenario = with_parameters(
        baseline, {"fc_lead_time_cv": 0.4, "fc_lead_time_weeks": lead_time_weeks}
    )
    results = flywheel.simulate(scenario, replications=32, seed=7)
    pipeline = results["fulfillment_centers"] + results["fc_under_construction"]
    placed = np.cumsum(results["fc_orders"], axis=1)
    initial = scenario.initial.fulfillment_centers
    np.testing.assert_array_equal(pipeline[:, 1:], initial + placed[:, :-1])
    openings = np.diff(results["fulfillment_centers"], axis=1) > 0
    assert openings.sum() > 100
    # the same orders would open in lockstep with a fixed lead time: here they do not
    assert len({tuple(np.flatnonzero(row)) for row in openings}) == len(openings)


def test_a_policy_change_reaches_the_lever_only_terms(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    """Lever-only terms are worked out once per lever setting (flywheel.model.terms): a policy
    change must bring them up to date in its own week, e.g. the reliability score of pulled
    defects."""
    scenario = scenario_factory(
        levers={**quiet_levers, "andon_cord_share": 0.0, "defect_rate_share": 0.08},
        horizon_weeks=40,
        events=[{"kind": "policy", "week": 20, "lever": "andon_cord_share", "value": 0.75}],
    )
    score = flywheel.simulate(scenario, replications=2, seed=0)["score_reliability"]
    before = eq.reliability_score(np.array([0.08]))[0]
    after = eq.reliability_score(np.array([0.08 * (1.0 - 0.75)]))[0]
    np.testing.assert_array_equal(score[:, :20], before)
    np.testing.assert_array_equal(score[:, 20:], after)


def test_fc_orders_open_exactly_their_lead_time_later_across_a_lead_time_change(
    baseline: flywheel.Scenario,
) -> None:
    """Orders placed before a policy change (lead time 20 weeks) are still pending when later
    orders (150 weeks) outgrow the engine calendar's first 64-week ring: every order must still
    open exactly its own lead time after it was placed."""
    scenario = dataclasses.replace(
        with_parameters(
            baseline,
            {"fc_lead_time_cv": 0.0, "fc_lead_time_weeks": 20.0, "fc_outage_rate_per_year": 0.0},
        ),
        events=(
            *baseline.events,
            PolicyChange(week=100, lever="fc_lead_time_weeks", value=150.0),
        ),
    )
    results = flywheel.simulate(scenario, replications=3, seed=2)
    orders, centers = results["fc_orders"], results["fulfillment_centers"]
    weeks = scenario.horizon_weeks
    expected = np.zeros_like(orders)
    for week in range(weeks):
        due = week + (20 if week < 100 else 150)
        if due < weeks:
            expected[:, due] += orders[:, week]
    assert orders[:, :100].sum() > 0 and orders[:, 100:].sum() > 0
    np.testing.assert_array_equal(np.diff(centers, axis=1), expected[:, 1:])
