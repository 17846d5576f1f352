"""One lockstep batch split over local worker processes, its series shared, not copied.

The app's 200-replication fan spends about half its time in the engine's fixed per-week cost,
which a second core pays in parallel, not in addition: replications 0..99 on one worker and
100..199 on the other take about the time of 100 in one process. Each worker writes its
columns of every output straight into one shared-memory block (`ColumnsRecorder`), so nothing
is pickled back (pickling the series cost ~25 ms of a 220 ms run). Replication k's numbers
depend only on (scenario, seed, k), so the result is bit-identical to `simulate`.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from multiprocessing import shared_memory

import numpy as np

from flywheel.engine import check_outputs, output_names, stream_batch
from flywheel.experiments.executors import ProcessExecutor
from flywheel.recording import ColumnsRecorder
from flywheel.results import Results
from flywheel.scenario import Scenario
from flywheel.simulation import simulate

BYTES_PER_VALUE = 8  # float64


def simulate_in_parts(
    executor: ProcessExecutor,
    scenario: Scenario,
    replications: int,
    seed: int,
    outputs: Collection[str],
    parts: int | None = None,
) -> Results:
    """As `simulate(scenario, replications, seed, outputs=outputs)`, the replications cut into
    `parts` (default: one per worker) that `executor`'s workers run at the same time."""
    wanted = set(check_outputs(tuple(outputs)))
    names = tuple(name for name in output_names() if name in wanted)  # simulate's order
    if not names:
        raise ValueError("outputs = []: name at least one output")
    if replications < 1:
        raise ValueError(f"replications = {replications} must be >= 1")
    parts = max(1, min(parts or executor.workers, replications))
    weeks = scenario.horizon_weeks
    shape = (len(names), weeks, replications)
    block = shared_memory.SharedMemory(create=True, size=BYTES_PER_VALUE * int(np.prod(shape)))
    try:
        bounds = np.cumsum([0, *(len(ids) for ids in np.array_split(range(replications), parts))])
        executor.starmap(
            fill_part,
            [
                (block.name, shape, names, scenario, seed, int(start), int(stop))
                for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
            ],
        )
        shared = np.ndarray(shape, dtype=np.float64, buffer=block.buf)
        values = shared.copy()  # out of shared memory before the block goes
        del shared
    finally:
        block.close()
        block.unlink()
    # Each output's (weeks, R) rows, transposed: the layout `simulate` gives.
    series = {name: values[index].T for index, name in enumerate(names)}
    ids = np.arange(replications, dtype=np.int64)
    return Results(scenario=scenario, seed=int(seed), replication_ids=ids, series=series)


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
    block = shared_memory.SharedMemory(name=block_name)
    try:
        shared = np.ndarray(shape, dtype=np.float64, buffer=block.buf)
        rows = {name: shared[index] for index, name in enumerate(names)}
        recorder = ColumnsRecorder(rows, slice(start, stop))
        del rows, shared  # the recorder holds the only views; its finish() drops them
        stream_batch(scenario, np.arange(start, stop, dtype=np.int64), seed, recorder)
    finally:
        block.close()


def warm_worker() -> None:
    """A worker's initializer: import and run the engine once (a one-week run), so that the
    first real part does not pay for the imports."""
    simulate(Scenario(horizon_weeks=1), 1, 0)


def worker_pid() -> int:
    """This worker's process id (a no-op task that tells a caller a worker is up)."""
    return os.getpid()
