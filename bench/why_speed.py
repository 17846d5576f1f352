"""The Why tab's wait: loop attribution and tornado one after the other in one process, against
side by side (the tornado split over the app's two worker processes, the attribution here), as
`flywheel.ui.workers.why_tables` runs them once the workers are up.

Run: .venv/bin/python bench/why_speed.py [preset] [replications per variant]
     (defaults: baseline, 20 -- the app's default)
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the flywheel beside this script
REPEATS = 2
OUTPUT = "revenue_usd"  # the Why tab's default outcome


def main() -> None:
    logging.disable(logging.WARNING)  # Streamlit's "no runtime" warnings outside a server
    os.environ["FLYWHEEL_APP_WORKERS"] = "2"
    from flywheel.experiments import attribute, lever_importance
    from flywheel.experiments.outcomes import Outcome
    from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR, load_scenario
    from flywheel.ui import workers

    preset = sys.argv[1] if len(sys.argv) > 1 else "baseline"
    path = SHIPPED_SCENARIOS_DIR / f"{preset}.toml"
    if not path.is_file():
        sys.exit(f"preset = {preset!r}: no {path}")
    text = sys.argv[2] if len(sys.argv) > 2 else "20"
    if not text.isdigit() or not 2 <= int(text) <= 500:
        sys.exit(f"replications = {text!r}: expected a whole number from 2 to 500 (the app's)")
    scenario, replications = load_scenario(path), int(text)
    outcome = Outcome.last_year(OUTPUT, scenario.horizon_weeks)
    pool = workers.AppWorkers(2)
    try:
        if not pool.wait_ready(120):
            sys.exit("the worker processes did not start in 120 s")
        workers.app_workers = lambda: pool  # the app's cached pool, outside Streamlit
        one, both = [], []
        for _ in range(REPEATS):  # interleaved: the host's load changes by the minute
            start = time.perf_counter()
            attribute(scenario, outcome, replications, 0).waterfall()
            lever_importance(scenario, outcome, replications, 0)
            one.append(time.perf_counter() - start)
            start = time.perf_counter()
            workers.why_tables(scenario, OUTPUT, replications, 0)
            both.append(time.perf_counter() - start)
    finally:
        pool.close()
    print(
        f"why_speed {time.strftime('%Y-%m-%d %H:%M')} cpus={os.cpu_count()} "
        f"load={os.getloadavg()[0]:.1f} preset={preset} replications={replications} "
        f"(best of {REPEATS})"
    )
    print(f"  one after the other, one process: {min(one):.2f} s  (all: {_all(one)})")
    print(f"  side by side, tornado on the workers: {min(both):.2f} s  (all: {_all(both)})")
    print(f"  ratio: {min(one) / min(both):.2f} x")


def _all(seconds: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in seconds)


if __name__ == "__main__":
    main()
