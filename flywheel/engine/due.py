"""The calendar's bookkeeping of moves due at future weeks, compiled.

`clock._Calendar` keeps, per kind of move (FC openings, hire arrivals, outage repairs), a
dense (span, R) ring of the amounts due at each future week (week w in row w % span), and one
SimPy event per due week that applies them. Scheduling a week's decisions and applying a due
row were each a dozen numpy calls, ~1 µs each however few replications there are, three of
each a week: about a fifth of a 100-replication run (bench/RESULTS.md, "issue 22, item 1").
Here each is one compiled loop over the replications; the SimPy events stay in `clock`.

The arithmetic is numpy's: a due week is `now + max(1, round(delay))` (round half to even,
as `np.round`), amounts are added to a ring row and applied as `stock + amount` and
`max(stock - amount, 0)`, so the numbers are those of the numpy calendar.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
JIT_OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}
NO_STOCK = -1  # a move from (or to) outside the stocks
LONGEST_DELAY_WEEKS = 2**31  # an infinite or huge delay: due far past any horizon
RING_TOO_SHORT = -1  # `add_due`: a move falls due `span` or more weeks ahead


@numba.njit(**JIT_OPTIONS)
def _delay_weeks(delay: float) -> int:  # type: ignore[no-untyped-def]
    """A delay in whole weeks, at least 1 (NaN: 1)."""
    weeks = np.rint(delay)
    if not weeks >= 1.0:
        return 1
    return int(min(weeks, LONGEST_DELAY_WEEKS))


@numba.njit(**JIT_OPTIONS)
def longest_delay_weeks(values, delays, now, horizon_weeks):  # type: ignore[no-untyped-def]
    """The longest whole-week delay of a move (values > 0) due before `horizon_weeks`, or 0."""
    longest = 0
    for r in range(values.size):
        if values[r] > 0:
            delay = _delay_weeks(delays[r])
            if now + delay < horizon_weeks and delay > longest:
                longest = delay
    return longest


@numba.njit(**JIT_OPTIONS)
def add_due(ring, values, delays, now, horizon_weeks, is_week_scheduled, new_weeks):  # type: ignore[no-untyped-def]
    """Add each replication's `values` > 0 to `ring` at the week it falls due, `delays` (in
    weeks, rounded, at least 1) from `now`; moves due at or after `horizon_weeks` are dropped.

    The due weeks not yet in `is_week_scheduled` are marked there and written to `new_weeks`
    (length >= R), and their count returned: the caller schedules one event for each.
    Returns `RING_TOO_SHORT`, having changed nothing, when a move is due `span` (the ring's
    rows) or more weeks ahead: the caller grows the ring and calls again.
    """
    span = ring.shape[0]
    for r in range(values.size):
        if values[r] > 0:
            due = now + _delay_weeks(delays[r])
            if due < horizon_weeks and due - now >= span:
                return RING_TOO_SHORT
    count = 0
    for r in range(values.size):
        if values[r] > 0:
            due = now + _delay_weeks(delays[r])
            if due < horizon_weeks:
                ring[due % span, r] += values[r]
                if not is_week_scheduled[due]:
                    is_week_scheduled[due] = True
                    new_weeks[count] = due
                    count += 1
    return count


@numba.njit(**JIT_OPTIONS)
def apply_due(ring, row, stocks, increase, decrease):  # type: ignore[no-untyped-def]
    """Move the amounts in `ring[row]` from stock row `decrease` (never below 0) to stock row
    `increase` of `stocks` ((stocks, R); either may be `NO_STOCK`), and empty the ring row
    for the week `span` weeks on."""
    for r in range(ring.shape[1]):
        amount = ring[row, r]
        ring[row, r] = 0.0
        if increase != NO_STOCK:
            stocks[increase, r] = stocks[increase, r] + amount
        if decrease != NO_STOCK:
            stocks[decrease, r] = np.maximum(stocks[decrease, r] - amount, 0.0)


def compile_due() -> None:
    """Compile (or load from numba's disk cache) the functions above with the argument types
    the calendar passes (`step.compile_kernel` calls it after installing)."""
    ring = np.zeros((2, 1))
    values, delays = np.ones(1), np.ones(1)
    is_week_scheduled = np.zeros(2, dtype=np.bool_)
    new_weeks = np.zeros(1, dtype=np.int64)
    longest_delay_weeks(values, delays, 0, 2)
    add_due(ring, values, delays, 0, 2, is_week_scheduled, new_weeks)
    apply_due(ring, 1, np.zeros((2, 1)), 0, 1)
