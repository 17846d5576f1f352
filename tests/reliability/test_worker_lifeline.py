"""Executors stop their work on an interruption (`abort`), and local workers die with their
parent, through the kernel's parent-death signal or, where that cannot be used, a watch."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np
import psutil
import pytest

from flywheel.experiments import DaskExecutor, ProcessExecutor
from flywheel.experiments.executors import Batch, abort_executor
from flywheel.experiments.montecarlo import _Reducer
from flywheel.scenario.loading import Scenario

pytestmark = pytest.mark.xdist_group("dask")


def _gone_within(processes: list[psutil.Process], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = []
        for process in processes:
            try:
                if process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(process)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return True
        time.sleep(0.05)
    return False


def test_process_executor_abort_stops_busy_workers_at_once() -> None:
    # children this test process already has (another test's, under xdist) are not ours
    earlier = {child.pid for child in psutil.Process().children()}
    executor = ProcessExecutor(2)
    futures = [executor.submit(time.sleep, 60) for _ in range(4)]  # two running, two queued
    time.sleep(1.0)
    workers = [child for child in psutil.Process().children() if child.pid not in earlier]
    assert len(workers) == 2
    for future in futures[2:]:
        future.cancel()  # as ProcessExecutor.map does when its consumer is interrupted
    started = time.monotonic()
    abort_executor(executor)
    assert time.monotonic() - started < 5  # not the 60 s of the running tasks
    assert _gone_within(workers, 3)


def test_dask_abort_cancels_the_running_map() -> None:
    executor = DaskExecutor(1, processes=False)
    scenario = Scenario(name="short", horizon_weeks=52)
    reducer = _Reducer(("customers",), "float64", keep_all=False)
    batches = [Batch(scenario, 0, np.arange(i * 50, (i + 1) * 50), reducer) for i in range(40)]
    results = executor.map(batches)
    next(results)
    futures = list(executor._futures)
    assert futures
    abort_executor(executor)
    results.close()  # the interrupted consumer's generator ends after the abort here
    assert executor._client is None and executor._cluster is None
    assert all(future.status in ("cancelled", "finished") for future in futures)
    assert any(future.status == "cancelled" for future in futures)


def test_parent_death_signal_is_armed_on_linux() -> None:
    code = (
        "import signal\n"
        "from flywheel.experiments.lifeline import set_parent_death_signal\n"
        "print(set_parent_death_signal(signal.SIGKILL))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sys.platform == "linux")


@pytest.mark.parametrize("thread", [False, True], ids=["main-thread", "other-thread"])
def test_workers_die_with_a_sigkilled_parent(thread: bool) -> None:
    """A pool started from the main thread uses the death signal; one started from another
    thread (as the app's) watches its parent instead: both end within seconds."""
    code = textwrap.dedent(
        f"""
        import threading, time
        from flywheel.experiments import ProcessExecutor

        def start():
            executor = ProcessExecutor(2, "fork")
            futures = [executor.submit(time.sleep, 60) for _ in range(2)]
            time.sleep(0.5)
            print("up", flush=True)
            time.sleep(60)

        if {thread}:
            threading.Thread(target=start, daemon=True).start()
            time.sleep(60)
        else:
            start()
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None and parent.stdout.readline().strip() == "up"
    workers = psutil.Process(parent.pid).children()
    assert len(workers) == 2
    parent.kill()
    parent.wait(timeout=10)
    assert _gone_within(workers, 5), "workers outlived their SIGKILLed parent"
