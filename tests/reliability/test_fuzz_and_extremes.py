"""Fuzzing and extreme-but-valid levers: the model never produces NaN, infinity, a negative
stock or a broken conservation law for any scenario inside the schema's ranges.

CI runs a small number of examples; `make fuzz` sets FLYWHEEL_FUZZ_EXAMPLES (e.g. 10 000)
for a nightly-sized run (figures in docs/reliability.md).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flywheel
from flywheel.model.outputs import names_where
from flywheel.scenario.catalogue import parameter_table
from flywheel.scenario.loading import Scenario, scenario_from_dict, scenario_to_dict
from flywheel.scenario.schema import LOOP_IDS

FUZZ_EXAMPLES = int(os.environ.get("FLYWHEEL_FUZZ_EXAMPLES", "25"))
STOCKS = names_where(non_negative=True)
LOOPS = LOOP_IDS
NUMERIC = [row for row in parameter_table() if row["unit"] != "flag"]


def _value(row: dict) -> st.SearchStrategy[float]:
    low, high = float(row["min"]), float(row["max"])
    if low > 0 and high / low > 1e3:  # wide positive ranges: sample on a log scale
        return (
            st.floats(math.log(low), math.log(high))
            .map(math.exp)
            .map(lambda v, lo=low, hi=high: min(max(v, lo), hi))
        )
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A random valid scenario: any parameters in range, random events and knockouts."""
    data = scenario_to_dict(Scenario())
    data["horizon_weeks"] = draw(st.integers(1, 156))
    for row in NUMERIC:
        if draw(st.booleans()):
            data[row["group"]][row["name"]] = draw(_value(row))
    initial = data["initial"]
    initial["is_marketplace_open"] = draw(st.booleans())
    initial["is_prime_launched"] = draw(st.booleans())
    initial["market_people"] = min(
        initial["market_people"], data["levers"]["market_ceiling_people"]
    )
    initial["customers"] = min(initial["customers"], initial["market_people"])
    initial["prime_members"] = min(initial["prime_members"], initial["customers"])
    if (
        sum(
            data["levers"][f"cx_weight_{w}"]
            for w in ("price", "selection", "speed", "service", "reliability")
        )
        <= 0
    ):
        data["levers"]["cx_weight_price"] = 0.3
    horizon = data["horizon_weeks"]
    events = []
    for _ in range(draw(st.integers(0, 5))):
        week = draw(st.integers(0, horizon - 1))
        kind = draw(
            st.sampled_from(
                [
                    "marketplace_launch",
                    "prime_launch",
                    "demand_shock",
                    "recession",
                    "price_war",
                    "fc_outage",
                    "cost_shock",
                    "policy",
                ]
            )
        )
        event: dict = {"kind": kind, "week": week}
        if kind == "demand_shock":
            event |= {
                "size_share": draw(st.floats(-0.9, 5.0)),
                "duration_weeks": draw(st.integers(1, 60)),
            }
        elif kind in ("recession", "price_war"):
            event |= {
                "depth_share": draw(st.floats(0.0, 0.9)),
                "duration_weeks": draw(st.integers(1, 60)),
            }
        elif kind == "fc_outage":
            event |= {
                "centers": draw(st.floats(0.0, 50.0)),
                "duration_weeks": draw(st.integers(1, 20)),
            }
        elif kind == "cost_shock":
            event |= {
                "size_usd_per_week": draw(st.floats(0.0, 1e9)),
                "duration_weeks": draw(st.integers(1, 60)),
            }
        elif kind == "policy":
            row = draw(st.sampled_from([r for r in NUMERIC if r["group"] == "levers"]))
            event |= {"lever": row["name"], "value": draw(_value(row))}
        events.append(event)
    data["events"] = events
    data["knockouts"] = draw(st.lists(st.sampled_from(LOOPS), unique=True, max_size=len(LOOPS)))
    return scenario_from_dict(data, origin="<fuzz>")


def assert_sound(results: flywheel.Results) -> None:
    """No NaN / infinity anywhere, no negative stock, market conserved."""
    for name in results.outputs:
        values = results[name]
        assert np.isfinite(values).all(), f"{name} has NaN or infinity"
    for name in STOCKS:
        assert (results[name] >= -1e-6 * (1.0 + np.abs(results[name]).max())).all(), (
            f"{name} negative: {results[name].min()}"
        )
    total = results["potential"] + results["customers"] + results["lapsed"]
    np.testing.assert_allclose(total, results["market"], rtol=1e-9, atol=1e-6)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario=scenarios(), seed=st.integers(0, 2**31 - 1))
def test_random_valid_scenarios_are_sound(scenario: Scenario, seed: int) -> None:
    assert_sound(flywheel.simulate(scenario, replications=3, seed=seed))


EXTREMES = {
    "zero_sellers": {"sellers": 0.0, "seller_join_rate_per_week": 0.0},
    "zero_marketing": {"marketing_share_of_revenue": 0.0},
    "pass_through_0": {"pass_through_share": 0.0},
    "pass_through_1": {"pass_through_share": 1.0},
    "zero_customers": {"customers": 0.0},
    "zero_agents_no_hiring": {"agents": 0.0, "service_staffing_share": 0.0},
    "zero_fcs": {"fulfillment_centers": 0.0},
    "everything_max_growth": {
        "bass_p_per_year": 0.1,
        "bass_q_per_year": 1.0,
        "market_growth_per_year": 0.6,
        "price_elasticity": 5.0,
        "conversion_base_share": 0.5,
    },
    "tiny_market": {"market_people": 1000.0, "customers": 10.0, "market_ceiling_people": 1000.0},
    "huge_market": {"market_people": 5e9, "market_ceiling_people": 5e9, "customers": 1e9},
    "no_noise": {"weekly_demand_noise_cv": 0.0, "seller_join_noise_cv": 0.0},
    "max_noise": {
        "weekly_demand_noise_cv": 0.5,
        "seller_join_noise_cv": 1.0,
        "fc_lead_time_cv": 1.0,
        "fc_outage_rate_per_year": 5.0,
    },
    "no_credit_negative_cash": {"credit_limit_usd": 0.0, "cash_usd": -1e9},
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_extreme_levers_stay_finite(name: str) -> None:
    base = flywheel.load_scenario("scenarios/baseline.toml")
    from flywheel.scenario.loading import with_parameters

    scenario = with_parameters(base, EXTREMES[name])
    assert_sound(flywheel.simulate(scenario, replications=4, seed=1))


@pytest.mark.parametrize("weeks", [1, 2600])
def test_horizon_of_one_week_and_fifty_years(weeks: int) -> None:
    base = flywheel.load_scenario("scenarios/baseline.toml")
    from dataclasses import replace

    events = tuple(e for e in base.events if base.event_week(e) < weeks)
    scenario = replace(base, horizon_weeks=weeks, events=events)
    results = flywheel.simulate(scenario, replications=2, seed=3)
    assert results["customers"].shape == (2, weeks)
    assert_sound(results)
    annual = results.annual()
    assert annual["net_sales_usd_million"].notna().all()
