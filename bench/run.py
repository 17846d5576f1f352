"""`make bench`: flywheel's speed against the shared references, measured in the same run.

Prints one JSON line per measure and a summary table of every target with its measured ratio.
References come from ../shared/bench (beside the repository): `run_numpy` (numpy lockstep,
imported) and `peer_pysd.py` (PySD, run in its own virtualenv bench/_work/pysd-venv, created
here from shared/bench/requirements.txt on first use). Nothing is written into shared/.

    .venv/bin/python bench/run.py            # every target, full sizes (about 5-10 minutes)
    .venv/bin/python bench/run.py --quick    # sizes / 8, for a smoke test (ratios indicative)
    .venv/bin/python bench/run.py --only mc  # one measure (baseline, pysd, mc, sobol, dask)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_BENCH = Path(os.environ.get("FLYWHEEL_SHARED_BENCH", REPO.parent / "shared" / "bench"))
WORK = REPO / "bench" / "_work"
PYSD_VENV = WORK / "pysd-venv"
BASELINE = REPO / "scenarios" / "baseline.toml"
sys.path.insert(0, str(SHARED_BENCH))
sys.path.insert(0, str(REPO))

from flywheel.experiments.sensitivity import DEFAULT_SENSITIVITY_LEVERS  # noqa: E402

SOBOL_LEVERS = DEFAULT_SENSITIVITY_LEVERS + (
    "bass_q_per_year",
    "bass_p_per_year",
    "churn_base_per_week",
    "basket_usd",
    "price_elasticity",
    "selection_elasticity",
    "learning_rate_share",
    "target_operating_margin_share",
    "skus_per_seller",
    "seller_join_rate_per_week",
)


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float]]:
    """(min wall seconds, all wall seconds) over `repeats` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), times


def emit(record: dict[str, Any]) -> dict[str, Any]:
    print(json.dumps(record), flush=True)
    return record


def ensure_pysd() -> Path:
    """The PySD venv's python, creating the venv from the shared requirements if needed."""
    python = PYSD_VENV / "bin" / "python"
    if not python.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(PYSD_VENV)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "-r",
                str(SHARED_BENCH / "requirements.txt"),
            ],
            check=True,
        )
    return python


def measure_pysd(runs: int) -> dict[str, Any]:
    python = ensure_pysd()
    out = subprocess.run(
        [str(python), "peer_pysd.py", "--runs", str(runs)],
        cwd=SHARED_BENCH,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


MC_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
import flywheel
from flywheel.experiments import make_executor, monte_carlo
scenario = flywheel.load_scenario({scenario!r})
start = time.perf_counter()
executor = make_executor({executor!r}, {workers!r})  # worker start-up is part of the time
mc = monte_carlo(scenario, {n}, seed=0, chunk_size={chunk!r}, executor=executor)
executor.close()
seconds = time.perf_counter() - start
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest worker
workers = getattr(executor, "workers", 1) if worker else 0
print(json.dumps({{"seconds": seconds, "peak_bytes": main + workers * worker,
    "main_peak_bytes": main, "worker_peak_bytes": worker, "workers": workers,
    "executor": {executor!r}, "chunk_size": {chunk!r}}}))
"""


def measure_mc(
    replications: int, chunk: int | None = None, executor: str = "auto", workers: int | None = None
) -> dict[str, Any]:
    """Streaming Monte Carlo in a fresh process, as `flywheel mc` runs it (executor "auto":
    local processes, one per CPU, for a run this large): wall time including the workers'
    start-up, and peak resident memory, counted as the main process's peak plus `workers` x
    the largest worker's peak (an upper bound on the total)."""
    code = MC_CHILD.format(
        repo=str(REPO),
        scenario=str(BASELINE),
        n=replications,
        chunk=chunk,
        executor=executor,
        workers=workers,
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


MEASURES = ("baseline", "pysd", "mc", "sobol", "dask")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes / 8 (smoke test)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--skip", default="", help=f"comma-separated measures to skip ({', '.join(MEASURES)})"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated measures to run, e.g. --only mc,sobol"
    )
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    if args.only:
        skip |= set(MEASURES) - set(args.only.split(","))
    scale = 8 if args.quick else 1

    import numpy as np
    from limit_numpy import pass_through_grid, run_numpy

    import flywheel
    from flywheel.experiments import (
        DaskExecutor,
        ProcessExecutor,
        grid_points,
        run_sweep,
        sensitivity,
    )

    scenario = flywheel.load_scenario(BASELINE)
    emit(
        {
            "measure": "machine",
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "quick": args.quick,
        }
    )
    targets: list[tuple[str, str, float, float, bool]] = []

    if "baseline" not in skip:
        lock_1000, _ = best_of(lambda: run_numpy(pass_through_grid(1000)), args.repeats)
        ours_1000, times = best_of(lambda: flywheel.simulate(scenario, 1000, 0), args.repeats)
        emit(
            {
                "measure": "baseline_1000",
                "seconds": ours_1000,
                "seconds_all": times,
                "lockstep_seconds": lock_1000,
                "ratio_to_lockstep": ours_1000 / lock_1000,
            }
        )
        targets.append(("1000 replications of baseline", "< 2 s", ours_1000, 2.0, ours_1000 < 2.0))
        targets.append(
            (
                "1000 replications / lockstep reference",
                "<= 5 x",
                ours_1000 / lock_1000,
                5.0,
                ours_1000 / lock_1000 <= 5.0,
            )
        )

    if "pysd" not in skip:
        pysd = measure_pysd(20)
        if "baseline" in skip:  # the PySD ratio needs our 1000-replication time
            ours_1000, _ = best_of(lambda: flywheel.simulate(scenario, 1000, 0), args.repeats)
        speedup = pysd["seconds_per_run"] / (ours_1000 / 1000)
        emit({"measure": "pysd", **pysd, "speedup_per_replication": speedup})
        targets.append(
            ("PySD per run / ours per replication", ">= 50 x", speedup, 50.0, speedup >= 50.0)
        )

    if "mc" not in skip:
        n = 10_000 // scale
        lock, _ = best_of(lambda: run_numpy(pass_through_grid(n)), 1)
        mc = measure_mc(n)
        emit(
            {
                "measure": f"montecarlo_{n}",
                **mc,
                "lockstep_seconds": lock,
                "ratio_to_lockstep": mc["seconds"] / lock,
            }
        )
        targets.append(
            (f"{n} replications, streamed", "<= 4 s", mc["seconds"], 4.0, mc["seconds"] <= 4.0)
        )
        gib = mc["peak_bytes"] / 2**30
        targets.append((f"{n} replications, peak memory (GiB)", "<= 2 GiB", gib, 2.0, gib <= 2.0))

    if "sobol" not in skip:
        n = 1024 // scale
        ranges = {}
        for name in SOBOL_LEVERS:  # default +-20 %, inside the schema bounds
            value = float(getattr(scenario.levers, name))
            low, high = sorted((value * 0.8, value * 1.2))
            ranges[name] = (low, high) if low < high else (value - 0.01, value + 0.01)
        executor = ProcessExecutor(os.cpu_count())
        start = time.perf_counter()
        frame = sensitivity(
            scenario, SOBOL_LEVERS, "revenue_usd@year10", n=n, ranges=ranges, executor=executor
        )
        seconds = time.perf_counter() - start
        executor.close()
        emit(
            {
                "measure": "sobol_20_levers",
                "N": n,
                "runs": frame.attrs["runs"],
                "seconds": seconds,
                "workers": os.cpu_count(),
            }
        )
        targets.append(
            (
                f"Sobol, 20 levers, N = {n} ({frame.attrs['runs']} runs)",
                "<= 60 s",
                seconds,
                60.0,
                seconds <= 60.0,
            )
        )

    if "dask" not in skip:
        import tempfile

        runs = 20_000 // scale
        names, points = grid_points({"pass_through_share": f"0:1:{runs // 10}"})
        seconds = {}
        for workers in (1, 2):
            executor = DaskExecutor(workers)
            executor._connect()  # cluster start-up is not part of the sweep's time
            with tempfile.TemporaryDirectory(dir=WORK) as folder:
                start = time.perf_counter()
                run_sweep(
                    scenario,
                    names,
                    points,
                    replications=10,
                    out=Path(folder) / "s",
                    chunk_size=500,
                    executor=executor,
                )
                seconds[workers] = time.perf_counter() - start
            executor.close()
        speedup = seconds[1] / seconds[2]
        emit(
            {
                "measure": "dask_sweep",
                "runs": runs,
                "seconds_1_worker": seconds[1],
                "seconds_2_workers": seconds[2],
                "speedup": speedup,
            }
        )
        targets.append(
            (f"{runs}-run sweep, Dask 2 workers vs 1", ">= 1.6 x", speedup, 1.6, speedup >= 1.6)
        )

    print("\n| target | goal | measured | met |\n|---|---|---|---|")
    for name, goal, value, _, met in targets:
        print(f"| {name} | {goal} | {value:.3g} | {'yes' if met else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
