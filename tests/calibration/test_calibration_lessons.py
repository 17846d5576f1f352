"""The lessons gate for candidate Amazon calibrations (docs/calibration.md#lessons,
bench/calibration_lessons.py): the shipped counterfactuals applied to a fitted scenario, and
whether what the workshop teaches from them stays true. The shipped calibration keeps every
lesson; the stored v9 refit loses word of mouth's, as documented, which is one reason it is not
shipped."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

import flywheel
from tests.calibration.issue19_tables import ROOT

REPLICATIONS = 3


def lessons_module() -> ModuleType:
    """bench/calibration_lessons.py, imported from its folder."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import calibration_lessons
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return calibration_lessons


def verdicts(fitted: Path) -> dict[str, tuple[dict[str, float], bool]]:
    """counterfactual -> (its 2024 ratios, whether its lesson holds)."""
    rows = lessons_module().measure(fitted, REPLICATIONS)
    return {name: (ratios, verdict.startswith("holds")) for name, ratios, verdict in rows}


def test_a_counterfactual_file_changes_the_fitted_scenario_as_it_says() -> None:
    lessons = lessons_module()
    fitted = flywheel.load_scenario(ROOT / "scenarios/amazon_1996_2024_calibrated.toml")
    no_prime = lessons.counterfactual_of(fitted, ROOT / "scenarios/amazon_no_prime.toml")
    assert "prime_launch" in {event.kind for event in fitted.events}
    assert "prime_launch" not in {event.kind for event in no_prime.events}
    late = lessons.counterfactual_of(fitted, ROOT / "scenarios/amazon_fc_delayed.toml")
    assert late.levers.fc_lead_time_weeks == 156
    no_wom = lessons.counterfactual_of(fitted, ROOT / "scenarios/workshop/06_no_word_of_mouth.toml")
    assert no_wom.knockouts == ("R1",) and no_wom.levers == fitted.levers
    # a workshop step built on a counterfactual carries that counterfactual's change
    step = lessons.counterfactual_of(fitted, ROOT / "scenarios/workshop/03_no_prime.toml")
    assert step.events == no_prime.events


def test_the_shipped_calibration_keeps_every_lesson() -> None:
    found = verdicts(ROOT / "scenarios/amazon_1996_2024_calibrated.toml")
    assert len(found) == 5
    assert all(holds for _, holds in found.values()), found


def test_the_v9_refit_loses_the_word_of_mouth_lesson() -> None:
    """v9 fills its small market by paid acquisition whatever word of mouth does: cutting R1
    moves 2024 customers by under 5 % (the shipped run loses about half)."""
    found = verdicts(ROOT / "docs/figures/amazon_1996_2024_refit_v9.toml")
    ratios, holds = found["06_no_word_of_mouth"]
    assert not holds and ratios["customers"] == pytest.approx(1.0, abs=0.05)
    others = {name: holds for name, (_, holds) in found.items() if name != "06_no_word_of_mouth"}
    assert all(others.values()), others
    # the marketplace: fewer orders without it, yet more net sales (1P books the whole sale)
    no_marketplace, _ = found["amazon_no_marketplace"]
    assert no_marketplace["orders"] < 0.95 and no_marketplace["revenue_usd"] > 1.5
