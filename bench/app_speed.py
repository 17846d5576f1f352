"""App speed: server time of a lever change (cache miss) and of a rerun (cache hit), via AppTest.

Run: .venv/bin/python bench/app_speed.py [replications]   (default 200, the app's default)
The issue's target: a lever change redraws in < 300 ms server time with a 200-replication fan.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPLICATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
os.environ["FLYWHEEL_APP_REPLICATIONS"] = str(REPLICATIONS)
APP = Path(__file__).resolve().parents[1] / "app.py"
VALUES = (0.62, 0.64, 0.66, 0.68, 0.70)


def main() -> None:
    """Print median / min timings of lever changes (miss) and reruns (hit)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600).run()
    misses, hits = [], []
    for value in VALUES:
        at.slider(key="lever:pass_through_share").set_value(value)
        start = time.perf_counter()
        at.run()
        misses.append(time.perf_counter() - start)
        start = time.perf_counter()
        at.run()
        hits.append(time.perf_counter() - start)
    for value in VALUES:  # back to values already simulated: a lever change that hits the cache
        at.slider(key="lever:pass_through_share").set_value(value)
        start = time.perf_counter()
        at.run()
        hits.append(time.perf_counter() - start)
    print(
        f"app_speed {time.strftime('%Y-%m-%d')} {platform.node()} "
        f"{platform.processor() or platform.machine()} cpus={os.cpu_count()} "
        f"load={os.getloadavg()[0]:.1f} replications={REPLICATIONS}"
    )
    print(
        f"lever change, new scenario (simulate + summarise + draw): median "
        f"{statistics.median(misses) * 1000:.0f} ms, min {min(misses) * 1000:.0f} ms"
    )
    print(
        f"rerun / lever change to a cached scenario: median "
        f"{statistics.median(hits) * 1000:.0f} ms, min {min(hits) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
