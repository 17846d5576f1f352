"""One lockstep batch split over local worker processes, its series shared, not copied.

The app's 200-replication fan spends about half its time in the engine's fixed per-week cost,
which a second core pays in parallel, not in addition: replications 0..99 on one worker and
100..199 on the other take about the time of 100 in one process. Each worker writes its
columns of every output straight into one shared-memory block (`ColumnsRecorder`), so nothing
is pickled back (pickling the series cost ~25 ms of a 220 ms run). Replication k's numbers
depend only on (scenario, seed, k), so the result is bit-identical to `simulate`.

`PartsRunner` keeps its block from run to run (and each worker keeps it mapped), so a run
touches no fresh memory: on this benchmark machine, first touches of a fresh 16 MB block
cost up to ~40 ms.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Collection
from multiprocessing import shared_memory
from typing import TypeVar

import numpy as np

from flywheel.engine.clock import check_outputs, output_names, stream_batch
from flywheel.engine.recording import ColumnsRecorder
from flywheel.experiments.executors import ProcessExecutor
from flywheel.results.simulation import simulate
from flywheel.results.weekly import Results
from flywheel.scenario.loading import Scenario

BYTES_PER_VALUE = 8  # float64
Reduced = TypeVar("Reduced")


class PartsRunner:
    """Runs batches on `executor`'s workers, one part each, through one shared-memory block
    that it keeps (grown when a run needs more) until `close()`. One run at a time: a second
    caller waits for the block (the workers are busy anyway)."""

    def __init__(self, executor: ProcessExecutor) -> None:
        self.executor = executor
        self._block: shared_memory.SharedMemory | None = None
        # Frees the block once: on close(), on replacement, or when the interpreter exits (a
        # server stopped without close(): no leaked block, no resource_tracker warning).
        self._free_block: weakref.finalize | None = None
        self._lock = threading.Lock()

    def simulate(
        self,
        scenario: Scenario,
        replications: int,
        seed: int,
        outputs: Collection[str],
        parts: int | None = None,
        reduce: Callable[[Results], Reduced] | None = None,
    ) -> Results | Reduced:
        """As `simulate(scenario, replications, seed, outputs=outputs)`, the replications cut
        into `parts` (default: one per worker) run side by side. With `reduce`, returns
        `reduce(results)` computed while the series are still in the shared block (no copy;
        what it returns must not keep them); else the Results, copied out of the block."""
        wanted = set(check_outputs(tuple(outputs)))
        names = tuple(name for name in output_names() if name in wanted)  # simulate's order
        if not names:
            raise ValueError("outputs = []: name at least one output")
        if replications < 1:
            raise ValueError(f"replications = {replications} must be >= 1")
        parts = max(1, min(parts or self.executor.workers, replications))
        shape = (len(names), scenario.horizon_weeks, replications)
        sizes = [len(ids) for ids in np.array_split(np.arange(replications), parts)]
        bounds = np.cumsum([0, *sizes])
        with self._lock:
            block = self._block_of(BYTES_PER_VALUE * int(np.prod(shape)))
            self.executor.starmap(
                fill_part,
                [
                    (block.name, shape, names, scenario, seed, int(start), int(stop))
                    for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
                ],
            )
            shared = np.ndarray(shape, dtype=np.float64, buffer=block.buf)
            try:
                results = _results(scenario, seed, names, shared if reduce else shared.copy())
                return reduce(results) if reduce else results
            finally:
                del shared

    def close(self) -> None:
        """Free the shared block (the executor is the caller's to close)."""
        with self._lock:
            self._release()

    def _block_of(self, size: int) -> shared_memory.SharedMemory:
        """The kept block, replaced by a larger one when `size` bytes do not fit."""
        if self._block is not None and self._block.size < size:
            self._release()
        if self._block is None:
            self._block = shared_memory.SharedMemory(create=True, size=size)
            self._free_block = weakref.finalize(self, _free, self._block)
        return self._block

    def _release(self) -> None:
        """Free the kept block, if any."""
        if self._free_block is not None:
            self._free_block()  # a finalizer runs at most once
        self._block = self._free_block = None


def simulate_in_parts(
    executor: ProcessExecutor,
    scenario: Scenario,
    replications: int,
    seed: int,
    outputs: Collection[str],
    parts: int | None = None,
) -> Results:
    """`PartsRunner(executor).simulate(...)` once, its block freed afterwards."""
    runner = PartsRunner(executor)
    try:
        return runner.simulate(scenario, replications, seed, outputs, parts)  # type: ignore[return-value]
    finally:
        runner.close()


def _results(scenario: Scenario, seed: int, names: tuple[str, ...], values: np.ndarray) -> Results:
    # Each output's (weeks, R) rows, transposed: the layout `simulate` gives.
    series = {name: values[index].T for index, name in enumerate(names)}
    ids = np.arange(values.shape[2], dtype=np.int64)
    return Results(scenario=scenario, seed=int(seed), replication_ids=ids, series=series)


def _free(block: shared_memory.SharedMemory) -> None:
    block.unlink()
    _close(block)


def _close(block: shared_memory.SharedMemory) -> None:
    """Unmap `block`; if an array still views it, the mapping goes with that array instead."""
    try:
        block.close()
    except BufferError:
        pass


# The block a worker has mapped, kept from part to part (only the latest one).
_mapped: dict[str, shared_memory.SharedMemory] = {}


def fill_part(
    block_name: str,
    shape: tuple[int, int, int],
    names: tuple[str, ...],
    scenario: Scenario,
    seed: int,
    start: int,
    stop: int,
) -> None:
    """Run replications start..stop-1 and write their outputs into columns start..stop-1 of
    the shared block `block_name` of shape (outputs, weeks, replications) (runs in a worker)."""
    block = _mapped.get(block_name)
    if block is None:
        for old in _mapped.values():
            _close(old)  # the runner has replaced (or freed) it
        _mapped.clear()
        block = _mapped[block_name] = shared_memory.SharedMemory(name=block_name)
    shared = np.ndarray(shape, dtype=np.float64, buffer=block.buf)
    recorder = ColumnsRecorder(shared, names, slice(start, stop))
    del shared
    stream_batch(scenario, np.arange(start, stop, dtype=np.int64), seed, recorder)


def warm_worker() -> None:
    """A worker's initializer: import and run the engine once (a one-week run), so that the
    first real part does not pay for the imports."""
    simulate(Scenario(horizon_weeks=1), 1, 0)


def worker_pid() -> int:
    """This worker's process id (a no-op task that tells a caller a worker is up)."""
    return os.getpid()
