"""Unfitted series (issue 19 item 6): the bundled public figures, the model / public ratio
report (library and `flywheel compare-record --unfitted`), and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import flywheel
from flywheel.calibration import CalibrationError
from flywheel.calibration.data import CONFIDENCE_LEVELS
from flywheel.calibration.objective import NOISE_LEVERS
from flywheel.calibration.record import annual_bands, median_frame, panels_for
from flywheel.calibration.reference import (
    UNFITTED_METRICS,
    ReferencePoint,
    comparison_markdown,
    load_reference_points,
    reference_comparison,
    reference_points,
)

REPO = Path(__file__).resolve().parents[2]
CALIBRATED = REPO / "scenarios" / "amazon_1996_2024_calibrated.toml"
HEADER = "year,metric,value,unit,scope,source,confidence\n"
SCOPE_REGIONS = ("worldwide", "US", "North America")  # a regional figure bounds a world stock
DOCS = REPO / "docs" / "calibration.md"
DOC_SERIES = {
    "active customers (M)": "active_customers_million",
    "Prime members (M)": "prime_members_million",
    "sellers (thousand)": "sellers_thousand",
    "FC footage (M sq ft)": "fc_sqft_million",
}


def test_bundled_public_figures_cover_every_unfitted_series() -> None:
    points = reference_points()
    columns = {column for column, _unit in UNFITTED_METRICS.values()}
    assert {p.column for p in points} == columns | {"customers_served_million"}
    for column in columns:
        years = {p.year for p in points if p.column == column}
        assert len(years) >= 3, column  # "over the years": at least three years per series
    for point in points:
        assert point.value > 0 and point.confidence in CONFIDENCE_LEVELS
        assert point.scope.startswith(SCOPE_REGIONS) and "http" in point.source, point
    assert len({(p.column, p.year, p.value) for p in points}) == len(points)  # no duplicate row
    assert any(p.confidence == "filed" for p in points if p.column == "prime_members_million")


def test_ratio_is_model_over_public_in_simulated_years() -> None:
    annual = pd.DataFrame(
        {
            "replication": [0, 1, 0, 1],
            "year": [2020, 2020, 2021, 2021],
            "sellers_thousand": [500.0, 700.0, 800.0, 800.0],
        }
    )
    points = (
        ReferencePoint("sellers_thousand", 2020, 1900.0, "src", "worldwide", "filed"),
        ReferencePoint("sellers_thousand", 2030, 1.0, "src"),  # not simulated: left out
        ReferencePoint("prime_members_million", 2020, 1.0, "src"),  # column absent: left out
    )
    rows = reference_comparison(annual, points)
    assert len(rows) == 1
    assert rows[0]["model"] == 600.0  # the mean over replications
    assert rows[0]["ratio"] == pytest.approx(600.0 / 1900.0)
    table = comparison_markdown(rows)
    assert "| sellers_thousand | 2020 | worldwide | 1,900 | 600 | 0.32 | filed | src |" in table
    assert len(comparison_markdown(rows, with_sources=False).splitlines()) == 3


def test_report_of_the_calibrated_scenario_is_the_median_run_over_public() -> None:
    scenario = flywheel.load_scenario(CALIBRATED)
    panels = panels_for(["retail_net_sales_usd_million", "sellers_thousand"])
    bands = annual_bands(scenario, 3, 5, panels)
    rows = reference_comparison(median_frame(bands))
    medians = flywheel.simulate(scenario, 3, 5).annual().groupby("year").median()
    assert len(rows) == len(reference_points())  # every figure lies in 1997-2024
    for row in rows:
        expected = medians.loc[row["year"], row["column"]]
        assert row["model"] == pytest.approx(expected, rel=1e-12)
        assert row["ratio"] == pytest.approx(expected / row["public"], rel=1e-12)
    sellers = [r["ratio"] for r in rows if r["column"] == "sellers_thousand"]
    assert all(0.05 < ratio < 1.0 for ratio in sellers)  # too few sellers: issue 19 says so


def documented_rows() -> list[list[str]]:
    """The table of docs/calibration.md's "Series not fitted" section, one cell list a row."""
    text = DOCS.read_text().split("## Series not fitted", 1)[1].split("\n### ", 1)[0]
    lines = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]


def _doc_column(row: list[str]) -> str:
    """The annual column a documented row compares with: its series, or by its scope the
    customers served in the year."""
    if "served in the year" in row[2]:
        return "customers_served_million"
    return DOC_SERIES[row[0]]


@pytest.fixture(scope="module")
def shipped_noise_free() -> pd.DataFrame:
    """Annual frame of one noise-free run of the shipped calibrated scenario."""
    scenario = flywheel.load_scenario(CALIBRATED)
    noise_off = {name: np.zeros(1) for name in NOISE_LEVERS}
    return flywheel.simulate(scenario, 1, 0, lever_overrides=noise_off).annual()


def test_documented_table_is_every_bundled_figure_at_the_shipped_ratio(
    shipped_noise_free: pd.DataFrame,
) -> None:
    rows = documented_rows()
    documented = sorted((_doc_column(r), int(r[1]), float(r[3].replace(",", ""))) for r in rows)
    assert documented == sorted((p.column, p.year, p.value) for p in reference_points())
    annual = shipped_noise_free
    ratios = {
        (r["column"], r["year"], r["public"]): r["ratio"] for r in reference_comparison(annual)
    }
    for row in rows:
        key = (_doc_column(row), int(row[1]), float(row[3].replace(",", "")))
        assert float(row[5]) == pytest.approx(ratios[key], abs=0.006), row  # printed to 0.01


def test_documented_diagnosis_of_the_shipped_misses(shipped_noise_free: pd.DataFrame) -> None:
    """The "Why each series misses" claims (docs/calibration.md) hold for the shipped run."""
    year = shipped_noise_free.set_index("year")
    customers = year["active_customers_million"]
    prime_share = year["prime_members_million"] / customers
    assert (prime_share.loc[2014:2024] > 0.95).all()  # Prime saturated: no ceiling on joins
    spend_per_customer_usd = year["retail_net_sales_usd_million"] / customers
    assert spend_per_customer_usd[2014] > 4 * 84_300 / 240  # Amazon: ~$350 per active account
    served_million = customers + year["churn"] / 1e6  # year-end stock plus the year's lapses
    public = {1999: 14.0, 2000: 20.0, 2001: 25.0}
    for when, value in public.items():
        assert customers[when] / value < 0.8 < served_million[when] / value < 0.95, when


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2020,sellers,1900,thousand,worldwide,x,filed", "metric 'sellers' (allowed "),
        ("2020,prime_members,200,thousand,worldwide,x,filed", "expected 'million'"),
        ("2020,prime_members,0,million,worldwide,x,filed", "value '0' (allowed: a number > 0)"),
        ("20x0,prime_members,200,million,worldwide,x,filed", "year '20x0'"),
        ("2020,prime_members,200,million,worldwide,x,rumour", "confidence 'rumour' (allowed"),
    ],
)
def test_bad_public_figures_are_refused(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "u.csv"
    path.write_text(HEADER + line + "\n")
    with pytest.raises(CalibrationError, match="u.csv:2: ") as error:
        load_reference_points(path)
    assert message in str(error.value)


def test_public_figures_file_errors(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="not found"):
        load_reference_points(tmp_path / "missing.csv")
    wide = tmp_path / "wide.csv"
    wide.write_text("year,prime_members\n2020,200\n")
    with pytest.raises(CalibrationError, match="expected columns"):
        load_reference_points(wide)
    with pytest.raises(CalibrationError, match="not a record series"):
        panels_for(["aws_net_sales"])


def run(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flywheel", "compare-record", str(CALIBRATED), *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_compare_record_writes_the_unfitted_report_and_record_panels(tmp_path: Path) -> None:
    figure, report = tmp_path / "r.png", tmp_path / "unfitted.md"
    done = run(
        tmp_path, "--out", str(figure), "--unfitted", str(report), "--replications", "2",
        "--series", "retail_net_sales_usd_million",
        "--series", "third_party_seller_services_revenue", "--series", "fc_sqft_million",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert figure.read_bytes()[:4] == b"\x89PNG"
    text = report.read_text()
    assert text.startswith("# Unfitted series: model / public figure")
    assert "median over 2 replications (seed 0)" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + len(reference_points())  # header + one line per figure
    ratios = np.array([float(line.split("|")[6]) for line in rows[1:]])
    assert np.all(ratios > 0)


def test_compare_record_bad_input_exits_2(tmp_path: Path) -> None:
    done = run(tmp_path, "--out", "r.png", "--series", "nope")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--series 'nope': not a record series (allowed: net_sales_usd_million" in done.stderr
    done = run(tmp_path, "--out", "r.png", "--unfitted", "u.txt")
    assert done.returncode == 2 and "--unfitted u.txt: expected a .md file" in done.stderr
    assert not (tmp_path / "r.png").exists()
