"""Exogenous drivers from data: the online share of US retail, week by week (model.md#spend).

A scenario's `spend_driver` says where the spend index (visits per customer relative to week
0) comes from: `"logistic"` (the levers `spend_growth_per_year` and `spend_index_ceiling`, the
generic default) or a named data series. For a series, the engine takes the per-week ratio
`share(week) / share(week 0)` from `online_share_ratio` before the first week and the compiled
step raises it to the power `online_share_elasticity`.

The one series, `"us_ecommerce_share"`, is the Census Bureau's e-commerce share of US retail
(`flywheel/data/us_ecommerce_share.csv`, metric `us_ecommerce_share_of_retail`, percent).
How the annual figures become a weekly path (docs/model.md#spend states the same rules):

- Each figure is placed at the middle of the period it measures: mid-year (year + 0.5) for the
  annual figures, mid-Q4 (15 November) for 1999, the only year the file gives as a quarter.
- 1998 is 0.2 % (the Annual Retail Trade Survey, quoted in the data README), the first figure.
- Between two figures the share is log-linear in time (constant growth rate), so a missing
  year (2002, 2007, 2008, 2017, 2021) gets the geometric interpolation of its neighbours and a
  week gets the value at its middle day.
- Before the first figure (1996 to mid-1998) the share is back-cast with the growth rate of the
  first interval (1998 -> Q4 1999, about 0.85 a year in logs); after the last (2023) it goes on
  with the last interval's rate (2022 -> 2023), which gives 16.1 % for 2024 (the Census Q1 2024
  release: 15.9 % seasonally adjusted).
- The series covers the years FIRST_YEAR..LAST_YEAR; a scenario with a week outside them is
  refused (`Scenario` validation), as is a series with a missing or non-positive value.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
LOGISTIC_DRIVER = "logistic"  # the lever-driven trend (generic default: numbers unchanged)
ONLINE_SHARE_FILE = DATA_DIR / "us_ecommerce_share.csv"
ONLINE_SHARE_METRIC = "us_ecommerce_share_of_retail"  # percent of total retail sales
# Annual Retail Trade Survey: e-commerce 0.2 % of retail sales in 1998 (Commerce Department,
# ESA, "New Insights on Retail E-Commerce", 2017; quoted in flywheel/data/README.md).
ARTS_1998_SHARE_PERCENT = 0.2
# The 1999 row is the fourth quarter only (the Census series starts in Q4 1999; data README):
# it is placed at mid-Q4, not mid-year. Not seasonally adjusted, it reads a little high (Q4
# 2004: 2.2 % unadjusted, 2.0 % adjusted, 1.9 % for the year; internetnews.com, Feb 2005).
QUARTER_ONLY_YEARS = {1999: 4}
FIRST_YEAR = 1996  # back-cast from 1998 (Amazon's scenario starts 1996-01-01)
LAST_YEAR = 2024  # one year past the data (2023), at the last interval's growth rate


class DriverDataError(ValueError):
    """A driver's data file is missing, malformed or holds a non-positive value."""


@dataclass(frozen=True)
class AnnualSeries:
    """A series of positive figures, each placed at a time in fractional years, and the
    calendar years it may drive (FIRST_YEAR..LAST_YEAR for the shipped series)."""

    name: str
    times_years: tuple[float, ...]  # increasing; e.g. 1998.5 = mid-1998
    values: tuple[float, ...]  # in the series' unit (percent for the online share)
    first_year: int
    last_year: int

    def value_at(self, times_years: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The series at `times_years` (fractional years): log-linear between figures, and
        beyond the first and last figures at the growth rate of the nearest interval."""
        t = np.asarray(times_years, dtype=float)
        knots = np.asarray(self.times_years)
        logs = np.log(np.asarray(self.values))
        first_rate = (logs[1] - logs[0]) / (knots[1] - knots[0])
        last_rate = (logs[-1] - logs[-2]) / (knots[-1] - knots[-2])
        inside = np.interp(t, knots, logs)
        before = logs[0] + first_rate * (t - knots[0])
        after = logs[-1] + last_rate * (t - knots[-1])
        return np.exp(np.where(t < knots[0], before, np.where(t > knots[-1], after, inside)))

    def annual_values(self) -> dict[int, float]:
        """The value at mid-year (year + 0.5) of every year the series covers: the figure itself
        for a year measured as a whole year, otherwise interpolated or extrapolated."""
        years = range(self.first_year, self.last_year + 1)
        return {
            year: float(v)
            for year, v in zip(years, self.value_at([y + 0.5 for y in years]), strict=True)
        }


SPEND_SERIES = {"us_ecommerce_share": "US e-commerce share of retail sales (Census), percent"}
SPEND_DRIVERS = (LOGISTIC_DRIVER, *SPEND_SERIES)


def describe_drivers() -> str:
    """The allowed `spend_driver` values, for error messages."""
    return ", ".join(repr(name) for name in SPEND_DRIVERS)


@lru_cache(maxsize=4)
def spend_series(name: str) -> AnnualSeries:
    """The named data series (`SPEND_SERIES`), read and checked once per process."""
    if name != "us_ecommerce_share":
        raise DriverDataError(f"unknown spend series {name!r} (allowed: {describe_drivers()})")
    figures = read_annual_figures(ONLINE_SHARE_FILE, ONLINE_SHARE_METRIC)
    figures.setdefault(1998, ARTS_1998_SHARE_PERCENT)
    times = [_measured_at(year) for year in sorted(figures)]
    return AnnualSeries(
        name, tuple(times), tuple(figures[y] for y in sorted(figures)), FIRST_YEAR, LAST_YEAR
    )


def _measured_at(year: int) -> float:
    """Fractional-year time a figure is placed at: mid-year, or mid-quarter for a quarter."""
    quarter = QUARTER_ONLY_YEARS.get(year)
    if quarter is None:
        return year + 0.5
    return year + (quarter - 1) * 0.25 + 0.125


def read_annual_figures(path: Path, metric: str) -> dict[int, float]:
    """{year: value} of `metric` in a long CSV (year, metric, value, ...); DriverDataError
    naming the file, row and value for a missing file, a repeated year or a value that is
    not a positive finite number."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise DriverDataError(f"{path}: cannot read ({error.strerror or error})") from None
    figures: dict[int, float] = {}
    for line, row in enumerate(rows, start=2):
        if row.get("metric") != metric:
            continue
        where = f"{path}:{line}: {metric} {row.get('year')!r}"
        try:
            year, value = int(row["year"]), float(row["value"])
        except (KeyError, TypeError, ValueError):
            raise DriverDataError(f"{where}: year and value must be numbers") from None
        if not (math.isfinite(value) and value > 0):
            raise DriverDataError(f"{where} = {row['value']}: must be a positive number")
        if year in figures:
            raise DriverDataError(f"{where}: year given twice")
        figures[year] = value
    if len(figures) < 2:
        raise DriverDataError(f"{path}: fewer than two {metric} rows")
    return figures


def fractional_year(day: dt.date, hours: float = 0.0) -> float:
    """`day` (plus `hours`) as a fractional year: 1998-07-02 is about 1998.5."""
    start = dt.date(day.year, 1, 1).toordinal()
    length = dt.date(day.year + 1, 1, 1).toordinal() - start
    return day.year + (day.toordinal() - start + hours / 24.0) / length


def week_midpoints_years(start_date: dt.date, weeks: int) -> npt.NDArray[np.float64]:
    """The middle (day 3, noon) of each of `weeks` weeks from `start_date`, in fractional
    years."""
    return np.array(
        [
            fractional_year(start_date + dt.timedelta(days=7 * week + 3), hours=12.0)
            for week in range(weeks)
        ]
    )


def check_series_covers(
    key: str, driver: str, series: AnnualSeries, start_date: dt.date, weeks: int
) -> None:
    """ValueError naming the scenario key (`spend_driver`, `market_driver`) when some simulated
    week lies outside the years the driver's `series` covers."""
    first = start_date.year
    last = (start_date + dt.timedelta(days=7 * (weeks - 1))).year
    if first < series.first_year or last > series.last_year:
        raise ValueError(
            f"{key} = {driver!r} covers the years {series.first_year} to "
            f"{series.last_year}, but the scenario runs {first} to {last} "
            f"(start_date = {start_date}, horizon_weeks = {weeks}; "
            f"allowed: weeks inside {series.first_year}-{series.last_year}, or "
            f"{key} = '{LOGISTIC_DRIVER}')"
        )


@lru_cache(maxsize=16)
def online_share_ratio(driver: str, start_date: dt.date, weeks: int) -> npt.NDArray[np.float64]:
    """share(week) / share(week 0) for weeks 0..`weeks` (`weeks` + 1 values: the last is the
    share the final week's stock update moves to), each at the week's middle; read-only."""
    series = spend_series(driver)
    shares = series.value_at(week_midpoints_years(start_date, weeks + 1))
    ratio = shares / shares[0]
    ratio.flags.writeable = False  # cached: shared by every batch of this scenario
    return ratio


def check_spend_driver(driver: str, start_date: dt.date, weeks: int) -> None:
    """ValueError when a data spend driver does not cover every simulated year."""
    if driver == LOGISTIC_DRIVER:
        return
    try:
        series = spend_series(driver)
    except DriverDataError as error:  # the shipped data file is broken: say which
        raise ValueError(f"spend_driver = {driver!r}: {error}") from None
    check_series_covers("spend_driver", driver, series, start_date, weeks)
