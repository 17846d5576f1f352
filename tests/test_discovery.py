"""Discovery: new shoppers find the store through its selection (`innovation_selection_elasticity`,
docs/model.md#adoption, issue 19): Bass innovation scaled by the SKUs on offer over week
0's, to the power of the lever, the link held with R2 cut. The default 0 is the model without
it (the stored reference outputs, tests/reference, guard bit-identity); these tests check the
equation, the kernel against the exact Bass step, the R2 hold (from week 0 and from a later
week), the direction, and that every cut loop still has zero gain with the lever on."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import DatedKnockout, with_parameters
from tests.test_knockouts import _run as run_with_cuts

SEED = 5
REINFORCING = ("R1", "R2", "R3", "R4", "R5")
WEEKS = (0, 60, 150, 259)

_run = functools.partial(run_with_cuts, seed=SEED)


def test_the_factor_is_the_sku_ratio_to_the_power() -> None:
    assert eq.discovery_factor(4.0, 1.0, 0.5) == pytest.approx(2.0)
    assert eq.discovery_factor(1e8, 1e6, 0.13) == pytest.approx(100.0**0.13)
    assert eq.discovery_factor(3.0e6, 3.0e6, 0.3) == pytest.approx(1.0)  # week 0's SKUs
    assert eq.discovery_factor(7.0e7, 2.0e6, 0.0) == 1.0  # off: exactly 1
    assert eq.discovery_factor(1.0e6, 2.0e6, 0.5) < 1.0  # a shrinking assortment is found less


def _expected_adoption(
    results: flywheel.Results, week: int, bass_p_per_year: float, factor: np.ndarray
) -> np.ndarray:
    """The exact Bass step (people/week) at week `week` with innovation p / 52 * `factor`
    (the baseline's marketing effect is 1: marketing at its 4 % reference, no recession; CX
    exponent 0) and the run's own imitation (word of mouth over the customer share)."""
    customers, market = results["customers"][:, week], results["market"][:, week]
    imitation = results["word_of_mouth_per_week"][:, week] * market / customers
    innovation = eq.per_week(bass_p_per_year) * factor
    bass = [
        eq.bass_adoption(c, n, m, i, q)
        for c, n, m, i, q in zip(
            customers, results["potential"][:, week], market, innovation, imitation, strict=True
        )
    ]
    return np.minimum(bass, results["potential"][:, week])


@pytest.mark.parametrize("elasticity", [0.0, 0.13, 0.5])
def test_adoption_is_the_bass_step_with_innovation_scaled_by_the_sku_ratio(
    five_years: flywheel.Scenario, elasticity: float
) -> None:
    """Each checked week's adoption equals the exact Bass step with innovation
    p * (SKUs / week 0's)^elasticity, while the SKUs grow several-fold."""
    results = _run(five_years, innovation_selection_elasticity=elasticity)
    skus = results["skus"]
    assert np.all(skus[:, -1] > 3.0 * skus[:, 0])
    for week in WEEKS:
        factor = (skus[:, week] / skus[:, 0]) ** elasticity
        expected = _expected_adoption(results, week, five_years.levers.bass_p_per_year, factor)
        np.testing.assert_allclose(results["adoption"][:, week], expected, rtol=1e-9)


def test_an_r2_cut_holds_the_factor_at_week_0s_so_innovation_is_plain_bass(
    five_years: flywheel.Scenario,
) -> None:
    """R2 cut from week 0: the SKUs still grow (sellers join at the held attractiveness), but
    innovation stays p: the factor is held at 1."""
    results = _run(five_years, "R2", innovation_selection_elasticity=0.5)
    assert np.all(results["skus"][:, -1] > 1.5 * results["skus"][:, 0])
    for week in WEEKS:
        expected = _expected_adoption(results, week, five_years.levers.bass_p_per_year, np.ones(2))
        np.testing.assert_allclose(results["adoption"][:, week], expected, rtol=1e-9)


def test_a_dated_r2_cut_holds_the_factor_at_its_first_weeks(
    five_years: flywheel.Scenario,
) -> None:
    """R2 cut from week 100: before it the factor follows the SKUs, from it it stays at the
    SKU ratio of week 100, while the SKUs keep growing."""
    cut_week = 100
    scenario = dataclasses.replace(
        with_parameters(five_years, {"innovation_selection_elasticity": 0.5}),
        knockouts=(DatedKnockout(loop="R2", week=cut_week),),
    )
    results = flywheel.simulate(scenario, replications=2, seed=SEED)
    skus = results["skus"]
    assert np.all(skus[:, -1] > 1.15 * skus[:, cut_week])
    held = (skus[:, cut_week] / skus[:, 0]) ** 0.5
    for week, factor in ((60, (skus[:, 60] / skus[:, 0]) ** 0.5), (150, held), (259, held)):
        expected = _expected_adoption(results, week, scenario.levers.bass_p_per_year, factor)
        np.testing.assert_allclose(results["adoption"][:, week], expected, rtol=1e-9)


def test_a_growing_selection_wins_more_shoppers_and_cutting_every_loop_removes_it(
    five_years: flywheel.Scenario,
) -> None:
    """Direction (docs/model.md#adoption): with the SKUs growing, the lever raises adoption;
    with R1-R5 cut the factor is held at 1, so the lever changes nothing, bit for bit."""
    off = _run(five_years)["customers"][:, -1]
    on = _run(five_years, innovation_selection_elasticity=0.3)["customers"][:, -1]
    assert np.all(on > off * 1.02)
    cut_off = _run(five_years, *REINFORCING)
    cut_on = _run(five_years, *REINFORCING, innovation_selection_elasticity=0.3)
    np.testing.assert_array_equal(cut_on["customers"], cut_off["customers"])
    np.testing.assert_array_equal(cut_on["revenue_usd"], cut_off["revenue_usd"])


@pytest.mark.parametrize("loop", REINFORCING)
def test_with_the_lever_on_each_cut_loop_still_has_zero_gain(
    five_years: flywheel.Scenario, loop: str
) -> None:
    results = _run(five_years, loop, innovation_selection_elasticity=0.3)
    np.testing.assert_array_equal(results[f"gain_{loop}"], 0.0)


BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_the_v6_discover_variant_is_v5_with_the_lever_and_its_prior() -> None:
    """docs/calibration.md#refit-v6-discover: the scenario is v5 with discovery switched on at
    the prior's centre (0.13), nothing else; the parameters are v2's with Bass innovation
    narrowed to Sultan, Farley & Lehmann's mean or less and the elasticity inside its prior."""
    v5 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v5.toml")
    v6 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v6_discover.toml")
    ours, theirs = dataclasses.asdict(v6.levers), dataclasses.asdict(v5.levers)
    assert {key for key in ours if ours[key] != theirs[key]} == {"innovation_selection_elasticity"}
    assert v6.levers.innovation_selection_elasticity == 0.13
    assert v6.events == v5.events and v6.initial == v5.initial
    assert v6.market_driver == v5.market_driver and v6.spend_driver == v5.spend_driver
    names = (BENCH / "refit_v6_discover_parameters.txt").read_text().split()
    v2_names = (BENCH / "refit_v2_parameters.txt").read_text().split()
    assert "bass_p_per_year[0.001,0.05]" in v2_names
    assert set(names) == set(v2_names) - {"bass_p_per_year[0.001,0.05]"} | {
        "bass_p_per_year[0.001,0.03]",
        "innovation_selection_elasticity[0,0.3]",
    }


def test_the_e03_variant_fixes_the_elasticity_at_the_priors_top() -> None:
    """docs/calibration.md#refit-v6-discover, variant E: v6_discover's scenario with the
    elasticity at 0.3, fitted with v6_discover's list less the elasticity (so it stays fixed)."""
    v6 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v6_discover.toml")
    e03 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v6_discover_e03.toml")
    assert e03.levers == dataclasses.replace(v6.levers, innovation_selection_elasticity=0.3)
    assert e03.events == v6.events and e03.initial == v6.initial
    fixed = (BENCH / "refit_v6_discover_fixed_parameters.txt").read_text().split()
    fitted = (BENCH / "refit_v6_discover_parameters.txt").read_text().split()
    assert set(fixed) == set(fitted) - {"innovation_selection_elasticity[0,0.3]"}
    wide = (BENCH / "refit_v6_discover_wide_parameters.txt").read_text().split()
    assert set(wide) == set(fixed) | {"innovation_selection_elasticity[0,1]"}
