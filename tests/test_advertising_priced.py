"""Advertising left out of the price policy (issue 19, v6_margin; docs/model.md#price): the lever
`advertising_priced_share` says how much of advertising's revenue and serving cost the
target-margin price counts. 1 (the default) is the policy as it was; below 1 the price aims its
margin at the goods business and the rest of the ad profit reaches operating income."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model.equations import unpriced_advertising_usd

WEEKS = 260
REPLICATIONS = 2
SEED = 5
ADS = {"advertising_share_of_3p_gmv": 0.05, "advertising_cost_share": 0.3}
# Cash never near the credit limit, so the price is never squeezed to break-even.
ROOMY = {"credit_limit_usd": 1e12}


def _run(scenario: flywheel.Scenario, **levers: float) -> flywheel.Results:
    changed = dataclasses.replace(scenario.levers, **{**ROOMY, **levers})
    run = dataclasses.replace(scenario, levers=changed, horizon_weeks=WEEKS)
    return flywheel.simulate(run, REPLICATIONS, SEED)


@pytest.fixture(scope="module")
def runs(baseline: flywheel.Scenario) -> dict[str, flywheel.Results]:
    return {
        "priced": _run(baseline, **ADS),
        "priced_explicit": _run(baseline, **ADS, advertising_priced_share=1.0),
        "half": _run(baseline, **ADS, advertising_priced_share=0.5),
        "unpriced": _run(baseline, **ADS, advertising_priced_share=0.0),
        "unpriced_costly": _run(
            baseline, **{**ADS, "advertising_cost_share": 0.9}, advertising_priced_share=0.0
        ),
        "no_ads": _run(baseline),
        "no_ads_unpriced": _run(baseline, advertising_priced_share=0.0),
    }


def test_the_equation_leaves_out_the_unpriced_share() -> None:
    ads = np.array([0.0, 1e6, 2e6])
    np.testing.assert_array_equal(unpriced_advertising_usd(ads, np.ones(3)), 0.0)
    np.testing.assert_array_equal(unpriced_advertising_usd(ads, np.zeros(3)), ads)
    np.testing.assert_allclose(unpriced_advertising_usd(ads, np.full(3, 0.25)), 0.75 * ads)


def test_the_default_prices_all_advertising_bit_for_bit(runs, baseline) -> None:
    assert baseline.levers.advertising_priced_share == 1.0
    for name in ("price_index", "orders", "revenue_usd", "operating_income_usd", "cash_usd"):
        np.testing.assert_array_equal(
            runs["priced"][name], runs["priced_explicit"][name], err_msg=name
        )


def test_without_advertising_the_lever_changes_nothing(runs) -> None:
    """Extreme condition: no ad revenue, nothing to leave out, the same bytes."""
    assert np.all(runs["no_ads"]["advertising_revenue_usd"] == 0.0)
    for name in ("price_index", "orders", "operating_income_usd", "cash_usd"):
        np.testing.assert_array_equal(
            runs["no_ads"][name], runs["no_ads_unpriced"][name], err_msg=name
        )


def test_leaving_ad_profit_out_of_the_price_raises_prices_and_income(runs) -> None:
    """Direction: the less of the ad profit the price counts, the less it lowers the price of
    goods, so the price is higher and operating income higher, step by step (last two years)."""
    late = slice(WEEKS - 104, WEEKS)
    price = [runs[k]["price_index"][:, late].mean() for k in ("priced", "half", "unpriced")]
    income = [
        runs[k]["operating_income_usd"][:, late].sum() for k in ("priced", "half", "unpriced")
    ]
    assert price[0] < price[1] < price[2]
    assert income[0] < income[1] < income[2]
    ads = runs["unpriced"]["advertising_revenue_usd"][:, late]
    assert ads.min() > 0.0


def test_unpriced_ads_cost_reaches_income_not_the_price(runs) -> None:
    """With nothing of advertising priced, its serving cost no longer reaches the price: a
    costlier ad business (cost share 0.9 against 0.3) leaves the price, orders and revenue
    bit-identical and lowers income by exactly the extra cost."""
    cheap, costly = runs["unpriced"], runs["unpriced_costly"]
    for name in ("price_index", "orders", "revenue_usd", "advertising_revenue_usd"):
        np.testing.assert_array_equal(cheap[name], costly[name], err_msg=name)
    extra = 0.6 * cheap["advertising_revenue_usd"]
    gap = cheap["operating_income_usd"] - costly["operating_income_usd"]
    np.testing.assert_allclose(gap, extra, rtol=1e-9, atol=1e-6)
