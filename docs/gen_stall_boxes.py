"""Regenerate the app's "where it stalls" boxes (flywheel/data/baseline_stall_boxes.csv).

Usage: `.venv/bin/python docs/gen_stall_boxes.py` runs the discovery of docs/experiments.md
("Where the baseline stalls"): a 2 000-run Latin-hypercube sweep of the baseline over two
decision levers and three deep uncertainties (seed 0, into a temporary store), then PRIM for
the case `revenue_usd@year10 < 0.6*median`, and writes one row per restricted lever of each
box with the box's statistics. The Decide tab shows the file as it is; about 10 s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import flywheel
from flywheel.experiments import discover, run_sweep, sample_points

OUT = Path(__file__).resolve().parents[1] / "flywheel" / "data" / "baseline_stall_boxes.csv"
SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
CASE = "revenue_usd@year10 < 0.6*median"
RANGES = {
    "pass_through_share": (0.2, 0.9),
    "marketing_share_of_revenue": (0.01, 0.1),
    "market_growth_per_year": (0.1, 0.4),
    "competitor_price_trend_per_year": (-0.05, 0.02),
    "price_elasticity": (0.8, 2.0),
}
RUNS = 2000
BOXES = 2


def main() -> int:
    """Run the sweep and the discovery; write the CSV (atomically)."""
    from flywheel.scenario.files import write_text_atomic

    scenario = flywheel.load_scenario(SCENARIO)
    names, points = sample_points(RANGES, RUNS, seed=0)
    with tempfile.TemporaryDirectory() as folder:
        store = run_sweep(scenario, names, points, 1, 0, out=Path(folder) / "lhs")
        found = discover(store, CASE, boxes=BOXES)
    table = found.boxes.merge(found.stats, on="box")
    table.insert(0, "case", CASE)
    write_text_atomic(OUT, table.to_csv(index=False, float_format="%.6g"))
    print(f"wrote {OUT} ({len(table)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
