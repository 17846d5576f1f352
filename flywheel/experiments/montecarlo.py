"""Monte Carlo: many replications of one scenario, streamed in chunks.

Replications 0 .. n-1 are cut into chunks of `chunk_size` (by default
`auto_chunk_size(n, STREAMED_CHUNK)`, about 2500, or about 2000 with `keep_all`; boundaries
depend only on n, `chunk_size` and `keep_all`). Each chunk runs as one lockstep batch
where the executor puts it and comes back reduced to (a) per-week sums of every output, in
float64, and (b) the per-week values of the outputs whose quantiles were asked for,
week-major, stored as float32 (or float64 with `exact=True`).

- Means are exact: float64 sums added chunk by chunk in chunk order, divided by n.
- Quantiles are exact order statistics (numpy's default linear interpolation) of the stored
  values: with float32 storage that is of values rounded to float32 (relative error <= 6e-8,
  far below Monte Carlo error); `exact=True` stores float64 and gives exactly
  `Results.quantiles()`. Only the requested outputs are kept, in memory below
  `memmap_bytes` and in a temporary memory-mapped file above it, so 100 000 replications never
  hold every series. `keep_all=True` also keeps every series in float64 (and returns Results).

The kept values are week-major, (outputs, weeks, replications): a week's replications are one
contiguous row, so a chunk lands as row segments and the quantile pass is the library's one
quantile function on those rows (`flywheel.results.quantiles.row_quantiles`: it sorts whole
rows and reads the order statistics off them, about 4x faster than `np.quantile`'s partition
of unsorted data, and the same numbers). Monte Carlo keeps no streaming estimator of its own:
its quantiles are exact order statistics of the kept values, as `Results.quantiles()`.
With local worker processes the workers write their chunks into the kept file and then
share the quantile pass, one output each at a time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.engine.clock import check_outputs
from flywheel.experiments.executors import (
    STREAMED_CHUNK,
    TARGET_CHUNK,
    AutoExecutor,
    Batch,
    Executor,
    ProcessExecutor,
    Progress,
    SequentialExecutor,
    Series,
    auto_chunk_size,
    chunk_ids,
)
from flywheel.experiments.outcomes import output_names
from flywheel.results.quantiles import row_quantiles, statistic_label
from flywheel.results.simulation import check_first_replication
from flywheel.results.weekly import QUANTILES, Results
from flywheel.scenario.loading import Scenario

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_OUTPUTS = (
    "customers",
    "sellers",
    "skus",
    "orders",
    "revenue_usd",
    "operating_income_usd",
    "cash_usd",
    "price_index",
    "unit_cost_usd",
    "perceived_cx",
    "delivery_days",
    "fulfillment_centers",
    "queue_wait_hours",
    "prime_members",
    "insolvent",
)
MEMMAP_BYTES = 512 * 2**20  # above this the kept values go to a temporary file


@dataclass(frozen=True)
class _Reducer:
    """Chunk -> float64 per-week sums of every output, and the kept outputs' values as one
    (outputs, weeks, chunk) array of `dtype` (week-major: the engine's own row layout).

    With `kept_file` (local worker processes only) the kept values are written straight into
    that (outputs, weeks, replications) memory-mapped file, at the chunk's columns, and not
    returned: pickling them through a pipe cost ~0.1 s of CPU per 1250-replication chunk.
    """

    outputs: tuple[str, ...]
    dtype: str
    keep_all: bool
    kept_file: str | None = None
    replications: int = 0  # columns of the kept file
    first_replication: int = 0  # replication id of its column 0

    def kept_values(self, batch: Batch, weeks: int) -> npt.NDArray[Any]:
        """Where this chunk's kept values go: its columns of the kept file, or a new array."""
        if self.kept_file is not None:
            shape = (len(self.outputs), weeks, self.replications)
            start = int(batch.ids[0]) - self.first_replication  # chunk ids are contiguous
            file = np.memmap(self.kept_file, dtype=self.dtype, mode="r+", shape=shape)
            return file[:, :, start : start + batch.size]
        return np.empty((len(self.outputs), weeks, batch.size), dtype=self.dtype)

    def recorder(self, batch: Batch) -> _ChunkRecorder | None:
        """Streams the chunk week by week (`executors.run_one`); None with `keep_all`, which
        needs the whole series."""
        if self.keep_all:
            return None
        return _ChunkRecorder(self, batch, self.kept_values(batch, batch.scenario.horizon_weeks))

    def __call__(self, series: Series, batch: Batch) -> dict[str, Any]:
        """The same reduction of a whole chunk's series (with `keep_all`)."""
        weeks = next(iter(series.values())).shape[1]
        kept = self.kept_values(batch, weeks)
        for row, name in enumerate(self.outputs):
            kept[row] = series[name].T  # contiguous rows of the engine's week-major record
        return {
            "sums": {name: values.sum(axis=0) for name, values in series.items()},
            "kept": None if self.kept_file is not None else kept,
            "all": series if self.keep_all else None,
        }


class _ChunkRecorder:
    """One chunk's reduction, a week at a time: the week's sum of every output over the
    chunk's replications (float64; the same numbers as summing the whole series) and the kept
    outputs' values. Holds (outputs, weeks) sums, never the chunk's series."""

    def __init__(self, reducer: _Reducer, batch: Batch, kept: npt.NDArray[Any]) -> None:
        self.reducer = reducer
        self.kept = kept
        self.weeks = batch.scenario.horizon_weeks
        self.names: tuple[str, ...] = ()
        self.sums = np.empty((0, 0))

    def write(self, week: int, outputs: dict[str, npt.NDArray[np.float64]]) -> None:
        if not self.names:
            self.names = tuple(outputs)
            self.sums = np.empty((len(self.names), self.weeks))
        np.stack(list(outputs.values())).sum(axis=1, out=self.sums[:, week])
        for row, name in enumerate(self.reducer.outputs):
            self.kept[row, week] = outputs[name]

    def finish(self) -> dict[str, Any]:
        in_file = self.reducer.kept_file is not None
        return {
            "sums": dict(zip(self.names, self.sums, strict=True)),
            "kept": None if in_file else self.kept,
            "all": None,
        }


@dataclass(frozen=True)
class MonteCarlo:
    """Per-week means of every output and quantiles of the kept outputs over n replications."""

    scenario: Scenario
    seed: int
    replications: int
    means: dict[str, npt.NDArray[np.float64]]
    quantile_values: dict[str, npt.NDArray[np.float64]]  # output -> (len(quantiles), weeks)
    quantile_levels: tuple[float, ...]
    results: Results | None = None

    def quantiles(self) -> pd.DataFrame:
        """Long frame as `Results.quantiles()`: week, output, statistic (q05..q95, mean), value."""
        import pandas as pd

        weeks = np.arange(self.scenario.horizon_weeks)
        parts = []
        for name, table in self.quantile_values.items():
            labels = [statistic_label(q) for q in self.quantile_levels]
            for label, row in zip(labels, table, strict=True):
                parts.append(
                    pd.DataFrame({"week": weeks, "output": name, "statistic": label, "value": row})
                )
            parts.append(
                pd.DataFrame(
                    {"week": weeks, "output": name, "statistic": "mean", "value": self.means[name]}
                )
            )
        return pd.concat(parts, ignore_index=True)

    @property
    def insolvent_share(self) -> float:
        """Share of the replications that became insolvent (model.md#insolvency): the mean of
        the 0/1 flag at the last week, as a flag once set stays set."""
        return float(self.means["insolvent"][-1])

    def mean_frame(self) -> pd.DataFrame:
        """Wide frame of the per-week mean of every output (one column per output)."""
        import pandas as pd

        return pd.DataFrame({"week": np.arange(self.scenario.horizon_weeks), **self.means})


def monte_carlo(
    scenario: Scenario,
    replications: int,
    seed: int = 0,
    *,
    outputs: Sequence[str] | str | None = None,
    quantiles: Sequence[float] = QUANTILES,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    keep_all: bool = False,
    exact: bool = False,
    first_replication: int = 0,
    memmap_bytes: int = MEMMAP_BYTES,
    work_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Run `replications` replications in chunks; return means and per-week quantiles.

    `outputs` picks the outputs whose quantiles are computed (default `DEFAULT_OUTPUTS`;
    "all" or every name is allowed); means cover every output. `chunk_size` None means
    `auto_chunk_size(replications, STREAMED_CHUNK)` (`TARGET_CHUNK` with `keep_all`). Large
    runs want `executor=make_executor("auto")` (local processes; the `flywheel mc` default);
    `None` runs sequentially in this process.
    """
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications = {replications!r} must be a whole number >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    check_first_replication(first_replication, replications)
    levels = tuple(float(q) for q in quantiles)
    if not all(0.0 <= q <= 1.0 for q in levels):
        raise ValueError(f"quantiles {levels} must lie in [0, 1]")
    known = output_names()
    names = check_outputs(
        tuple(known if outputs == "all" else DEFAULT_OUTPUTS if outputs is None else outputs)
    )
    dtype = "float64" if exact else "float32"
    reducer = _Reducer(names, dtype, keep_all)
    batches = [
        Batch(scenario, seed, ids, reducer)
        for ids in chunk_ids(
            first_replication, replications, chunk_size or _default_chunk(replications, keep_all)
        )
    ]
    weeks = scenario.horizon_weeks
    runner = executor or SequentialExecutor()
    shared = _in_local_processes(runner, batches)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="flywheel-mc-") as folder:
        kept = _allocate(
            len(names), weeks, replications, np.dtype(dtype), 0 if shared else memmap_bytes, folder
        )
        if shared:  # workers on this machine write into the kept file themselves
            reducer = replace(
                reducer,
                kept_file=str(kept.filename),
                replications=replications,
                first_replication=first_replication,
            )
            batches = [replace(batch, reduce=reducer) for batch in batches]
        sums: dict[str, npt.NDArray[np.float64]] = {}
        chunk_sums: list[dict[str, Any] | None] = [None] * len(batches)
        full: list[Series | None] = [None] * len(batches)
        offsets = np.cumsum([0] + [b.size for b in batches])
        for index, result in runner.map(batches, progress):
            if result["kept"] is not None:
                kept[:, :, offsets[index] : offsets[index + 1]] = result["kept"]
            chunk_sums[index] = result["sums"]  # added in chunk order below: executor-invariant
            full[index] = result["all"]
            del result  # the chunk's kept values are copied: free them before the next arrives
        for part in chunk_sums:
            for name, values in (part or {}).items():
                sums[name] = values.copy() if name not in sums else sums[name] + values
        means = {name: total / replications for name, total in sums.items()}
        workers = _local_processes(runner) if shared else None
        if workers is not None:  # the idle workers read the file: one output each at a time
            path, shape = str(kept.filename), kept.shape
            tables = workers.starmap(
                _file_row_quantiles,
                [(path, shape, dtype, row, levels) for row in range(len(names))],
            )
        else:
            tables = [row_quantiles(kept[row], levels) for row in range(len(names))]
        table = dict(zip(names, tables, strict=True))
        del kept
    results = None
    if keep_all:
        series = {
            name: np.concatenate([part[name] for part in full if part is not None])
            for name in full[0] or {}
        }
        ids = np.arange(first_replication, first_replication + replications, dtype=np.int64)
        results = Results(scenario=scenario, seed=seed, replication_ids=ids, series=series)
    return MonteCarlo(scenario, seed, replications, means, table, levels, results)


# Memory of a chunk as it runs, per replication-week: engine state, event and noise schedules,
# the week's outputs and the chunk's kept values (measured 2026-12-07: ~190 B on the baseline,
# 5 000 replications in one chunk); a chunk that records its whole series (`keep_all`) holds
# every output in float64 and builds a frame from them (`run`'s 2 KB).
STREAMED_BYTES_PER_REPLICATION_WEEK = 256
RECORDED_BYTES_PER_REPLICATION_WEEK = 2048
PROCESS_BYTES = 300 * 2**20  # a worker's interpreter, numpy, numba and the compiled engine


@dataclass(frozen=True)
class Footprint:
    """What a Monte Carlo run will hold at its peak, estimated before it starts (bytes)."""

    memory_bytes: int  # this process and its local workers together
    kept_file_bytes: int  # the temporary kept-values file (0 when they stay in memory)
    chunk_bytes: int  # one running chunk


def footprint(
    weeks: int,
    replications: int,
    kept_outputs: int,
    *,
    all_outputs: int,
    keep_all: bool = False,
    exact: bool = False,
    chunk_size: int | None = None,
    workers: int = 1,
    memmap_bytes: int = MEMMAP_BYTES,
) -> Footprint:
    """Peak memory and temporary disk of `monte_carlo` with these sizes (`workers` local
    processes; 1 for this process alone): the checks `flywheel mc` runs before starting."""
    chunk = min(replications, chunk_size or _default_chunk(replications, keep_all))
    per_week = (
        RECORDED_BYTES_PER_REPLICATION_WEEK if keep_all else STREAMED_BYTES_PER_REPLICATION_WEEK
    )
    chunk_bytes = chunk * weeks * per_week
    itemsize = 8 if exact else 4
    kept = replications * kept_outputs * weeks * itemsize
    in_file = kept > memmap_bytes or workers > 1
    chunks = -(-replications // chunk)
    parent = (
        replications * 8  # replication ids of every chunk
        + chunks * all_outputs * weeks * 8  # each chunk's per-week sums, added at the end
        + (0 if in_file else kept)
        + (replications * weeks * RECORDED_BYTES_PER_REPLICATION_WEEK if keep_all else 0)
    )
    # quantile pass: whole rows (one week of one output, every replication) copied and sorted
    sort_bytes = max(64 * 2**20, 2 * replications * itemsize)
    memory = parent + workers * (chunk_bytes + sort_bytes + (PROCESS_BYTES if workers > 1 else 0))
    return Footprint(int(memory), int(kept if in_file else 0), int(chunk_bytes))


def _default_chunk(replications: int, keep_all: bool) -> int:
    """Streamed chunks hold no series, so they can be larger; `keep_all` holds every series."""
    return auto_chunk_size(replications, TARGET_CHUNK if keep_all else STREAMED_CHUNK)


def _local_processes(executor: Executor) -> ProcessExecutor | None:
    """The local worker processes `executor` has started, if any."""
    if isinstance(executor, AutoExecutor):
        return executor.processes
    return executor if isinstance(executor, ProcessExecutor) else None


def _file_row_quantiles(
    path: str, shape: tuple[int, ...], dtype: str, row: int, levels: tuple[float, ...]
) -> npt.NDArray[np.float64]:
    """`row_quantiles` of output `row` of the kept file (runs in a worker process)."""
    return row_quantiles(np.memmap(path, dtype=dtype, mode="r", shape=shape)[row], levels)


def _in_local_processes(executor: Executor, batches: Sequence[Batch]) -> bool:
    """True when `executor` runs `batches` in worker processes on this machine (which can
    write into a file here); Dask workers may be elsewhere, so they return their values."""
    if isinstance(executor, AutoExecutor):
        return executor.uses_processes(batches)
    return isinstance(executor, ProcessExecutor)


def _allocate(
    outputs: int, weeks: int, replications: int, dtype: np.dtype, memmap_bytes: int, folder: str
) -> npt.NDArray[Any]:
    """The (outputs, weeks, replications) kept values; a temporary memory map when large."""
    shape = (outputs, weeks, replications)
    if outputs * weeks * replications * dtype.itemsize <= memmap_bytes:
        return np.empty(shape, dtype=dtype)
    return np.memmap(Path(folder) / "kept.bin", dtype=dtype, mode="w+", shape=shape)
