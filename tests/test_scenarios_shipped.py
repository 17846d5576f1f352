"""Shipped scenarios: every top-level scenarios/*.toml validates and runs, and each answers its
question the way the question expects (qualitative comparisons against baseline)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel import Scenario

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"
TOP_LEVEL = sorted(SCENARIOS_DIR.glob("*.toml"))
OTHERS_OWN = ("amazon_",)  # scenarios kept by the calibration work, checked by its own tests
COMPARISON_WEEKS = 312  # six years: covers every shipped event (the surge starts at week 260)
REPLICATIONS = 3
SMOKE_WEEKS = 104


def shortened(scenario: Scenario, weeks: int) -> Scenario:
    """The scenario over its first `weeks` weeks, without the events that start later."""
    weeks = min(weeks, scenario.horizon_weeks)
    events = tuple(e for e in scenario.events if scenario.event_week(e) < weeks)
    return dataclasses.replace(scenario, horizon_weeks=weeks, events=events)


@cache
def run(name: str) -> flywheel.Results:
    """Mean-comparable results of a shipped scenario over the comparison horizon (cached)."""
    scenario = flywheel.load_scenario(SCENARIOS_DIR / f"{name}.toml")
    return flywheel.simulate(shortened(scenario, COMPARISON_WEEKS), REPLICATIONS, seed=7)


def mean(name: str, output: str, weeks: slice = slice(-1, None)) -> float:
    """Mean over replications and the given weeks of one output of a shipped scenario."""
    return float(run(name)[output][:, weeks].mean())


@pytest.mark.parametrize("path", TOP_LEVEL, ids=lambda p: p.name)
def test_every_shipped_scenario_validates_and_runs_without_nan(path: Path) -> None:
    scenario = flywheel.load_scenario(path)
    results = flywheel.simulate(shortened(scenario, SMOKE_WEEKS), replications=2, seed=1)
    for name in results.outputs:
        values = results[name]
        assert np.isfinite(values).all(), f"{path.name}: {name} has NaN or infinity"
    assert (results["customers"] >= 0).all()


def _mine(path: Path) -> bool:
    return not path.name.startswith(OTHERS_OWN)


@pytest.mark.parametrize("path", [p for p in TOP_LEVEL if _mine(p)], ids=lambda p: p.name)
def test_shipped_scenario_says_which_question_it_answers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Question:"), f"{path.name} must open with '# Question: ...'"
    if path.stem != "baseline":
        assert 'base = "baseline"' in text, f"{path.name} must override baseline"
        assert path.stem in EXPECTATIONS, f"{path.name} needs a qualitative expectation below"


def _no_marketplace() -> None:
    assert mean("no_marketplace", "skus") < 0.5 * mean("baseline", "skus")
    assert mean("no_marketplace", "sellers") == 0.0
    assert mean("no_marketplace", "customers") < mean("baseline", "customers")


def _prime_launch() -> None:
    year_2 = slice(52, 104)  # baseline has no Prime before week 104
    assert mean("prime_launch", "prime_members", year_2) > 0.0
    assert mean("baseline", "prime_members", year_2) == 0.0
    assert mean("prime_launch", "customers") > mean("baseline", "customers")


def _price_war() -> None:
    war = slice(156, 208)
    assert mean("price_war", "competitor_price_index", war) < mean(
        "baseline", "competitor_price_index", war
    )
    assert mean("price_war", "orders", war) < mean("baseline", "orders", war)
    assert mean("price_war", "customers") < mean("baseline", "customers")


def _fc_underbuild() -> None:
    late = slice(104, None)
    assert mean("fc_underbuild", "delivery_days", late) > mean("baseline", "delivery_days", late)
    assert mean("fc_underbuild", "fulfillment_centers") < mean("baseline", "fulfillment_centers")
    assert mean("fc_underbuild", "customers") < mean("baseline", "customers")


def _andon_cord() -> None:
    every_week = slice(None)
    contacts_per_order = {
        name: mean(name, "contacts", every_week) / mean(name, "orders", every_week)
        for name in ("andon_cord", "baseline")
    }
    assert contacts_per_order["andon_cord"] < contacts_per_order["baseline"]
    assert mean("andon_cord", "score_reliability") > mean("baseline", "score_reliability")
    assert mean("andon_cord", "perceived_cx") > mean("baseline", "perceived_cx")


def _short_term_profit() -> None:
    assert mean("short_term_profit", "price_index") > mean("baseline", "price_index")
    year_1 = slice(0, 52)
    assert mean("short_term_profit", "operating_margin_share", year_1) > mean(
        "baseline", "operating_margin_share", year_1
    )
    assert mean("short_term_profit", "orders", year_1) < mean("baseline", "orders", year_1)


def _demand_surge() -> None:
    surge = slice(260, 299)
    assert mean("demand_surge", "orders", surge) > mean("baseline", "orders", surge)
    assert mean("demand_surge", "utilisation", surge) > mean("baseline", "utilisation", surge)
    assert mean("demand_surge", "delivery_days", surge) > mean("baseline", "delivery_days", surge)


def _recession() -> None:
    downturn = slice(156, 234)
    assert mean("recession", "orders", downturn) < mean("baseline", "orders", downturn)
    assert mean("recession", "adoption", downturn) < mean("baseline", "adoption", downturn)


EXPECTATIONS: dict[str, Callable[[], None]] = {
    "no_marketplace": _no_marketplace,
    "prime_launch": _prime_launch,
    "price_war": _price_war,
    "fc_underbuild": _fc_underbuild,
    "andon_cord": _andon_cord,
    "short_term_profit": _short_term_profit,
    "demand_surge": _demand_surge,
    "recession": _recession,
}


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_shipped_scenario_answers_its_question(name: str) -> None:
    EXPECTATIONS[name]()
