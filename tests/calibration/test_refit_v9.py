"""The issue-19 refit v9 (docs/calibration.md#refit-v9): v8_filed (marketing as filed every year,
the cost per new customer indexed to the US CPI) with v8_diag's paid win-back
(`acquisition_lapsed_relative` 2.4, sourced, not fitted), and its variant with the market's share
of internet users held at the scenario's 0.4. The scenario is v8_filed with the lever on; each
stored fitted file, rerun with noise off, reproduces the targets table the docs report
(bench/issue19_targets.py)."""

from __future__ import annotations

import dataclasses

import pytest

import flywheel
from tests.calibration.issue19_tables import ROOT, assert_row, assert_stored_tables

BENCH = ROOT / "bench"
FIGURES = ROOT / "docs/figures"
LAPSED_RELATIVE = 2.4  # (20-40 % lapsed) / (5-20 % new prospects) at the middles: 30 / 12.5
CPI_RATE_PER_YEAR = 0.0248  # v8_filed's: ln(315.301 / 160.5) / 27.2 years
SCENARIO_MARKET_SHARE = 0.4  # the scenario's value, held in the market04 variant
# stored fit -> (retail %, the four series' %, advertising %, signs (count, loss years),
# cut shares % from 1996 / 2000 / 2005, unfitted, out of sample %), as documented
DOCUMENTED = {
    "v9": (
        16.9,
        (25.3, 14.3, 14.9, 4.9),
        10.0,
        ("23 of 26", "2017, 2022"),
        [2.3, 16.2, 17.1],
        "15 of 28",
        19.7,
    ),
    "v9_market04": (
        16.4,
        (18.5, 12.6, 10.3, 9.9),
        11.1,
        ("22 of 26", "2022"),
        [1.0, 13.7, 14.6],
        "14 of 28",
        20.5,
    ),
}


def test_v9_is_v8_filed_with_paid_win_back() -> None:
    v8 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v8_filed.toml")
    v9 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v9.toml")
    assert v8.levers.acquisition_lapsed_relative == 0.0
    assert v9.levers.acquisition_lapsed_relative == LAPSED_RELATIVE
    assert v9.levers.acquisition_cost_inflation_per_year == CPI_RATE_PER_YEAR
    assert dataclasses.replace(v9.levers, acquisition_lapsed_relative=0.0) == v8.levers
    assert v9.events == v8.events
    assert v9.initial == v8.initial


def test_the_parameter_lists_are_v8_fileds() -> None:
    v8 = (BENCH / "refit_v8_filed_parameters.txt").read_text().split()
    assert (BENCH / "refit_v9_parameters.txt").read_text().split() == v8
    held = (BENCH / "refit_v9_market04_parameters.txt").read_text().split()
    assert held == [name for name in v8 if not name.startswith("market_share_of_internet_users")]
    assert len(held) == len(v8) - 1


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_fitted_files_keep_the_sourced_levers(name: str) -> None:
    fitted = flywheel.load_scenario(FIGURES / f"amazon_1996_2024_refit_{name}.toml")
    assert fitted.levers.acquisition_lapsed_relative == LAPSED_RELATIVE  # not fitted
    assert fitted.levers.acquisition_cost_inflation_per_year == CPI_RATE_PER_YEAR
    share = fitted.levers.market_share_of_internet_users
    if name == "v9_market04":
        assert share == SCENARIO_MARKET_SHARE
    else:
        assert 0.1 <= share <= 0.8 and share != SCENARIO_MARKET_SHARE  # fitted in its prior


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_refit_measures_what_the_docs_table_says(name: str) -> None:
    """Each row as documented; fulfillment expense in v9 (25.3 %, over its 25 % target) is held
    to its documented value only, as in tests/calibration/test_refit_v8_filed.py."""
    assert_row(FIGURES / f"amazon_1996_2024_refit_{name}.toml", DOCUMENTED[name])


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_stored_tables_are_the_docs(name: str) -> None:
    suffix = name.removeprefix("v9").lstrip("_")
    table = FIGURES / f"amazon_out_of_sample_v9{'_' + suffix if suffix else ''}.md"
    docs = (ROOT / "docs/calibration.md").read_text()
    section = docs.split('<a id="refit-v9"></a>')[1].split("\n## ")[0]
    fitted = FIGURES / f"amazon_1996_2024_refit_{name}.toml"
    assert_stored_tables(fitted, DOCUMENTED[name], table, section)
