"""Executors: where batches of replications run (EMA Workbench-style evaluator objects).

An experiment is cut into `Batch`es whose boundaries depend only on the experiment (chunk size,
points, replication ids), never on the executor or the number of workers. Every batch is a
pure function of its inputs (`run_batch` plus a picklable reducer), and results are combined in
batch order, so the numbers are bit-identical whichever executor runs them.

`SequentialExecutor` is the default in Python; `ProcessExecutor` uses local processes;
`AutoExecutor` (the CLI default) picks local processes for large experiments and runs small ones
sequentially; `DaskExecutor` uses a Dask distributed cluster (a local one, or
`scheduler="tcp://host:8786"`). `dask` and `distributed` are imported only inside
`DaskExecutor`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from flywheel.engine.clock import stream_batch
from flywheel.engine.recording import SeriesRecorder
from flywheel.experiments.lifeline import start_worker, terminate_processes
from flywheel.scenario.loading import Scenario

Progress = Callable[[int, int], None]
Series = dict[str, npt.NDArray[np.float64]]


@dataclass(frozen=True)
class Batch:
    """One lockstep batch: replications `ids` of `scenario`, optional per-replication levers,
    and a picklable `reduce(series, batch)` applied where the batch runs."""

    scenario: Scenario
    seed: int
    ids: npt.NDArray[np.int64]
    reduce: Callable[[Series, Batch], Any]
    overrides: dict[str, npt.NDArray[np.float64]] | None = None
    tag: Any = field(default=None)

    @property
    def size(self) -> int:
        """Number of replications (runs) in the batch."""
        return int(self.ids.size)


def run_one(batch: Batch) -> Any:
    """Simulate one batch and return its reduced result (runs in a worker).

    A reducer with a `recorder(batch)` method that returns a `Recorder` takes the outputs
    week by week as they are computed (`stream_batch`), so the batch's whole series is never
    held; otherwise (or when it returns None) the reducer gets the series at the end: every
    output, or only those its `outputs_needed` attribute names (if it has one).
    """
    start = getattr(batch.reduce, "recorder", None)
    recorder = start(batch) if start is not None else None
    if recorder is None:
        needed = getattr(batch.reduce, "outputs_needed", None)
        recorder = SeriesRecorder(batch.scenario.horizon_weeks, needed)
        series = stream_batch(batch.scenario, batch.ids, batch.seed, recorder, batch.overrides)
        return batch.reduce(series, batch)
    return stream_batch(batch.scenario, batch.ids, batch.seed, recorder, batch.overrides)


class Executor(Protocol):
    """Runs batches; yields (index into `batches`, result) as each finishes."""

    def map(
        self, batches: Sequence[Batch], progress: Progress | None = None
    ) -> Iterator[tuple[int, Any]]: ...

    def close(self) -> None: ...


class SequentialExecutor:
    """Run batches one after another in this process (the default)."""

    def map(
        self, batches: Sequence[Batch], progress: Progress | None = None
    ) -> Iterator[tuple[int, Any]]:
        total, done = sum(b.size for b in batches), 0
        for index, batch in enumerate(batches):
            result = run_one(batch)
            done += batch.size
            if progress is not None:
                progress(done, total)
            yield index, result

    def close(self) -> None:
        """Nothing to release."""

    def abort(self) -> None:
        """Nothing runs elsewhere: nothing to stop."""


def default_start_method() -> str:
    """How `ProcessExecutor` starts workers: "fork" on Linux in a single-threaded process,
    else "spawn".

    A forked worker starts in milliseconds with flywheel already imported; a spawned one
    imports it first (about 1 s, a quarter of a 10 000-replication run on two cores). Forking
    is safe only when no other thread runs (a lock one holds at the fork stays held in the
    child), so a progress-bar thread, a web app or a notebook kernel's threads mean "spawn".
    Native BLAS threads are not counted: OpenBLAS quiesces its pool around fork itself.
    """
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


class ProcessExecutor:
    """Run batches in `workers` local processes, started by `start_method` ("fork" or
    "spawn"; default `default_start_method()` when the first batch is submitted).

    Each worker starts through `lifeline.start_worker`: it ignores SIGINT (the parent stops it)
    and dies with the parent, even when the parent is killed with SIGKILL. `abort()` stops the
    workers at once (interrupted work); `close()` lets running tasks finish.
    """

    def __init__(
        self,
        workers: int | None = None,
        start_method: str | None = None,
        initializer: Callable[[], Any] | None = None,
    ) -> None:
        self.workers = max(1, int(workers or os.cpu_count() or 1))
        self.start_method = start_method
        self.initializer = initializer  # run once in each worker as it starts (picklable)
        self._pool: Any = None

    def _started(self) -> Any:
        """The process pool, created on first use."""
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            method = self.start_method or default_start_method()
            # The kernel's parent-death signal fires when the forking *thread* ends: only a
            # pool started (and so forked or spawned, at submit) from the main thread uses it.
            from_main_thread = threading.current_thread() is threading.main_thread()
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=functools.partial(
                    start_worker, os.getpid(), from_main_thread, self.initializer
                ),
            )
        return self._pool

    def submit(self, function: Callable[..., Any], *arguments: Any) -> Any:
        """function(*arguments) on a worker, at once; returns its `concurrent.futures.Future`."""
        return self._started().submit(function, *arguments)

    def starmap(
        self, function: Callable[..., Any], arguments: Sequence[tuple[Any, ...]]
    ) -> list[Any]:
        """[function(*args) for args in arguments], run on the workers (picklable function,
        small results), in order."""
        return list(self._started().map(function, *zip(*arguments, strict=True)))

    def map(
        self, batches: Sequence[Batch], progress: Progress | None = None
    ) -> Iterator[tuple[int, Any]]:
        from concurrent.futures import FIRST_COMPLETED, wait

        self._started()
        total, done = sum(b.size for b in batches), 0
        pending = {}
        queue = list(enumerate(batches))[::-1]
        try:
            while queue or pending:
                while queue and len(pending) < 2 * self.workers:  # bounded: results are large
                    index, batch = queue.pop()
                    pending[self._pool.submit(run_one, batch)] = index
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    done += batches[index].size
                    if progress is not None:
                        progress(done, total)
                    yield index, future.result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Shut the worker processes down."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Stop the worker processes now, mid-task (SIGTERM, then SIGKILL after 2 s)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # The pool keeps its processes in a private dict (CPython 3.8+); without it the
        # shutdown below still ends them, once their current task is done.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        # CPython 3.11 marks every queued task broken once a worker is gone and raises
        # InvalidStateError (a traceback on stderr) for those already cancelled: drop them.
        queued = getattr(pool, "_pending_work_items", None)
        if isinstance(queued, dict):
            for key, item in list(queued.items()):
                if item.future.done():
                    queued.pop(key, None)
        terminate_processes(processes)
        pool.shutdown(wait=True, cancel_futures=True)


# Below this many runs the second core saves little (a few seconds of engine time at most) and
# starting workers costs up to ~1 s each when they must be spawned (each imports flywheel).
AUTO_MIN_RUNS = 4000


class AutoExecutor:
    """Local processes for large experiments, this process for small ones (the CLI default).

    Each `map` runs on a `ProcessExecutor` of `workers` processes (default: every CPU) when
    there are at least two batches, at least `min_runs` runs and more than one worker; else
    sequentially. The choice never changes the numbers: batches are fixed by the experiment.
    Workers may be spawned (see `default_start_method`), and a spawned worker re-imports the
    main script: a script using it needs the `if __name__ == "__main__":` guard, which is why
    Python's default (`executor=None`) stays sequential.
    """

    def __init__(self, workers: int | None = None, min_runs: int = AUTO_MIN_RUNS) -> None:
        self.workers = max(1, int(workers or os.cpu_count() or 1))
        self.min_runs = min_runs
        self._processes: ProcessExecutor | None = None

    def uses_processes(self, batches: Sequence[Batch]) -> bool:
        """True when `map(batches)` would run them in worker processes."""
        runs = sum(b.size for b in batches)
        return self.workers > 1 and len(batches) > 1 and runs >= self.min_runs

    def map(
        self, batches: Sequence[Batch], progress: Progress | None = None
    ) -> Iterator[tuple[int, Any]]:
        if not self.uses_processes(batches):
            return SequentialExecutor().map(batches, progress)
        if self._processes is None:
            self._processes = ProcessExecutor(self.workers)
        return self._processes.map(batches, progress)

    @property
    def processes(self) -> ProcessExecutor | None:
        """The worker processes, once a large experiment has started them."""
        return self._processes

    def close(self) -> None:
        """Shut the worker processes down, if any were started."""
        if self._processes is not None:
            self._processes.close()
            self._processes = None

    def abort(self) -> None:
        """Stop the worker processes now, if any were started."""
        if self._processes is not None:
            self._processes.abort()
            self._processes = None


# Waiting longer for a scheduler that does not answer helps nobody: a typo in the address or
# a cluster that is down should fail in seconds (distributed's default is 30 s, plus retries).
SCHEDULER_CONNECT_TIMEOUT_S = 5


class DaskExecutor:
    """Run batches on Dask distributed: a LocalCluster of `workers` single-threaded workers,
    or an existing cluster at `scheduler` (e.g. "tcp://10.0.0.5:8786")."""

    def __init__(
        self, workers: int | None = None, scheduler: str | None = None, processes: bool = True
    ) -> None:
        self.workers = max(1, int(workers or os.cpu_count() or 1))
        self.scheduler = scheduler
        self.processes = processes
        self._client: Any = None
        self._cluster: Any = None
        self._futures: list[Any] = []  # of the map running now (cancelled by abort)

    def _connect(self) -> Any:
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.scheduler:
                try:
                    self._client = Client(self.scheduler, timeout=SCHEDULER_CONNECT_TIMEOUT_S)
                except (OSError, TimeoutError, ValueError, TypeError, MemoryError) as error:
                    # distributed's own message starts with ": Timed out..." and, in the
                    # CLI, named no address; a server that is no Dask scheduler can make
                    # it read a garbage length (MemoryError). Say which address failed.
                    detail = str(error).strip(": ")[:200] or type(error).__name__
                    if isinstance(error, MemoryError):
                        detail = "the server there does not answer as a Dask scheduler"
                    raise ConnectionError(
                        f"--scheduler {self.scheduler}: no Dask scheduler answered within "
                        f"{SCHEDULER_CONNECT_TIMEOUT_S} s ({detail})"
                    ) from None
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=self.processes,
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)
        return self._client

    def map(
        self, batches: Sequence[Batch], progress: Progress | None = None
    ) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        client = self._connect()
        total, done = sum(b.size for b in batches), 0
        futures = client.map(run_one, list(batches), pure=False)
        self._futures = futures
        index_of = {future.key: index for index, future in enumerate(futures)}
        try:
            for future in as_completed(futures):
                index = index_of[future.key]
                result = future.result()
                future.release()
                done += batches[index].size
                if progress is not None:
                    progress(done, total)
                yield index, result
        finally:
            if self._client is client:  # else abort() has cancelled them and closed it
                client.cancel(futures)
            self._futures = []

    def close(self) -> None:
        """Close the client and a cluster this executor started."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def abort(self) -> None:
        """Cancel the running map's tasks on the scheduler (a remote one keeps running other
        clients' work), then close."""
        futures, self._futures = self._futures, []
        if self._client is not None and futures:
            with contextlib.suppress(Exception):  # a lost scheduler: nothing left to cancel
                self._client.cancel(futures)
        self.close()


EXECUTORS = ("auto", "local", "processes", "dask")


def abort_executor(executor: Executor) -> None:
    """Stop `executor`'s work now (interrupted: Ctrl-C, SIGTERM): its `abort()` where it has
    one (every executor here), else its `close()`."""
    getattr(executor, "abort", executor.close)()


def make_executor(
    kind: str = "local", workers: int | None = None, scheduler: str | None = None
) -> Executor:
    """An executor by name: "auto" (processes for large runs), "local" (sequential),
    "processes" or "dask"."""
    if scheduler and kind != "dask":
        raise ValueError("a scheduler address needs executor 'dask'")
    if kind == "auto":
        return AutoExecutor(workers)
    if kind == "local":
        return SequentialExecutor()
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    raise ValueError(f"executor = {kind!r} is not one of {', '.join(EXECUTORS)}")


def run_in_order(
    executor: Executor | None, batches: Sequence[Batch], progress: Progress | None = None
) -> list[Any]:
    """Every batch's result, in batch order (executor None = sequential)."""
    results: list[Any] = [None] * len(batches)
    for index, result in (executor or SequentialExecutor()).map(batches, progress):
        results[index] = result
    return results


TARGET_CHUNK = 2000  # runs per lockstep batch that records its whole series
STREAMED_CHUNK = 2500  # runs per streamed batch: memory no longer grows with it (measured: 10 000
# replications on 2 workers in 4 chunks took ~0.8 s less than in 8)


def auto_chunk_size(runs: int, target: int = TARGET_CHUNK) -> int:
    """Runs (replications) per batch: about `target`, in a multiple of 4 equal batches
    when more than one.

    The engine's cost per replication falls with the batch size (its per-week Python overhead
    is amortised), while a batch that records its whole series holds ~80 outputs x weeks x
    chunk float64 (2000 x 520 weeks: 650 MB per worker); Monte Carlo, which streams its chunks
    week by week, uses the larger `STREAMED_CHUNK`. A multiple of 4 chunks keeps 2 or 4
    workers evenly loaded (10 000 -> 8 chunks of 1250, or 4 of 2500 streamed). Depends on
    `runs` (and `target`) only, so the numbers never depend on the executor.
    """
    chunks = -(-runs // target)
    if chunks > 1:
        chunks = -(-chunks // 4) * 4
    return -(-runs // chunks)


def chunk_ids(first: int, count: int, chunk_size: int) -> list[npt.NDArray[np.int64]]:
    """Replication ids first .. first+count-1 cut into chunks of `chunk_size` (last shorter)."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size = {chunk_size} must be >= 1")
    return [
        np.arange(start, min(start + chunk_size, first + count), dtype=np.int64)
        for start in range(first, first + count, chunk_size)
    ]
