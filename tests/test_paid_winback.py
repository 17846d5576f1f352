"""Paid win-back, R6 (docs/model.md#win-back): with paid acquisition on and
`acquisition_lapsed_relative` > 0 the marketing budget also buys back lapsed customers, at that
multiple of the paid innovation rate per untapped person; at 0 (the default) win-back is the
plain rate.

The controlled case: paid acquisition on, no word of mouth, innovation blind to CX, no events and
no plain win-back (`winback_rate_per_week` 0), so a week's win-back is `lapsed (1 - exp(-h))`
with `h` the paid win-back rate, and `-log(1 - winback / lapsed)` recovers it, as
`-log(1 - adoption / potential)` recovers the innovation rate (tests/test_paid_acquisition.py).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import DatedKnockout, with_parameters
from tests.paid_acquisition_setup import CAC_USD, WEEKS, controlled_scenario
from tests.paid_acquisition_setup import run as _run

START = 60  # a dated cut's first week
LAPSED_MIN = 1e3  # people: weeks with fewer lapsed are left out of the rate ratios (rounding)


@pytest.fixture(scope="module")
def controlled(baseline: flywheel.Scenario) -> flywheel.Scenario:
    """The baseline's first three years, paid acquisition on, no word of mouth, no plain
    win-back, no events."""
    return controlled_scenario(baseline, winback_rate_per_week=0.0)


def _rates(results: flywheel.Results) -> tuple[np.ndarray, np.ndarray]:
    """(win-back rate per lapsed customer, innovation rate per untapped person), 1/week, over
    the weeks with at least `LAPSED_MIN` lapsed customers."""
    has_lapsed = results["lapsed"] >= LAPSED_MIN
    winback = -np.log1p(-results["winback"] / np.maximum(results["lapsed"], 1.0))
    innovation = -np.log1p(-results["adoption"] / results["potential"])
    return winback[has_lapsed], innovation[has_lapsed]


def test_the_rate_is_the_paid_innovation_times_the_relative() -> None:
    assert eq.paid_winback_per_week(2e-3, 2.4) == pytest.approx(4.8e-3, rel=1e-15)
    assert eq.paid_winback_per_week(2e-3, 0.0) == 0.0  # off: nothing bought back
    assert eq.paid_winback_per_week(0.0, 8.0) == 0.0  # no budget: nothing bought back
    assert eq.paid_winback_per_week(-1e-3, 2.0) == 0.0  # never a negative rate


def test_the_default_0_keeps_the_runs_bit_for_bit(baseline: flywheel.Scenario) -> None:
    """Off (the default) with paid acquisition on, and on with paid acquisition off: the same
    bytes as without the lever (tests/reference guards every stored output)."""
    assert baseline.levers.acquisition_lapsed_relative == 0.0
    short = dataclasses.replace(baseline, horizon_weeks=WEEKS)
    paid = with_parameters(short, {"acquisition_cost_usd_per_customer": CAC_USD})
    pairs = (
        (_run(paid), _run(paid, acquisition_lapsed_relative=0.0)),
        (_run(short), _run(short, acquisition_lapsed_relative=5.0)),
    )
    for plain, other in pairs:
        for name in plain.outputs:
            np.testing.assert_array_equal(other[name], plain[name], err_msg=name)


def test_winback_is_the_relative_times_the_innovation_rate(
    controlled: flywheel.Scenario,
) -> None:
    """Analytic: with no plain win-back the rate per lapsed customer is exactly
    `acquisition_lapsed_relative` times the paid rate per untapped person, every week."""
    for relative in (1.0, 2.4, 8.0):
        winback, innovation = _rates(_run(controlled, acquisition_lapsed_relative=relative))
        assert winback.size > WEEKS  # most weeks of both replications have lapsed customers
        np.testing.assert_allclose(winback, relative * innovation, rtol=1e-9)


def test_an_r6_cut_holds_the_budget_for_win_back_too(controlled: flywheel.Scenario) -> None:
    """Knockout: from the cut's first week both rates come from the held budget (the ratio
    stays the relative), and win-back per lapsed customer is then the held dollars over
    (cost x market) times the relative."""
    relative = 2.4
    cut = _run(
        controlled, DatedKnockout(loop="R6", week=START), acquisition_lapsed_relative=relative
    )
    late = {name: cut[name][:, START:] for name in ("winback", "lapsed", "market")}
    held_usd = cut["marketing_usd"][:, START - 1 : START]
    rate = -np.log1p(-late["winback"] / late["lapsed"])
    np.testing.assert_allclose(rate, relative * held_usd / (CAC_USD * late["market"]), rtol=1e-9)


def test_directions_and_the_extreme(controlled: flywheel.Scenario) -> None:
    """The more readily the lapsed buy again, the fewer lapsed and the more customers; at the
    lever's top (10) the lapsed pool is smaller still but never below 0 (stocks conserved:
    potential + customers + lapsed = market)."""
    runs = [_run(controlled, acquisition_lapsed_relative=r) for r in (0.0, 1.0, 4.0)]
    lapsed = [r["lapsed"][:, -1] for r in runs]
    customers = [r["customers"][:, -1] for r in runs]
    assert np.all(lapsed[0] > lapsed[1]) and np.all(lapsed[1] > lapsed[2])
    assert np.all(customers[0] < customers[1]) and np.all(customers[1] < customers[2])
    huge = _run(controlled, acquisition_lapsed_relative=10.0)
    assert np.all(huge["lapsed"] >= 0.0)
    assert np.all(huge["lapsed"][:, -1] < lapsed[2])
    total = huge["potential"] + huge["customers"] + huge["lapsed"]
    np.testing.assert_allclose(total, huge["market"], rtol=1e-9)
