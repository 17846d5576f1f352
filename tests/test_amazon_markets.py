"""Internet users in Amazon's own markets (issue 19, market driver
"amazon_markets_internet_users"): the per-country figures at their data years, each country
entering in its launch year, the world share before a country's first figure, and the driver
accepted by scenarios and runs."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.scenario.amazon_markets import (
    COUNTRY_METRIC_PREFIX,
    COUNTRY_USERS_FILE,
    LAUNCH_YEARS,
    SERIES_NAME,
)
from flywheel.scenario.errors import ScenarioError
from flywheel.scenario.loading import load_scenario, parse_scenario_text, with_parameters
from flywheel.scenario.market_drivers import internet_users_people, market_series
from tests.test_market_driver import AMAZON, QUIET
from tests.test_model_checks import assert_model_invariants

MARKETS_SCENARIO = AMAZON.parents[1] / "bench" / "amazon_1996_2024_markets.toml"


def _figures() -> dict[str, dict[int, float]]:
    """{country: {year: million people}} read without the package's reader."""
    figures: dict[str, dict[int, float]] = {}
    with COUNTRY_USERS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            assert row["unit"] == "million_people" and row["source"]
            assert row["confidence"] in {"filed", "secondary"}
            if not row["metric"].startswith(COUNTRY_METRIC_PREFIX):
                continue  # the ITU early-years rows (tests/test_amazon_markets_itu_early.py)
            country = row["metric"].removeprefix(COUNTRY_METRIC_PREFIX)
            figures.setdefault(country, {})[int(row["year"])] = float(row["value"])
    return figures


def _at_year_end(year: int) -> float:
    """The series at the end of `year`, million people."""
    return float(market_series(SERIES_NAME).value_at([year + 1.0])[0]) / 1e6


def test_every_country_with_figures_has_a_launch_year_and_back() -> None:
    assert set(_figures()) == set(LAUNCH_YEARS)


def test_a_year_where_every_launched_country_has_a_figure_is_their_sum() -> None:
    figures = _figures()
    # end 2000: US, UK, Germany, Japan, France (Internet World Stats, December 2000)
    launched_2000 = ("united_states", "united_kingdom", "germany", "japan", "france")
    assert _at_year_end(2000) == pytest.approx(sum(figures[c][2000] for c in launched_2000))
    assert _at_year_end(2000) == pytest.approx(190.334)
    # end 2017-2021: every country launched by then has an ITU figure each year (Australia
    # from its 2017 launch), so each year end is the plain sum
    for year in range(2017, 2022):
        launched = [f for c, f in figures.items() if LAUNCH_YEARS[c] <= year]
        assert _at_year_end(year) == pytest.approx(sum(f[year] for f in launched))
    # ITU (Our World in Data) 2021: India 654.9 M, Egypt (launched 2021) 80.0 M, nineteen
    # countries 1,936.2 M
    assert figures["india"][2021] == pytest.approx(654.9178)
    assert figures["egypt"][2021] == pytest.approx(79.955576)
    assert _at_year_end(2021) == pytest.approx(1936.2, abs=0.1)
    # a store counts from its launch year only: Poland and Egypt (2021) add their users then
    added_2021 = figures["poland"][2021] + figures["egypt"][2021]
    launched_2020 = [f for c, f in figures.items() if LAUNCH_YEARS[c] <= 2020]
    assert _at_year_end(2021) - sum(f[2021] for f in launched_2020) == pytest.approx(added_2021)


def test_coverage_runs_through_2024_and_the_sum_never_falls() -> None:
    figures = _figures()
    # every country has a figure in 2021 or later, and one every year 2017-2021: no country
    # is held flat for more than the three years 2022-2024
    for country, by_year in figures.items():
        assert set(range(2017, 2022)) <= set(by_year), country
    # 2024: India and the US at their 2024 figures, the other seventeen held at 2021
    held_2021 = sum(f[2021] for c, f in figures.items() if c not in {"india", "united_states"})
    expected_2024 = held_2021 + figures["india"][2024] + figures["united_states"][2024]
    assert _at_year_end(2024) == pytest.approx(expected_2024)
    assert _at_year_end(2024) == pytest.approx(1972.5, abs=0.1)
    # single countries dip (the ITU has Japan at 117.5 M in 2019 and 104.2 M in 2021), the
    # sum of the launched countries does not: it rises every year 1995-2024
    totals = [_at_year_end(year) for year in range(1995, 2025)]
    assert all(later > earlier for earlier, later in zip(totals, totals[1:], strict=False))
    # the growth the old held-from-2017 series missed: +68 % from 2017 to 2024, India x2.8
    assert _at_year_end(2024) / _at_year_end(2017) == pytest.approx(1.6809, rel=1e-3)
    assert figures["india"][2024] / figures["india"][2017] > 2.7


def test_launch_years_add_countries() -> None:
    figures = _figures()
    # 1997: the US alone, at its 1998 share of world users (76.5 M of 147 M)
    world_1997 = float(market_series("world_internet_users").value_at([1998.0])[0]) / 1e6
    assert _at_year_end(1997) == pytest.approx(world_1997 * 76.5 / 147.0, rel=1e-9)
    # 1998: the UK and Germany enter with their Computer Industry Almanac figures
    assert _at_year_end(1998) == pytest.approx(76.5 + 8.10 + 7.14)
    # India enters in 2013: the year adds more than India's lowest possible count then
    india = figures["india"]
    india_2013 = np.exp(np.interp(2013, [2011, 2017], np.log([india[2011], india[2017]])))
    assert _at_year_end(2013) - _at_year_end(2012) > india_2013
    # the late stores count: 2024 holds more than the US, the first and only market of 1997
    assert _at_year_end(2024) > 4 * 311.3
    # Australia enters at the end of 2017 (its ITU figure, 21.4 M), not before
    australia = figures["australia"]
    others_2017 = sum(
        f[2017] for c, f in figures.items() if c != "australia" and LAUNCH_YEARS[c] <= 2017
    )
    assert _at_year_end(2017) - others_2017 == pytest.approx(australia[2017])
    assert LAUNCH_YEARS["australia"] == 2017


def test_between_figures_a_country_grows_log_linearly() -> None:
    # 2001-2010 only the same six countries count (Canada from 2002): the change from 2003 to
    # 2004 is the sum of six geometric steps, each between its 2000 (1998) and 2011 figures
    figures = _figures()
    expected = 0.0
    for country in ("united_states", "united_kingdom", "germany", "japan", "france", "canada"):
        years = sorted(y for y in figures[country] if y <= 2011)[-2:]
        logs = np.log([figures[country][y] for y in years])
        expected += float(np.exp(np.interp(2004, years, logs)))
    assert _at_year_end(2004) == pytest.approx(expected, rel=1e-9)


def test_the_driver_is_accepted_and_sets_the_market() -> None:
    text = 'name = "x"\nstart_date = 1996-01-01\nhorizon_weeks = 52\n'
    text += f'market_driver = "{SERIES_NAME}"\n'
    assert parse_scenario_text(text + "[initial]\ncustomers = 1e5\n").market_driver == SERIES_NAME
    # the generic 3 M initial customers exceed 0.3 x 8.4 M: refused, naming both
    with pytest.raises(ScenarioError, match=r"initial.customers = 3000000.0 must not exceed"):
        parse_scenario_text(text)
    shipped = with_parameters(load_scenario(MARKETS_SCENARIO), QUIET)
    assert shipped.market_driver == SERIES_NAME
    run = flywheel.simulate(dataclasses.replace(shipped, horizon_weeks=260, events=()), 1, seed=0)
    people = internet_users_people(SERIES_NAME, shipped.start_date, 260)
    share = shipped.levers.market_share_of_internet_users
    np.testing.assert_allclose(run["market"][0], share * people[:-1], rtol=1e-12)
    assert_model_invariants(run)  # market = potential + customers + lapsed, every week


def test_the_markets_refit_fits_the_share_inside_its_prior() -> None:
    root = MARKETS_SCENARIO.parents[1]
    refit = load_scenario(root / "docs/figures/amazon_1996_2024_refit_markets.toml")
    assert refit.market_driver == SERIES_NAME
    assert 0.1 < refit.levers.market_share_of_internet_users < 0.8  # not at a bound
    names = (root / "bench/refit_markets_parameters.txt").read_text().split()
    assert "market_share_of_internet_users[0.1,0.8]" in names
    assert "market_growth_per_year" not in " ".join(names)


def test_the_refit_on_itu_figures_fits_a_lower_share_than_the_held_series() -> None:
    # docs/calibration.md#refit-markets-itu: with the market growing to 2021 the share needs
    # not make up for a flat series (0.714 before, 0.546 with the ITU figures)
    figures_dir = MARKETS_SCENARIO.parents[1] / "docs/figures"
    held = load_scenario(figures_dir / "amazon_1996_2024_refit_markets.toml")
    itu = load_scenario(figures_dir / "amazon_1996_2024_refit_markets_itu.toml")
    assert itu.market_driver == SERIES_NAME
    share_itu = itu.levers.market_share_of_internet_users
    assert 0.1 < share_itu < held.levers.market_share_of_internet_users
    assert share_itu == pytest.approx(0.546, abs=0.001)
