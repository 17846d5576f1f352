"""The app's sidebar keeps a scenario's dated knockouts (issue 19, item 7): a loop cut from a
date shows as cut, and stays cut from that date while its box stays ticked."""

from __future__ import annotations

import dataclasses

import pytest

from flywheel import load_scenario
from flywheel.scenario.loading import DatedKnockout


def test_a_dated_cut_survives_the_sidebar(monkeypatch: pytest.MonkeyPatch) -> None:
    from flywheel.ui import state as ui_state

    widgets: dict = {}
    monkeypatch.setattr(ui_state.st, "session_state", widgets)
    baseline = load_scenario("scenarios/baseline.toml")
    dated = DatedKnockout(loop="R2", week=100)
    scenario = dataclasses.replace(baseline, knockouts=("B1", dated))
    ui_state.load_into_state("baseline", scenario)
    assert widgets["cut:R2"] is True and widgets["cut:B1"] is True
    assert widgets["cut:R1"] is False
    built, error = ui_state.scenario_from_state(scenario)
    assert error == "" and built.knockouts == (dated, "B1")
    widgets["cut:R2"], widgets["cut:R4"] = False, True
    built, error = ui_state.scenario_from_state(scenario)
    assert error == "" and built.knockouts == ("R4", "B1")  # in loop order, R2 no longer cut


def test_the_cut_box_says_from_when_the_preset_cuts_the_loop() -> None:
    from flywheel.ui.sidebar import cut_label

    baseline = load_scenario("scenarios/baseline.toml")
    scenario = dataclasses.replace(baseline, knockouts=("B1", DatedKnockout(loop="R2", week=104)))
    assert cut_label("R2", scenario) == (
        f"Cut loop R2 from {baseline.week_date(104)} (hold its link at its value then)"
    )
    assert cut_label("B1", scenario) == "Cut loop B1 (hold its link at week 0)"
    assert cut_label("R1", scenario) == "Cut loop R1 (hold its link at week 0)"
