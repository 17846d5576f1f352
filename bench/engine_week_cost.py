"""The engine's fixed per-week cost, this checkout against an older revision, interleaved.

Issue 22, item 1: a lever change in the app waits for a 200-replication fan, two worker
processes of 100 each (`experiments.parallel.PartsRunner`). Each round runs, in a fresh process
per tree (PYTHONPATH = the tree, the same virtualenv), before then after:

  simulate R      `simulate(baseline, R, 0, outputs=SUMMARY_OUTPUTS)` for R = 1, 100, 200 (one
                  seed, as the app: the pre-drawn noise is kept between runs)
  simulate 100 new seeds   the same with a new seed each run (the noise drawn afresh)
  parts 2x100     `PartsRunner` on 2 worker processes, 200 replications, the app's reduction

Each measure is the best (and the median) of ROUNDS_PER_MEASURE runs, in milliseconds. The
older revision is exported with `git archive` into a temporary folder (its numba cache is
built by the first round's warm-up). Prints one JSON line per run and the best of bests with
their ratios (after / before).

Run: .venv/bin/python bench/engine_week_cost.py [REV] [ROUNDS]   (default: 2d88f88, the commit
     before this work, and 3 rounds; about 30 s a round on a quiet machine)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REVISION = "2d88f88"
ROUNDS_PER_MEASURE = 9
PROBE = r"""
import json, os, sys, time
import numpy as np
from flywheel.experiments.executors import ProcessExecutor
from flywheel.experiments.parallel import PartsRunner
from flywheel.results.simulation import simulate
from flywheel.scenario.loading import load_scenario
from flywheel.ui.cache import SUMMARY_OUTPUTS, _summarise_drawn

runs = int(sys.argv[1])
scenario = load_scenario("scenarios/baseline.toml")

def best(run):
    times = []
    for index in range(runs):
        start = time.perf_counter()
        run(index)
        times.append(time.perf_counter() - start)
    return [round(min(times) * 1e3, 1), round(float(np.median(times)) * 1e3, 1)]

if __name__ == "__main__":
    found = {}
    for replications in (1, 100, 200):
        simulate(scenario, replications, 0, outputs=SUMMARY_OUTPUTS)
        found[f"simulate {replications}"] = best(
            lambda i: simulate(scenario, replications, 0, outputs=SUMMARY_OUTPUTS))
    found["simulate 100 new seeds"] = best(
        lambda i: simulate(scenario, 100, 1 + i, outputs=SUMMARY_OUTPUTS))
    executor = ProcessExecutor(2)
    runner = PartsRunner(executor)
    for _ in range(2):
        runner.simulate(scenario, 200, 0, SUMMARY_OUTPUTS, reduce=_summarise_drawn)
    found["parts 2x100"] = best(
        lambda i: runner.simulate(scenario, 200, 0, SUMMARY_OUTPUTS, reduce=_summarise_drawn))
    runner.close()
    executor.close()
    print(json.dumps({"load": round(os.getloadavg()[0], 2), **found}))
"""


def measure(tree: Path) -> dict[str, list[float]]:
    """One run of the probe in a fresh process on `tree`'s code."""
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROUNDS_PER_MEASURE)],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    revision = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_REVISION
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory(prefix="flywheel-before-") as folder:
        before_tree = Path(folder)
        archive = subprocess.run(
            ["git", "archive", revision], cwd=REPO, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        runs: dict[str, list[dict[str, list[float]]]] = {"before": [], "after": []}
        for _ in range(rounds):
            for label, tree in (("before", before_tree), ("after", REPO)):
                found = measure(tree)
                runs[label].append(found)
                print(json.dumps({"tree": label, **found}), flush=True)
    for name in runs["after"][0]:
        if name == "load":
            continue
        before = min(run[name][0] for run in runs["before"])
        after = min(run[name][0] for run in runs["after"])
        print(f"{name}: best {before:.1f} -> {after:.1f} ms, after/before {after / before:.2f}")


if __name__ == "__main__":
    main()
