"""Which weeks a chart draws: a few hundred points a series, where the eye cannot tell.

A 10-year weekly run has 520 weeks and the 29-year Amazon record 1 514, while a chart panel
is 250-600 CSS pixels wide: several weeks share a pixel column, and sending and drawing them
all costs the browser more than it shows. Keeping every k-th week instead drops one-week
spikes (a centre's capital spending, the holiday peak) in some years and not in others. So
each run of weeks keeps the week of its lowest and of its highest value (min-max decimation):
the line still reaches every extreme the full line reaches, and every point is a real week,
so a tooltip shows that week's own numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

# Runs of weeks per chart: the extremes of its band's edges and median in each, plus weeks 0
# and the last; ~160 points a chart (40 runs of a 10-year run are 13 weeks, ~7 pixels of a
# 280-pixel panel). Measured against every week's envelope per pixel column, the baseline's
# worst column is off by less than with every second week (261 points).
CHART_RUNS = 40
BAND_EDGES = (0, 2, 4)  # the rows of (q05, q25, q50, q75, q95) whose extremes are kept


def extreme_weeks(
    series: npt.NDArray[np.floating], last: int, runs: int = CHART_RUNS
) -> list[npt.NDArray[np.int_]]:
    """The weeks to draw of each row of `series` (rows: series, columns: weeks from 0), up to
    week `last`: week 0, week `last` and, in each of `runs` equal runs of weeks, the week of
    the run's lowest and of its highest value (NaN is neither); sorted, each once. Every week
    when there are no more than 2 x `runs` of them."""
    count = last + 1
    if count <= 2 * runs:
        return [np.arange(count)] * len(series)
    size = math.ceil(count / runs)
    padded = math.ceil(count / size) * size
    values = np.pad(np.asarray(series)[:, :count], ((0, 0), (0, padded - count)), mode="edge")
    shaped = values.reshape(len(series), -1, size)
    offsets = np.arange(0, padded, size)
    nan = np.isnan(shaped)
    lows = np.where(nan, np.inf, shaped).argmin(axis=2) + offsets
    highs = np.where(nan, -np.inf, shaped).argmax(axis=2) + offsets
    ends = np.array([0, last])
    return [
        np.unique(np.concatenate((ends, np.minimum(low, last), np.minimum(high, last))))
        for low, high in zip(lows, highs, strict=True)
    ]


def band_weeks(
    bands: npt.NDArray[np.floating], last: int, runs: int = CHART_RUNS
) -> list[npt.NDArray[np.int_]]:
    """The weeks to draw of each panel of `bands` (panels, statistics q05 q25 q50 q75 q95,
    weeks): the extremes (`extreme_weeks`) of its 5 %, median and 95 % rows, in one set."""
    return [
        np.unique(np.concatenate(extreme_weeks(panel[list(BAND_EDGES)], last, runs)))
        for panel in bands
    ]


def gathered(values: npt.NDArray[Any], weeks: list[npt.NDArray[np.int_]]) -> npt.NDArray[Any]:
    """Row i of `values` (a 2-D array; or one 1-D array for every row) at `weeks[i]`, end to
    end: a long frame's column."""
    if values.ndim == 1:
        return np.concatenate([values[w] for w in weeks])
    return np.concatenate([row[w] for row, w in zip(values, weeks, strict=True)])
