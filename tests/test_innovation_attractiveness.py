"""Innovation by relative attractiveness (`innovation_cx_exponent`, docs/model.md#adoption,
issue 19): Bass innovation scaled by (perceived CX / market CX) ^ exponent. The default 0 is
the model without it (the stored reference outputs guard bit-identity); these tests check the
equation in the kernel against its closed form, its direction, and that the loop knockouts
still cut what they name with it on."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.parameters import REINFORCING_LOOP_IDS
from tests.test_knockouts import _run as run_with_cuts

WEEKS = 260
SEED = 3
REPLICATIONS = 2
REINFORCING = REINFORCING_LOOP_IDS


_run = functools.partial(run_with_cuts, seed=SEED)


def test_the_multiplier_is_the_cx_ratio_to_the_power() -> None:
    assert eq.innovation_attractiveness(2.0, 1.0, 1.0) == pytest.approx(2.0)
    assert eq.innovation_attractiveness(0.5, 1.0, 2.0) == pytest.approx(0.25)
    assert eq.innovation_attractiveness(1.3, 1.3, 2.5) == pytest.approx(1.0)  # parity
    assert eq.innovation_attractiveness(3.7, 0.9, 0.0) == 1.0  # off: exactly 1


@pytest.mark.parametrize("exponent", [0.0, 1.0, 2.5])
def test_week_zero_adoption_is_the_bass_step_with_the_scaled_innovation(
    five_years: flywheel.Scenario, exponent: float
) -> None:
    """Week 0's adoption equals the exact Bass step with innovation p * (cx / market_cx)^k,
    on a store faster than the market (2 against 6 days), so the ratio is not 1."""
    levers = {"delivery_days_base": 2.0, "market_delivery_days": 6.0}
    results = _run(five_years, innovation_cx_exponent=exponent, **levers)
    ratio = results["perceived_cx"][:, 0] / results["market_cx"][:, 0]
    assert np.all(ratio > 1.2)
    customers, market = results["customers"][:, 0], results["market"][:, 0]
    imitation = results["word_of_mouth_per_week"][:, 0] * market / customers
    innovation = eq.per_week(five_years.levers.bass_p_per_year) * ratio**exponent
    expected = [
        eq.bass_adoption(c, n, m, i, q)
        for c, n, m, i, q in zip(
            customers, results["potential"][:, 0], market, innovation, imitation, strict=True
        )
    ]
    np.testing.assert_allclose(results["adoption"][:, 0], expected, rtol=1e-9)


@pytest.mark.parametrize(("store_days", "more"), [(2.0, True), (14.0, False)])
def test_a_better_store_wins_more_shoppers_and_a_worse_one_fewer(
    five_years: flywheel.Scenario, store_days: float, more: bool
) -> None:
    """Against a 6-day market, a 2-day store gains customers from the lever, a 14-day store
    loses them (the direction docs/model.md#adoption claims)."""
    levers = {"delivery_days_base": store_days, "market_delivery_days": 6.0}
    off = _run(five_years, **levers)["customers"][:, -1]
    on = _run(five_years, innovation_cx_exponent=2.0, **levers)["customers"][:, -1]
    assert np.all(on > off * 1.02) if more else np.all(on < off * 0.98)


def test_a_frozen_store_falls_behind_a_market_that_improves(
    five_years: flywheel.Scenario,
) -> None:
    """With every reinforcing loop cut, a market whose delivery gets faster takes shoppers
    from the store only when innovation sees relative attractiveness."""

    def customers(exponent: float, trend: float) -> np.ndarray:
        cut = _run(
            five_years,
            *REINFORCING,
            innovation_cx_exponent=exponent,
            market_delivery_trend_per_year=trend,
        )
        return cut["adoption"].sum(axis=1)

    still, faster = customers(2.0, 0.0), customers(2.0, -0.15)
    assert np.all(faster < 0.95 * still)
    np.testing.assert_allclose(customers(0.0, -0.15), customers(0.0, 0.0), rtol=0.02)


@pytest.mark.parametrize("loop", REINFORCING)
def test_with_the_lever_on_each_cut_loop_still_has_zero_gain(
    five_years: flywheel.Scenario, loop: str
) -> None:
    results = _run(five_years, loop, innovation_cx_exponent=2.0)
    np.testing.assert_array_equal(results[f"gain_{loop}"], 0.0)


def test_with_the_lever_on_r1_still_holds_the_word_of_mouth_pressure(
    five_years: flywheel.Scenario,
) -> None:
    pressure = _run(five_years, "R1", innovation_cx_exponent=2.0)["word_of_mouth_per_week"]
    np.testing.assert_allclose(pressure, pressure[:, :1] * np.ones_like(pressure), rtol=1e-9)


BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize(
    ("name", "changed"),
    [
        ("amazon_1996_2024_attract.toml", {"innovation_cx_exponent"}),
        (
            "amazon_1996_2024_attract_fastmarket.toml",
            {"innovation_cx_exponent", "market_delivery_trend_per_year"},
        ),
    ],
)
def test_the_bench_variants_change_only_what_they_say(name: str, changed: set[str]) -> None:
    """docs/calibration.md#refit-attract: each variant is the markets scenario with the lever
    switched on (and, for the faster market, the market's delivery trend), nothing else."""
    markets = flywheel.load_scenario(BENCH / "amazon_1996_2024_markets.toml")
    variant = flywheel.load_scenario(BENCH / name)
    ours, theirs = dataclasses.asdict(variant.levers), dataclasses.asdict(markets.levers)
    assert {key for key in ours if ours[key] != theirs[key]} == changed
    assert variant.events == markets.events and variant.initial == markets.initial
    assert variant.market_driver == markets.market_driver
    names = (BENCH / "refit_attract_parameters.txt").read_text().split()
    assert "innovation_cx_exponent[0,3]" in names
    assert set(names) - {"innovation_cx_exponent[0,3]"} == set(
        (BENCH / "refit_markets_parameters.txt").read_text().split()
    )


def test_the_attractiveness_refit_fits_the_exponent_inside_its_prior() -> None:
    """docs/calibration.md#refit-attract reports an exponent of about 0.11, not at a bound."""
    refit = flywheel.load_scenario(
        BENCH.parent / "docs/figures/amazon_1996_2024_refit_attract.toml"
    )
    assert 0.0 < refit.levers.innovation_cx_exponent < 3.0
    assert refit.market_driver == "amazon_markets_internet_users"
