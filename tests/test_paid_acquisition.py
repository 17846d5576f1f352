"""Paid acquisition, R6 (docs/model.md#paid-acquisition): with
`acquisition_cost_usd_per_customer` > 0 last week's marketing dollars buy the innovators,
`marketing / (cost x market)` per untapped person a week; at 0 the model is Bass's.

The controlled case: no word of mouth (`bass_q_per_year` 0), innovation blind to CX (exponent
0) and no events, so a week's adoption is the exact Bass step with innovation alone,
`potential (1 - exp(-p))`, and `p = -log(1 - adoption / potential)` recovers the rate."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.events import PolicyChange
from flywheel.scenario.loading import DatedKnockout
from tests.paid_acquisition_setup import CAC_USD, WEEKS, controlled_scenario
from tests.paid_acquisition_setup import run as _run

START = 60  # a dated cut's first week


@pytest.fixture(scope="module")
def controlled(baseline: flywheel.Scenario) -> flywheel.Scenario:
    """The baseline's first three years, paid acquisition on, no word of mouth, no events."""
    return controlled_scenario(baseline)


def _innovation_per_week(results: flywheel.Results) -> np.ndarray:
    """The innovation rate each week's adoption implies (no word of mouth): 1/week."""
    return -np.log1p(-results["adoption"] / results["potential"])


def _implied_budget_usd(results: flywheel.Results, cost_usd: float) -> np.ndarray:
    """The marketing dollars a week that bought that week's innovators (USD/week)."""
    return _innovation_per_week(results) * cost_usd * results["market"]


def test_the_rate_is_dollars_over_cost_times_market() -> None:
    assert eq.paid_innovation_per_week(1e6, 20.0, 1e8) == pytest.approx(5e-4, rel=1e-15)
    # the mechanism off, or no market: no paid innovation (and no division by zero)
    assert eq.paid_innovation_per_week(1e6, 0.0, 1e8) == 0.0
    assert eq.paid_innovation_per_week(1e6, 20.0, 0.0) == 0.0


def test_an_infinite_acquisition_cost_buys_nobody() -> None:
    costs = np.array([1e2, 1e6, 1e12, 1e300])
    rates = eq.paid_innovation_per_week(1e9, costs, 1e8)
    assert np.all(np.diff(rates) < 0.0)
    assert rates[-1] < 1e-290


def test_the_default_cost_0_keeps_bass_and_r6_idle(baseline: flywheel.Scenario) -> None:
    """Off (the default): the runs are Bass's, bit for bit, whatever R6's cut or the budget,
    and R6's gain is 0 (tests/reference guards every stored output)."""
    short = dataclasses.replace(baseline, horizon_weeks=WEEKS)
    plain = _run(short)
    explicit = _run(short, acquisition_cost_usd_per_customer=0.0)
    cut = _run(short, "R6")
    for name in plain.outputs:
        np.testing.assert_array_equal(explicit[name], plain[name], err_msg=name)
        np.testing.assert_array_equal(cut[name], plain[name], err_msg=name)
    np.testing.assert_array_equal(plain["gain_R6"], 0.0)


def test_paid_innovators_are_last_weeks_marketing_over_cost_and_market(
    controlled: flywheel.Scenario,
) -> None:
    """Analytic: week t's innovation is marketing_usd(t - 1) / (cost x market(t)), with no
    recession; week 0 spends nothing (no week before the start)."""
    results = _run(controlled)
    rate = _innovation_per_week(results)
    expected = results["marketing_usd"][:, :-1] / (CAC_USD * results["market"][:, 1:])
    np.testing.assert_allclose(rate[:, 1:], expected, rtol=1e-9)
    np.testing.assert_array_equal(results["adoption"][:, 0], 0.0)


def test_bass_innovation_is_unused_when_marketing_buys_the_customers(
    controlled: flywheel.Scenario,
) -> None:
    low, high = _run(controlled, bass_p_per_year=0.0), _run(controlled, bass_p_per_year=0.1)
    np.testing.assert_array_equal(low["customers"], high["customers"])


def test_doubling_the_marketing_share_doubles_the_paid_adopters(
    controlled: flywheel.Scenario,
) -> None:
    """Week 1: week 0's revenue does not depend on the marketing share, so twice the share is
    twice the budget and twice the innovation rate on the same market."""
    share = controlled.levers.marketing_share_of_revenue
    single, double = _run(controlled), _run(controlled, marketing_share_of_revenue=2 * share)
    np.testing.assert_array_equal(single["revenue_usd"][:, 0], double["revenue_usd"][:, 0])
    np.testing.assert_allclose(
        _innovation_per_week(double)[:, 1], 2.0 * _innovation_per_week(single)[:, 1], rtol=1e-9
    )


def test_an_r6_cut_from_week_0_holds_week_0s_dollars(controlled: flywheel.Scenario) -> None:
    cut = _run(controlled, "R6")
    budget = _implied_budget_usd(cut, CAC_USD)[:, 1:]
    np.testing.assert_allclose(budget, cut["marketing_usd"][:, :1] * np.ones_like(budget), 1e-9)
    np.testing.assert_array_equal(cut["gain_R6"], 0.0)
    # more dollars held than spent uncut (here revenue falls: no word of mouth), more customers
    uncut = _run(controlled)
    dollars_more = budget.sum(axis=1) - uncut["marketing_usd"][:, :-2].sum(axis=1)
    customers_more = cut["customers"][:, -1] - uncut["customers"][:, -1]
    assert np.all(np.abs(dollars_more) > 0.0)
    np.testing.assert_array_equal(np.sign(customers_more), np.sign(dollars_more))


def test_a_dated_r6_cut_holds_the_budget_of_its_first_week(
    controlled: flywheel.Scenario,
) -> None:
    """From START the budget is the week before's spend, however the marketing share moves
    after; the expense itself still follows it (only the link to acquisition is cut)."""
    share = controlled.levers.marketing_share_of_revenue
    more = dataclasses.replace(
        controlled,
        events=(
            PolicyChange(week=START + 10, lever="marketing_share_of_revenue", value=2 * share),
        ),
    )
    cut = _run(more, DatedKnockout(loop="R6", week=START))
    budget = _implied_budget_usd(cut, CAC_USD)[:, START:]
    held = cut["marketing_usd"][:, START - 1 : START]
    np.testing.assert_allclose(budget, held * np.ones_like(budget), rtol=1e-9)
    np.testing.assert_array_equal(cut["gain_R6"][:, START:], 0.0)
    assert np.all(cut["marketing_usd"][:, START + 10] > 1.5 * cut["marketing_usd"][:, START + 9])


def test_directions(controlled: flywheel.Scenario) -> None:
    """A dearer customer, fewer customers; a larger marketing share, more; R6's gain is
    positive exactly when last week's budget is above week 0's spend (it amplifies)."""
    base = _run(controlled)["customers"][:, -1]
    assert np.all(
        _run(controlled, acquisition_cost_usd_per_customer=40.0)["customers"][:, -1] < base
    )
    share = 1.5 * controlled.levers.marketing_share_of_revenue
    assert np.all(_run(controlled, marketing_share_of_revenue=share)["customers"][:, -1] > base)
    results = _run(controlled)
    above = results["marketing_usd"][:, :-1] - results["marketing_usd"][:, :1]
    np.testing.assert_array_equal(np.sign(results["gain_R6"][:, 1:]), np.sign(above))
    np.testing.assert_allclose(
        np.exp(results["gain_R6"][:, 1:]),
        results["marketing_usd"][:, :-1] / results["marketing_usd"][:, :1],
        rtol=1e-9,
    )


def test_the_r6_gain_stays_finite_when_the_held_budget_is_subnormal():
    """A network of 5e-324 FCs (hypothesis found it) leaves week 0's marketing budget, the
    held one, subnormal: the gain is a difference of logs, not the log of a ratio that
    overflows to infinity."""
    from flywheel.scenario.loading import Scenario
    from flywheel.scenario.schema import Initial, Levers

    scenario = Scenario(
        horizon_weeks=104,
        levers=Levers(
            acquisition_cost_usd_per_customer=1.0,
            seller_join_rate_per_week=0.0,
            overhead_usd_per_week=0.0,
        ),
        initial=Initial(sellers=0.0, fulfillment_centers=5e-324),
    )
    gains = flywheel.simulate(scenario, 1, 0).series["gain_R6"]
    assert np.isfinite(gains).all()
    assert np.any(gains != 0.0)  # the budget moved from its held value: the gain says so
