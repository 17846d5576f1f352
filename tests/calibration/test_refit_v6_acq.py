"""The issue-19 refit v6_acq (docs/calibration.md#refit-v6-acq): paid acquisition (R6) in place
of Bass innovation. The scenario is v5 with the mechanism on, Bass innovation at 0 and the
marketing share as filed for 1996-2001; the stored fitted file, rerun with noise off,
reproduces the targets table the docs report (bench/issue19_targets.py)."""

from __future__ import annotations

import dataclasses

import pytest

import flywheel
from tests.calibration.issue19_tables import CUT, ROOT, SIGNS, measure, percent

BENCH = ROOT / "bench"
FIGURES = ROOT / "docs/figures"
SERIES = ("fulfillment expense", "shipping cost", "subscription revenue", "seller services revenue")
# (retail %, the four series' %, signs (count, loss years), cut shares %, unfitted), as documented
DOCUMENTED = (
    18.9,
    (27.8, 14.3, 27.5, 5.7),
    ("23 of 26", "2017, 2022"),
    [3.1, 23.7, 26.5],
    "18 of 28",
)
FILED_SHARE_BY_DATE = {  # the marketing share's dated events (FY1999 / FY2001 10-K)
    "1997-01-01": 0.189,
    "1998-01-01": 0.136,
    "1999-01-01": 0.11,
    "2000-01-01": 0.07,
    "2001-01-01": 0.04,
}


def test_v6_acq_is_v5_with_paid_acquisition_and_the_filed_marketing() -> None:
    v5 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v5.toml")
    v6 = flywheel.load_scenario(BENCH / "amazon_1996_2024_v6_acq.toml")
    assert v5.levers.acquisition_cost_usd_per_customer == 0.0
    assert 13.0 <= v6.levers.acquisition_cost_usd_per_customer <= 70.0
    assert v6.levers.bass_p_per_year == 0.0
    assert v6.levers.marketing_share_of_revenue == 0.3  # 1996: 30.6 % at the lever's bound
    changed = dataclasses.replace(
        v6.levers,
        acquisition_cost_usd_per_customer=0.0,
        bass_p_per_year=v5.levers.bass_p_per_year,
        marketing_share_of_revenue=v5.levers.marketing_share_of_revenue,
    )
    assert changed == v5.levers
    marketing = {
        str(event.date): event.value
        for event in v6.events
        if getattr(event, "lever", None) == "marketing_share_of_revenue"
    }
    assert marketing == FILED_SHARE_BY_DATE
    others = [
        event
        for event in v6.events
        if event.id not in {f"marketing_{y}" for y in range(1997, 2002)}
    ]
    assert others == list(v5.events)


def test_the_parameter_list_swaps_bass_innovation_for_the_acquisition_cost() -> None:
    v2 = (BENCH / "refit_v2_parameters.txt").read_text().split()
    v6 = (BENCH / "refit_v6_acq_parameters.txt").read_text().split()
    assert v6[0] == "acquisition_cost_usd_per_customer[13,70]"
    assert v6[1:] == [name for name in v2 if not name.startswith("bass_p_per_year")]


def test_the_refit_measures_what_the_docs_table_says() -> None:
    """Each row as documented (as `issue19_tables.assert_documented`, whose cost and revenue
    rows must also meet their 25 % target: two of v6_acq's do not, so they are held to their
    documented values only)."""
    retail, series, signs, cuts, unfitted = DOCUMENTED
    fitted = FIGURES / "amazon_1996_2024_refit_v6_acq.toml"
    assert flywheel.load_scenario(fitted).levers.bass_p_per_year == 0.0
    targets = measure(fitted)
    assert percent(targets["retail net sales MAPE ≤ 10 %"]) == pytest.approx(retail, abs=0.05)
    for name, documented in zip(SERIES, series, strict=True):
        assert percent(targets[f"{name} MAPE ≤ 25 %"]) == pytest.approx(documented, abs=0.05)
    assert targets["3P share within 5 points of every 1999–2018 anchor"].startswith("20 of 20")
    assert targets[SIGNS].startswith(signs[0]) and targets[SIGNS].endswith(signs[1])
    shares = [float(part.strip().rstrip(" %")) for part in targets[CUT].split("/")]
    assert shares == pytest.approx(cuts, abs=0.15)
    assert targets["unfitted figures within a factor 1.5"] == unfitted


def test_the_docs_table_is_the_stored_targets_file() -> None:
    stored = (FIGURES / "amazon_1996_2024_refit_v6_acq_targets.md").read_text()
    docs = (ROOT / "docs/calibration.md").read_text()
    assert "| retail net sales MAPE ≤ 10 % | 18.9 % (28 years) |" in stored
    assert (
        "| R1–R6 cut from 1996 / 2000 / 2005: 2024 retail net sales ≤ 15 % (1996) | 3.1 %" in stored
    )
    assert "| out of sample 2017–2024 ≤ 20 % | 25.1 % |" in stored
    assert "**25.1 %**" in (FIGURES / "amazon_out_of_sample_v6_acq.md").read_text()
    assert "| retail net sales MAPE ≤ 10 % | 10.4 % | **18.9 %**: not met" in docs
    assert "| out of sample ≤ 20 % | 20.4 % | 25.1 %: not met" in docs
