"""Loop gains measure what each loop's knockout takes away: on one and the same state, the
knocked-out week's flow is the gain's factor smaller (or larger)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.engine.step import LockstepWeek
from flywheel.engine.streams import LEAD_TIME_DRAWS
from flywheel.model.state import initial_state, lever_arrays
from flywheel.model.terms import lever_terms
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR as SHIPPED

REPLICATIONS = 3
WEEKS_BEFORE = 130  # past Prime's launch (week 104), sellers and selection well above week 0

# loop -> the output its gain scales exactly (the knockout changes nothing else in that output)
SCALED_OUTPUT = {
    "R2": "seller_attractiveness",
    "B4": "seller_attractiveness",
    "R4": "visits",
    "R5": "conversion",
}
NOISE = {  # standard normals and uniforms, all 0: no outage, mean-one-ish noise
    "demand": np.zeros((REPLICATIONS, WEEKS_BEFORE + 1)),
    "seller_joins": np.zeros((REPLICATIONS, WEEKS_BEFORE + 1)),
    "outages": np.zeros((REPLICATIONS, WEEKS_BEFORE + 1)),
    "lead_times": np.zeros((REPLICATIONS, LEAD_TIME_DRAWS)),
}


@pytest.fixture(scope="module")
def mid_run(baseline):
    """The step after `WEEKS_BEFORE` weeks, every loop on (its state, levers and week-0
    references); the marketplace and Prime opened at week 0 (with a tenth of the customers
    members already, so R4's week-0 reference is not zero) so both loops act from the start."""
    initial = dataclasses.replace(
        baseline.initial,
        is_marketplace_open=True,
        is_prime_launched=True,
        prime_members=baseline.initial.customers / 10,
    )
    scenario = dataclasses.replace(baseline, initial=initial, events=())
    levers = lever_arrays(scenario, REPLICATIONS)
    lockstep = LockstepWeek(initial_state(scenario, REPLICATIONS), frozenset())
    lockstep.set_levers(levers, lever_terms(levers))
    lockstep.set_noise(NOISE)
    for week in range(WEEKS_BEFORE):
        lockstep.advance(week, False, False)
    return lockstep


def _one_more_week(mid_run: LockstepWeek, cut: frozenset[str]) -> dict[str, np.ndarray]:
    """The outputs of week `WEEKS_BEFORE` from the mid-run state with the loops `cut`."""
    lockstep = LockstepWeek(mid_run.state.copy(), cut)
    lockstep.levers, lockstep.terms = mid_run.levers, mid_run.terms
    lockstep.reference = mid_run.reference.copy()
    lockstep.held = mid_run.held.copy()  # the links' week-0 values, which a cut holds
    lockstep.set_noise(NOISE)
    lockstep.advance(WEEKS_BEFORE, False, False)
    return {name: values.copy() for name, values in lockstep.outputs.items()}


@pytest.mark.parametrize("loop", sorted(SCALED_OUTPUT))
def test_gain_is_the_log_factor_its_knockout_takes_away(mid_run, loop) -> None:
    on = _one_more_week(mid_run, frozenset())
    cut = _one_more_week(mid_run, frozenset({loop}))
    output = SCALED_OUTPUT[loop]
    gain = on[f"gain_{loop}"]
    assert np.all(np.abs(gain) > 0.05)  # the loop is acting: the comparison means something
    np.testing.assert_allclose(np.log(on[output] / cut[output]), gain, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(cut[f"gain_{loop}"], 0.0)


def test_traffic_and_crowding_add_up_to_the_seller_attractiveness_change(mid_run) -> None:
    """R2 (traffic) and B4 (crowding) act on the same flow: with both cut, attractiveness is
    the week-0 one at today's prices, so the two gains together are its whole log change."""
    on = _one_more_week(mid_run, frozenset())
    both_cut = _one_more_week(mid_run, frozenset({"R2", "B4"}))
    np.testing.assert_allclose(
        np.log(on["seller_attractiveness"] / both_cut["seller_attractiveness"]),
        on["gain_R2"] + on["gain_B4"],
        rtol=1e-9,
    )


def test_gains_are_zero_at_week_0_but_r2s_season_and_noise_and_b5s_margin(baseline) -> None:
    results = flywheel.simulate(
        dataclasses.replace(baseline, horizon_weeks=2, events=()), replications=2, seed=1
    )
    for loop in flywheel.scenario.schema.LOOP_IDS:
        if loop not in ("R2", "B5"):  # B5 is log(1 + operating margin), not against week 0
            np.testing.assert_array_equal(results[f"gain_{loop}"][:, 0], 0.0, err_msg=loop)
    # R2's week-0 reference GMV is the base conversion's, without season or demand noise
    assert np.all(np.abs(results["gain_R2"][:, 0]) < 0.2)


def test_marketplace_loops_are_idle_while_the_marketplace_is_closed() -> None:
    """Without a marketplace no seller can sign up, so R2 and B4 scale nothing; the Amazon
    record opens it in 2000 (week 235), and from then on R2 acts."""
    closed = flywheel.load_scenario(SHIPPED / "no_marketplace.toml")
    results = flywheel.simulate(closed, replications=2, seed=0, outputs=("gain_R2", "gain_B4"))
    np.testing.assert_array_equal(results["gain_R2"], 0.0)
    np.testing.assert_array_equal(results["gain_B4"], 0.0)
    record = flywheel.load_scenario(SHIPPED / "amazon_1996_2024_calibrated.toml")
    early = tuple(event for event in record.events if record.event_week(event) < 300)
    short = dataclasses.replace(record, horizon_weeks=300, events=early)
    results = flywheel.simulate(short, replications=2, seed=0, outputs=("gain_R2", "gain_B4"))
    opened = int(np.argmax(results["gain_R2"][0] != 0.0))
    assert 200 < opened < 260
    np.testing.assert_array_equal(results["gain_B4"][:, :opened], 0.0)
    assert np.all(results["gain_R2"][:, opened:] > 0)
