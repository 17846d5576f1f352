"""Delivery speed from the network's size (loop R3, docs/model.md#fulfillment): uncongested
delivery days are `delivery_days_base * (centres / reference)^-elasticity` (at least 1 in the
bracket), never below `delivery_days_floor`; off (elasticity 0) the model is the one before the
levers existed, and an R3 cut holds the network's speed factor."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import DatedKnockout, with_parameters

WEEKS = 260  # five years of the baseline: the planner builds from 1 to ~24 centres
START = 130  # a dated cut's first week
SEED = 7
ON = {"delivery_density_elasticity": 0.3, "delivery_density_reference_centers": 1.0}


@pytest.fixture(scope="module")
def five_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    return dataclasses.replace(baseline, horizon_weeks=WEEKS)


def _run(
    scenario: flywheel.Scenario, *cut: str | DatedKnockout, **levers: float
) -> flywheel.Results:
    changed = with_parameters(scenario, levers) if levers else scenario
    return flywheel.simulate(dataclasses.replace(changed, knockouts=cut), 2, SEED)


def _assert_constant(series: np.ndarray) -> None:
    """Every week of every replication equals that replication's first week, to rounding."""
    np.testing.assert_allclose(series, series[:, :1] * np.ones_like(series), rtol=1e-12)


def _uncongested_days(centres: np.ndarray, elasticity: float, base: float = 3.0) -> np.ndarray:
    factor = eq.network_speed_factor(centres, np.float64(1.0), np.float64(elasticity))
    return eq.network_base_days(np.float64(base), factor, np.float64(0.5))


def test_the_speed_factor_is_one_when_off_or_below_the_reference() -> None:
    centres = np.array([0.01, 1.0, 7.0, 1e4])
    np.testing.assert_array_equal(eq.network_speed_factor(centres, 5.0, 0.0), 1.0)
    np.testing.assert_array_equal(eq.network_speed_factor(np.array([0.01, 5.0]), 5.0, 0.4), 1.0)


def test_the_speed_factor_follows_the_square_root_law_at_one_half() -> None:
    """Four times the reference network at elasticity 1/2: half the distance, half the days."""
    np.testing.assert_allclose(eq.network_speed_factor(np.array([20.0]), 5.0, 0.5), 0.5)
    factors = eq.network_speed_factor(np.array([10.0, 20.0, 40.0]), 5.0, 0.3)
    assert np.all(np.diff(factors) < 0.0)  # more centres, faster


def test_the_floor_binds_the_network_not_the_policy() -> None:
    # a huge network stops at the floor; a policy already below the floor keeps its own days
    np.testing.assert_allclose(eq.network_base_days(6.0, 1e-3, 1.0), 1.0)
    np.testing.assert_allclose(eq.network_base_days(0.25, 0.5, 1.0), 0.25)
    np.testing.assert_allclose(eq.network_base_days(6.0, 0.5, 1.0), 3.0)


def test_off_the_other_two_levers_change_nothing_bit_for_bit(
    five_years: flywheel.Scenario,
) -> None:
    default = _run(five_years)
    inert = _run(five_years, delivery_density_reference_centers=0.1, delivery_days_floor=3.0)
    for name in ("delivery_days", "revenue_usd", "customers", "gain_R3"):
        np.testing.assert_array_equal(inert[name], default[name], err_msg=name)


def test_a_bigger_network_delivers_faster(five_years: flywheel.Scenario) -> None:
    """B1 cut (congestion held at week 0's): delivery days are the network's uncongested days
    of the centres built that week, falling as the planner builds; a larger elasticity is
    faster, and conversion feels it through gain_R3 (> 0: speed amplifies)."""
    on = _run(five_years, "B1", **ON)
    centres, days = on["fulfillment_centers"], on["delivery_days"]
    held_congestion = days[:, :1] / _uncongested_days(centres[:, :1], 0.3)
    np.testing.assert_allclose(days, held_congestion * _uncongested_days(centres, 0.3), rtol=1e-12)
    assert np.all(days[:, -1] < 0.6 * days[:, 0])
    faster = _run(five_years, "B1", **{**ON, "delivery_density_elasticity": 0.5})
    assert np.all(faster["delivery_days"][:, -1] < days[:, -1])
    off = _run(five_years, "B1")
    _assert_constant(off["delivery_days"])
    assert np.all(on["gain_R3"][:, -1] > off["gain_R3"][:, -1] + 0.1)


def test_r3_cut_holds_the_networks_speed(five_years: flywheel.Scenario) -> None:
    """R3 and B1 cut from week 0: the network builds but delivery stays at week 0's days, and
    R3's gain is 0 every week."""
    cut = _run(five_years, "R3", "B1", **ON)
    assert cut["fulfillment_centers"][0, -1] > 10.0 * cut["fulfillment_centers"][0, 0]
    _assert_constant(cut["delivery_days"])
    np.testing.assert_array_equal(cut["gain_R3"], 0.0)


def test_a_dated_r3_cut_holds_the_speed_of_its_first_week(
    five_years: flywheel.Scenario,
) -> None:
    cuts = (DatedKnockout(loop="R3", week=START), DatedKnockout(loop="B1", week=START))
    cut = _run(five_years, *cuts, **ON)
    _assert_constant(cut["delivery_days"][:, START:])
    np.testing.assert_array_equal(cut["gain_R3"][:, START:], 0.0)
    only_b1 = _run(five_years, DatedKnockout(loop="B1", week=START), **ON)
    assert np.all(only_b1["delivery_days"][:, -1] < 0.8 * only_b1["delivery_days"][:, START])
