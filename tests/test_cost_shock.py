"""The `cost_shock` event (issue 19, retail loss years; docs/model.md#financials): a dated
one-off cost charged to operating income and cash, not marked up by the price policy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import flywheel
from flywheel.scenario.loading import ScenarioError

SHOCK_WEEK, SHOCK_WEEKS, SHOCK_USD_PER_WEEK = 40, 13, 2.5e6
# Cash never near the credit limit, so the price policy is never squeezed by the shock.
ROOMY = {"credit_limit_usd": 1e12}


def _run(factory: Callable[..., flywheel.Scenario], levers: dict[str, float], events: list[dict]):
    scenario = factory(levers={**levers, **ROOMY}, horizon_weeks=80, events=events)
    return flywheel.simulate(scenario, replications=2, seed=4)


def _shock(size_usd_per_week: float, week: int = SHOCK_WEEK) -> dict:
    return {
        "kind": "cost_shock",
        "week": week,
        "duration_weeks": SHOCK_WEEKS,
        "size_usd_per_week": size_usd_per_week,
    }


def test_a_cost_shock_lowers_operating_income_by_its_size_and_nothing_else(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    """With cash far from the credit limit the shock reaches nothing but income and cash: income
    is exactly its size lower in its weeks (it is not priced, so price and demand do not move),
    unchanged outside them, and cash ends lower by its total."""
    plain = _run(scenario_factory, quiet_levers, [])
    shocked = _run(scenario_factory, quiet_levers, [_shock(SHOCK_USD_PER_WEEK)])
    gap = plain["operating_income_usd"] - shocked["operating_income_usd"]
    weeks = np.arange(gap.shape[1])
    inside = (weeks >= SHOCK_WEEK) & (weeks < SHOCK_WEEK + SHOCK_WEEKS)
    np.testing.assert_allclose(gap[:, inside], SHOCK_USD_PER_WEEK, rtol=1e-9)
    np.testing.assert_allclose(gap[:, ~inside], 0.0, atol=1e-6)
    for name in ("price_index", "orders", "revenue_usd", "customers"):
        np.testing.assert_array_equal(plain[name], shocked[name], err_msg=name)
    cash_gap = plain["cash_usd"][:, -1] - shocked["cash_usd"][:, -1]
    np.testing.assert_allclose(cash_gap, SHOCK_USD_PER_WEEK * SHOCK_WEEKS, rtol=1e-9)


def test_a_zero_cost_shock_changes_nothing(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    """The neutral case (noise on): a shock of size 0 leaves every output bit for bit."""
    plain = _run(scenario_factory, {}, [])
    zero = _run(scenario_factory, {}, [_shock(0.0)])
    for name in plain.outputs:
        np.testing.assert_array_equal(plain[name], zero[name], err_msg=name)


def test_overlapping_cost_shocks_add_up(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    plain = _run(scenario_factory, quiet_levers, [])
    both = _run(scenario_factory, quiet_levers, [_shock(1e6), _shock(3e6, week=SHOCK_WEEK + 5)])
    gap = plain["operating_income_usd"] - both["operating_income_usd"]
    np.testing.assert_allclose(gap[:, SHOCK_WEEK + 2], 1e6, rtol=1e-9)
    np.testing.assert_allclose(gap[:, SHOCK_WEEK + 6], 4e6, rtol=1e-9)
    np.testing.assert_allclose(gap[:, SHOCK_WEEK + SHOCK_WEEKS + 1], 3e6, rtol=1e-9)


def test_a_large_enough_cost_shock_turns_a_profit_into_a_loss(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    """The direction docs/model.md claims: a profitable week becomes a loss when the shock is
    larger than its income."""
    plain = _run(scenario_factory, quiet_levers, [])
    income = plain["operating_income_usd"][0, SHOCK_WEEK + 1]
    assert income > 0
    shocked = _run(scenario_factory, quiet_levers, [_shock(2.0 * income)])
    assert shocked["operating_income_usd"][0, SHOCK_WEEK + 1] < 0


def test_a_negative_cost_shock_is_refused_with_the_field_and_value(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    with pytest.raises(ScenarioError) as error:
        scenario_factory(events=[_shock(-5.0)])
    message = str(error.value)
    assert "events[0].size_usd_per_week" in message and "-5.0" in message
