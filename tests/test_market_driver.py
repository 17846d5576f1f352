"""The market driven by data (issue 19, item 3): world internet users times the share lever,
the figures at their placement times, the weekly path the kernel reads, conservation of the
market's people, the generic default unchanged, the scenario key's errors and the
calibration's refusal of the logistic market's levers."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import numpy as np
import pytest

import flywheel
from flywheel.calibration import CalibrationError, parse_parameter
from flywheel.scenario.drivers import DriverDataError, read_annual_figures, week_midpoints_years
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
    with_parameters,
)
from flywheel.scenario.market_drivers import (
    INTERNET_USERS_FILE,
    INTERNET_USERS_METRIC,
    SEPTEMBER_YEARS,
    internet_users_people,
    market_series,
)
from flywheel.scenario.writer import canonical_toml
from tests.test_model_checks import assert_model_invariants

SERIES = "world_internet_users"
AMAZON = SHIPPED_SCENARIOS_DIR / "amazon_1996_2024.toml"
CALIBRATED = SHIPPED_SCENARIOS_DIR / "amazon_1996_2024_calibrated.toml"
QUIET = {
    "weekly_demand_noise_cv": 0.0,
    "seller_join_noise_cv": 0.0,
    "fc_outage_rate_per_year": 0.0,
    "fc_lead_time_cv": 0.0,
}


def _rows() -> dict[int, float]:
    """The CSV's figures in millions, read without the package's reader."""
    with INTERNET_USERS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["metric"] == INTERNET_USERS_METRIC]
    assert all(row["unit"] == "million_people" and row["source"] for row in rows)
    assert {row["confidence"] for row in rows} <= {"filed", "secondary"}
    return {int(row["year"]): float(row["value"]) for row in rows}


def test_the_series_passes_through_every_figure_at_its_time() -> None:
    rows = _rows()
    series = market_series(SERIES)
    times = [year + (0.75 if year in SEPTEMBER_YEARS else 1.0) for year in sorted(rows)]
    values = series.value_at(times)
    np.testing.assert_allclose(values, [rows[y] * 1e6 for y in sorted(rows)], rtol=1e-12)
    # December 1995: 16 M; 2010: 2.08 B (ITU); 2024: 5.5 B (ITU)
    assert series.value_at([1996.0])[0] == pytest.approx(16e6)
    assert series.value_at([2011.0])[0] == pytest.approx(2.08e9)
    assert series.value_at([2025.0])[0] == pytest.approx(5.5e9)
    # always increasing, so the market never shrinks under the driver
    assert np.all(np.diff(values) > 0)


def test_between_figures_the_count_is_log_linear() -> None:
    series = market_series(SERIES)
    # 2010 (2.08 B at 2011.0) and 2014 (2.94 B at 2015.0): 2013.0 is their geometric mean
    middle = series.value_at([2013.0])[0]
    assert middle == pytest.approx(np.sqrt(2.08e9 * 2.94e9), rel=1e-12)
    # the 1997 figure is IDC's end of September (53.2 M), not the end of the year
    assert series.value_at([1997.75])[0] == pytest.approx(53.2e6)
    assert series.value_at([1998.0])[0] > 53.2e6


def test_the_weekly_path_reads_the_series_at_each_week_middle() -> None:
    start = dt.date(1996, 1, 1)
    people = internet_users_people(SERIES, start, 1514)
    assert people.shape == (1515,) and not people.flags.writeable
    expected = market_series(SERIES).value_at(week_midpoints_years(start, 1515))
    np.testing.assert_array_equal(people, expected)
    # the week of 2010-12-27 holds the end-2010 figure to within a few days' growth
    week = (dt.date(2010, 12, 27) - start).days // 7
    assert people[week] == pytest.approx(2.08e9, rel=0.005)


@pytest.fixture(scope="module")
def amazon_run() -> flywheel.Results:
    """The Amazon scenario (world internet users x 0.3), noise off, 4 years."""
    scenario = with_parameters(load_scenario(AMAZON), QUIET)
    return flywheel.simulate(dataclasses.replace(scenario, horizon_weeks=208, events=()), 1, seed=0)


def test_the_market_is_the_share_times_the_series(amazon_run: flywheel.Results) -> None:
    scenario = amazon_run.scenario
    assert scenario.market_driver == SERIES
    people = internet_users_people(SERIES, scenario.start_date, scenario.horizon_weeks)
    share = scenario.levers.market_share_of_internet_users
    np.testing.assert_allclose(amazon_run["market"][0], share * people[:-1], rtol=1e-12)
    # week 0 starts there, not at initial.market_people (20 M)
    assert amazon_run["market"][0, 0] == pytest.approx(share * people[0])
    assert amazon_run["market"][0, 0] < scenario.initial.market_people


def test_the_market_s_people_are_conserved_with_the_driver(amazon_run: flywheel.Results) -> None:
    assert_model_invariants(amazon_run)  # market = potential + customers + lapsed, every week
    growth = np.diff(amazon_run["market"][0])
    assert (growth > 0).all()


def test_a_share_override_per_replication_moves_each_market() -> None:
    scenario = dataclasses.replace(
        with_parameters(load_scenario(AMAZON), QUIET), horizon_weeks=52, events=()
    )
    shares = np.array([0.2, 0.5])
    from flywheel.engine.clock import run_batch

    results = run_batch(scenario, [0, 1], 0, {"market_share_of_internet_users": shares})
    market = np.asarray(results["market"])
    np.testing.assert_allclose(market[1] / market[0], 0.5 / 0.2, rtol=1e-12)
    parts = results["potential"] + results["customers"] + results["lapsed"]
    np.testing.assert_allclose(parts, market, rtol=1e-9)


def test_the_generic_default_is_the_logistic_and_ignores_the_share(
    baseline: flywheel.Scenario,
) -> None:
    """tests/reference guards every baseline output; here: the share lever is not read."""
    assert baseline.market_driver == "logistic"
    short = dataclasses.replace(baseline, horizon_weeks=104, events=())
    plain = flywheel.simulate(short, 2, seed=1)
    other = flywheel.simulate(
        with_parameters(short, {"market_share_of_internet_users": 0.9}), 2, seed=1
    )
    for name in ("market", "potential", "customers", "revenue_usd"):
        np.testing.assert_array_equal(plain[name], other[name])


def test_the_calibrated_file_and_the_old_refit_keep_the_logistic_market() -> None:
    assert load_scenario(CALIBRATED).market_driver == "logistic"
    refit = load_scenario(SHIPPED_SCENARIOS_DIR.parent / "docs/figures/amazon_1996_2024_refit.toml")
    assert refit.market_driver == "logistic"


def test_the_market_refit_fits_the_share_inside_its_prior() -> None:
    refit = load_scenario(
        SHIPPED_SCENARIOS_DIR.parent / "docs/figures/amazon_1996_2024_refit_market.toml"
    )
    assert refit.market_driver == SERIES
    assert 0.1 <= refit.levers.market_share_of_internet_users <= 0.6
    names = (SHIPPED_SCENARIOS_DIR.parent / "bench/refit_market_parameters.txt").read_text()
    assert "market_share_of_internet_users[0.1,0.6]" in names.split()
    assert "market_growth_per_year" not in names


def test_the_key_round_trips_through_the_writer() -> None:
    scenario = load_scenario(AMAZON)
    text = canonical_toml(scenario)
    assert 'market_driver = "world_internet_users"' in text
    assert parse_scenario_text(text) == scenario


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            'start_date = 1996-01-01\nhorizon_weeks = 52\nmarket_driver = "world_internet"\n',
            ("<upload>:3: market_driver = 'world_internet'", "unknown market driver",
             "'logistic'", "'world_internet_users'"),
        ),
        (
            'name = "x"\nmarket_driver = "world_internet_users"\n',
            ("<upload>:2: market_driver = 'world_internet_users' covers the years 1996 to 2024",
             "runs 2026 to 2035", "horizon_weeks = 520"),
        ),
        (
            'start_date = 1995-12-25\nhorizon_weeks = 4\nmarket_driver = "world_internet_users"\n',
            ("runs 1995 to 1996", "allowed: weeks inside 1996-2024"),
        ),
        (
            'start_date = 1996-01-01\nhorizon_weeks = 52\nmarket_driver = "world_internet_users"\n'
            "[initial]\ncustomers = 5e6\n[levers]\nmarket_share_of_internet_users = 0.1\n",
            ("initial.customers = 5000000.0 must not exceed the week-0 market",
             "market_share_of_internet_users = 0.1"),
        ),
        ("market_driver = 2\n", ("market_driver = 2", "valid string")),
        (
            "[levers]\nmarket_share_of_internet_users = 1.5\n",
            ("market_share_of_internet_users = 1.5", "allowed 0.001 to 1.0"),
        ),
    ],
)  # fmt: skip
def test_bad_market_drivers_are_refused_with_one_clear_line(
    text: str, needles: tuple[str, ...]
) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text)
    message = str(caught.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, (needle, message)


def test_the_calibration_refuses_the_market_lever_the_driver_does_not_use() -> None:
    amazon = load_scenario(AMAZON)
    with pytest.raises(CalibrationError, match="market_growth_per_year shapes the logistic"):
        parse_parameter("market_growth_per_year[0.05,0.6]", amazon)
    with pytest.raises(CalibrationError, match="market_ceiling_people shapes the logistic"):
        parse_parameter("market_ceiling_people[2e8,3e9]", amazon)
    spec = parse_parameter("market_share_of_internet_users[0.1,0.6]", amazon)
    assert (spec.low, spec.high) == (0.1, 0.6)
    with pytest.raises(CalibrationError, match="has no effect with market_driver = 'logistic'"):
        parse_parameter("market_share_of_internet_users[0.1,0.6]", load_scenario(CALIBRATED))


def test_a_broken_data_file_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "users.csv"
    bad.write_text("year,metric,value\n1995,world_internet_users,16\n1996,world_internet_users,0\n")
    with pytest.raises(DriverDataError, match="must be a positive number"):
        read_annual_figures(bad, INTERNET_USERS_METRIC)
