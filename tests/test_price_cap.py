"""The low-price policy (`price_cap_relative`, issue 19; docs/model.md "Price policy"): the price
goal may not exceed the cap x the competitors' long-run price; 0 is no cap; the cap is lifted
when the cash is squeezed; while it binds, falling unit costs raise the margin instead of
lowering the price, and the R3 knockout still holds the cost part of the price."""

from __future__ import annotations

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from tests.test_knockouts import _run

WEEKS = 260  # five years of the baseline
REPLICATIONS = 2
SEED = 7
FUNDED = {"credit_limit_usd": 1e12}  # never squeezed: the cap is never lifted


def _relative(results: flywheel.Results, name: str) -> np.ndarray:
    """An index over the competitors' price (no price war in the baseline: their trend)."""
    return results[name] / results["competitor_price_index"]


def test_the_capped_goal_is_the_lower_of_goal_and_cap() -> None:
    assert eq.capped_price_goal_index(1.2, 0.8, 1.1) == pytest.approx(0.88)
    assert eq.capped_price_goal_index(0.7, 0.8, 1.1) == 0.7  # below the cap: unchanged
    assert eq.capped_price_goal_index(3.0, 0.0, 1.1) == 3.0  # 0 is no cap


def test_the_price_stays_under_the_cap(five_years: flywheel.Scenario) -> None:
    """After the price-adjustment time the price is at most the cap x the competitors' price
    (within the lag behind their falling trend), though the target-margin price is above it."""
    results = _run(five_years, price_cap_relative=0.8, **FUNDED)
    price = _relative(results, "price_index")[:, 52:]
    assert price.max() <= 0.8 * 1.005
    assert price.min() >= 0.8 * 0.995  # it binds: the target-margin price is above
    assert _relative(results, "price_target_index")[:, 52:].max() > 0.85


def test_a_binding_cap_means_losses(five_years: flywheel.Scenario) -> None:
    """Losses flow to operating income and cash as they do: the capped run earns less in year
    one and ends with less cash."""
    capped = _run(five_years, price_cap_relative=0.8, **FUNDED)
    free = _run(five_years, **FUNDED)
    year_one = slice(0, 52)
    assert np.all(
        capped["operating_income_usd"][:, year_one].sum(axis=1)
        < free["operating_income_usd"][:, year_one].sum(axis=1)
    )
    assert np.all(capped["cash_usd"][:, -1] < free["cash_usd"][:, -1])


def test_with_the_cap_binding_savings_raise_the_margin_not_cut_the_price(
    five_years: flywheel.Scenario,
) -> None:
    """R3 under the cap (model.md "Price policy"): faster learning leaves the capped price
    where it is and raises the margin; without the cap it lowers the price."""
    slow, fast = {"learning_rate_share": 0.05}, {"learning_rate_share": 0.25}
    capped_slow = _run(five_years, price_cap_relative=0.5, **FUNDED, **slow)
    capped_fast = _run(five_years, price_cap_relative=0.5, **FUNDED, **fast)
    np.testing.assert_allclose(capped_fast["price_index"], capped_slow["price_index"], rtol=1e-12)
    last_year = slice(WEEKS - 52, WEEKS)
    margin_slow = capped_slow["operating_margin_share"][:, last_year].mean(axis=1)
    margin_fast = capped_fast["operating_margin_share"][:, last_year].mean(axis=1)
    assert np.all(margin_fast > margin_slow + 0.01)
    free_slow = _run(five_years, **FUNDED, **slow)["price_index"][:, -1]
    free_fast = _run(five_years, **FUNDED, **fast)["price_index"][:, -1]
    assert np.all(free_fast < 0.97 * free_slow)


def test_r3_cut_still_holds_the_cost_part_under_the_cap(five_years: flywheel.Scenario) -> None:
    """With R3 cut the target is the held price x the competitors' drift whatever the cap; the
    cap still limits the price (it is a policy on the competitors' price, not a cost link)."""
    results = _run(five_years, "R3", price_cap_relative=0.8, **FUNDED)
    target = _relative(results, "price_target_index")
    np.testing.assert_allclose(target, target[:, :1] * np.ones_like(target), rtol=1e-9)
    assert _relative(results, "price_index")[:, 52:].max() <= 0.8 * 1.005
    fast = _run(five_years, "R3", price_cap_relative=0.8, learning_rate_share=0.25, **FUNDED)
    np.testing.assert_allclose(fast["price_index"], results["price_index"], rtol=1e-12)


def test_a_squeezed_retailer_lifts_the_cap(five_years: flywheel.Scenario) -> None:
    """Near the credit limit the price aims at break-even (model.md#insolvency), cap or not:
    with no credit and a cap far below cost the price rises above the cap."""
    results = _run(five_years, price_cap_relative=0.5, credit_limit_usd=0.0)
    assert _relative(results, "price_index").max() > 0.6
