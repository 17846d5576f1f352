"""The issue-19 early-years refit (docs/calibration.md#refit-v2-early): Amazon's marketing
spend as filed for 1996-2001 enters as dated policy events on `marketing_share_of_revenue`
(the lever's default, 4 %, untouched), raises early adoption, and the stored fitted file,
rerun with noise off, reproduces the targets table the docs report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.calibration.objective import NOISE_LEVERS
from flywheel.scenario.schema import Levers
from tests.calibration.issue19_tables import CUT, assert_documented, measure, percent

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "bench/amazon_1996_2024_v2_early.toml"
FITTED = ROOT / "docs/figures/amazon_1996_2024_refit_v2_early.toml"
# the filed marketing share of net sales by year (FY1999 and FY2001 10-K; calibration.md)
FILED_SHARE = {1996: 0.189, 1997: 0.189, 1998: 0.136, 1999: 0.11, 2000: 0.07, 2001: 0.04}


def _annual(scenario: flywheel.Scenario) -> dict[str, dict[int, float]]:
    quiet = {name: np.zeros(1) for name in NOISE_LEVERS}
    frame = flywheel.simulate(scenario, 1, 0, lever_overrides=quiet).annual()
    years = frame["year"].astype(int)
    return {column: dict(zip(years, frame[column], strict=True)) for column in frame.columns}


def test_the_lever_default_is_still_the_fy2012_ratio() -> None:
    assert Levers().marketing_share_of_revenue == 0.04  # the other scenarios do not move
    assert flywheel.load_scenario(ROOT / "bench/amazon_1996_2024_v2.toml").levers == (
        dataclasses.replace(
            flywheel.load_scenario(SCENARIO).levers,
            marketing_share_of_revenue=0.04,
        )
    )


def test_marketing_spend_follows_the_filed_shares_and_raises_early_adoption() -> None:
    scenario = flywheel.load_scenario(SCENARIO)
    run = _annual(scenario)
    for year, share in FILED_SHARE.items():
        spent = run["marketing_usd"][year] / run["revenue_usd"][year]
        assert spent == pytest.approx(share, rel=0.03), year
    assert run["marketing_usd"][2010] / run["revenue_usd"][2010] == pytest.approx(0.04)
    # the same scenario at the constant 4 %: fewer customers every early year (R1: the
    # marketing effect scales Bass innovation), and less retail net sales
    constant = dataclasses.replace(
        scenario,
        events=tuple(e for e in scenario.events if not e.id.startswith("marketing_")),
        levers=dataclasses.replace(scenario.levers, marketing_share_of_revenue=0.04),
    )
    baseline = _annual(constant)
    for year in range(1996, 2002):
        assert run["active_customers_million"][year] > baseline["active_customers_million"][year]
        assert (
            run["retail_net_sales_usd_million"][year]
            > baseline["retail_net_sales_usd_million"][year]
        )


def test_the_early_refit_measures_what_the_docs_table_says() -> None:
    # better than v2's 15.6 % (docs/calibration.md#refit-v2), still above the 10 % target
    assert_documented(
        measure(FITTED),
        retail_percent=12.3,
        series_percent={
            "fulfillment expense": 23.7,
            "shipping cost": 15.5,
            "subscription revenue": 15.4,
            "seller services revenue": 1.4,
        },
        signs=("22 of 26", "none"),
        cut_percent=[22.0, 27.3, 26.8],
        unfitted="16 of 28",
    )


def test_the_fit_puts_marketing_elasticity_inside_its_prior() -> None:
    fitted = flywheel.load_scenario(FITTED).levers
    assert 0.09 <= fitted.marketing_elasticity <= 0.24  # Sethuraman et al. 2011: 0.12 / 0.24
    names = (ROOT / "bench/refit_v2_early_parameters.txt").read_text().split()
    assert "marketing_elasticity[0.09,0.24]" in names


def test_the_itu_early_market_variant_replays_better_and_cuts_less() -> None:
    # docs/calibration.md#refit-v2-early, column B: better in sample and out of sample than
    # the marketing variant, but a larger growth share (the bigger pool is exogenous)
    fitted = ROOT / "docs/figures/amazon_1996_2024_refit_v2_early_itu.toml"
    assert flywheel.load_scenario(fitted).market_driver == "amazon_markets_internet_users_itu_early"
    measured = measure(fitted)
    assert percent(measured["retail net sales MAPE ≤ 10 %"]) == pytest.approx(11.7, abs=0.05)
    cut = measured[CUT]
    assert float(cut.split("/")[0].strip().rstrip(" %")) == pytest.approx(27.0, abs=0.15)
    stored = (ROOT / "docs/figures/amazon_1996_2024_refit_v2_early_itu_targets.md").read_text()
    assert "| out of sample 2017–2024 ≤ 20 % | 3.8 % |" in stored
