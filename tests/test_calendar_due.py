"""The calendar's compiled bookkeeping (`flywheel.engine.due`, issue 22 item 1) against the
numpy calendar it replaced: the same ring rows, the same due weeks, the same stocks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flywheel.engine.due import (
    NO_STOCK,
    RING_TOO_SHORT,
    add_due,
    apply_due,
    longest_delay_weeks,
)

SPAN = 64
HORIZON_WEEKS = 120


def numpy_add_due(ring, values, delays, now, horizon_weeks, is_week_scheduled):
    """The numpy calendar's scatter (clock._Calendar.schedule before issue 22): the new due
    weeks, sorted."""
    due_weeks = now + np.maximum(1, np.round(delays).astype(np.int64))
    rows = np.flatnonzero((values > 0) & (due_weeks < horizon_weeks))
    weeks = due_weeks[rows]
    ring[weeks % ring.shape[0], rows] += values[rows]
    new = sorted(set(weeks[~is_week_scheduled[weeks]].tolist()))
    is_week_scheduled[new] = True
    return new


delay_values = st.one_of(
    st.floats(0.0, 60.0),
    st.sampled_from([0.5, 1.5, 2.5, 3.5, -2.0, 0.0]),  # halves round to even, as np.round
)


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.tuples(st.floats(-2.0, 5.0), delay_values), min_size=1, max_size=12),
    now=st.integers(0, HORIZON_WEEKS - 1),
    scheduled=st.sets(st.integers(0, HORIZON_WEEKS - 1), max_size=20),
)
def test_add_due_scatters_as_numpy_did(data, now, scheduled) -> None:
    values = np.array([value for value, _ in data])
    delays = np.array([delay for _, delay in data])
    ring = np.random.default_rng(0).uniform(0.0, 3.0, (SPAN, values.size))
    expected_ring = ring.copy()
    is_week_scheduled = np.zeros(HORIZON_WEEKS, dtype=bool)
    is_week_scheduled[list(scheduled)] = True
    expected_scheduled = is_week_scheduled.copy()
    new_weeks = np.zeros(values.size, dtype=np.int64)

    count = add_due(ring, values, delays, now, HORIZON_WEEKS, is_week_scheduled, new_weeks)
    expected_new = numpy_add_due(
        expected_ring, values, delays, now, HORIZON_WEEKS, expected_scheduled
    )

    np.testing.assert_array_equal(ring, expected_ring)
    assert sorted(new_weeks[:count].tolist()) == expected_new
    np.testing.assert_array_equal(is_week_scheduled, expected_scheduled)


def test_a_move_past_the_ring_changes_nothing_and_says_so() -> None:
    ring = np.zeros((SPAN, 3))
    values = np.array([1.0, 2.0, 0.0])
    delays = np.array([3.0, 70.0, 500.0])  # 70 weeks ahead: past a 64-row ring
    is_week_scheduled = np.zeros(HORIZON_WEEKS, dtype=bool)
    new_weeks = np.zeros(3, dtype=np.int64)
    count = add_due(ring, values, delays, 10, HORIZON_WEEKS, is_week_scheduled, new_weeks)
    assert count == RING_TOO_SHORT
    assert not ring.any() and not is_week_scheduled.any()
    # the longest delay of a move due before the horizon (500 weeks has no value; 70 counts)
    assert longest_delay_weeks(values, delays, 10, HORIZON_WEEKS) == 70
    assert longest_delay_weeks(values, delays, 60, HORIZON_WEEKS) == 3  # 60 + 70 is past it
    assert longest_delay_weeks(np.zeros(3), delays, 10, HORIZON_WEEKS) == 0


@pytest.mark.parametrize("delay", [np.nan, -np.inf, 0.2])
def test_a_delay_under_one_week_is_one_week(delay: float) -> None:
    ring = np.zeros((SPAN, 1))
    is_week_scheduled = np.zeros(HORIZON_WEEKS, dtype=bool)
    new_weeks = np.zeros(1, dtype=np.int64)
    count = add_due(
        ring, np.ones(1), np.array([delay]), 5, HORIZON_WEEKS, is_week_scheduled, new_weeks
    )
    assert count == 1 and new_weeks[0] == 6 and ring[6, 0] == 1.0


def test_an_endless_delay_never_falls_due() -> None:
    ring = np.zeros((SPAN, 1))
    is_week_scheduled = np.zeros(HORIZON_WEEKS, dtype=bool)
    new_weeks = np.zeros(1, dtype=np.int64)
    count = add_due(
        ring, np.ones(1), np.array([np.inf]), 5, HORIZON_WEEKS, is_week_scheduled, new_weeks
    )
    assert count == 0 and not ring.any()


def test_apply_due_moves_the_row_between_stocks_and_empties_it() -> None:
    ring = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 2.5]])
    stocks = np.array([[10.0, 20.0, 30.0], [0.5, 4.0, 1.0], [7.0, 7.0, 7.0]])
    apply_due(ring, 1, stocks, 0, 1)
    np.testing.assert_array_equal(stocks[0], [11.0, 20.0, 32.5])
    np.testing.assert_array_equal(stocks[1], [0.0, 4.0, 0.0])  # never below zero
    np.testing.assert_array_equal(stocks[2], [7.0, 7.0, 7.0])
    assert not ring.any()
    ring[0] = [1.0, 1.0, 1.0]
    apply_due(ring, 0, stocks, NO_STOCK, 2)  # to outside the stocks (a repair)
    np.testing.assert_array_equal(stocks[2], [6.0, 6.0, 6.0])
    np.testing.assert_array_equal(stocks[0], [11.0, 20.0, 32.5])
