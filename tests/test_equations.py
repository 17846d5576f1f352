"""Unit checks of the pure equations (flywheel/model/equations.py), with numerical edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from flywheel.model import equations as eq
from flywheel.model import parts as kernel_parts


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
    got = kernel_parts.bass_adoption(customers, potential, market, p, q)
    assert got == pytest.approx(_bass_via_y(customers, potential, market, p, q), rel=1e-9)


def test_bass_adoption_with_vanishing_drive_is_finite() -> None:
    """p = 0 and a denormal number of customers used to overflow y and return NaN."""
    cases = (
        (4.75e-262, 1000.0, 1000.0, 0.0, 1.4e-45 / 52),
        (0.0, 1000.0, 1000.0, 0.0, 0.0),
        (1e-300, 0.0, 1000.0, 0.0, 1.0),
    )
    adoption = [kernel_parts.bass_adoption(*case) for case in cases]
    assert np.isfinite(adoption).all()
    assert adoption == [0.0, 0.0, 0.0]


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
    adoption = kernel_parts.bass_adoption(customers, potential, market, p, q)
    assert np.isfinite(adoption)
    assert 0.0 <= adoption <= potential


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
        counts = [kernel_parts.poisson_count_from_uniform(u, mean) for u in uniform]
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
    scores = (1.0, 2.0, 4.0, 1.0, 1.0)
    weights = (0.0, 1.0, 1.0, 0.0, 0.0)
    cx = kernel_parts.customer_experience(*scores, *weights, sum(weights))
    assert cx == pytest.approx(np.sqrt(8.0))
    assert kernel_parts.customer_experience(*[1.0] * 5, *weights, 2.0) == pytest.approx(1.0)


def test_service_desk_without_agents_builds_a_backlog() -> None:
    """No agents: every contact is carried over and waits the longest wait (the flows plus
    the Erlang C wait, as `sectors.service.service_week` adds them)."""
    backlog, occupancy, backlog_wait, arrivals, servers, per_hour = kernel_parts.service_desk_flows(
        100.0, 0.0, 0.0, 112.0, 0.8, 6.0
    )
    erlang = kernel_parts.erlang_c_wait_hours(arrivals, servers, per_hour)
    wait = min(erlang + backlog_wait, eq.MAX_QUEUE_WAIT_HOURS)
    assert backlog == 100.0
    assert wait == eq.MAX_QUEUE_WAIT_HOURS
    assert occupancy == 1.0


def test_price_goal_closes_the_passed_share_now_and_the_rest_over_the_margin_time() -> None:
    # from 1.0 toward 0.8: pass-through 0.5, price time 8, margin time 52 weeks
    goal = eq.price_goal_index(1.0, 0.8, 0.5, 8.0, 52.0)
    assert goal == pytest.approx(1.0 - (0.5 + 0.5 * 8.0 / 52.0) * 0.2)
    assert eq.price_goal_index(1.0, 0.8, 1.0, 8.0, 52.0) == pytest.approx(0.8)
    # no pass-through: only the margin-adjustment share, never nothing
    assert eq.price_goal_index(1.0, 0.8, 0.0, 8.0, 52.0) == pytest.approx(1.0 - 0.2 * 8 / 52)
    # a margin time shorter than the price time closes the whole gap
    assert eq.price_goal_index(1.0, 0.8, 0.0, 8.0, 4.0) == pytest.approx(0.8)


@pytest.mark.parametrize("margin", [-0.05, 0.0, 0.04, 0.15])
def test_costplus_price_earns_the_target_margin_on_this_weeks_volumes(margin: float) -> None:
    price, covered, shares, prime_fees = 0.9, 700.0, 0.14, 20.0
    revenue = 800.0  # at the current price index 0.9; Prime fees do not move with the price
    aimed = eq.costplus_price_index(price, covered, shares, margin, revenue, prime_fees)
    revenue_at_aim = (revenue - prime_fees) * aimed / price + prime_fees
    income = revenue_at_aim * (1 - shares) - covered
    assert income / revenue_at_aim == pytest.approx(margin, abs=1e-12)


def test_costplus_price_is_bounded_and_kept_without_priced_revenue() -> None:
    assert eq.costplus_price_index(1.0, 1e12, 0.1, 0.04, 100.0, 0.0) == 5.0
    assert eq.costplus_price_index(1.0, 0.0, 0.1, 0.04, 100.0, 0.0) == 0.2
    assert eq.costplus_price_index(0.7, 100.0, 0.1, 0.04, 0.0, 0.0) == 0.7
