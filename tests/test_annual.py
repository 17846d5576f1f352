"""Calendar-year aggregation: flows summed over the weeks whose first day falls in the year,
levels and flags at the year's last week, rates and indices averaged (each output's kind in
the registry), headline columns consistent."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import flywheel
from flywheel.model.outputs import names_where
from flywheel.results.annual import HEADLINE

WEEKS = 130  # from November 2026: a 9-week first year, two full years, a partial last one


@pytest.fixture(scope="module")
def results(scenario_factory: Callable[..., flywheel.Scenario]) -> flywheel.Results:
    scenario = scenario_factory(
        name="annual", horizon_weeks=WEEKS, start_date="2026-11-02",
        events=[{"kind": "prime_launch", "week": 20}],
    )  # fmt: skip
    return flywheel.simulate(scenario, replications=3, seed=6)


@pytest.fixture(scope="module")
def annual(results: flywheel.Results) -> pd.DataFrame:
    return results.annual()


@pytest.fixture(scope="module")
def weekly(results: flywheel.Results) -> pd.DataFrame:
    frame = results.frame()
    frame["year"] = pd.to_datetime(frame["date"]).dt.year
    return frame


def test_one_row_per_replication_and_year(annual: pd.DataFrame, weekly: pd.DataFrame) -> None:
    assert annual["year"].unique().tolist() == [2026, 2027, 2028, 2029]
    assert len(annual) == 3 * 4
    assert annual.groupby("replication")["weeks"].sum().tolist() == [WEEKS] * 3
    first = annual[annual["replication"] == 0]
    # 2026-11-02 + 7k: Nov 2, ..., Dec 28 is nine weeks; then a full year of Mondays
    assert first["weeks"].tolist()[:2] == [9, 52]
    expected = weekly[weekly["replication"] == 0].groupby("year").size().tolist()
    assert first["weeks"].tolist() == expected


def test_flows_are_summed_over_the_year(annual: pd.DataFrame, weekly: pd.DataFrame) -> None:
    by_year = weekly.groupby(["replication", "year"])
    flows = list(names_where(kind="flow"))
    assert {"orders", "revenue_usd", "adoption", "capex_usd"} <= set(flows)
    expected = by_year[flows].sum().reset_index(drop=True)
    np.testing.assert_allclose(annual[flows].to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert (annual["orders"] > 0).all()


def test_levels_are_the_years_last_week(
    annual: pd.DataFrame, weekly: pd.DataFrame, results: flywheel.Results
) -> None:
    levels = [*names_where(kind="level"), *names_where(kind="flag")]
    assert {"customers", "sellers", "cash_usd", "fulfillment_centers", "is_prime_launched"} <= set(
        levels
    )
    # Prime launches in week 20, during 2027: the flag's year is its last week (1), not a mean
    assert annual.loc[annual["year"] == 2027, "is_prime_launched"].eq(1.0).all()
    assert weekly.loc[weekly["year"] == 2027, "is_prime_launched"].mean() < 0.9
    expected = weekly.groupby(["replication", "year"])[levels].last().reset_index(drop=True)
    np.testing.assert_array_equal(annual[levels].to_numpy(), expected.to_numpy())


def test_rates_are_averaged(
    annual: pd.DataFrame, weekly: pd.DataFrame, results: flywheel.Results
) -> None:
    rates = [
        name
        for name in (*names_where(kind="rate"), *names_where(kind="index"))
        if name != "operating_margin_share"  # income over revenue: the next test
    ]
    assert {"cx", "delivery_days", "price_index", "gain_R1", "nps_proxy"} <= set(rates)
    expected = weekly.groupby(["replication", "year"])[rates].mean().reset_index(drop=True)
    np.testing.assert_allclose(
        annual[rates].to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-300
    )


def test_headline_columns_are_consistent(annual: pd.DataFrame) -> None:
    for column, source, divisor in HEADLINE:
        np.testing.assert_allclose(
            annual[column], annual[source] / divisor, rtol=1e-12, err_msg=column
        )
    np.testing.assert_allclose(
        annual["net_sales_usd_million"] * 1e6, annual["revenue_usd"], rtol=1e-12
    )
    share = 100.0 * annual["gmv_3p_usd"] / annual["gmv_usd"]
    np.testing.assert_allclose(annual["share_3p_percent"], share, rtol=1e-12)
    assert ((annual["share_3p_percent"] >= 0) & (annual["share_3p_percent"] <= 100)).all()
    assert (annual["prime_members_million"] <= annual["active_customers_million"]).all()


def test_annual_margin_is_income_over_revenue(annual: pd.DataFrame) -> None:
    """The year's operating margin is the year's operating income over its revenue, not the
    margin of its last (December, peak-season) week."""
    np.testing.assert_allclose(
        annual["operating_margin_share"],
        annual["operating_income_usd"] / annual["revenue_usd"],
        rtol=1e-12,
    )


def test_annual_of_a_single_replication_matches_its_row(
    results: flywheel.Results, scenario_factory: Callable[..., flywheel.Scenario]
) -> None:
    alone = flywheel.simulate(results.scenario, replications=1, seed=6, first_replication=2)
    both = results.annual()
    row = both[both["replication"] == 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.annual(), row)


def test_money_columns_are_sums_of_weekly_flows_in_usd_million(
    annual: pd.DataFrame, weekly: pd.DataFrame, results: flywheel.Results
) -> None:
    """Each money column named as Amazon's lines is its weekly flows summed over the year's
    weeks, in USD million (docs/calibration.md, "Comparing like with like")."""
    sums = weekly.groupby(["replication", "year"]).sum(numeric_only=True).reset_index(drop=True)
    expected = {
        "retail_net_sales_usd_million": sums["revenue_usd"],
        "retail_operating_income_usd_million": sums["operating_income_usd"],
        "fulfillment_expense_usd_million": sums["fulfillment_cost_usd"] + sums["service_cost_usd"],
        "shipping_cost_usd_million": sums["shipping_cost_usd"],
        "subscription_revenue_usd_million": sums["prime_fees_usd"],
    }
    for column, usd in expected.items():
        np.testing.assert_allclose(annual[column], usd / 1e6, rtol=1e-9, err_msg=column)
    # The model is a retail business: its total is its retail net sales.
    np.testing.assert_allclose(
        annual["net_sales_usd_million"], annual["retail_net_sales_usd_million"]
    )
    assert (annual["subscription_revenue_usd_million"] > 0).any()  # Prime launched at week 20
    assert (annual["retail_operating_income_usd_million"] != 0).all()


def test_seller_services_are_the_take_rate_on_third_party_gmv(
    annual: pd.DataFrame, results: flywheel.Results
) -> None:
    take_rate = results.scenario.levers.seller_take_rate_share
    commissions = take_rate * annual["gmv_3p_usd"] / 1e6
    assert (commissions > 0).all()
    np.testing.assert_allclose(
        annual["seller_services_revenue_usd_million"], commissions, rtol=1e-6
    )
    net_sales = (
        (annual["gmv_usd"] - annual["gmv_3p_usd"]) / 1e6
        + annual["seller_services_revenue_usd_million"]
        + annual["subscription_revenue_usd_million"]
    )
    np.testing.assert_allclose(annual["net_sales_usd_million"], net_sales, rtol=1e-9)
