"""Shared by the tests that hold a stored issue-19 refit to its docs table
(docs/calibration.md#refit-v2 and after): measure it with bench/issue19_targets.py and compare
each row with the documented value."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIGNS = "retail operating income: sign right ≥ 90 %, ≥ 2 of 2014, 2017, 2022"
CUT = "R1–R6 cut from 1996 / 2000 / 2005: 2024 retail net sales ≤ 15 % (1996)"


def measure(fitted: Path) -> dict[str, str]:
    """bench/issue19_targets.py's rows (target -> measured text) for the fitted scenario."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import issue19_targets
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return dict(issue19_targets.measure(fitted))


def percent(text: str) -> float:
    """The leading percentage of a measured text ("15.6 % (28 years)" -> 15.6)."""
    return float(text.split(" %")[0])


def assert_documented(
    targets: dict[str, str],
    retail_percent: float,
    series_percent: dict[str, float],
    signs: tuple[str, str],
    cut_percent: list[float],
    unfitted: str | None = None,
) -> None:
    """Every row as documented: MAPEs within 0.05 points (the four cost and revenue series also
    within their 25 % target), the signs' count and loss years, all 20 3P anchors, the growth
    shares within 0.15 points and the unfitted count."""
    assert percent(targets["retail net sales MAPE ≤ 10 %"]) == pytest.approx(
        retail_percent, abs=0.05
    )
    for series, documented in series_percent.items():
        measured = percent(targets[f"{series} MAPE ≤ 25 %"])
        assert measured == pytest.approx(documented, abs=0.05), series
        assert measured <= 25.0, series
    assert targets["3P share within 5 points of every 1999–2018 anchor"].startswith("20 of 20")
    assert targets[SIGNS].startswith(signs[0]) and targets[SIGNS].endswith(signs[1])
    shares = [float(part.strip().rstrip(" %")) for part in targets[CUT].split("/")]
    assert shares == pytest.approx(cut_percent, abs=0.15)
    if unfitted is not None:
        assert targets["unfitted figures within a factor 1.5"] == unfitted
