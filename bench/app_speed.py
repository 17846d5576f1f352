"""App speed: server time of a lever change (cache miss) and of a rerun (cache hit), via AppTest.

Run: .venv/bin/python bench/app_speed.py [replications] [lever changes]
     (defaults 200, the app's default, and 10; at most 39)
The issue's target: a lever change redraws in < 300 ms server time with a 200-replication fan.
A host probe (a 1-replication run, best of 3, before and after the lever changes) says how
fast the host was at the time: it is almost all fixed per-week cost, as is most of the fan.

Each timing is split by part (exclusive time, median over the runs of that case):
  engine   the fan's simulation inside the app's cached call (only on a cache miss), on the
           app's worker processes (flywheel.ui.workers) when they are up, else in-process
  summary  quantile bands and KPI samples of the replications (only on a cache miss)
  cache    the cached calls' own cost: key, lookup, copying the stored Summary out
  charts   chart frames and specs, the loop diagram, and Streamlit marshalling them
  sidebar  the lever widgets and building the Scenario from them
  rest     everything else in the script run: the other widgets, KPI cards, tabs, Streamlit's
           own work around the script (script run time minus the parts above)
  harness  AppTest's own work outside the script run (starting the run, waiting for it,
           parsing its output): not server time on a real server (wall time minus script run)
"""

from __future__ import annotations

import functools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def whole_argument(index: int, name: str, default: int, low: int, high: int) -> int:
    """Command-line argument `index` as a whole number in [low, high] (else exit, saying so)."""
    text = sys.argv[index] if len(sys.argv) > index else str(default)
    if not text.isdigit() or not low <= int(text) <= high:
        sys.exit(f"{name} = {text!r}: expected a whole number from {low} to {high}")
    return int(text)


# Measure the flywheel beside this script (a checkout of another commit), not the installed one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
REPLICATIONS = whole_argument(1, "replications", 200, 10, 2000)  # the app's own limits
os.environ["FLYWHEEL_APP_REPLICATIONS"] = str(REPLICATIONS)
APP = Path(__file__).resolve().parents[1] / "app.py"
CHANGES = whole_argument(2, "lever changes", 10, 1, 39)
# pass_through_share (default 0.6), one new value per lever change: 0.61, 0.62, ... up to 0.99
VALUES = tuple(round(0.61 + 0.01 * i, 2) for i in range(CHANGES))
TARGET_SECONDS = 0.300
PARTS = ("engine", "summary", "cache", "charts", "sidebar")
SHOWN = (*PARTS, "rest", "harness")


class PartTimer:
    """Exclusive time per part: while a timed call runs inside another, only the inner counts."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = dict.fromkeys(PARTS, 0.0)
        self.script = 0.0  # time in Streamlit's script run (all of it, the parts included)
        self._stack: list[list[Any]] = []  # [part, start of its current slice]

    def wrap(self, part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function`, its time booked to `part`."""

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.perf_counter()
            if self._stack:
                outer = self._stack[-1]
                self.totals[outer[0]] += now - outer[1]
            self._stack.append([part, now])
            try:
                return function(*args, **kwargs)
            finally:
                now = time.perf_counter()
                self.totals[part] += now - self._stack.pop()[1]
                if self._stack:
                    self._stack[-1][1] = now

        return timed

    def take(self) -> tuple[dict[str, float], float]:
        """The totals and the script run time since the last take, and reset."""
        totals, script = self.totals, self.script
        self.totals, self.script = dict.fromkeys(PARTS, 0.0), 0.0
        return totals, script


HARNESS_POLL_SECONDS = 0.02


def quieter_harness() -> None:
    """Let AppTest wait for a script run without taking the GIL a thousand times a second.

    AppTest's `require_widgets_deltas` polls every millisecond, scanning the run's event list
    each time; every wake takes the GIL from the script thread, which a real server's idle
    event loop does not do (measured here: the engine took ~25 % longer inside AppTest than in
    a plain thread). Polling every 20 ms adds at most that much to the *harness* time (reported
    apart) and leaves the script run, the server time, undisturbed.
    """
    from streamlit.testing.v1 import local_script_runner

    def wait(runner: Any, timeout: float = 3) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if runner.script_stopped():
                return
            time.sleep(HARNESS_POLL_SECONDS)
        runner.request_stop()
        runner.join()
        raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")

    local_script_runner.require_widgets_deltas = wait


def instrument(timer: PartTimer) -> None:
    """Book the app's helpers (module attributes, looked up at call time) to their parts."""
    import streamlit as st
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    from flywheel.plots import charts, charts_more, diagram, export
    from flywheel.ui import cache, sidebar, workers

    run_script = ScriptRunner._run_script

    def timed_script(runner: ScriptRunner, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return run_script(runner, *args, **kwargs)
        finally:
            timer.script += time.perf_counter() - start

    ScriptRunner._run_script = timed_script

    workers.simulate_fan = timer.wrap("engine", workers.simulate_fan)
    cache.summarise = timer.wrap("summary", cache.summarise)
    for name in ("summary", "why_tables"):
        setattr(cache, name, timer.wrap("cache", getattr(cache, name)))
    for module in (charts, charts_more, export):
        for name in dir(module):
            if name.endswith(("_frame", "_spec")) or name == "png_bytes":
                setattr(module, name, timer.wrap("charts", getattr(module, name)))
    diagram.loop_dot = timer.wrap("charts", diagram.loop_dot)
    for name in ("vega_lite_chart", "altair_chart", "graphviz_chart", "pyplot", "image"):
        setattr(st, name, timer.wrap("charts", getattr(st, name)))
    sidebar.lever_sidebar = timer.wrap("sidebar", sidebar.lever_sidebar)


def timed_run(at: Any, timer: PartTimer) -> dict[str, float]:
    """Run the app once; wall time and its parts in seconds."""
    timer.take()
    start = time.perf_counter()
    at.run()
    wall = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app raised: {at.exception[0].message}")
    parts, script = timer.take()
    parts["rest"] = script - sum(parts.values())
    parts["harness"] = wall - script
    parts["total"] = wall
    return parts


def report(title: str, runs: list[dict[str, float]]) -> None:
    """Median and min total, the median of all but the engine, then the median of each part."""
    totals = [run["total"] for run in runs]
    server = sorted(run["total"] - run["harness"] for run in runs)
    besides = statistics.median(run["total"] - run["engine"] for run in runs)
    split = ", ".join(
        f"{part} {statistics.median(run[part] for run in runs) * 1000:.0f}" for part in SHOWN
    )
    print(
        f"{title}: median {statistics.median(totals) * 1000:.0f} ms, "
        f"min {min(totals) * 1000:.0f} ms, all but the engine {besides * 1000:.0f} ms\n"
        f"  server time (the script run, wall minus harness): median "
        f"{statistics.median(server) * 1000:.0f} ms, max {server[-1] * 1000:.0f} ms, "
        f"{sum(t < TARGET_SECONDS for t in server)} of {len(server)} under "
        f"{TARGET_SECONDS * 1000:.0f} ms\n"
        f"  median ms by part: {split}"
    )


def host_probe_ms(repeats: int = 3) -> float:
    """Best of `repeats` 1-replication baseline runs in this process, ms: almost all of it
    the fixed per-week cost, so it shows how fast the host is right now (compare across runs
    of this script; the fan's engine part moves with it)."""
    import flywheel
    from flywheel.ui.cache import SUMMARY_OUTPUTS

    scenario = flywheel.load_scenario(
        Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
    )
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        flywheel.simulate(scenario, 1, 0, outputs=SUMMARY_OUTPUTS)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    """Print median / min timings of lever changes (miss) and reruns (hit), split by part."""
    from streamlit.testing.v1 import AppTest

    timer = PartTimer()
    instrument(timer)
    quieter_harness()
    from flywheel.ui import workers

    at = AppTest.from_file(str(APP), default_timeout=600).run()
    at.session_state["open:R3"] = True  # the lever's group opened, as a user would
    at.run()
    # A user's first lever move comes seconds after the page loads; the worker processes
    # start in the background meanwhile (about a second). Wait for them, and say so.
    start = time.perf_counter()
    split = workers.splits(REPLICATIONS)
    ready = split and workers.app_workers().wait_ready(60)
    waited = time.perf_counter() - start
    probe_before = host_probe_ms()
    misses, hits = [], []
    for value in VALUES:
        at.slider(key="lever:pass_through_share").set_value(value)
        misses.append(timed_run(at, timer))
        hits.append(timed_run(at, timer))
    for value in VALUES:  # back to values already simulated: a lever change that hits the cache
        at.slider(key="lever:pass_through_share").set_value(value)
        hits.append(timed_run(at, timer))
    print(
        f"app_speed {time.strftime('%Y-%m-%d')} {platform.node()} "
        f"{platform.processor() or platform.machine()} cpus={os.cpu_count()} "
        f"load={os.getloadavg()[0]:.1f} replications={REPLICATIONS} "
        f"worker_processes={workers.worker_count() if split else 0} "
        f"(ready after {waited:.1f} s: {ready}; fans run on them: "
        f"{workers.app_workers().runs if split else 0})"
    )
    print(
        f"host probe (1-replication baseline run in this process, best of 3): "
        f"{probe_before:.0f} ms before, {host_probe_ms():.0f} ms after the lever changes"
    )
    report("lever change, new scenario (simulate + summarise + draw)", misses)
    report("rerun / lever change to a cached scenario", hits)


if __name__ == "__main__":
    main()
