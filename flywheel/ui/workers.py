"""The app's worker processes: a large fan's replications split over the machine's cores.

At the app's default 200 replications half of the engine's time is its fixed per-week cost,
which two processes pay side by side: replications 0..99 on one worker and 100..199 on the
other (`experiments.parallel.simulate_in_parts`, bit-identical to `simulate`). The workers
are spawned once per server, in the background on the first large fan; until they are up
(about a second) and for small fans, the engine runs in the app's own process.

A spawned worker imports the app's main script as `__mp_main__`, which is why `app.py` keeps
its page under `if __name__ == "__main__":`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Collection
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from flywheel.experiments.attribution import attribute
from flywheel.experiments.executors import ProcessExecutor, run_in_order, run_one
from flywheel.experiments.importance import importance_plan
from flywheel.experiments.outcomes import Outcome
from flywheel.experiments.parallel import PartsRunner, Reduced, warm_worker, worker_pid
from flywheel.results.simulation import simulate
from flywheel.results.weekly import Results
from flywheel.scenario.loading import Scenario

if TYPE_CHECKING:
    import pandas as pd

LOG = logging.getLogger(__name__)
Done = TypeVar("Done")  # what a task on the worker processes returns
# Below this many replications the fixed per-week cost dominates and one process is as fast.
SPLIT_MIN_REPLICATIONS = 100
TORNADO_SHOWN = 15  # the tornado's bars: the levers with the largest swings


def worker_count() -> int:
    """Worker processes for large fans: FLYWHEEL_APP_WORKERS, else up to 2 (one per core;
    0 or 1 = everything in the app's own process)."""
    value = os.environ.get("FLYWHEEL_APP_WORKERS", "")
    if value.strip().isdigit():
        return int(value)
    if value:
        LOG.warning("FLYWHEEL_APP_WORKERS = %r is not a whole number: using 1", value)
        return 1
    return min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


class AppWorkers:
    """`count` spawned worker processes, started at once; `is_ready()` once all are up."""

    def __init__(self, count: int) -> None:
        self.executor = ProcessExecutor(count, "spawn", initializer=warm_worker)
        self.runner = PartsRunner(self.executor)  # keeps one shared block for every fan
        self.started = [self.executor.submit(worker_pid) for _ in range(count)]
        self.runs = 0  # fans and Why tables run on the workers (the tests read it)

    def is_ready(self) -> bool:
        """True when every worker has started (imported flywheel and run it once)."""
        return all(future.done() and future.exception() is None for future in self.started)

    def wait_ready(self, timeout_seconds: float) -> bool:
        """Wait up to `timeout_seconds` for the workers to start; `is_ready()`."""
        wait(self.started, timeout=timeout_seconds)
        return self.is_ready()

    def close(self) -> None:
        """Free the shared block and shut the worker processes down."""
        self.runner.close()
        self.executor.close()


@st.cache_resource(show_spinner=False)
def app_workers() -> AppWorkers:
    """The server's worker processes (one set for every session)."""
    return AppWorkers(worker_count())


def _in_main_process() -> bool:
    """False inside a worker, which imports the app's script as it starts (no pool there)."""
    return multiprocessing.current_process().name == "MainProcess"


def splits(replications: int) -> bool:
    """True when a fan of `replications` runs on the worker processes (once they are up)."""
    return worker_count() >= 2 and replications >= SPLIT_MIN_REPLICATIONS and _in_main_process()


def where_fans_run(replications: int) -> str:
    """A line for the Monte Carlo settings: where a fan of `replications` runs now (starts
    the workers when it is large enough and they are not running yet)."""
    count = worker_count()
    if not splits(replications):
        if count >= 2 and _in_main_process():
            return (
                f"Runs in the app's process (fans of {SPLIT_MIN_REPLICATIONS}+ replications "
                f"run on {count} worker processes)."
            )
        return "Runs in the app's process."
    if app_workers().is_ready():
        return f"Runs on {count} worker processes, side by side."
    return f"Runs in the app's process while {count} worker processes start."


def _on_workers(task: Callable[[AppWorkers], Done]) -> Done | None:
    """`task(workers)` on the server's worker processes once they are up; None when they are
    not up yet, or when they fail (logged; a fresh set starts for the next task): the caller
    then does the work in this process. `task` must not return None."""
    workers = app_workers()
    if not workers.is_ready():
        return None
    try:
        done = task(workers)
    except (BrokenProcessPool, OSError) as error:  # e.g. a worker killed, /dev/shm full
        LOG.warning("worker processes failed (%s): running in the app's process", error)
        app_workers.clear()
        workers.close()
        return None
    workers.runs += 1
    return done


def why_tables(
    scenario: Scenario, output: str, replications: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(attribution waterfall, tornado) of the Why tab for `output` over the last model year:
    `Attribution.waterfall()` and the top `TORNADO_SHOWN` rows of `lever_importance`. Once
    the workers are up, the tornado's runs (~3 600 at 20 replications, most of the work) are
    split over two worker processes while this process runs the attribution
    (bench/why_speed.py); else one after the other. The same numbers either way (each run
    depends only on its own id, levers and the seed)."""
    outcome = Outcome.last_year(output, scenario.horizon_weeks)
    plan = importance_plan(scenario, outcome, replications, seed)

    def waterfall() -> pd.DataFrame:
        return attribute(scenario, outcome, replications, seed).waterfall()

    def tornado(results: list[object]) -> pd.DataFrame:
        return plan.table(results).head(TORNADO_SHOWN)

    def side_by_side(workers: AppWorkers) -> tuple[pd.DataFrame, pd.DataFrame]:
        futures = [workers.executor.submit(run_one, half) for half in plan.batches(parts=2)]
        attribution = waterfall()
        return attribution, tornado([future.result() for future in futures])

    if worker_count() >= 2 and _in_main_process():
        tables = _on_workers(side_by_side)
        if tables is not None:
            return tables
    return waterfall(), tornado(run_in_order(None, plan.batches()))


def simulate_fan(
    scenario: Scenario,
    replications: int,
    seed: int,
    outputs: Collection[str],
    reduce: Callable[[Results], Reduced],
) -> Reduced:
    """`reduce(simulate(scenario, replications, seed, outputs=outputs))`: on the worker
    processes when the fan is large and they are up (reduced in shared memory, without a
    copy: `reduce` must return new arrays, not None), else in this process (the same
    numbers)."""
    if splits(replications):
        reduced = _on_workers(
            lambda workers: workers.runner.simulate(
                scenario, replications, seed, outputs, reduce=reduce
            )
        )
        if reduced is not None:
            return reduced  # type: ignore[return-value]
    return reduce(simulate(scenario, replications, seed, outputs=outputs))


def run_with_workers(task: Callable[[ProcessExecutor | None], Done]) -> Done:
    """`task(executor)`: with the server's worker processes as the executor once they are up
    (the Decide tab's search batches), else with None (this process; also after a worker
    failure). `task` must not return None."""
    if worker_count() >= 2 and _in_main_process():
        done = _on_workers(lambda workers: task(workers.executor))
        if done is not None:
            return done
    return task(None)
