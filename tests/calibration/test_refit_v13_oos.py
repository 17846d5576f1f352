"""The issue-19 refit v13_oos (docs/calibration.md#refit-v13-oos): v12 with the price elasticity
held at Baugh et al.'s 1.3 instead of fitted, no new code, so that the fit to 1997-2016 cannot
take it to the floor. The stored fitted file, rerun with noise off, reproduces the targets table
the docs report (bench/issue19_targets.py); with noise on it keeps all five lessons; the stored
forecast is v12's improved, and the fit to 2016's price elasticity is the held one."""

from __future__ import annotations

import dataclasses

import flywheel
from tests.calibration.issue19_tables import ROOT, assert_documented, measure
from tests.calibration.test_calibration_lessons import verdicts

BENCH = ROOT / "bench"
FIGURES = ROOT / "docs/figures"
PRICE_ELASTICITY = 1.3  # Baugh, Ben-David & Park (2018): -1.2 to -1.4 (parameters.md)
FITTED = FIGURES / "amazon_1996_2024_refit_v13_oos.toml"
V12_OUT_OF_SAMPLE = 31.5  # docs/calibration.md#refit-v11
OUT_OF_SAMPLE = 23.9


def test_v13_oos_is_v12_with_the_price_elasticity_held() -> None:
    v12 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v12.toml")
    v13 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v13_oos.toml")
    assert v13.levers.price_elasticity == PRICE_ELASTICITY
    back = dataclasses.replace(v13.levers, price_elasticity=v12.levers.price_elasticity)
    assert back == v12.levers and v13.events == v12.events and v13.initial == v12.initial
    held = (BENCH / "refit_v13_oos_parameters.txt").read_text().split()
    listed = (BENCH / "refit_v10_market_parameters.txt").read_text().split()
    assert held == [spec for spec in listed if not spec.startswith("price_elasticity[")]
    assert flywheel.load_scenario(FITTED).levers.price_elasticity == PRICE_ELASTICITY


def test_the_refit_measures_what_the_docs_table_says() -> None:
    targets = measure(FITTED)
    series = {
        "fulfillment expense": 22.1,
        "shipping cost": 18.8,
        "subscription revenue": 18.0,
        "seller services revenue": 8.4,
    }
    assert_documented(
        targets, 14.3, series, ("24 of 26", "2017, 2022"), [1.3, 11.0, 17.2], "16 of 28"
    )
    stored = FITTED.with_name("amazon_1996_2024_refit_v13_oos_targets.md").read_text()
    assert f"| out of sample 2017–2024 ≤ 20 % | {OUT_OF_SAMPLE} % |" in stored


def test_the_stored_forecast_is_better_than_v12s_and_still_short() -> None:
    table = (FIGURES / "amazon_out_of_sample_v13_oos.md").read_text()
    assert f"(out of sample): **{OUT_OF_SAMPLE} %**" in table
    assert OUT_OF_SAMPLE < V12_OUT_OF_SAMPLE
    # the fit to 2016 ran with the elasticity held: it is not among its fitted parameters
    assert "| price_elasticity |" not in table
    rows = [line for line in table.splitlines() if line.startswith("| 20")]
    errors = [float(line.split("|")[4].strip().rstrip("%")) for line in rows]
    assert len(errors) == 8 and all(error < 0.0 for error in errors)  # short every year


def test_all_five_lessons_are_kept() -> None:
    found = verdicts(FITTED)
    assert all(holds for _, holds in found.values())
    no_marketplace, _ = found["amazon_no_marketplace"]
    assert all(change < -0.15 for change in no_marketplace.values())
