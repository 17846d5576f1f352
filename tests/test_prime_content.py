"""Prime's content cost (issue 19, the investment years; docs/model.md#financials): the lever
`prime_content_usd_per_member_per_year` charges video and music content per Prime member to
operating income and cash, not to the costs the target-margin price marks up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

import flywheel
from flywheel.model.equations import prime_content_cost_usd
from flywheel.model.parts import WEEKS_PER_YEAR
from flywheel.scenario.events import PolicyChange

HORIZON_WEEKS, PRIME_WEEK = 80, 20
CONTENT_USD_PER_MEMBER_PER_YEAR = 52.0
# Cash never near the credit limit, so the price policy is never squeezed by the cost.
ROOMY = {"credit_limit_usd": 1e12}
PRIME = {"kind": "prime_launch", "week": PRIME_WEEK}


def _run(factory: Callable[..., flywheel.Scenario], levers: dict[str, float]) -> flywheel.Results:
    scenario = factory(levers={**levers, **ROOMY}, horizon_weeks=HORIZON_WEEKS, events=[PRIME])
    return flywheel.simulate(scenario, replications=2, seed=4)


def test_the_content_cost_is_members_times_the_rate_per_week_and_none_before_launch() -> None:
    members = np.array([0.0, 1e6, 2e6])
    rate = np.full(3, CONTENT_USD_PER_MEMBER_PER_YEAR)
    launched = prime_content_cost_usd(members, rate, np.ones(3))
    np.testing.assert_allclose(launched, members * CONTENT_USD_PER_MEMBER_PER_YEAR / 52.0)
    np.testing.assert_array_equal(prime_content_cost_usd(members, rate, np.zeros(3)), 0.0)


def test_content_lowers_income_by_members_times_the_rate_and_is_not_priced(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    """With cash far from the credit limit the cost reaches nothing but income and cash: income
    is lower by members x rate / 52 from Prime's launch, the price, orders and members do not
    move (the price policy does not mark it up), and nothing changes before the launch."""
    plain = _run(scenario_factory, quiet_levers)
    content = _run(
        scenario_factory,
        {**quiet_levers, "prime_content_usd_per_member_per_year": CONTENT_USD_PER_MEMBER_PER_YEAR},
    )
    for name in ("price_index", "orders", "revenue_usd", "prime_members"):
        np.testing.assert_array_equal(plain[name], content[name], err_msg=name)
    gap = plain["operating_income_usd"] - content["operating_income_usd"]
    launched = plain["is_prime_launched"] != 0.0
    assert launched.any() and (~launched).any()
    np.testing.assert_allclose(gap[~launched], 0.0, atol=1e-6)
    members = plain["prime_members"]  # the week's output is the stock the week charges
    expected = members * CONTENT_USD_PER_MEMBER_PER_YEAR / WEEKS_PER_YEAR
    charged = launched & (members > 0)
    assert charged.sum() > 10
    np.testing.assert_allclose(gap[charged], expected[charged], rtol=1e-6)
    assert content["cash_usd"][0, -1] < plain["cash_usd"][0, -1]


def test_a_large_content_cost_turns_a_profit_into_a_loss(
    scenario_factory: Callable[..., flywheel.Scenario], quiet_levers: dict[str, float]
) -> None:
    """Extreme condition: at the lever's upper bound ($500 per member a year, above any Prime
    fee Amazon charged) the content costs more than the week earns: a loss at the end; the
    default (0) changes nothing."""
    plain = _run(scenario_factory, quiet_levers)
    assert plain["operating_income_usd"][0, -1] > 0
    heavy = _run(scenario_factory, {**quiet_levers, "prime_content_usd_per_member_per_year": 500.0})
    assert heavy["operating_income_usd"][0, -1] < 0
    zero = _run(scenario_factory, {**quiet_levers, "prime_content_usd_per_member_per_year": 0.0})
    for name in plain.outputs:
        np.testing.assert_array_equal(plain[name], zero[name], err_msg=name)


BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_the_invest_scenario_is_v2_plus_sourced_content_events() -> None:
    """The copy differs from v2 by its name and three content events, each with a source."""
    v2 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v2.toml")
    invest = flywheel.load_scenario(BENCH / "amazon_1996_2024_v2_invest.toml")
    added = [e for e in invest.events if e not in v2.events]
    assert [e for e in invest.events if e in v2.events] == list(v2.events)
    assert all(isinstance(e, PolicyChange) for e in added)
    assert [(e.lever, e.value) for e in added] == [  # type: ignore[union-attr]
        ("prime_content_usd_per_member_per_year", 52.0),
        ("prime_content_usd_per_member_per_year", 55.0),
        ("prime_content_usd_per_member_per_year", 65.0),
    ]
    assert all("http" in e.note for e in added)
