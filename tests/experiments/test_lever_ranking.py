"""The Dashboard's lever ranking is `lever_importance` itself (its order, its numbers), read
as sentences; and the reconciliation texts name the right loops for a computed case."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.experiments import attribute, lever_importance
from flywheel.experiments.lever_ranking import (
    RANKING_SHARE,
    kpi_outcome,
    kpi_words,
    lever_ranking,
    ranked_levers,
    ranking_plan,
)
from flywheel.experiments.loop_reading import (
    BRAKE_PROTECTS,
    GAIN_SCALES,
    dominant_now,
    largest_contribution,
    loop_effects,
    sign_notes,
    watch_note,
    why_reconciliation,
)
from flywheel.experiments.outcomes import Outcome
from flywheel.scenario.lever_groups import lever_specs_by_name
from flywheel.scenario.schema import LOOP_IDS

LEVERS = ("seller_take_rate_share", "basket_usd", "price_cap_relative", "visit_rate_per_week")


@pytest.fixture(scope="module")
def three_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    return dataclasses.replace(baseline, horizon_weeks=156)


def test_each_kpi_card_has_its_outcome(three_years) -> None:
    assert kpi_outcome("revenue", 156) == Outcome("revenue_usd", year=3)
    assert kpi_outcome("operating_income", 520) == Outcome("operating_income_usd", year=10)
    assert kpi_outcome("customers", 156) == Outcome("customers")  # a level: the last week
    assert kpi_words("revenue") == "revenue over the last year"
    assert kpi_words("perceived_cx") == "perceived CX at the end"
    with pytest.raises(ValueError, match="'gmv' is not a KPI .*revenue, operating_income"):
        kpi_outcome("gmv", 156)
    assert ranking_plan(three_years, "customers", 2, 0, LEVERS).values["basket_usd"] == (
        pytest.approx(45.0),
        pytest.approx(55.0),
    )


def test_levers_at_zero_are_not_ranked(three_years) -> None:
    """A lever at 0 is switched off (10 % of 0 is no move): left out unless named."""
    names = ranked_levers(three_years)
    assert "basket_usd" in names and "seller_take_rate_share" in names
    assert three_years.levers.price_cap_relative == 0 and "price_cap_relative" not in names
    assert all(getattr(three_years.levers, name) != 0 for name in names)
    plan = ranking_plan(three_years, "revenue", 2, 0)
    assert list(plan.values) == names
    specs = lever_specs_by_name()
    for name, (low, high) in plan.values.items():  # ± 10 % of the value, clipped to the range
        value, spec = getattr(three_years.levers, name), specs[name]
        assert low == pytest.approx(max(spec.low, value - abs(value) * RANKING_SHARE))
        assert high == pytest.approx(min(spec.high, value + abs(value) * RANKING_SHARE))


@pytest.mark.parametrize("kpi", ["revenue", "customers"])
def test_the_ranking_is_the_importance_functions_order_and_numbers(three_years, kpi) -> None:
    rows = lever_ranking(three_years, kpi, 3, 1, LEVERS)
    table = lever_importance(
        three_years, kpi_outcome(kpi, 156), 3, 1, levers=LEVERS, share=RANKING_SHARE
    )
    assert list(rows["lever"]) == list(table["lever"])  # the same order: largest swing first
    assert rows.attrs["base"] == table.attrs["base"]
    for row, expected in zip(rows.itertuples(), table.itertuples(), strict=True):
        current = getattr(three_years.levers, row.lever)
        side = "high" if expected.high > current else "low"
        assert row.moved_to == getattr(expected, side)
        assert row.change == getattr(expected, f"{side}_change")
        assert row.change_percent == pytest.approx(row.change / abs(table.attrs["base"]) * 100)


def test_the_sentences_say_the_move_and_the_effect(three_years) -> None:
    rows = lever_ranking(three_years, "revenue", 3, 1, LEVERS).set_index("lever")
    basket = rows.loc["basket_usd"]
    assert basket.sentence.startswith("+10 % on Basket (50 → 55 USD/order): ")
    sign = "+" if basket.change_percent > 0 else "−"
    assert f"{sign}{abs(basket.change_percent):.1f} % revenue over the last year" in (
        basket.sentence
    )
    assert "$" in basket.sentence and " B)" in basket.sentence
    cap = rows.loc["price_cap_relative"]  # a lever at 0 moves 10 % of its range, no percentage
    assert three_years.levers.price_cap_relative == 0
    assert cap.sentence.startswith(f"Price cap relative from 0 to {cap.moved_to:g}")


@pytest.fixture(scope="module")
def computed_case(baseline):
    """The baseline's revenue attribution (4 replications) and its median gains at the last
    week: a case where the dominant loop and the largest contribution differ."""
    waterfall = attribute(baseline, "revenue_usd@year10", 4, 0).waterfall()
    results = flywheel.simulate(baseline, 4, 0)
    gains = {loop: float(np.median(results[f"gain_{loop}"][:, -1])) for loop in LOOP_IDS}
    return gains, loop_effects(waterfall)


def test_the_reconciliation_names_the_loops_of_a_computed_case(computed_case) -> None:
    gains, effects = computed_case
    dominant = max(LOOP_IDS, key=lambda loop: abs(gains[loop]))
    largest = max(LOOP_IDS, key=lambda loop: abs(effects[loop]))
    assert (dominant_now(gains), largest_contribution(effects)) == (dominant, largest)
    assert dominant != largest  # the baseline's case: R2 strongest, not largest for revenue
    text = why_reconciliation(gains, effects, "revenue", "at the end")
    lines = text.splitlines()
    assert lines[0].startswith(f"- Largest contribution to revenue: {largest} ")
    assert lines[1].startswith(f"- Dominant at the end, by loop gain: {dominant} ")
    assert f"{dominant}'s gain scales {GAIN_SCALES[dominant]}" in text
    assert f"{largest} adds most although its gain there is {gains[largest]:+.2f}" in text
    assert watch_note(gains, 0.1).count(dominant) == 1
    assert "leads this week" not in watch_note({loop: 0.01 for loop in LOOP_IDS}, 0.1)


def test_balancing_loops_that_add_to_the_outcome_are_explained(computed_case) -> None:
    _, effects = computed_case
    notes = sign_notes(effects, "revenue")
    positive_brakes = [loop for loop in LOOP_IDS if loop.startswith("B") and effects[loop] > 0]
    assert "B4" in positive_brakes  # seller crowding protects first-party sales (the issue's +2 B)
    for loop in positive_brakes:
        (note,) = [note for note in notes if note.startswith(f"{loop} ")]
        assert "although it is a brake" in note and BRAKE_PROTECTS[loop] in note
    negative_boosts = [loop for loop in LOOP_IDS if loop.startswith("R") and effects[loop] < 0]
    assert len(notes) == len(positive_brakes) + len(negative_boosts)
    assert sign_notes({"B1": -1.0, "R1": 2.0}, "revenue") == []
    (note,) = sign_notes({"R3": -5.0}, "operating income", lambda value: f"{value:+.0f}")
    assert note.startswith("R3 scale economics takes -5 from operating income")
