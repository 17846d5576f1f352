"""Interleaved A/B of this checkout against an older revision: before, after, before, after, …

Each measure runs in a fresh process with the revision's own code (PYTHONPATH = its tree, its
own bench scripts), in the same virtualenv, alternating between the two trees so that a busy
host slows both alike. Prints every run and the medians with their ratio (after / before).

Measures (seconds unless said otherwise):
  compile        the weekly kernel's compile in a fresh process with an empty numba cache
  first_call     a fresh process's first call of the kernel from a warm cache
  import         `import flywheel` in a fresh process
  baseline_1000  1000 replications of the baseline (`bench/run.py --only baseline`, best of 2)
  mc_10000       10 000 replications streamed (`bench/run.py --only mc`); also its peak memory
  app_lever_ms   the app's lever change, server time, median of 10 (`bench/app_speed.py 200 10`)

Run: .venv/bin/python bench/ab.py [REV] [ROUNDS]   (default: 9e851dd, the commit before the
     issue-17 restructuring, and 3 rounds; about 3 minutes a round)
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REVISION = "9e851dd"
SHARED_BENCH = Path(os.environ.get("FLYWHEEL_SHARED_BENCH", REPO.parent / "shared" / "bench"))
COMPILE_PROBE = r"""
import time
start = time.perf_counter()
try:
    from flywheel.engine.step import compile_kernel
except ImportError:  # the flat layout before issue 17
    from flywheel.step import compile_kernel
imported = time.perf_counter() - start
print(compile_kernel(), imported)
"""
IMPORT_PROBE = (
    "import time; s = time.perf_counter(); import flywheel; print(time.perf_counter() - s)"
)
APP_MEDIAN = re.compile(r"server time \(the script run, wall minus harness\): median (\d+) ms")


def run(tree: Path, arguments: list[str], env: dict[str, str] | None = None) -> str:
    """Standard output of `python ARGUMENTS` with the code of `tree` (raises on failure)."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(tree),
        # the shared references beside this checkout (a temporary worktree has none beside it)
        "FLYWHEEL_SHARED_BENCH": str(SHARED_BENCH),
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, *arguments],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: python {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def json_record(output: str, measure: str) -> dict[str, float]:
    """The JSON line of `measure` in bench/run.py's output."""
    for line in output.splitlines():
        if line.startswith("{") and f'"measure": "{measure}"' in line:
            return json.loads(line)
    raise ValueError(f"no {measure} record in:\n{output}")


def measure(tree: Path) -> dict[str, float]:
    """One round of every measure on `tree`."""
    with tempfile.TemporaryDirectory() as empty_cache:
        compile_seconds = float(
            run(tree, ["-c", COMPILE_PROBE], {"NUMBA_CACHE_DIR": empty_cache}).split()[0]
        )
    first_call = float(run(tree, ["-c", COMPILE_PROBE]).split()[0])
    import_seconds = float(run(tree, ["-c", IMPORT_PROBE]))
    baseline = json_record(
        run(tree, ["bench/run.py", "--only", "baseline", "--repeats", "2"]), "baseline_1000"
    )
    mc = json_record(
        run(tree, ["bench/run.py", "--only", "mc", "--repeats", "1"]), "montecarlo_10000"
    )
    app = APP_MEDIAN.search(run(tree, ["bench/app_speed.py", "200", "10"]))
    return {
        "compile": compile_seconds,
        "first_call": first_call,
        "import": import_seconds,
        "baseline_1000": baseline["seconds"],
        "mc_10000": mc["seconds"],
        "mc_10000_peak_gib": mc["peak_bytes"] / 2**30,
        "app_lever_ms": float(app.group(1)) if app else float("nan"),
    }


def main() -> None:
    revision = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_REVISION
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(
        f"ab {time.strftime('%Y-%m-%d %H:%M')} {platform.machine()} cpus={os.cpu_count()} "
        f"load={os.getloadavg()[0]:.1f}: before = {revision}, after = {head} (working tree)"
    )
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "before"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(old), revision],
            check=True,
            capture_output=True,
        )
        try:
            trees = {"before": old, "after": REPO}
            for tree in trees.values():  # warm each tree's numba cache
                run(tree, ["-c", COMPILE_PROBE])
            runs: dict[str, list[dict[str, float]]] = {label: [] for label in trees}
            for round_number in range(rounds):
                for label, tree in trees.items():
                    result = measure(tree)
                    runs[label].append(result)
                    shown = ", ".join(f"{k} {v:.3g}" for k, v in result.items())
                    print(f"round {round_number + 1} {label}: {shown}", flush=True)
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)], check=True
            )
    print(f"\n| measure | before (median of {rounds}) | after | after / before |")
    print("|---|---|---|---|")
    for key in runs["before"][0]:
        before = statistics.median(r[key] for r in runs["before"])
        after = statistics.median(r[key] for r in runs["after"])
        print(f"| {key} | {before:.3g} | {after:.3g} | {after / before:.2f} |")


if __name__ == "__main__":
    main()
