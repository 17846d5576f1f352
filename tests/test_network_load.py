"""Delivery speed from the centres the load fills (loop R3, docs/model.md#fulfillment): with
`delivery_density_full_utilisation_share` > 0 the network's speed counts
`min(built, peak FC load / (capacity per centre x that share))` centres, so a network built ahead
of its orders is no faster than the one its orders fill; 0 (the default) counts every built
centre, bit for bit as before the lever."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import with_parameters

WEEKS = 260  # five years of the baseline: the planner builds from 1 to ~24 centres
SEED = 7
ON = {"delivery_density_elasticity": 0.3, "delivery_density_reference_centers": 1.0}


@pytest.fixture(scope="module")
def five_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    return dataclasses.replace(baseline, horizon_weeks=WEEKS)


def _run(scenario: flywheel.Scenario, *cut: str, **levers: float) -> flywheel.Results:
    changed = with_parameters(scenario, levers) if levers else scenario
    return flywheel.simulate(dataclasses.replace(changed, knockouts=cut), 2, SEED)


def test_loaded_centres_are_the_load_over_a_full_centre_at_most_the_built() -> None:
    """Analytic: 8 000 orders/week at 0.8 of a 1 000-order centre fill 10 centres; a network of
    4 counts 4, one of 25 counts 10; no load counts none (the network's reference speed)."""
    built = np.array([4.0, 25.0, 25.0])
    load = np.array([8000.0, 8000.0, 0.0])
    np.testing.assert_allclose(eq.loaded_centers(built, load, 1000.0, 0.8), [4.0, 10.0, 0.0])
    assert eq.network_speed_factor(eq.loaded_centers(built, load, 1000.0, 0.8), 5.0, 0.3)[
        2
    ] == pytest.approx(1.0)


def test_a_network_built_ahead_of_its_orders_is_not_faster() -> None:
    """Direction: more centres at the same load speed nothing once the load no longer fills
    them; more load on the same centres counts more of them, up to the built network."""
    load = np.full(3, 8000.0)
    counted = eq.loaded_centers(np.array([10.0, 20.0, 40.0]), load, 1000.0, 0.8)
    np.testing.assert_allclose(counted, 10.0)
    heavier = eq.loaded_centers(np.full(3, 20.0), np.array([4e3, 8e3, 1e6]), 1000.0, 0.8)
    np.testing.assert_allclose(heavier, [5.0, 10.0, 20.0])


def test_zero_and_the_default_are_the_model_before_the_lever_bit_for_bit(
    five_years: flywheel.Scenario,
) -> None:
    default = _run(five_years, **ON)
    off = _run(five_years, **ON, delivery_density_full_utilisation_share=0.0)
    for name in ("delivery_days", "revenue_usd", "customers", "fulfillment_centers"):
        np.testing.assert_array_equal(off[name], default[name], err_msg=name)


def test_counting_the_loaded_centres_is_slower_and_slower_the_fuller_they_must_be(
    five_years: flywheel.Scenario,
) -> None:
    """B1 cut (congestion held, so delivery days are the network's uncongested days times a
    constant): over the last year, counting only the loaded centres delivers slower than
    counting every built one (the planner builds at 0.8 of capacity for the year ahead), and
    asking them to be fuller before they count is slower still."""
    last_year = slice(WEEKS - 52, WEEKS)
    every = _run(five_years, "B1", **ON)["delivery_days"][:, last_year].mean(axis=1)
    loaded = _run(five_years, "B1", **ON, delivery_density_full_utilisation_share=0.5)
    fuller = _run(five_years, "B1", **ON, delivery_density_full_utilisation_share=0.95)
    loaded_days = loaded["delivery_days"][:, last_year].mean(axis=1)
    assert np.all(loaded_days > every)
    assert np.all(fuller["delivery_days"][:, last_year].mean(axis=1) > loaded_days)


def test_over_building_buys_speed_only_when_every_built_centre_counts(
    five_years: flywheel.Scenario,
) -> None:
    """Extreme condition, the FC-delayed lesson's mechanism: a planner that builds at 0.3 of
    capacity (nearly three times the centres its orders need) delivers faster than the 0.8
    planner when every built centre counts, and no faster when only loaded centres do (here
    slower: the idle centres' cost raises prices, and fewer orders fill fewer centres)."""
    last_year = slice(WEEKS - 52, WEEKS)

    def days(**levers: float) -> np.ndarray:
        run = _run(five_years, "B1", **ON, **levers)
        return run["delivery_days"][:, last_year].mean(axis=1)

    over = {"fc_build_trigger_utilisation_share": 0.3}
    loaded = {"delivery_density_full_utilisation_share": 0.8}
    assert np.all(days(**over) < 0.9 * days())
    assert np.all(days(**over, **loaded) >= days(**loaded))
