"""Recorders: what the engine does with every week's outputs as a run goes.

`engine.stream_batch` hands each week's outputs (arrays of shape (R,)) to a recorder and
returns its `finish()`. `SeriesRecorder` keeps whole series (what `run_batch` and `simulate`
return); experiments bring their own (Monte Carlo reduces each week to sums and kept values).

The outputs come as `OutputRows`, a dict whose arrays are rows of one block: the recorders
here copy the rows they keep in one compiled call (`copy_rows`) rather than one numpy
assignment per output (~0.4 µs each, 20-odd a week whatever the batch size).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

import numba
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


class OutputRows(dict[str, Array]):
    """The week's outputs by name, each a row of `block` ((rows, R)); `rows` names the row
    of each. A plain dict to a recorder that does not look further."""

    def __init__(self, block: Array, rows: dict[str, int]) -> None:
        super().__init__({name: block[row] for name, row in rows.items()})
        self.block = block
        self.rows = rows


@numba.njit(cache=True, nogil=True)
def copy_rows(block, rows, into, week, first_column):  # type: ignore[no-untyped-def]
    """`into[i, week, first_column + r] = block[rows[i], r]` for every row i of `rows` and
    column r of `block`: one week of the outputs kept, into (outputs, weeks, columns)."""
    for i in range(rows.size):
        for r in range(block.shape[1]):
            into[i, week, first_column + r] = block[rows[i], r]


def source_rows(outputs: dict[str, Array], names: Collection[str]) -> npt.NDArray[np.int64] | None:
    """The rows of `names` in `outputs.block` when `outputs` is `OutputRows`, else None."""
    if not isinstance(outputs, OutputRows):
        return None
    return np.array([outputs.rows[name] for name in names], dtype=np.int64)


def write_rows(
    outputs: dict[str, Array],
    rows: npt.NDArray[np.int64] | None,
    names: Collection[str],
    into: Array,
    week: int,
    columns: slice,
) -> None:
    """Write the week's `names` into `into[:, week, columns]` (outputs, weeks, columns): one
    compiled copy from the block when `rows` are known, else output by output."""
    if rows is not None:
        copy_rows(outputs.block, rows, into, week, columns.start or 0)  # type: ignore[attr-defined]
        return
    for index, name in enumerate(names):
        into[index, week, columns] = outputs[name]


class Recorder(Protocol):
    """Takes every week's outputs as the run goes (each of shape (R,), valid only during the
    call: copy what is kept); `stream_batch` returns its `finish()`."""

    def write(self, week: int, outputs: dict[str, Array]) -> None: ...

    def finish(self) -> Any: ...


# A recorder may also have `outputs`, the frozenset of output names it reads (None or no such
# attribute: all of them); the engine then skips outputs that nothing else needs.


class SeriesRecorder:
    """Keeps every output (or only those in `keep`) of every week: `finish()` gives
    {output: (R, weeks) array}.

    Rows are written week-major into one (outputs, weeks, R) array (one contiguous row per
    output and week); the series are the transposed views of its (weeks, R) slices.
    """

    def __init__(self, weeks: int, keep: Collection[str] | None = None) -> None:
        self.weeks = weeks
        self.keep = None if keep is None else frozenset(keep)
        self.outputs = self.keep  # what the engine must compute (None = everything)
        self.names: tuple[str, ...] = ()
        self.values = np.empty((0, 0, 0))
        self.rows: npt.NDArray[np.int64] | None = None

    def write(self, week: int, outputs: dict[str, Array]) -> None:
        if not self.names:
            self.names = tuple(n for n in outputs if self.keep is None or n in self.keep)
            replications = next(iter(outputs.values())).size
            self.values = np.empty((len(self.names), self.weeks, replications))
            self.rows = source_rows(outputs, self.names)
        write_rows(outputs, self.rows, self.names, self.values, week, slice(None))

    def finish(self) -> dict[str, Array]:
        series = {name: self.values[index].T for index, name in enumerate(self.names)}
        # The finished SimPy environment is a reference cycle (calendar callbacks -> env)
        # that still reaches this recorder: empty it, so the arrays are freed when the caller
        # drops the series rather than at the next full garbage collection (chunks piled up
        # in Monte Carlo).
        self.values = np.empty((0, 0, 0))
        return series


class ColumnsRecorder:
    """Writes the outputs `names` into columns `columns` of `values`, (outputs, weeks, R):
    one worker's share of a batch split over processes (the array in shared memory).

    `finish()` drops the array (views on the shared block must be gone before it closes).
    """

    def __init__(self, values: Array, names: tuple[str, ...], columns: slice) -> None:
        self.values = values
        self.names = names
        self.columns = columns
        self.outputs = frozenset(names)
        self.rows: npt.NDArray[np.int64] | None = None
        self.is_started = False

    def write(self, week: int, outputs: dict[str, Array]) -> None:
        if not self.is_started:
            self.rows = source_rows(outputs, self.names)
            self.is_started = True
        write_rows(outputs, self.rows, self.names, self.values, week, self.columns)

    def finish(self) -> None:
        self.values = np.empty((0, 0, 0))
