"""The recorders (`flywheel.engine.recording`, issue 22 item 1): the compiled copy of a
week's rows from the engine's block writes what the output-by-output copy wrote."""

from __future__ import annotations

import numpy as np

from flywheel.engine.recording import ColumnsRecorder, OutputRows, SeriesRecorder

NAMES = ("customers", "orders", "revenue_usd", "queue_wait_hours")
WEEKS = 5


def weekly_blocks(replications: int) -> list[np.ndarray]:
    """One (6, R) output block a week (rows `ROWS`; NAMES are four of them)."""
    rng = np.random.default_rng(7)
    return [rng.normal(size=(6, replications)) for _ in range(WEEKS)]


ROWS = {
    "other": 0,
    "customers": 1,
    "orders": 2,
    "skipped": 3,
    "revenue_usd": 4,
    "queue_wait_hours": 5,
}


def record(recorder, blocks: list[np.ndarray], as_rows: bool) -> None:  # type: ignore[no-untyped-def]
    block = np.empty_like(blocks[0])
    outputs = OutputRows(block, ROWS)
    plain = {name: block[row] for name, row in ROWS.items()}
    for week, values in enumerate(blocks):
        block[:] = values  # the engine rewrites its block in place every week
        recorder.write(week, outputs if as_rows else plain)


def test_series_recorder_keeps_the_same_series_from_rows_or_a_dict() -> None:
    blocks = weekly_blocks(3)
    from_rows, from_dict = SeriesRecorder(WEEKS, NAMES), SeriesRecorder(WEEKS, NAMES)
    record(from_rows, blocks, as_rows=True)
    record(from_dict, blocks, as_rows=False)
    series, expected = from_rows.finish(), from_dict.finish()
    assert tuple(series) == NAMES == tuple(expected)
    for name in NAMES:
        wanted = np.stack([block[ROWS[name]] for block in blocks], axis=1)  # (R, weeks)
        np.testing.assert_array_equal(series[name], wanted)
        np.testing.assert_array_equal(expected[name], wanted)
        assert series[name].T.flags.c_contiguous  # week-major rows, as Monte Carlo reads them


def test_columns_recorder_fills_only_its_columns() -> None:
    blocks = weekly_blocks(2)
    shared = np.full((len(NAMES), WEEKS, 5), -1.0)
    recorder = ColumnsRecorder(shared, NAMES, slice(2, 4))
    record(recorder, blocks, as_rows=True)
    recorder.finish()
    for index, name in enumerate(NAMES):
        wanted = np.stack([block[ROWS[name]] for block in blocks])  # (weeks, R)
        np.testing.assert_array_equal(shared[index, :, 2:4], wanted)
    assert (shared[:, :, :2] == -1.0).all() and (shared[:, :, 4:] == -1.0).all()
    plain = np.full_like(shared, -1.0)
    by_name = ColumnsRecorder(plain, NAMES, slice(2, 4))
    record(by_name, blocks, as_rows=False)
    np.testing.assert_array_equal(plain, shared)
