"""Unit checks of the pure equations (flywheel/model/equations.py), with numerical edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from flywheel.model import equations as eq


def _bass_via_y(customers: float, potential: float, market: float, p: float, q: float) -> float:
    """The textbook form of the one-week Riccati step: C(1) = (N - p y) / (1 + s y)."""
    slope = q / market
    total = potential + customers
    y = potential / (p + slope * customers) * np.exp(-(p + slope * total))
    return (total - p * y) / (1.0 + slope * y) - customers


@pytest.mark.parametrize(
    ("customers", "potential", "market", "p", "q"),
    [
        (0.0, 1e8, 1e8, 0.03 / 52, 0.38 / 52),
        (3e6, 57e6, 60e6, 0.03 / 52, 0.38 / 52),
        (5e7, 1e7, 6e7, 0.001, 0.02),
        (1.0, 1e9, 1e9, 0.0, 1.0 / 52),
    ],
)
def test_bass_adoption_equals_the_riccati_step(
    customers: float, potential: float, market: float, p: float, q: float
) -> None:
    got = eq.bass_adoption(*(np.array([v]) for v in (customers, potential, market, p, q)))[0]
    assert got == pytest.approx(_bass_via_y(customers, potential, market, p, q), rel=1e-9)


def test_bass_adoption_with_vanishing_drive_is_finite() -> None:
    """p = 0 and a denormal number of customers used to overflow y and return NaN."""
    adoption = eq.bass_adoption(
        np.array([4.75e-262, 0.0, 1e-300]),
        np.array([1000.0, 1000.0, 0.0]),
        np.array([1000.0, 1000.0, 1000.0]),
        np.array([0.0, 0.0, 0.0]),
        np.array([1.4e-45 / 52, 0.0, 1.0]),
    )
    assert np.isfinite(adoption).all()
    assert adoption.tolist() == [0.0, 0.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(
    customers=st.floats(0.0, 5e9),
    potential=st.floats(0.0, 5e9),
    p=st.floats(0.0, 0.1 / 52 * 3),
    q=st.floats(0.0, 1.0 / 52 * 3),
)
def test_bass_adoption_is_finite_and_bounded(
    customers: float, potential: float, p: float, q: float
) -> None:
    market = max(customers + potential, 1e3)
    adoption = eq.bass_adoption(*(np.array([v]) for v in (customers, potential, market, p, q)))
    assert np.isfinite(adoption).all()
    assert 0.0 <= adoption[0] <= potential


def test_hazard_to_share_is_a_share() -> None:
    shares = eq.hazard_to_share(np.array([-1.0, 0.0, 0.01, 1.0, 1e6]))
    assert shares[0] == 0.0 and shares[1] == 0.0
    assert shares[2] == pytest.approx(1 - np.exp(-0.01))
    assert (shares >= 0).all() and (shares <= 1).all()


def test_lognormal_multiplier_has_mean_one_and_the_given_cv() -> None:
    cv = 0.3
    z = stats.norm.ppf((np.arange(200_000) + 0.5) / 200_000)  # quantile grid: no RNG needed
    factors = eq.lognormal_multiplier(z, cv)
    assert factors.mean() == pytest.approx(1.0, rel=1e-4)
    assert factors.std() / factors.mean() == pytest.approx(cv, rel=1e-2)
    assert eq.lognormal_multiplier(np.array([2.0]), 0.0)[0] == 1.0


def test_poisson_counts_match_the_inverse_cdf() -> None:
    uniform = np.linspace(0.001, 0.999, 50)
    for mean in (0.0, 0.1, 1.0, 4.0):
        counts = eq.poisson_count_from_uniform(uniform, np.full(uniform.size, mean))
        np.testing.assert_array_equal(counts, stats.poisson.ppf(uniform, mean))


def test_seasonality_averages_one_over_a_year() -> None:
    months = np.arange(1, 13)
    for q4 in (1.0, 1.2, 1.6):
        values = eq.seasonality_multiplier(months, np.array(q4))
        assert values.mean() == pytest.approx(1.0)
        assert values[9:].tolist() == [q4] * 3


def test_delivery_days_flat_then_rising() -> None:
    utilisation = np.array([0.0, 0.5, 0.85, 0.9, 1.0, 2.0])
    days = eq.delivery_days(
        utilisation, np.array(2.0), np.array(0.85), np.array(4.0), np.array(2.0)
    )
    assert days[:3].tolist() == [2.0, 2.0, 2.0]
    assert np.all(np.diff(days[2:5]) > 0)
    assert days[4] == pytest.approx(2.0 * (1 + 4.0))  # full overload: base x (1 + scale)
    assert days[5] == days[4]  # saturates at 100 % utilisation


def test_learning_curve_falls_by_the_rate_per_doubling() -> None:
    factor = eq.learning_factor(np.array([1e6, 2e6, 4e6]), np.array(1e6), np.array(0.1))
    np.testing.assert_allclose(factor, [1.0, 0.9, 0.81], rtol=1e-12)


def test_customer_experience_is_a_weighted_geometric_mean() -> None:
    scores = tuple(np.array([v]) for v in (1.0, 2.0, 4.0, 1.0, 1.0))
    weights = tuple(np.array([w]) for w in (0.0, 1.0, 1.0, 0.0, 0.0))
    assert eq.customer_experience(scores, weights)[0] == pytest.approx(np.sqrt(8.0))
    ones = tuple(np.ones(1) for _ in range(5))
    assert eq.customer_experience(ones, weights)[0] == pytest.approx(1.0)


def test_service_desk_week_without_agents_builds_a_backlog() -> None:
    wait, backlog, occupancy = eq.service_desk_week(
        np.array([100.0]),
        np.array([0.0]),
        np.array([0.0]),
        np.array(112.0),
        np.array(0.8),
        np.array(6.0),
    )
    assert backlog[0] == 100.0
    assert wait[0] == eq.MAX_QUEUE_WAIT_HOURS
    assert occupancy[0] == 1.0


def test_price_target_passes_through_the_cost_change() -> None:
    target = eq.price_target_index(np.array([0.8]), np.array([0.5]), np.array(0.04), np.array(1.0))
    assert target[0] == pytest.approx(0.9)
    none = eq.price_target_index(np.array([0.8]), np.array([0.0]), np.array(0.04), np.array(1.0))
    assert none[0] == pytest.approx(1.0)
