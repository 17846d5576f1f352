"""The advertising sector (`sectors.advertising`, docs/model.md#advertising): off by default,
a share of 3P GMV raised by the seller count when on, inside revenue and operating income,
and fed back to customers only through the target-margin price (loop R3)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq

WEEKS = 260
REPLICATIONS = 2
SEED = 5
MARKETING_SHARE = 0.04  # the baseline's marketing_share_of_revenue (checked below)
TECHNOLOGY_SHARE = 0.05  # its technology_share_of_revenue


def _with_ads(scenario: flywheel.Scenario, **levers: float) -> flywheel.Scenario:
    changed = dataclasses.replace(scenario.levers, **levers)
    return dataclasses.replace(scenario, levers=changed, horizon_weeks=WEEKS)


@pytest.fixture(scope="module")
def runs(baseline) -> dict[str, flywheel.Results]:
    off = dataclasses.replace(baseline, horizon_weeks=WEEKS)
    on = _with_ads(baseline, advertising_share_of_3p_gmv=0.05, advertising_cost_share=0.3)
    return {
        "off": flywheel.simulate(off, REPLICATIONS, SEED),
        "on": flywheel.simulate(on, REPLICATIONS, SEED),
        "off_r3": flywheel.simulate(dataclasses.replace(off, knockouts=("R3",)), 2, SEED),
        "on_r3": flywheel.simulate(dataclasses.replace(on, knockouts=("R3",)), 2, SEED),
    }


def test_the_equation_is_a_share_of_3p_gmv_raised_by_the_seller_count() -> None:
    gmv_3p = np.array([0.0, 1e6, 1e6, 1e6])
    sellers = np.array([5e5, 5e5, 1e6, 2e6])
    plain = eq.advertising_revenue_usd(gmv_3p, sellers, 0.05, 1e6, 0.0)
    np.testing.assert_allclose(plain, [0.0, 5e4, 5e4, 5e4], rtol=1e-15)
    competed = eq.advertising_revenue_usd(gmv_3p, sellers, 0.05, 1e6, 1.0)
    np.testing.assert_allclose(competed, [0.0, 2.5e4, 5e4, 1e5], rtol=1e-15)  # x sellers/ref
    assert np.all(eq.advertising_revenue_usd(gmv_3p, sellers, 0.0, 1e6, 2.0) == 0.0)
    # no sellers yet: one seller counted, so elasticity 0 gives the plain share
    assert eq.advertising_revenue_usd(np.array([1e6]), np.array([0.0]), 0.05, 1e6, 0.0) == 5e4


def test_the_shares_charged_on_revenue_are_the_baseline_s(baseline) -> None:
    assert baseline.levers.marketing_share_of_revenue == MARKETING_SHARE
    assert baseline.levers.technology_share_of_revenue == TECHNOLOGY_SHARE


def test_off_by_default(runs) -> None:
    off = runs["off"]
    assert np.all(off["advertising_revenue_usd"] == 0.0)
    assert np.all(off["advertising_cost_usd"] == 0.0)
    assert np.all(off.annual()["advertising_revenue_usd_million"] == 0.0)


def test_ad_revenue_is_inside_revenue_and_income(runs, baseline) -> None:
    on = runs["on"]
    levers = _with_ads(baseline, advertising_share_of_3p_gmv=0.05).levers
    ads = on["advertising_revenue_usd"]
    assert ads[:, -52:].min() > 0.0  # the baseline's marketplace is open
    # elasticity 0 (the default): a plain 5 % of the week's 3P GMV
    np.testing.assert_allclose(ads, 0.05 * on["gmv_3p_usd"], rtol=1e-12)
    np.testing.assert_allclose(on["advertising_cost_usd"], 0.3 * ads, rtol=1e-12)
    gmv_1p = on["gmv_usd"] - on["gmv_3p_usd"]
    take = levers.seller_take_rate_share * on["gmv_3p_usd"]
    np.testing.assert_allclose(
        on["revenue_usd"], gmv_1p + take + on["prime_fees_usd"] + ads, rtol=1e-12
    )
    annual = on.annual()
    # every year's columns add up to the weekly flows over the run, per replication
    for column, weekly in (
        ("advertising_revenue_usd_million", ads),
        ("seller_services_revenue_usd_million", take),  # the take only: ads not counted there
        ("retail_net_sales_usd_million", on["revenue_usd"]),  # ads inside, as Amazon reports
    ):
        totals = annual.groupby("replication")[column].sum().to_numpy()
        np.testing.assert_allclose(totals, weekly.sum(axis=1) / 1e6, rtol=1e-9)


def test_ads_raise_income_and_lower_the_price_through_r3(runs) -> None:
    off, on = runs["off"], runs["on"]
    late = slice(WEEKS - 52, WEEKS)
    # the ad margin lowers the target-margin price, so prices end lower with ads (R3) ...
    assert on["price_index"][:, late].mean() < off["price_index"][:, late].mean()
    # ... and more is sold at them
    assert on["gmv_usd"][:, late].sum() > off["gmv_usd"][:, late].sum()
    # with R3 cut the price no longer sees costs or ad income: it is the same with ads
    np.testing.assert_allclose(runs["on_r3"]["price_index"], runs["off_r3"]["price_index"])
    # the price policy keeps its margin target on the bigger revenue: income rises with ads
    assert on["operating_income_usd"][:, late].sum() > off["operating_income_usd"][:, late].sum()
    # with prices held (R3 cut) volumes are the same, and the ad revenue less its serving cost
    # and the marketing and technology charged on it (shares of revenue) is extra income
    np.testing.assert_allclose(runs["on_r3"]["gmv_usd"], runs["off_r3"]["gmv_usd"])
    kept = 1.0 - 0.3 - MARKETING_SHARE - TECHNOLOGY_SHARE
    gained = runs["on_r3"]["operating_income_usd"] - runs["off_r3"]["operating_income_usd"]
    ads = runs["on_r3"]["advertising_revenue_usd"]
    np.testing.assert_allclose(gained, kept * ads, rtol=1e-6, atol=1e-6 * ads.max())


def test_more_sellers_buy_more_ads(baseline) -> None:
    base = _with_ads(baseline, advertising_share_of_3p_gmv=0.05, advertising_sellers_ref=1e3)
    flat = flywheel.simulate(base, 1, SEED)
    competed = flywheel.simulate(
        _with_ads(base, advertising_seller_elasticity=1.0, advertising_sellers_ref=1e3), 1, SEED
    )
    sellers = competed["sellers"]
    ratio = competed["advertising_revenue_usd"] / (0.05 * competed["gmv_3p_usd"])
    has_sales = competed["gmv_3p_usd"] > 0
    np.testing.assert_allclose(
        ratio[has_sales], np.maximum(sellers, 1.0)[has_sales] / 1e3, rtol=1e-9
    )
    assert competed["advertising_revenue_usd"].sum() != flat["advertising_revenue_usd"].sum()
