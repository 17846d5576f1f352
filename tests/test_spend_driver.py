"""The spend index driven by data (issue 19, item 3): the Census online share of retail, its
gaps, back-cast and 2024 value, the weekly path the kernel reads, the scenario key that picks
it, its errors, and the calibration's refusal of the logistic trend's levers."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.calibration import CalibrationError, parse_parameter
from flywheel.engine.clock import run_batch
from flywheel.scenario.drivers import (
    ARTS_1998_SHARE_PERCENT,
    ONLINE_SHARE_FILE,
    ONLINE_SHARE_METRIC,
    DriverDataError,
    fractional_year,
    online_share_ratio,
    read_annual_figures,
    spend_series,
    week_midpoints_years,
)
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
    with_parameters,
)
from flywheel.scenario.writer import canonical_toml, diff_toml

SERIES = "us_ecommerce_share"
AMAZON = SHIPPED_SCENARIOS_DIR / "amazon_1996_2024.toml"
CALIBRATED = SHIPPED_SCENARIOS_DIR / "amazon_1996_2024_calibrated.toml"
BOUNDS = {"spend_growth_per_year": "0,0.5", "spend_index_ceiling": "1,50"}
QUIET = {
    "weekly_demand_noise_cv": 0.0,
    "seller_join_noise_cv": 0.0,
    "fc_outage_rate_per_year": 0.0,
    "fc_lead_time_cv": 0.0,
}


def _amazon_from_data() -> flywheel.Scenario:
    """The Amazon scenario with the data driver, noise off."""
    scenario = with_parameters(load_scenario(AMAZON), QUIET)
    return dataclasses.replace(scenario, spend_driver=SERIES)


def _data_rows() -> dict[int, float]:
    with ONLINE_SHARE_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            int(row["year"]): float(row["value"])
            for row in csv.DictReader(handle)
            if row["metric"] == ONLINE_SHARE_METRIC
        }


def test_the_data_ships_with_its_readme() -> None:
    """The series is package data (a copy of shared/data), documented beside it."""
    assert ONLINE_SHARE_FILE.parent.name == "data" and ONLINE_SHARE_FILE.parent.parent.name == (
        "flywheel"
    )
    readme = (ONLINE_SHARE_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert "# U.S. retail e-commerce share (`us_ecommerce_share.csv`)" in readme
    assert "0.2 percent" in readme  # the 1998 figure the back-cast starts from


def test_the_driver_equals_the_data_at_the_data_points() -> None:
    """Every annual figure at mid-year, the Q4-only 1999 figure at mid-Q4, 1998 from ARTS."""
    series = spend_series(SERIES)
    rows = _data_rows()
    assert sorted(rows) == [y for y in range(1999, 2024) if y not in (2002, 2007, 2008, 2017, 2021)]
    for year, value in rows.items():
        at = year + 0.875 if year == 1999 else year + 0.5
        assert series.value_at(at) == pytest.approx(value, rel=1e-12), year
    assert series.value_at(1998.5) == pytest.approx(ARTS_1998_SHARE_PERCENT, rel=1e-12)
    annual = series.annual_values()
    assert set(annual) == set(range(1996, 2025))
    for year in set(rows) - {1999}:
        assert annual[year] == pytest.approx(rows[year], rel=1e-12)


def test_gaps_are_log_linear_between_neighbours() -> None:
    annual = spend_series(SERIES).annual_values()
    assert annual[2002] == pytest.approx(math.sqrt(1.0 * 1.6), rel=1e-12)
    assert annual[2007] == pytest.approx(2.8 * (3.9 / 2.8) ** (1 / 3), rel=1e-12)
    assert annual[2008] == pytest.approx(2.8 * (3.9 / 2.8) ** (2 / 3), rel=1e-12)
    assert annual[2017] == pytest.approx(math.sqrt(8.1 * 9.9), rel=1e-12)
    assert annual[2021] == pytest.approx(math.sqrt(14.0 * 14.7), rel=1e-12)
    # 1999 lies between 1998 (mid-year) and its own Q4 figure: below 0.64
    assert 0.2 < annual[1999] < 0.64


def test_back_cast_and_2024() -> None:
    """1996-97 continue the 1998 -> Q4 1999 growth backwards; 2024 continues 2022 -> 2023."""
    annual = spend_series(SERIES).annual_values()
    rate = math.log(0.64 / 0.2) / (1999.875 - 1998.5)  # 0.85 a year in logs
    assert rate == pytest.approx(0.846, abs=1e-3)
    assert annual[1997] == pytest.approx(0.2 * math.exp(-rate), rel=1e-12)
    assert annual[1996] == pytest.approx(0.2 * math.exp(-2 * rate), rel=1e-12)
    assert annual[2024] == pytest.approx(15.4 * 15.4 / 14.7, rel=1e-12)  # 16.13
    values = [annual[year] for year in sorted(annual)]
    assert all(later > earlier for earlier, later in zip(values, values[1:], strict=False))


def test_weeks_take_the_value_at_their_middle() -> None:
    start = dt.date(1996, 1, 1)
    midpoints = week_midpoints_years(start, 1515)
    assert midpoints[0] == pytest.approx(1996 + 3.5 / 366, rel=1e-15)  # 1996 is a leap year
    assert fractional_year(dt.date(1998, 7, 2), hours=12.0) == pytest.approx(1998.5, abs=1e-12)
    ratio = online_share_ratio(SERIES, start, 1514)
    assert ratio.shape == (1515,) and ratio[0] == 1.0 and not ratio.flags.writeable
    series = spend_series(SERIES)
    np.testing.assert_allclose(ratio * series.value_at(midpoints[0]), series.value_at(midpoints))
    # a year's weekly values average close to its figure: within 2 % from 2001, within 5 %
    # in the years beside the kinks (the Q4-only 1999 figure, COVID's 2020)
    years = np.floor(midpoints[:-1])
    shares = ratio[:-1] * series.value_at(midpoints[0])
    for year, value in spend_series(SERIES).annual_values().items():
        tolerance = 0.02 if year > 2000 and year != 2020 else 0.05
        assert shares[years == year].mean() == pytest.approx(value, rel=tolerance), year


def test_amazon_spend_index_follows_the_data() -> None:
    """The recorded spend index is the share ratio to the elasticity, replication by
    replication (the elasticity is a lever: overrides give each its own)."""
    scenario = _amazon_from_data()
    elasticities = np.array([0.3, 0.4, 1.0])
    runs = run_batch(scenario, np.arange(3), 0, {"online_share_elasticity": elasticities})
    ratio = online_share_ratio(SERIES, scenario.start_date, scenario.horizon_weeks)
    expected = ratio[None, :-1] ** elasticities[:, None]
    np.testing.assert_allclose(runs["spend_index"], expected, rtol=1e-13)
    # with elasticity 1 the index is the data: 0.2 % in mid-1998 -> 15.4 % in mid-2023
    week_of = {y: (dt.date(y, 7, 2) - scenario.start_date).days // 7 for y in (1998, 2023)}
    share0 = spend_series(SERIES).value_at(week_midpoints_years(scenario.start_date, 1))[0]
    for year, value in ((1998, 0.2), (2023, 15.4)):
        assert runs["spend_index"][2, week_of[year]] * share0 == pytest.approx(value, rel=0.01)


def test_logistic_levers_do_nothing_under_a_data_driver() -> None:
    scenario = _amazon_from_data()
    trend = {"spend_growth_per_year": 0.5, "spend_index_ceiling": 2.0}
    plain = flywheel.simulate(scenario, 1, seed=0)
    moved = flywheel.simulate(with_parameters(scenario, trend), 1, seed=0)
    np.testing.assert_array_equal(plain["spend_index"], moved["spend_index"])
    np.testing.assert_array_equal(plain["revenue_usd"], moved["revenue_usd"])


def test_the_logistic_default_is_unchanged(baseline: flywheel.Scenario) -> None:
    """The default driver is the logistic trend; naming it changes nothing, and the
    elasticity is not read by it (tests/reference guards every output besides)."""
    assert baseline.spend_driver == "logistic"
    short = with_parameters(
        dataclasses.replace(baseline, horizon_weeks=104, events=()),
        {"spend_growth_per_year": 0.3, "spend_index_ceiling": 4.0},
    )
    plain = flywheel.simulate(short, 2, seed=1)
    other = flywheel.simulate(with_parameters(short, {"online_share_elasticity": 1.3}), 2, seed=1)
    for name in ("spend_index", "orders", "revenue_usd"):
        np.testing.assert_array_equal(plain[name], other[name])
    assert plain["spend_index"][0, -1] > 1.2


def test_the_calibrated_amazon_run_keeps_its_fitted_trend() -> None:
    assert load_scenario(AMAZON).spend_driver == SERIES  # the Amazon replay follows data
    calibrated = load_scenario(CALIBRATED)
    assert calibrated.spend_driver == "logistic"  # fitted with the trend; not refitted here
    assert "spend_driver" not in diff_toml(
        load_scenario(AMAZON), load_scenario(AMAZON), "amazon_1996_2024"
    )
    text = diff_toml(calibrated, load_scenario(AMAZON), "amazon_1996_2024")
    assert 'spend_driver = "logistic"' in text


def test_the_key_round_trips_through_the_writer() -> None:
    scenario = dataclasses.replace(load_scenario(AMAZON), spend_driver=SERIES)
    text = canonical_toml(scenario)
    assert 'spend_driver = "us_ecommerce_share"' in text
    assert parse_scenario_text(text) == scenario


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            'start_date = 1996-01-01\nhorizon_weeks = 52\nspend_driver = "us_ecomerce"\n',
            ("<upload>:3: spend_driver = 'us_ecomerce'", "unknown spend driver", "'logistic'"),
        ),
        (
            'name = "x"\nspend_driver = "us_ecommerce_share"\n',
            ("<upload>:2: spend_driver = 'us_ecommerce_share' covers the years 1996 to 2024",
             "runs 2026 to 2035", "horizon_weeks = 520"),
        ),
        (
            'start_date = 1995-12-25\nhorizon_weeks = 4\nspend_driver = "us_ecommerce_share"\n',
            ("runs 1995 to 1996", "allowed: weeks inside 1996-2024"),
        ),
        (
            'start_date = 2024-06-03\nhorizon_weeks = 40\nspend_driver = "us_ecommerce_share"\n',
            ("runs 2024 to 2025",),
        ),
        ("spend_driver = 2\n", ("spend_driver = 2", "valid string")),
    ],
)  # fmt: skip
def test_bad_drivers_are_refused_with_one_clear_line(text: str, needles: tuple[str, ...]) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text)
    message = str(caught.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, (needle, message)


def test_the_last_covered_week_is_accepted() -> None:
    scenario = parse_scenario_text(
        'start_date = 2024-06-03\nhorizon_weeks = 31\nspend_driver = "us_ecommerce_share"\n'
    )
    assert scenario.week_date(scenario.horizon_weeks - 1) == dt.date(2024, 12, 30)


@pytest.mark.parametrize(
    ("value", "needle"),
    [("0", "must be a positive number"), ("-1.5", "must be a positive number"),
     ("nan", "must be a positive number"), ("abc", "must be numbers")],
)  # fmt: skip
def test_data_files_with_bad_values_are_refused(tmp_path: Path, value: str, needle: str) -> None:
    path = tmp_path / "share.csv"
    path.write_text(
        "year,metric,value,unit\n"
        f"2000,{ONLINE_SHARE_METRIC},0.9,percent\n"
        f"2001,{ONLINE_SHARE_METRIC},{value},percent\n",
        encoding="utf-8",
    )
    with pytest.raises(DriverDataError, match=needle) as caught:
        read_annual_figures(path, ONLINE_SHARE_METRIC)
    assert f"{path}:3" in str(caught.value)


def test_data_files_with_a_repeated_year_or_too_few_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "share.csv"
    path.write_text(
        f"year,metric,value\n2000,{ONLINE_SHARE_METRIC},0.9\n2000,{ONLINE_SHARE_METRIC},1.0\n",
        encoding="utf-8",
    )
    with pytest.raises(DriverDataError, match="year given twice"):
        read_annual_figures(path, ONLINE_SHARE_METRIC)
    path.write_text(f"year,metric,value\n2000,{ONLINE_SHARE_METRIC},0.9\n", encoding="utf-8")
    with pytest.raises(DriverDataError, match="fewer than two"):
        read_annual_figures(path, ONLINE_SHARE_METRIC)
    with pytest.raises(DriverDataError, match="cannot read"):
        read_annual_figures(tmp_path / "missing.csv", ONLINE_SHARE_METRIC)


@pytest.mark.parametrize("lever", ["spend_growth_per_year", "spend_index_ceiling"])
def test_calibrate_refuses_the_trend_levers_under_a_data_driver(lever: str) -> None:
    scenario = _amazon_from_data()
    with pytest.raises(CalibrationError, match="fit online_share_elasticity instead"):
        parse_parameter(f"{lever}[{BOUNDS[lever]}]", scenario)
    # the elasticity is what it may fit; under the logistic trend the elasticity is refused
    assert parse_parameter("online_share_elasticity[0.3,0.8]", scenario).high == 0.8
    with pytest.raises(CalibrationError, match="no effect with spend_driver = 'logistic'"):
        parse_parameter("online_share_elasticity[0.3,0.8]", load_scenario(CALIBRATED))
    assert parse_parameter(f"{lever}[{BOUNDS[lever]}]", load_scenario(CALIBRATED)).name == lever


def test_flywheel_calibrate_refuses_the_trend_levers(
    tmp_path: Path, cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    out = tmp_path / "fit.toml"
    scenario = tmp_path / "amazon_from_data.toml"
    scenario.write_text(
        'base = "amazon_1996_2024"\nspend_driver = "us_ecommerce_share"\n', encoding="utf-8"
    )
    result = cli(
        "calibrate", scenario, "--fit", "net_sales_usd_million", "--params",
        "bass_q_per_year[0.1,1]", "spend_growth_per_year[0,0.5]", "--out", out, "--quiet",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --params 'spend_growth_per_year")
    assert "spend_driver = 'us_ecommerce_share'" in lines[0]
    assert not out.exists()
