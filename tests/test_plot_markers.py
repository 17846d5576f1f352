"""`flywheel plot` shows a scenario's story (issue 22 item 7): dated events as vertical lines
(shaded while they last, labelled on the top row) and robust y limits, so that one spike does
not flatten a panel; the caption says what the lines are and which panels are clipped."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import flywheel
from flywheel.plots import dashboard, markers
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR, Scenario, scenario_from_dict

matplotlib.use("Agg")


def test_the_price_wars_events_are_marked_with_their_dates():
    scenario = flywheel.load_scenario(SHIPPED_SCENARIOS_DIR / "price_war.toml")
    marks = markers.event_marks(scenario)
    war = next(mark for mark in marks if mark.label == "price_war")
    start = np.datetime64(scenario.week_date(156))
    assert war.start == start and war.end == start + np.timedelta64(52 * 7, "D") and war.lasts
    prime = next(mark for mark in marks if mark.label == "prime")  # from its base, a launch
    assert not prime.lasts
    assert [mark.start for mark in marks] == sorted(mark.start for mark in marks)


def test_a_single_spike_is_clipped_and_reported():
    line = np.full(520, 3.0) + np.linspace(0, 1, 520)
    line[300] = 500.0  # one week in 520
    limits = markers.robust_limits(line, line)
    assert limits.is_clipped and limits.clipped_top == 500.0
    assert 4.0 < limits.top < 5.0 and limits.bottom < 3.0  # the ordinary weeks fill the axis
    assert limits.clipped_bottom is None


def test_a_panel_without_spikes_keeps_its_whole_range():
    line = np.linspace(10.0, 90.0, 520)
    limits = markers.robust_limits(line - 5, line + 5)
    assert not limits.is_clipped
    assert limits.bottom < 5.0 and limits.top > 95.0


def test_recurring_highs_are_not_clipped():
    """Highs in many weeks (a congestion peak every fourth quarter) are the story, not a
    spike: the axis keeps them."""
    line = np.full(520, 3.0)
    for year in range(10):
        line[52 * year + 40 : 52 * year + 50] = 15.0  # 10 weeks a year
    assert not markers.robust_limits(line, line).is_clipped


def test_a_dip_is_clipped_at_the_bottom_too():
    line = np.linspace(100.0, 110.0, 520)
    line[10] = -1000.0
    limits = markers.robust_limits(line, line)
    assert limits.clipped_bottom == -1000.0 and limits.clipped_top is None
    assert limits.bottom > 90.0


def test_non_finite_values_are_left_out_of_the_limits():
    line = np.array([1.0, 2.0, np.nan, np.inf, 3.0])
    limits = markers.robust_limits(line, line)
    assert np.isfinite(limits.bottom) and np.isfinite(limits.top)
    assert markers.robust_limits(np.array([np.nan]), np.array([np.nan])) == markers.Limits(0, 1)


def test_close_labels_leave_the_later_one_out():
    day = np.datetime64("2026-01-01")
    marks = [
        markers.EventMark("a", day + np.timedelta64(700, "D"), day + np.timedelta64(700, "D")),
        markers.EventMark("b", day + np.timedelta64(707, "D"), day + np.timedelta64(707, "D")),
        markers.EventMark("c", day + np.timedelta64(2000, "D"), day + np.timedelta64(2000, "D")),
    ]
    assert markers.labels_that_fit(marks, day, day + np.timedelta64(3640, "D")) == [
        True,
        False,
        True,
    ]


SHORT_WAR = {
    "name": "short_war",
    "horizon_weeks": 104,
    "events": [
        {"kind": "prime_launch", "week": 20, "id": "prime"},
        {"kind": "price_war", "week": 40, "duration_weeks": 26, "depth_share": 0.2},
    ],
}


def _short_war():
    """A 2-year run with a Prime launch at week 20 and a price war from week 40 to week 66."""
    return flywheel.simulate(scenario_from_dict(SHORT_WAR, origin="test"), 4, 0)


@pytest.fixture(scope="module")
def war_results():
    return _short_war()


def _event_lines(axis) -> list:
    return [line for line in axis.get_lines() if line.get_linestyle() == "--"]


@pytest.mark.parametrize("draw", [dashboard.dashboard, dashboard.fan_chart])
def test_every_panel_shows_the_events_and_the_caption_says_what_they_are(draw, war_results):
    figure = draw(war_results)
    panels = [axis for axis in figure.axes if axis.get_visible()]
    for index, axis in enumerate(panels):
        assert len(_event_lines(axis)) == 2, index
        assert len(axis.patches) >= 1  # the price war's shading
        labels = [text.get_text().strip() for text in axis.texts]
        assert labels == (["prime", "price_war"] if index < 3 else [])
    caption = figure.get_supxlabel()
    assert "the scenario's events (prime 2026-05-" in caption
    assert "price_war 2026-10-" in caption and "shaded" in caption


def test_a_spiking_output_is_clipped_and_named_in_the_caption():
    spiked = _short_war()  # its own run: the spike is written into its arrays
    spiked["queue_wait_hours"][:, 50] = 1e4  # one week of a 104-week run
    figure = dashboard.dashboard(spiked)
    axis = next(a for a in figure.axes if a.get_title().startswith("Service queue wait"))
    assert axis.get_ylim()[1] < 1e4 * 60 / 10
    assert "Service queue wait (peak 6e+05 minutes)" in figure.get_supxlabel()
    triangles = [line for line in axis.get_lines() if line.get_marker() == "^"]
    assert len(triangles) == 1 and len(triangles[0].get_xdata()) == 1


def test_a_scenario_without_events_has_no_lines_and_no_caption():
    results = flywheel.simulate(Scenario(horizon_weeks=30), 2, 0)
    figure = dashboard.dashboard(results)
    assert all(not _event_lines(axis) for axis in figure.axes)
    assert figure.get_supxlabel() in ("", None) or "events" not in figure.get_supxlabel()
