"""The Amazon-markets series with the US's ITU counts for 1995-1997 (issue 19, early years;
market driver "amazon_markets_internet_users_itu_early"): those three year ends move to ITU's
figures, every later year is the plain series, and the driver runs."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.scenario.amazon_markets import (
    COUNTRY_USERS_FILE,
    ITU_EARLY_METRIC_PREFIX,
    ITU_EARLY_SERIES_NAME,
    SERIES_NAME,
)
from flywheel.scenario.loading import load_scenario, parse_scenario_text, with_parameters
from flywheel.scenario.market_drivers import internet_users_people, market_series
from tests.test_market_driver import AMAZON, QUIET
from tests.test_model_checks import assert_model_invariants

EARLY_SCENARIO = AMAZON.parents[1] / "bench" / "amazon_1996_2024_v2_early_itu.toml"
# Our World in Data's ITU-based counts (million people, year end): the US and the world
ITU_US_MILLION = {1995: 24.7744, 1996: 44.47357, 1997: 59.113932}
ITU_WORLD_MILLION = {1995: 39.337868, 1996: 77.49879, 1997: 121.02546}


def _at_year_end(name: str, year: int) -> float:
    """Series `name` at the end of `year`, million people."""
    return float(market_series(name).value_at([year + 1.0])[0]) / 1e6


def test_the_early_rows_are_itus_us_counts_with_a_source() -> None:
    with COUNTRY_USERS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [
            r for r in csv.DictReader(handle) if r["metric"].startswith(ITU_EARLY_METRIC_PREFIX)
        ]
    assert {int(r["year"]): float(r["value"]) for r in rows} == ITU_US_MILLION
    assert all("IT.NET.USER.ZS" in r["source"] and r["unit"] == "million_people" for r in rows)
    # the US is less than the world in ITU's own table every year (IDC's world count of 16 M
    # at the end of 1995 is below ITU's US alone: the reason not to mix the two)
    assert all(ITU_US_MILLION[y] < ITU_WORLD_MILLION[y] for y in ITU_US_MILLION)
    assert (
        ITU_US_MILLION[1995]
        > float(market_series("world_internet_users").value_at([1996.0])[0]) / 1e6
    )


def test_1995_1997_take_the_itu_counts_and_later_years_do_not_move() -> None:
    for year, us_million in ITU_US_MILLION.items():  # the US alone before the UK and Germany
        assert _at_year_end(ITU_EARLY_SERIES_NAME, year) == pytest.approx(us_million)
        # about three times the world-share back-cast in 1995, still more in 1997
        assert _at_year_end(ITU_EARLY_SERIES_NAME, year) > 1.7 * _at_year_end(SERIES_NAME, year)
    for year in range(1998, 2025):
        assert _at_year_end(ITU_EARLY_SERIES_NAME, year) == _at_year_end(SERIES_NAME, year)
    totals = [_at_year_end(ITU_EARLY_SERIES_NAME, year) for year in range(1995, 2025)]
    assert all(later > earlier for earlier, later in zip(totals, totals[1:], strict=False))


def test_the_driver_is_accepted_and_sets_a_larger_early_market() -> None:
    text = 'name = "x"\nstart_date = 1996-01-01\nhorizon_weeks = 52\n'
    text += f'market_driver = "{ITU_EARLY_SERIES_NAME}"\n[initial]\ncustomers = 1e5\n'
    assert parse_scenario_text(text).market_driver == ITU_EARLY_SERIES_NAME
    scenario = with_parameters(load_scenario(EARLY_SCENARIO), QUIET)
    assert scenario.market_driver == ITU_EARLY_SERIES_NAME
    scenario = dataclasses.replace(scenario, horizon_weeks=156, events=())
    run = flywheel.simulate(scenario, 1, seed=0)
    people = internet_users_people(ITU_EARLY_SERIES_NAME, scenario.start_date, 156)
    share = scenario.levers.market_share_of_internet_users
    np.testing.assert_allclose(run["market"][0], share * people[:-1], rtol=1e-12)
    plain = internet_users_people(SERIES_NAME, scenario.start_date, 156)
    assert people[0] > 2.5 * plain[0]  # week 0, early January 1996
    assert_model_invariants(run)
