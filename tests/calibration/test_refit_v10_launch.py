"""The issue-19 refit v10_launch (docs/calibration.md#refit-v10-launch): v9 with the launch
years' marketing as Amazon filed it in dollars, a floor under the spend
(`marketing_floor_usd_per_week`) set by dated events for 1997-2000 and off from 2001. The
scenario is v9 plus those events; the stored fit (refitted from v9's fitted point), rerun with
noise off, reproduces the targets table the docs report (bench/issue19_targets.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import flywheel
from flywheel.scenario.events import PolicyChange
from tests.calibration.issue19_tables import ROOT, assert_documented, measure

BENCH = ROOT / "bench"
FIGURES = ROOT / "docs/figures"
STORED = FIGURES / "amazon_1996_2024_refit_v10_launch.toml"
WEEKS_PER_CALENDAR_YEAR = 365.25 / 7
# filed marketing, USD million: 1997 and 1998 "marketing and sales" less fulfillment (FY1999
# 10-K: 40.077 - 12.1 and 132.654 - 50.3), 1999 and 2000 "marketing ... net of co-operative
# marketing reimbursements" (FY2001 10-K)
FILED_MARKETING_USD_MILLION = {1997: 40.077 - 12.1, 1998: 132.654 - 50.3, 1999: 176.0, 2000: 180.0}
FILED_NET_SALES_USD_MILLION = {1997: 147.787, 1998: 609.819, 1999: 1639.839, 2000: 2761.983}
# retail %, the four series' %, signs (count, loss years), cuts from 1996 / 2000 / 2005 %,
# unfitted, out of sample %: the docs table's column B
DOCUMENTED = (
    18.1,
    {
        "fulfillment expense": 24.4,
        "shipping cost": 11.3,
        "subscription revenue": 9.7,
        "seller services revenue": 2.8,
    },
    ("24 of 26", "2017, 2022"),
    [2.0, 15.8, 15.4],
    "20 of 28",
    16.1,
)


def _floor_events(scenario: flywheel.Scenario) -> list[PolicyChange]:
    return [
        event
        for event in scenario.events
        if isinstance(event, PolicyChange) and event.lever == "marketing_floor_usd_per_week"
    ]


def test_v10_launch_is_v9_with_the_floors() -> None:
    v9 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v9.toml")
    launch = flywheel.load_scenario(BENCH / "amazon_1996_2024_v10_launch.toml")
    assert launch.levers == v9.levers  # the floor starts at its default 0 (off)
    assert launch.levers.marketing_floor_usd_per_week == 0.0
    assert launch.initial == v9.initial
    floors = _floor_events(launch)
    assert tuple(e for e in launch.events if e not in floors) == v9.events
    assert [e.date for e in floors] == [dt.date(year, 1, 1) for year in range(1997, 2002)]
    assert floors[-1].value == 0.0  # off from 2001


def test_each_floor_is_the_years_filed_marketing_over_its_weeks() -> None:
    """Each floor x 52.18 weeks is the filed marketing of its year, to the dollar; the share
    events of the same years are those dollars over the filed net sales (within rounding)."""
    launch = flywheel.load_scenario(BENCH / "amazon_1996_2024_v10_launch.toml")
    floors = {e.date.year: e.value for e in _floor_events(launch)}
    shares = {
        e.date.year: e.value
        for e in launch.events
        if isinstance(e, PolicyChange) and e.lever == "marketing_share_of_revenue"
    }
    for year, filed_usd_million in FILED_MARKETING_USD_MILLION.items():
        annual_usd = floors[year] * WEEKS_PER_CALENDAR_YEAR
        assert annual_usd == pytest.approx(filed_usd_million * 1e6, abs=WEEKS_PER_CALENDAR_YEAR)
        share = filed_usd_million / FILED_NET_SALES_USD_MILLION[year]
        assert shares[year] == pytest.approx(share, abs=0.006), year


def test_the_start_variant_is_v10_launch_at_v9s_fitted_point() -> None:
    launch = flywheel.load_scenario(BENCH / "amazon_1996_2024_v10_launch.toml")
    start = flywheel.load_scenario(BENCH / "amazon_1996_2024_v10_launch_v9start.toml")
    v9_fit = flywheel.load_scenario(FIGURES / "amazon_1996_2024_refit_v9.toml")
    names = [
        p.split("[")[0] for p in (BENCH / "refit_v10_launch_parameters.txt").read_text().split()
    ]
    assert (BENCH / "refit_v10_launch_parameters.txt").read_text().split() == (
        BENCH / "refit_v9_parameters.txt"
    ).read_text().split()
    at_v9 = {name: getattr(v9_fit.levers, name) for name in names}
    assert start.levers == dataclasses.replace(launch.levers, **at_v9)
    assert start.events == launch.events and start.initial == launch.initial


def test_the_stored_fit_keeps_the_floors_and_the_sourced_levers() -> None:
    fitted = flywheel.load_scenario(STORED)
    launch = flywheel.load_scenario(BENCH / "amazon_1996_2024_v10_launch.toml")
    assert _floor_events(fitted) == _floor_events(launch)
    assert fitted.levers.acquisition_lapsed_relative == 2.4  # v9's, not fitted
    assert fitted.levers.acquisition_cost_inflation_per_year == 0.0248


def test_the_refit_measures_what_the_docs_table_says() -> None:
    retail, series, signs, cuts, unfitted, _ = DOCUMENTED
    targets = measure(STORED)
    assert_documented(targets, retail, series, signs, cuts, unfitted)
    assert cuts[0] <= 15.0  # the growth-share target, met from 1996


def test_the_stored_tables_are_the_docs() -> None:
    retail, _, _, _, _, out_of_sample = DOCUMENTED
    stored = (FIGURES / "amazon_1996_2024_refit_v10_launch_targets.md").read_text()
    assert f"| retail net sales MAPE ≤ 10 % | {retail} % (28 years) |" in stored
    assert f"| out of sample 2017–2024 ≤ 20 % | {out_of_sample} % |" in stored
    table = (FIGURES / "amazon_out_of_sample_v10_launch.md").read_text()
    assert f"(out of sample): **{out_of_sample} %**" in table
    docs = (ROOT / "docs/calibration.md").read_text()
    section = docs.split('<a id="refit-v10-launch"></a>')[1].split("\n## ")[0]
    assert f"{retail} %" in section and f"{out_of_sample} %" in section
