"""Exogenous market from data: world internet users, week by week (model.md#market).

A scenario's `market_driver` says where the market stock (people who could become customers)
comes from: `"logistic"` (growth at `market_growth_per_year` toward `market_ceiling_people` from
`initial.market_people`, the generic default) or a named data series. For a series, the market
in week w is `market_share_of_internet_users` times the series at the middle of week w; the
engine takes the per-week values from `internet_users_people` before the first week, starts the
market there (`initial.market_people` is then not used) and each week moves it to the next
value, `potential` growing by the same amount (market = potential + customers + lapsed).

The first series, `"world_internet_users"`, is world internet users
(`flywheel/data/world_internet_users.csv`, metric `world_internet_users`, million people; ITU
from 2005, earlier IDC, Computer Industry Almanac and Internet World Stats, each row's source in
its `source` column). How the figures become a weekly path (docs/model.md#market states the same
rules):

- Each figure is placed at the end of the year it measures (year + 1.0: the sources give
  December or end-of-year counts), except the two given for the end of September
  (`SEPTEMBER_YEARS`: 1997, IDC; 2004, Internet World Stats), placed at year + 0.75.
- Between two figures the count is log-linear in time (constant growth rate); a week gets the
  value at its middle day. After the last figure (end 2024) it goes on at the last interval's
  rate (only the last days of a run through 2024 need it).
- The second, `"amazon_markets_internet_users"`, sums the users of the countries Amazon had
  opened a store in, each from its launch year, one figure per year end (amazon_markets.py).
  The third, `"amazon_markets_internet_users_itu_early"`, is the second with the US's ITU
  counts for 1995-1997 in place of its share of the world series (issue 19, early years).
- The series covers the years FIRST_YEAR..LAST_YEAR (1996-2024); a scenario with a week outside
  them is refused (`Scenario` validation), as is a series with a missing or non-positive value.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from flywheel.scenario.amazon_markets import ITU_EARLY_SERIES_NAME, amazon_markets_series
from flywheel.scenario.amazon_markets import SERIES_NAME as AMAZON_MARKETS_SERIES
from flywheel.scenario.drivers import (
    DATA_DIR,
    LOGISTIC_DRIVER,
    AnnualSeries,
    DriverDataError,
    check_series_covers,
    read_annual_figures,
    week_midpoints_years,
)

INTERNET_USERS_FILE = DATA_DIR / "world_internet_users.csv"
INTERNET_USERS_METRIC = "world_internet_users"  # million people
PEOPLE_PER_MILLION = 1e6
SEPTEMBER_YEARS = frozenset({1997, 2004})  # figures for the end of September, not year end
FIRST_YEAR = 1996  # the first figure is December 1995
LAST_YEAR = 2024  # the last figure is 2024 (ITU Facts and Figures 2024)

MARKET_SERIES = {
    "world_internet_users": "world internet users (ITU and earlier counts), people",
    "amazon_markets_internet_users": "internet users in Amazon's launched countries, people",
    ITU_EARLY_SERIES_NAME: "the same with the US's ITU counts for 1995-1997, people",
}
MARKET_DRIVERS = (LOGISTIC_DRIVER, *MARKET_SERIES)


def describe_market_drivers() -> str:
    """The allowed `market_driver` values, for error messages."""
    return ", ".join(repr(name) for name in MARKET_DRIVERS)


@lru_cache(maxsize=4)
def market_series(name: str) -> AnnualSeries:
    """The named data series (`MARKET_SERIES`) in people, read and checked once per process."""
    if name not in MARKET_SERIES:
        raise DriverDataError(
            f"unknown market series {name!r} (allowed: {describe_market_drivers()})"
        )
    figures = read_annual_figures(INTERNET_USERS_FILE, INTERNET_USERS_METRIC)
    years = sorted(figures)
    times = [year + (0.75 if year in SEPTEMBER_YEARS else 1.0) for year in years]
    people = [figures[year] * PEOPLE_PER_MILLION for year in years]
    world = AnnualSeries(INTERNET_USERS_METRIC, tuple(times), tuple(people), FIRST_YEAR, LAST_YEAR)
    if name in (AMAZON_MARKETS_SERIES, ITU_EARLY_SERIES_NAME):  # on the world series
        return amazon_markets_series(world, itu_early=name == ITU_EARLY_SERIES_NAME)
    return world


@lru_cache(maxsize=16)
def internet_users_people(driver: str, start_date: dt.date, weeks: int) -> npt.NDArray[np.float64]:
    """The series (people) at the middle of weeks 0..`weeks` (`weeks` + 1 values: the last is
    the value the final week's stock update moves to); read-only."""
    people = market_series(driver).value_at(week_midpoints_years(start_date, weeks + 1))
    people.flags.writeable = False  # cached: shared by every batch of this scenario
    return people


def check_market_driver(
    driver: str, start_date: dt.date, weeks: int, share: float, customers: float
) -> None:
    """ValueError when a data market driver does not cover every simulated year, or when its
    week-0 market (`share` x the series) is smaller than `customers` (initial.customers)."""
    if driver == LOGISTIC_DRIVER:
        return
    try:
        series = market_series(driver)
    except DriverDataError as error:  # the shipped data file is broken: say which
        raise ValueError(f"market_driver = {driver!r}: {error}") from None
    check_series_covers("market_driver", driver, series, start_date, weeks)
    market_people = share * float(internet_users_people(driver, start_date, weeks)[0])
    if customers > market_people:
        raise ValueError(
            f"initial.customers = {customers} must not exceed the week-0 market of "
            f"market_driver = {driver!r}: levers.market_share_of_internet_users = {share} x "
            f"{market_people / share:.4g} people = {market_people:.4g}"
        )
