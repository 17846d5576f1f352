"""Where a batch's time goes with the compiled weekly step.

Prints, measured here and now:

1. the run time of the app's baseline fan configuration (the app's outputs, loop gains
   included) against the number of replications (best of 7), which splits a run into its
   fixed per-week cost and its per-replication cost;
2. how a 1000-replication baseline run (every output recorded, as `make bench`'s
   baseline_1000) divides between the compiled kernel (the Erlang C wait included), the
   recorder, the calendar and the rest (cProfile's own times; profiling adds a little).

Run: .venv/bin/python bench/step_profile.py
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flywheel.engine.clock import run_batch  # noqa: E402
from flywheel.results.simulation import simulate  # noqa: E402
from flywheel.scenario.loading import Scenario  # noqa: E402
from flywheel.ui.cache import SUMMARY_OUTPUTS  # noqa: E402

REPLICATIONS_CURVE = (1, 10, 50, 100, 200, 400, 1000)
PARTS = {  # profiled function -> part
    "week_kernel": "compiled kernel",
    "write": "recorder",
    "schedule": "calendar",
    "_fire": "calendar",
}


def run_ms(replications: int, repeats: int = 7) -> float:
    """Best-of-`repeats` milliseconds of the app's baseline fan configuration."""
    scenario = Scenario()
    simulate(scenario, replications, 0, outputs=SUMMARY_OUTPUTS)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        simulate(scenario, replications, 0, outputs=SUMMARY_OUTPUTS)
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def parts_of_a_run(replications: int = 1000) -> dict[str, float]:
    """Seconds by part of one `run_batch` of the baseline (every output recorded)."""
    scenario = Scenario()
    ids = np.arange(replications, dtype=np.int64)
    run_batch(scenario, ids[:2], 0)
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    run_batch(scenario, ids, 0)
    profile.disable()
    total = time.perf_counter() - start
    parts = dict.fromkeys(PARTS.values(), 0.0)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    for (_, _, function), (_, _, own_seconds, _, _) in stats.items():
        if function in PARTS:
            parts[PARTS[function]] += own_seconds
    parts["rest"] = total - sum(parts.values())
    parts["all"] = total
    return parts


def main() -> None:
    """Print the two measures."""
    print(f"step_profile {time.strftime('%Y-%m-%d %H:%M')} numpy {np.__version__}")
    curve = {replications: run_ms(replications) for replications in REPLICATIONS_CURVE}
    print(
        "run time against replications (app outputs, best of 7): "
        + ", ".join(f"R={r} {ms:.0f} ms" for r, ms in curve.items())
    )
    parts = parts_of_a_run()
    print(
        "a 1000-replication baseline run, every output recorded (cProfile): "
        + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in parts.items())
    )


if __name__ == "__main__":
    main()
