"""The record like with like (docs/calibration.md, "Comparing like with like"): retail net
sales and operating income built from the history and segment files year by year, each flagged
year, the money series' flags and targets, and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flywheel.calibration import CalibrationError, build_targets, load_history
from flywheel.calibration.comparable import (
    FLAG_ADVERTISING,
    FLAG_AWS,
    FLAG_CARDS,
    FLAG_DIGITAL,
    FLAG_GAAP_CHARGES,
    FLAG_SHIPPING_BROAD,
    FLAG_STORES,
    comparable_record,
    load_record,
)
from flywheel.calibration.data import (
    BUNDLED_HISTORY,
    BUNDLED_SEGMENTS,
    CONFIDENCE_LEVELS,
    METRICS,
    History,
    metric_spec,
)
from flywheel.scenario.loading import load_scenario

REPO = Path(__file__).resolve().parents[2]
AMAZON = REPO / "scenarios" / "amazon_1996_2024.toml"
HEADER = "year,metric,value,unit,source,confidence\n"


@pytest.fixture(scope="module")
def record() -> History:
    return load_record(BUNDLED_HISTORY)


def by_year(history: History, metric: str) -> dict[int, float]:
    return {o.year: o.value for o in history.rows[metric]}


def flags(history: History, metric: str) -> dict[int, tuple[str, ...]]:
    return {o.year: o.flags for o in history.series(metric, confidence=CONFIDENCE_LEVELS)}


def test_the_bundled_segments_are_shared_datas_copy() -> None:
    shared = REPO.parent.parent / "shared" / "data" / "amazon_segments.csv"
    if shared.is_file():  # beside the project's shared data (a fresh clone has only the copy)
        assert BUNDLED_SEGMENTS.read_bytes() == shared.read_bytes()
    assert "aws_net_sales" in BUNDLED_SEGMENTS.read_text()


def test_retail_net_sales_subtract_aws_from_2013(record: History) -> None:
    sales, aws = (
        by_year(record, "net_sales"),
        by_year(load_history(BUNDLED_SEGMENTS), "aws_net_sales"),
    )
    retail = by_year(record, "retail_net_sales")
    assert set(retail) == set(sales)  # every year of net sales, none left out
    for year in range(2013, 2025):
        assert retail[year] == pytest.approx(sales[year] - aws[year], abs=1e-9), year
    assert retail[2024] == pytest.approx(637959 - 107556)
    assert retail[2013] == pytest.approx(74452 - 3108)
    for year in range(1995, 2013):  # AWS inside (2006-12) or not yet selling: as reported
        assert retail[year] == sales[year], year


def test_retail_net_sales_flags(record: History) -> None:
    flagged = flags(record, "retail_net_sales")
    for year in range(1995, 2006):
        assert flagged[year] == (), year
    for year in range(2006, 2013):
        assert flagged[year] == (FLAG_AWS,), year
    assert flagged[2013] == ()  # AWS out, advertising not yet sized by the record
    for year in range(2014, 2017):
        assert flagged[year] == (FLAG_ADVERTISING,), year
    for year in range(2017, 2025):  # Whole Foods from August 2017
        assert flagged[year] == (FLAG_ADVERTISING, FLAG_STORES), year


def test_retail_operating_income_rules(record: History) -> None:
    income = by_year(record, "operating_income")
    aws = by_year(load_history(BUNDLED_SEGMENTS), "aws_operating_income")
    retail = by_year(record, "retail_operating_income")
    assert 2020 not in retail  # no AWS segment income in 2020: left out, not guessed
    assert 2020 in income
    for year in (*range(2014, 2020), *range(2021, 2025)):
        assert retail[year] == pytest.approx(income[year] - aws[year], abs=1e-9), year
    assert [y for y in (2014, 2017, 2022) if retail[y] < 0] == [2014, 2017, 2022]  # losses
    for year in range(1995, 2014):
        assert retail[year] == income[year], year
    flagged = flags(record, "retail_operating_income")
    for year in range(1997, 2002):
        assert flagged[year] == (FLAG_GAAP_CHARGES,), year
    for year in (1995, 1996, *range(2002, 2010)):
        assert flagged[year] == (), year
    for year in range(2010, 2014):
        assert flagged[year] == (FLAG_AWS,), year
    assert flagged[2024] == (FLAG_ADVERTISING, FLAG_STORES)


def test_derived_rows_take_the_weaker_confidence_and_cite_both(record: History) -> None:
    rows = {o.year: o for o in record.series("retail_net_sales", confidence=CONFIDENCE_LEVELS)}
    assert rows[2020].confidence == "secondary"  # net sales secondary, AWS 2020 secondary
    assert rows[2021].confidence == "filed"
    assert "LESS AWS:" in rows[2021].source and "sec.gov" in rows[2021].source
    income = {
        o.year: o for o in record.series("retail_operating_income", confidence=CONFIDENCE_LEVELS)
    }
    assert income[2000].confidence == "memory"  # kept as reported, not fitted by default
    assert 2000 not in {o.year for o in record.series("retail_operating_income")}


def test_money_series_flags_and_fitted_rows(record: History) -> None:
    fulfillment = flags(record, "fulfillment_expense")
    assert "FY2000 basis" in fulfillment[1998][0] and "FY2000 basis" in fulfillment[1999][0]
    assert fulfillment[2001] == fulfillment[2002] == ("stock-based compensation excluded",)
    assert fulfillment[2016] == () and fulfillment[2017] == (FLAG_STORES,)
    shipping = flags(record, "shipping_cost")
    assert shipping[2015] == () and shipping[2016] == (FLAG_SHIPPING_BROAD,)
    assert set(flags(record, "subscription_services_revenue").values()) == {(FLAG_DIGITAL,)}
    fitted = {o.year for o in record.series("fulfillment_expense")}  # no `memory` rows
    assert not fitted & {2007, 2014, 2015, 2016, 2017} and {2006, 2018, 2024} <= fitted
    assert {o.year for o in record.series("shipping_cost")} == set(range(2006, 2025)) - {
        2010, 2011, 2013, 2014, 2018, 2024,
    }  # fmt: skip
    sellers = record.series("third_party_seller_services_revenue")
    assert [o.year for o in sellers] == list(range(2014, 2025))


def test_share_anchors_are_1999_to_2018_only(tmp_path: Path) -> None:
    data = tmp_path / "h.csv"
    data.write_text(
        HEADER
        + "1999,third_party_share_of_gms,3,percent,x,filed\n"
        + "2018,third_party_share_of_gms,58,percent,x,filed\n"
        + "2024,third_party_share_of_gms,60,percent,x,filed\n"
        + "2024,third_party_share_of_units,60,percent,x,secondary\n"
    )
    share = load_record(data).series("share_3p_percent")
    assert [o.year for o in share] == [1999, 2018]


def test_every_record_series_is_a_target_for_the_amazon_scenario(record: History) -> None:
    scenario = load_scenario(AMAZON)
    columns = [m.column for m in METRICS]
    targets = build_targets(record, columns, scenario, (1997, 2024))
    assert [t.spec.column for t in targets] == columns
    by_column = {t.spec.column: t for t in targets}
    assert by_column["retail_net_sales_usd_million"].years == tuple(range(1997, 2025))
    assert 2020 not in by_column["retail_operating_income_usd_million"].years
    assert 2000 not in by_column["retail_operating_income_usd_million"].years  # memory
    assert metric_spec("retail_operating_income").transform == "asinh"
    for name in ("retail_net_sales", "fulfillment_expense", "shipping_cost"):
        assert metric_spec(name).transform == "log"
    assert metric_spec("subscription_services_revenue").column == "subscription_revenue_usd_million"
    assert (
        metric_spec("third_party_seller_services_revenue").column
        == "seller_services_revenue_usd_million"
    )


def test_advertising_record_joins_the_other_group_and_advertising_services(
    record: History,
) -> None:
    ads = record.series("advertising_revenue_usd_million", confidence=CONFIDENCE_LEVELS)
    assert [o.year for o in ads] == [2014, 2015, 2016, 2017, 2018, 2021, 2022, 2023, 2024]
    values = by_year(record, "advertising_revenue")
    assert values[2014] == 1322 and values[2018] == 10108  # "other", mainly advertising
    assert values[2021] == 31160 and values[2024] == 56214  # advertising services
    marks = flags(record, "advertising_revenue")
    assert all(marks[year] == (FLAG_CARDS,) for year in range(2014, 2019))
    assert all(marks[year] == () for year in range(2021, 2025))
    assert metric_spec("advertising_revenue").column == "advertising_revenue_usd_million"
    assert metric_spec("advertising_revenue_usd_million").transform == "log"
    # a history without segments has no advertising series (the file would not belong to it)
    assert "advertising_revenue" not in comparable_record(load_history(BUNDLED_HISTORY), None).rows


def test_without_segments_no_retail_series_and_own_rows_win(tmp_path: Path) -> None:
    data = tmp_path / "h.csv"
    data.write_text(HEADER + "2027,net_sales,5,usd_million,x,filed\n")
    plain = load_record(data)  # another history: Amazon's AWS figures are not applied
    assert "retail_net_sales" not in plain.rows and plain.series("net_sales")[0].value == 5
    segments = tmp_path / "s.csv"
    segments.write_text(HEADER + "2027,aws_net_sales,2,usd_million,x,secondary\n")
    derived = load_record(data, segments).series("retail_net_sales")
    assert [(o.value, o.confidence) for o in derived] == [(3.0, "secondary")]
    own = tmp_path / "own.csv"
    own.write_text(
        HEADER
        + "2027,net_sales,5,usd_million,x,filed\n2027,retail_net_sales,4,usd_million,x,filed\n"
    )
    assert load_record(own, segments).series("retail_net_sales")[0].value == 4.0
    assert comparable_record(load_history(own), None).rows["retail_net_sales"][0].value == 4.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "2014,aws_net_sales,4.6,usd_billion,x,filed",
            "aws_net_sales in 'usd_billion'; expected 'usd_million'",
        ),
        ("2014,aws_operating_income,x,usd_million,x,filed", "value 'x' are not numbers"),
        (
            "2014,aws_net_sales,1,usd_million,x,guess",
            "confidence 'guess' (allowed filed, secondary, memory)",
        ),
        (
            "2014,shipping_cost,1,percent,x,filed",
            "shipping_cost in 'percent'; expected 'usd_million'",
        ),
    ],
)
def test_bad_segment_rows_are_refused(tmp_path: Path, line: str, message: str) -> None:
    segments = tmp_path / "s.csv"
    segments.write_text(HEADER + line + "\n")
    with pytest.raises(CalibrationError, match="s.csv:2: ") as error:
        load_record(BUNDLED_HISTORY, segments)
    assert message in str(error.value)
    with pytest.raises(CalibrationError, match="not found"):
        load_record(BUNDLED_HISTORY, tmp_path / "missing.csv")


def test_calibrate_accepts_the_record_series_and_names_a_bad_segments_file(
    tmp_path: Path,
) -> None:
    command = [
        sys.executable, "-m", "flywheel", "calibrate", str(AMAZON),
        "--fit", "retail_operating_income_usd_million", "--fit", "shipping_cost",
        "--params", "bass_q_per_year[0.1,0.9]", "--out", str(tmp_path / "c.toml"),
        "--segments", str(tmp_path / "missing.csv"),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "missing.csv: data file not found" in done.stderr
    unknown = [*command[:-2], "--fit", "aws_net_sales"]
    done = subprocess.run(unknown, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 2 and "unknown metric 'aws_net_sales'" in done.stderr
    assert "retail_net_sales_usd_million (data: retail_net_sales)" in done.stderr


def test_the_report_lists_each_fitted_metrics_flagged_years(record: History) -> None:
    from types import SimpleNamespace

    from flywheel.calibration.report import flagged_years

    scenario = load_scenario(AMAZON)
    targets = build_targets(
        record, ["retail_net_sales", "retail_operating_income", "share_3p_percent"], scenario
    )

    def result(targets: tuple[object, ...]) -> Any:  # what flagged_years reads of a FitResult
        return SimpleNamespace(problem=SimpleNamespace(targets=targets))

    lines = flagged_years(result(targets))
    assert "- retail_net_sales_usd_million: AWS inside in 2006-2012" in lines
    assert "- retail_net_sales_usd_million: physical stores inside in 2017-2024" in lines
    # 2000 is a `memory` row (not fitted), 2020 left out: the ranges show both gaps
    assert (
        "- retail_operating_income_usd_million: non-cash GAAP charges inside in 1997-1999, 2001"
        in lines
    )
    assert (
        "- retail_operating_income_usd_million: advertising inside in 2014-2019, 2021-2024" in lines
    )
    assert not [line for line in lines if line.startswith("- share_3p_percent")]
    assert flagged_years(result(targets[2:])) == ["none"]


def test_calibrate_fits_the_record_series_end_to_end(tmp_path: Path) -> None:
    """`flywheel calibrate --fit NAME` takes the like-with-like series by column or data name
    (a tiny budget: this checks the plumbing, not the fit)."""
    out = tmp_path / "c.toml"
    command = [
        sys.executable, "-m", "flywheel", "calibrate", str(AMAZON), "--years", "1997-2024",
        "--fit", "retail_net_sales_usd_million", "--fit", "retail_operating_income",
        "--fit", "third_party_seller_services_revenue", "--fit", "fulfillment_expense",
        "--params", "bass_q_per_year[0.3,0.5]", "--starts", "0", "--max-evaluations", "1",
        "--quiet", "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "c_report.md").read_text()
    for row in (
        "| retail_net_sales_usd_million | 1997-2024 | 28 |",
        "| retail_operating_income_usd_million | 1997-2024 | 26 |",  # 2000 memory, 2020 out
        "| seller_services_revenue_usd_million | 2014-2024 | 11 |",
        "| fulfillment_expense_usd_million | 1998-2024 | 22 |",  # five `memory` years out
        "- retail_net_sales_usd_million: AWS inside in 2006-2012",
        "- fulfillment_expense_usd_million: physical stores inside in 2018-2024",
    ):
        assert row in report, row
    assert 0.3 <= load_scenario(out).levers.bass_q_per_year <= 0.5
