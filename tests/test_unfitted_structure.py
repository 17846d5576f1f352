"""Structure for the unfitted series (issue 19 item 6): the Prime ceiling
(`prime_eligible_share`), the sales weight of a 3P SKU (`sales_per_3p_sku_relative`) and the
customers served in the year (`customers_served_million`), with the scope that maps Amazon's
"served in the year" figures to it. Each lever's default keeps the runs bit-identical
(`tests/reference`); here: the analytic identities, extreme values and directions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import flywheel
from flywheel.calibration.record import UNFITTED_COLUMNS
from flywheel.calibration.reference import column_for, load_reference_points, reference_points
from flywheel.scenario.loading import with_parameters

WEEKS = 416  # eight years: Prime from week 104 has six years to fill up
SEED = 11
FAST_JOINS = {"prime_join_rate_per_week": 0.05, "prime_churn_per_week": 0.0}  # ceiling binds


@pytest.fixture(scope="module")
def eight_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    return dataclasses.replace(baseline, horizon_weeks=WEEKS)


def _run(scenario: flywheel.Scenario, *cut: str, **levers: float) -> flywheel.Results:
    changed = with_parameters(scenario, levers) if levers else scenario
    return flywheel.simulate(dataclasses.replace(changed, knockouts=cut), 2, SEED)


# --- the Prime ceiling ---------------------------------------------------------------------


@pytest.mark.parametrize("eligible", [0.0, 0.3, 0.5])
def test_members_never_exceed_the_eligible_share(
    eight_years: flywheel.Scenario, eligible: float
) -> None:
    """Joins draw only from the eligible staying customers, so members stay at most
    `prime_eligible_share` of the customers every week (and none join at share 0)."""
    run = _run(eight_years, prime_eligible_share=eligible, **FAST_JOINS)
    members, customers = run["prime_members"], run["customers"]
    assert np.all(members <= eligible * customers * (1 + 1e-9) + 1e-6)
    if eligible == 0.0:
        assert members.max() == 0.0 and run["prime_joins"].max() == 0.0
    else:  # the ceiling binds: members fill up to it
        assert (members[:, -1] / customers[:, -1]).min() > 0.8 * eligible


def test_a_lower_ceiling_means_fewer_members_and_default_none(
    eight_years: flywheel.Scenario,
) -> None:
    """Members fall with the share; at the default 1 they pass the lower ceilings (the ceiling
    is what limits them)."""
    members = {
        e: _run(eight_years, prime_eligible_share=e, **FAST_JOINS)["prime_members"][:, -1]
        for e in (0.4, 0.7, 1.0)
    }
    assert members[0.4].max() < members[0.7].min() and members[0.7].max() < members[1.0].min()
    free = _run(eight_years, **FAST_JOINS)
    assert (free["prime_members"][:, -1] / free["customers"][:, -1]).min() > 0.9


def test_r4_cut_still_holds_the_member_share_under_a_ceiling(
    eight_years: flywheel.Scenario,
) -> None:
    """With R4 cut, visits per customer keep week 0's member share (0 here) although members
    join up to the ceiling: the cut holds the link it names, the ceiling limits the joins."""
    assert eight_years.levers.spend_growth_per_year == 0.0
    cut = _run(eight_years, "R4", prime_eligible_share=0.5, **FAST_JOINS)
    visits_per_customer = cut["visits"] / cut["customers"]
    np.testing.assert_allclose(visits_per_customer, visits_per_customer[:, :1] + 0 * cut["visits"])
    members, customers = cut["prime_members"], cut["customers"]
    assert members[:, -1].min() > 0.3 * customers[:, -1].min()
    assert np.all(members <= 0.5 * customers * (1 + 1e-9) + 1e-6)
    assert np.all(cut["gain_R4"] == 0.0)


# --- the 3P share of sales-weighted SKUs ----------------------------------------------------


@pytest.mark.parametrize("weight", [0.04, 1.0, 3.0])
def test_share_3p_is_the_share_of_sales_weighted_skus(
    eight_years: flywheel.Scenario, weight: float
) -> None:
    """share_3p = w skus_3p / (skus_1p + w skus_3p), with skus_3p = skus - skus_1p (the SKU
    output still counts every SKU, unweighted)."""
    run = _run(eight_years, sales_per_3p_sku_relative=weight)
    skus_1p = eight_years.levers.skus_1p
    skus_3p = run["skus"] - skus_1p
    assert skus_3p.max() > 0.1 * skus_1p  # a marketplace worth weighing
    expected = weight * skus_3p / (skus_1p + weight * skus_3p)
    np.testing.assert_allclose(run["share_3p"], expected, rtol=1e-9, atol=1e-12)


def test_a_lower_sku_weight_lowers_the_3p_share_of_gmv(eight_years: flywheel.Scenario) -> None:
    """The direction the docs claim: lighter 3P SKUs, a smaller 3P share of GMV; at the
    lever's lower bound almost none."""
    share = {w: _run(eight_years, sales_per_3p_sku_relative=w).annual() for w in (0.001, 0.1, 1.0)}
    last = {
        w: frame[frame.year == frame.year.max()]["share_3p_percent"].mean()
        for w, frame in share.items()
    }
    assert last[0.001] < last[0.1] < last[1.0]
    assert last[0.001] < 1.0


def test_sellers_earn_their_weighted_share_of_gmv(eight_years: flywheel.Scenario) -> None:
    """A seller's expected sales are its sales-weighted SKUs' share of the GMV: at the same
    GMV, SKUs and sellers, w scales them by w (no listings pulled: the andon cord off)."""
    scenario = with_parameters(eight_years, {"andon_cord_share": 0.0})
    for weight in (0.05, 1.0):
        run = _run(scenario, sales_per_3p_sku_relative=weight)
        levers = scenario.levers
        skus_for_sales = levers.skus_1p + weight * (run["skus"] - levers.skus_1p)
        expected = (
            run["gmv_usd"]
            * weight
            * levers.skus_per_seller
            / np.maximum(skus_for_sales, 1.0)
            * (1.0 - levers.seller_take_rate_share)
        )
        is_open = run["sellers"] > 0
        np.testing.assert_allclose(
            run["sales_per_seller_usd"][is_open], expected[is_open], rtol=1e-9
        )


# --- customers served in the year -----------------------------------------------------------


def test_customers_served_is_the_year_end_stock_plus_the_years_churn(
    eight_years: flywheel.Scenario,
) -> None:
    """Served = first-week customers + adoptions + win-backs = next year's first-week stock +
    the year's churn (stock conservation); it is never below the year-end stock."""
    annual = _run(eight_years).annual()
    for _, one in annual.groupby("replication"):
        one = one.set_index("year")
        served = one["customers_served_million"]
        first_week = served - (one["adoption"] + one["winback"]) / 1e6
        years = one.index[:-1]
        np.testing.assert_allclose(
            served.loc[years].to_numpy(),
            first_week.loc[years + 1].to_numpy() + one["churn"].loc[years].to_numpy() / 1e6,
            rtol=1e-9,
        )
        assert (served >= one["active_customers_million"]).all()
        assert (served.loc[years].to_numpy() > first_week.loc[years + 1].to_numpy()).all()


def test_without_churn_served_is_the_year_end_stock(eight_years: flywheel.Scenario) -> None:
    """Extreme condition: nobody lapses, so everyone served is still there at the year's end."""
    annual = _run(eight_years, churn_base_per_week=0.0).annual()
    assert annual["churn"].max() == 0.0
    one = annual[annual.replication == 0].set_index("year")
    served = one["customers_served_million"]
    first_week = served - (one["adoption"] + one["winback"]) / 1e6
    np.testing.assert_allclose(served.iloc[:-1], first_week.iloc[1:], rtol=1e-9)


def test_served_in_the_year_figures_compare_with_customers_served(tmp_path: Path) -> None:
    """The CSV's scope decides the column: "served in the year" figures (Amazon 1999-2001) meet
    `customers_served_million`; cumulative and active-account figures the year-end stock."""
    served = [p for p in reference_points() if p.column == "customers_served_million"]
    assert sorted(p.year for p in served) == [1999, 2000, 2001]
    assert "customers_served_million" in UNFITTED_COLUMNS  # compare-record draws and reports it
    assert column_for("active_customer_accounts", "worldwide; customers served in the year") == (
        "customers_served_million"
    )
    assert column_for("active_customer_accounts", "worldwide; cumulative customer accounts") == (
        "active_customers_million"
    )
    assert column_for("prime_members", "served in the year") == "prime_members_million"
    path = tmp_path / "u.csv"
    path.write_text(
        "year,metric,value,unit,scope,source,confidence\n"
        "2000,active_customer_accounts,20,million,worldwide; Customers Served in the Year,x,filed\n"
        "2006,active_customer_accounts,55,million,worldwide; active accounts,x,filed\n"
    )
    columns = [p.column for p in load_reference_points(path)]
    assert columns == ["customers_served_million", "active_customers_million"]


def test_compare_record_unfitted_reports_served_customers(
    tmp_path: Path, calibrated_annual: pd.DataFrame
) -> None:
    """The report's customer rows of 1999-2001 carry the served-in-the-year model value."""
    from flywheel.calibration.reference import reference_comparison

    rows = reference_comparison(calibrated_annual)
    by_year = calibrated_annual.groupby("year").mean(numeric_only=True)
    for row in rows:
        if row["year"] in (1999, 2000, 2001) and row["column"].startswith("customers"):
            assert row["model"] == pytest.approx(
                by_year.loc[row["year"], "customers_served_million"]
            )
            assert row["model"] > by_year.loc[row["year"], "active_customers_million"]


@pytest.fixture(scope="module")
def calibrated_annual() -> pd.DataFrame:
    root = Path(__file__).resolve().parents[1]
    scenario = flywheel.load_scenario(root / "scenarios" / "amazon_1996_2024_calibrated.toml")
    return flywheel.simulate(scenario, 1, 3).annual()
