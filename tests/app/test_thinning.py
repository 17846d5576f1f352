"""The charts' weeks (flywheel/plots/thinning.py): ~160 points a chart that keep every
extreme the full weekly line reaches, each a real week."""

from __future__ import annotations

import numpy as np
import pytest

from flywheel import simulate
from flywheel.plots import charts, thinning
from flywheel.results.summary import summarise


def test_a_short_series_keeps_every_week():
    series = np.arange(30.0).reshape(2, 15)
    for weeks in thinning.extreme_weeks(series, 14, runs=10):
        np.testing.assert_array_equal(weeks, np.arange(15))


def test_a_long_series_keeps_its_spikes_ends_and_at_most_two_weeks_a_run():
    rng = np.random.default_rng(3)
    series = rng.normal(size=(3, 1514)).cumsum(axis=1)
    series[0, 777] = 1e6  # a one-week spike, e.g. a centre's capital spending
    series[1, 901] = -1e6
    series[2, 5:9] = np.nan  # no value: neither a low nor a high
    picked = thinning.extreme_weeks(series, 1513, runs=40)
    assert 777 in picked[0] and 901 in picked[1]
    for row, weeks in zip(series, picked, strict=True):
        assert weeks[0] == 0 and weeks[-1] == 1513
        assert np.all(np.diff(weeks) > 0)  # sorted, each once
        assert weeks.size <= 2 * 40 + 2
        assert row[weeks].max() == np.nanmax(row) and row[weeks].min() == np.nanmin(row)
    until = thinning.extreme_weeks(series, 600, runs=40)  # a playhead at week 600
    assert all(weeks[-1] == 600 and weeks.max() == 600 for weeks in until)


@pytest.fixture(scope="module")
def summary(baseline):
    return summarise(simulate(baseline, 20, 0))


def test_the_fan_grid_sends_about_160_real_weeks_a_panel_with_the_same_extremes(summary):
    """Fewer points than every second week (261), each panel's axis range unchanged: its
    5 % low and 95 % high are among the weeks sent; every value is that week's own."""
    frame = charts.band_frame(summary, reference=summary)
    dates = summary.dates()
    for panel, (name, _title, divisor, _unit) in zip(
        charts.PANELS, charts.CHART_OUTPUTS, strict=True
    ):
        rows = frame[frame["panel"] == panel]
        assert len(rows) <= 200 and rows["date"].is_monotonic_increasing
        band = summary.band(name) / divisor
        weeks = np.searchsorted(dates, rows["date"].to_numpy())
        assert weeks[0] == 0 and weeks[-1] == summary.weeks - 1
        for column, statistic in (("q05", 0), ("q50", 2), ("q95", 4), ("preset", 2)):
            np.testing.assert_array_equal(rows[column].to_numpy(), band[statistic, weeks])
        assert rows["q95"].max() == band[4].max() and rows["q05"].min() == band[0].min()
    assert len(frame) < len(charts.PANELS) * summary.weeks / 2


def test_loop_gains_keep_each_loops_strongest_week(summary):
    frame = charts.gains_frame(summary)
    for loop, label in zip(charts.GAIN_OUTPUTS, charts.LOOP_LABELS, strict=True):
        gains = frame.loc[frame["loop"] == label, "gain"].to_numpy()
        median = summary.band(loop)[2]
        assert gains.size <= 2 * thinning.CHART_RUNS + 2
        assert gains.max() == median.max() and gains.min() == median.min()
