"""The marketing floor (docs/model.md#financials, lever `marketing_floor_usd_per_week`): the
week's marketing is the larger of the share of revenue and the floor, paid from capital raised
and not priced into goods; it is the budget paid acquisition (R6) spends next week. Default 0:
the runs are unchanged bit for bit (tests/reference guards every stored output).

The controlled case is tests/test_paid_acquisition.py's: paid acquisition on, no word of mouth,
innovation blind to CX and no events."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.events import PolicyChange
from tests.paid_acquisition_setup import controlled_scenario
from tests.paid_acquisition_setup import run as _run

# About twice the controlled run's share-based marketing (0.39-0.57 M USD a week), as Amazon's
# filed 1997 marketing was about twice v9's (docs/calibration.md#refit-v10-launch).
FLOOR_USD_PER_WEEK = 1e6


@pytest.fixture(scope="module")
def controlled(baseline: flywheel.Scenario) -> flywheel.Scenario:
    """The baseline's first three years, paid acquisition on, no word of mouth, no events."""
    return controlled_scenario(baseline)


def test_the_spend_is_the_larger_of_share_and_floor() -> None:
    """Analytic: max(share x revenue, floor), elementwise; with the floor 0 the share itself,
    exactly."""
    share_usd = np.array([0.0, 1.5e5, 3e5, 7.25e6])
    np.testing.assert_array_equal(eq.funded_marketing_usd(share_usd, 0.0), share_usd)
    np.testing.assert_array_equal(
        eq.funded_marketing_usd(share_usd, 2e5), np.array([2e5, 2e5, 3e5, 7.25e6])
    )


def test_the_default_floor_0_changes_nothing(controlled: flywheel.Scenario) -> None:
    """Extreme condition (off): the lever at its default gives the same runs bit for bit."""
    assert controlled.levers.marketing_floor_usd_per_week == 0.0
    plain = _run(controlled)
    explicit = _run(controlled, marketing_floor_usd_per_week=0.0)
    for name in plain.outputs:
        np.testing.assert_array_equal(explicit[name], plain[name], err_msg=name)


def test_marketing_is_the_larger_of_share_and_floor_every_week(
    controlled: flywheel.Scenario,
) -> None:
    """Analytic: every week's marketing_usd is max(share x revenue, floor); here the floor
    binds in every week, and the share is below it."""
    results = _run(controlled, marketing_floor_usd_per_week=FLOOR_USD_PER_WEEK)
    share_usd = controlled.levers.marketing_share_of_revenue * results["revenue_usd"]
    np.testing.assert_allclose(
        results["marketing_usd"], np.maximum(share_usd, FLOOR_USD_PER_WEEK), rtol=1e-12
    )
    assert np.all(share_usd < FLOOR_USD_PER_WEEK)
    np.testing.assert_array_equal(results["marketing_usd"], FLOOR_USD_PER_WEEK)


def test_a_floor_buys_customers_and_costs_income(controlled: flywheel.Scenario) -> None:
    """Direction: a higher floor means more customers (R6 spends it) and a lower operating
    income in the first year, where it binds."""
    runs = [_run(controlled, marketing_floor_usd_per_week=f) for f in (0.0, 7e5, 1e6)]
    customers = [r["customers"][:, 52] for r in runs]
    first_year_income = [r["operating_income_usd"][:, :52].sum(axis=1) for r in runs]
    assert np.all(customers[1] > customers[0]) and np.all(customers[2] > customers[1])
    assert np.all(first_year_income[1] < first_year_income[0])
    assert np.all(first_year_income[2] < first_year_income[1])


def test_the_spend_above_the_share_is_not_priced(controlled: flywheel.Scenario) -> None:
    """The floor is paid from capital: in week 0 (same customers and orders, no budget spent
    yet) the target-margin price is the same with and without it, while the marketing and the
    operating income differ by exactly the spend above the share."""
    plain = _run(controlled)
    floored = _run(controlled, marketing_floor_usd_per_week=FLOOR_USD_PER_WEEK)
    np.testing.assert_array_equal(
        floored["price_target_index"][:, 0], plain["price_target_index"][:, 0]
    )
    extra_usd = FLOOR_USD_PER_WEEK - plain["marketing_usd"][:, 0]
    assert np.all(extra_usd > 0)
    np.testing.assert_allclose(
        plain["operating_income_usd"][:, 0] - floored["operating_income_usd"][:, 0],
        extra_usd,
        rtol=1e-12,
    )


def test_an_r6_cut_holds_the_budget_before_a_dated_floor(controlled: flywheel.Scenario) -> None:
    """Knockout: with R6 cut from week 0 the budget is week 0's spend, so a floor set by a
    policy event at week 26 (as the launch-years events do) buys no customer; uncut, it does."""
    event = PolicyChange(week=26, lever="marketing_floor_usd_per_week", value=FLOOR_USD_PER_WEEK)
    dated = dataclasses.replace(controlled, events=(event,))
    cut_plain, cut_floor = _run(controlled, "R6"), _run(dated, "R6")
    np.testing.assert_array_equal(cut_floor["adoption"], cut_plain["adoption"])
    assert np.all(cut_floor["marketing_usd"][:, 26] > cut_plain["marketing_usd"][:, 26])
    assert np.all(_run(dated)["customers"][:, 52] > _run(controlled)["customers"][:, 52])


def test_a_floor_over_a_subnormal_cost_stays_finite(controlled: flywheel.Scenario) -> None:
    """Extreme condition (the property test's case): a floor with no revenue to pay it and a
    subnormal cost per new customer would make the paid rate infinite; it is capped
    (`PAID_RATE_MAX_PER_WEEK`), so every output stays finite and the market stays conserved."""
    results = _run(
        controlled,
        acquisition_cost_usd_per_customer=2.2250738585e-313,
        marketing_floor_usd_per_week=1.8e8,
    )
    for name in results.outputs:
        assert np.isfinite(results[name]).all(), name
    capped = eq.paid_innovation_per_week(1.8e8, 2.2250738585e-313, 1000.0)
    assert capped == pytest.approx(eq.PAID_RATE_MAX_PER_WEEK, rel=1e-12)
