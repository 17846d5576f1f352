"""The cost per new customer in each week's dollars (docs/model.md#paid-acquisition, lever
`acquisition_cost_inflation_per_year`): week 0's cost x exp(rate x week / 52). Default 0: the
cost is week 0's, bit for bit.

The controlled case is tests/test_paid_acquisition.py's: paid acquisition on, no word of mouth,
innovation blind to CX and no events, so a week's adoption is the exact Bass step with the paid
innovation alone and `-log(1 - adoption / potential)` recovers its rate."""

from __future__ import annotations

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from tests.paid_acquisition_setup import CAC_USD, WEEKS, controlled_scenario
from tests.paid_acquisition_setup import run as _run

RATE_PER_YEAR = 0.0248  # the US CPI-U's, 1997-2024 (bench/amazon_1996_2024_v8_filed.toml)


@pytest.fixture(scope="module")
def controlled(baseline: flywheel.Scenario) -> flywheel.Scenario:
    """The baseline's first three years, paid acquisition on, no word of mouth, no events."""
    return controlled_scenario(baseline)


def _innovation_per_week(results: flywheel.Results) -> np.ndarray:
    return -np.log1p(-results["adoption"] / results["potential"])


def test_the_index_is_exp_rate_times_years() -> None:
    """Analytic: 1 at week 0, e^(10 x rate) after ten years; with rate 0 the cost itself,
    exactly, in any week."""
    assert eq.indexed_acquisition_cost_usd(CAC_USD, RATE_PER_YEAR, 0.0) == CAC_USD
    ten_years = eq.indexed_acquisition_cost_usd(CAC_USD, RATE_PER_YEAR, 520.0)
    assert ten_years == pytest.approx(CAC_USD * np.exp(10 * RATE_PER_YEAR), rel=1e-15)
    weeks = np.arange(0.0, 1514.0)
    np.testing.assert_array_equal(eq.indexed_acquisition_cost_usd(CAC_USD, 0.0, weeks), CAC_USD)


def test_the_default_rate_0_changes_nothing(controlled: flywheel.Scenario) -> None:
    """Extreme condition (off): the lever at its default gives the same runs bit for bit."""
    assert controlled.levers.acquisition_cost_inflation_per_year == 0.0
    plain = _run(controlled)
    explicit = _run(controlled, acquisition_cost_inflation_per_year=0.0)
    for name in plain.outputs:
        np.testing.assert_array_equal(explicit[name], plain[name], err_msg=name)


def test_paid_innovators_are_last_weeks_dollars_over_the_indexed_cost(
    controlled: flywheel.Scenario,
) -> None:
    """Analytic: week t's paid innovation is marketing_usd(t - 1) / (cost e^(rate t / 52) x
    market(t))."""
    results = _run(controlled, acquisition_cost_inflation_per_year=RATE_PER_YEAR)
    weeks = np.arange(1, WEEKS)
    cost = CAC_USD * np.exp(RATE_PER_YEAR * weeks / eq.WEEKS_PER_YEAR)
    expected = results["marketing_usd"][:, :-1] / (cost * results["market"][:, 1:])
    np.testing.assert_allclose(_innovation_per_week(results)[:, 1:], expected, rtol=1e-9)


def test_a_faster_rising_cost_buys_fewer_customers(controlled: flywheel.Scenario) -> None:
    """Direction: the same dollars buy fewer customers as the cost rises, more so the faster;
    week 1's innovators hardly change (the index is about 1 there)."""
    customers = [
        _run(controlled, acquisition_cost_inflation_per_year=rate)["customers"][:, -1]
        for rate in (0.0, RATE_PER_YEAR, 0.1)
    ]
    assert np.all(customers[1] < customers[0])
    assert np.all(customers[2] < customers[1])


def test_an_extreme_rate_starves_paid_acquisition(controlled: flywheel.Scenario) -> None:
    """Extreme condition: at the lever's top (0.1 a year) the cost after three years is
    e^0.3 = 1.35 times week 0's, and the week's paid innovation falls by that factor for the
    same budget and market."""
    fast = _run(controlled, acquisition_cost_inflation_per_year=0.1)
    last = WEEKS - 1
    rate = _innovation_per_week(fast)[:, last]
    budget_rate = fast["marketing_usd"][:, last - 1] / (CAC_USD * fast["market"][:, last])
    np.testing.assert_allclose(budget_rate / rate, np.exp(0.1 * last / 52.0), rtol=1e-9)
