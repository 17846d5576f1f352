"""Recorders: what the engine does with every week's outputs as a run goes.

`engine.stream_batch` hands each week's outputs (arrays of shape (R,)) to a recorder and
returns its `finish()`. `SeriesRecorder` keeps whole series (what `run_batch` and `simulate`
return); experiments bring their own (Monte Carlo reduces each week to sums and kept values).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


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

    Rows are written week-major (one contiguous row per output and week); the series are the
    transposed views.
    """

    def __init__(self, weeks: int, keep: Collection[str] | None = None) -> None:
        self.weeks = weeks
        self.keep = None if keep is None else frozenset(keep)
        self.outputs = self.keep  # what the engine must compute (None = everything)
        self.rows: dict[str, Array] = {}

    def write(self, week: int, outputs: dict[str, Array]) -> None:
        if not self.rows:
            for name, values in outputs.items():
                if self.keep is None or name in self.keep:
                    self.rows[name] = np.empty((self.weeks, values.size))
        for name, rows in self.rows.items():
            rows[week] = outputs[name]

    def finish(self) -> dict[str, Array]:
        series = {name: rows.T for name, rows in self.rows.items()}
        # The finished SimPy environment is a reference cycle (calendar callbacks -> env)
        # that still reaches this recorder: empty it, so the arrays are freed when the caller
        # drops the series rather than at the next full garbage collection (chunks piled up
        # in Monte Carlo).
        self.rows = {}
        return series


class ColumnsRecorder:
    """Writes the outputs named in `rows` into columns `columns` of their (weeks, R) arrays:
    one worker's share of a batch split over processes (the arrays in shared memory).

    `finish()` drops the arrays (views on the shared block must be gone before it closes).
    """

    def __init__(self, rows: dict[str, Array], columns: slice) -> None:
        self.rows = rows
        self.columns = columns
        self.outputs = frozenset(rows)

    def write(self, week: int, outputs: dict[str, Array]) -> None:
        for name, rows in self.rows.items():
            rows[week, self.columns] = outputs[name]

    def finish(self) -> None:
        self.rows = {}
