"""The issue-19 refit v13_price (docs/calibration.md#refit-v13-price): v12 with the low-price
refits' sourced cap (the price at most 0.8, or 0.75, x the competitors' until mid-2001) and the
Seattle DC at its floor area from 1996, refitted from v12's stored fit; no new code. The
scenarios differ from v12 only there, the caps are the WSJ's 20 and 25 % discounts, and each
stored fit, rerun with noise off, reproduces the docs table (bench/issue19_targets.py) and
keeps all five lessons."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import flywheel
from tests.calibration.issue19_tables import CUT, ROOT, SIGNS, measure, percent
from tests.calibration.test_calibration_lessons import verdicts

BENCH = ROOT / "bench"
FIGURES = ROOT / "docs/figures"
CAP = 0.8  # 20 % below: the low end of the WSJ's "20% to 30% for most titles" (1999)
CAP_END = "2001-07-01"  # the date of margin_target_2001
SEATTLE_DC_SQFT = 93_000.0  # amazon_events.csv, 1997-11-01 row
# stored fit -> (retail %, shipping / subscription / seller services %, fulfillment % (over its
# 25 % target: the one v12 meets that these miss), cut shares % from 1996 / 2000 / 2005,
# unfitted, out of sample %), as in docs/calibration.md#refit-v13-price (columns D and E)
DOCUMENTED = {
    "v13_price": (10.2, (19.9, 22.1, 8.5), 28.8, [2.0, 24.4, 21.8], "15 of 28", 10.6),
    "v13_price_075": (9.7, (17.6, 19.7, 7.4), 36.1, [2.0, 26.3, 22.2], "15 of 28", 11.6),
}
SERIES = ("shipping cost", "subscription revenue", "seller services revenue")
CAPS = {"v13_price": CAP, "v13_price_075": 0.75}  # 0.75: the middle of the WSJ's 20-30 %


def test_v13_price_is_v12_with_the_cap_to_mid_2001_and_nothing_else() -> None:
    v12 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v12.toml")
    v13 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v13_price.toml")
    assert v13.levers.price_cap_relative == CAP
    assert dataclasses.replace(v13.levers, price_cap_relative=0.0) == v12.levers
    assert v13.initial == v12.initial and v13.events[: len(v12.events)] == v12.events
    (end,) = v13.events[len(v12.events) :]
    assert (end.lever, end.value, str(end.date)) == ("price_cap_relative", 0.0, CAP_END)


def test_the_dc_variant_starts_with_seattles_floor_area_and_v12s_fit() -> None:
    v13 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v13_price.toml")
    dc = flywheel.load_scenario(BENCH / "amazon_1996_2024_v13_price_dc_v12start.toml")
    v12_fit = flywheel.load_scenario(FIGURES / "amazon_1996_2024_refit_v12.toml")
    per_fc_sqft = v13.levers.fc_size_sqft
    assert dc.initial.fulfillment_centers == pytest.approx(SEATTLE_DC_SQFT / per_fc_sqft)
    assert dataclasses.replace(dc.initial, fulfillment_centers=0.01) == v13.initial
    fitted = (BENCH / "refit_v10_market_parameters.txt").read_text().split()
    names = [re.match(r"(\w+)\[", spec).group(1) for spec in fitted]
    assert len(names) == 28
    for name in names:
        assert getattr(dc.levers, name) == getattr(v12_fit.levers, name), name
    back = {name: getattr(v13.levers, name) for name in names}
    assert dataclasses.replace(dc.levers, **back) == v13.levers and dc.events == v13.events


def fitted(name: str) -> Path:
    """The stored fit of `name` (docs/figures)."""
    return FIGURES / f"amazon_1996_2024_refit_{name}.toml"


def noise_off_run(path: Path) -> flywheel.Results:
    """One run of the scenario at `path` with every noise source off, as the fit."""
    sys.path.insert(0, str(BENCH))
    try:
        from loss_years import NOISE_LEVERS  # noqa: PLC0415 - bench/ is not a package
    finally:
        sys.path.remove(str(BENCH))
    noise_off = {lever: np.zeros(1) for lever in NOISE_LEVERS}
    return flywheel.simulate(flywheel.load_scenario(path), 1, 0, lever_overrides=noise_off)


def yearly_price_ratio(results: flywheel.Results) -> pd.Series:
    """Mean price / the competitors' price by calendar year."""
    frame = results.frame()
    relative = frame["price_index"] / frame["competitor_price_index"]
    return relative.groupby(frame["date"].dt.year).mean()


def test_the_075_variant_is_the_dc_variant_with_a_deeper_cap() -> None:
    dc = flywheel.load_scenario(BENCH / "amazon_1996_2024_v13_price_dc_v12start.toml")
    deeper = flywheel.load_scenario(BENCH / "amazon_1996_2024_v13_price_dc_075.toml")
    assert deeper.levers.price_cap_relative == CAPS["v13_price_075"]
    assert dataclasses.replace(deeper.levers, price_cap_relative=CAP) == dc.levers
    assert deeper.initial == dc.initial and deeper.events == dc.events


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_cap_holds_the_launch_price_and_ends_in_2001(name: str) -> None:
    """Direction: with the cap the mean price is at most the cap x the competitors' in
    1997-2000 (v12's stored fit prices at 1.2-2.3x), and above the competitors' again once the
    cap has ended."""
    ratio = yearly_price_ratio(noise_off_run(fitted(name)))
    assert (ratio.loc[1997:2000] <= CAPS[name] + 1e-9).all()
    assert (ratio.loc[2002:2004] > 1.0).all()


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_refit_measures_what_the_docs_table_says(name: str) -> None:
    retail, series, fulfillment, cuts, unfitted, out_of_sample = DOCUMENTED[name]
    targets = measure(fitted(name))
    assert percent(targets["retail net sales MAPE ≤ 10 %"]) == pytest.approx(retail, abs=0.05)
    for label, documented in zip(SERIES, series, strict=True):
        measured = percent(targets[f"{label} MAPE ≤ 25 %"])
        assert measured == pytest.approx(documented, abs=0.05) and measured <= 25.0
    measured = percent(targets["fulfillment expense MAPE ≤ 25 %"])
    assert measured == pytest.approx(fulfillment, abs=0.05) and measured > 25.0
    assert targets["3P share within 5 points of every 1999–2018 anchor"].startswith("20 of 20")
    assert targets[SIGNS].startswith("24 of 26") and targets[SIGNS].endswith("2017, 2022")
    shares = [float(part.strip().rstrip(" %")) for part in targets[CUT].split("/")]
    assert shares == pytest.approx(cuts, abs=0.15) and shares[0] <= 15.0
    assert targets["unfitted figures within a factor 1.5"] == unfitted
    stored = fitted(name).with_name(f"amazon_1996_2024_refit_{name}_targets.md").read_text()
    assert f"| out of sample 2017–2024 ≤ 20 % | {out_of_sample} % |" in stored
    table = (FIGURES / f"amazon_out_of_sample_{name}.md").read_text()
    assert f"(out of sample): **{out_of_sample} %**" in table


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_all_five_lessons_hold(name: str) -> None:
    found = verdicts(fitted(name))
    assert len(found) == 5 and all(holds for _, holds in found.values())


def test_the_cap_alone_lifts_v12s_launch_years() -> None:
    """Direction, no refit: v12's stored fit with the cap on sells more in every launch year
    1997-2000 than v12's fit without it (0.59-0.92 against 0.22-0.71 of the record, as
    documented), at a price no higher than the cap."""
    sales = {}
    for label, path in (
        ("v12", FIGURES / "amazon_1996_2024_refit_v12.toml"),
        ("capped", BENCH / "amazon_1996_2024_v13_price_v12start.toml"),
    ):
        results = noise_off_run(path)
        annual = results.annual().set_index("year")
        sales[label] = annual.loc[1997:2000, "retail_net_sales_usd_million"].to_numpy()
    assert (sales["capped"] > 1.25 * sales["v12"]).all()  # 2000: 0.92 against 0.71
    assert (yearly_price_ratio(results).loc[1997:2000] <= CAP + 1e-9).all()
