"""Do two revisions of the engine compute the same numbers? Every output of 27 configurations
(each shipped preset, each loop knocked out alone, all ten cut, and per-replication lever
overrides; 6 replications, seed 7) at revision REV (a temporary git worktree) against this
checkout, as the largest relative difference per output.

Run: .venv/bin/python bench/kernel_parity.py [REV]   (default 45897ab, the last numpy step)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REVISION = "45897ab"
TOLERANCE = 1e-6  # relative; what "the same numbers" means here (the kernel gives ~1e-9)
SNAPSHOT = r"""
import dataclasses, pathlib, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from flywheel.engine.clock import run_batch
from flywheel.scenario.parameters import LOOP_IDS
from flywheel.scenario.loading import load_scenario
root = pathlib.Path(sys.argv[2]) / "scenarios"
base = load_scenario(root / "baseline.toml")
cases = [(path.stem, load_scenario(path), None) for path in sorted(root.glob("*.toml"))]
cases += [(f"cut_{loop}", dataclasses.replace(base, knockouts=(loop,)), None) for loop in LOOP_IDS]
cases.append(("cut_all", dataclasses.replace(base, knockouts=tuple(LOOP_IDS)), None))
overrides = {
    "pass_through_share": np.linspace(0.0, 1.0, 6),
    "fc_lead_time_cv": np.linspace(0.0, 0.5, 6),
    "weekly_demand_noise_cv": np.array([0.0, 0.1, 0.2, 0.0, 0.3, 0.1]),
}
cases.append(("overrides", base, overrides))
arrays = {}
for name, scenario, levers in cases:
    for output, values in run_batch(scenario, np.arange(6), 7, levers).items():
        arrays[f"{name}|{output}"] = values
np.savez_compressed(sys.argv[1], **arrays)
"""


def snapshot(checkout: Path, target: Path) -> dict[str, np.ndarray]:
    """Every output of every configuration, computed by the flywheel in `checkout`."""
    subprocess.run([sys.executable, "-c", SNAPSHOT, str(target), str(checkout)], check=True)
    with np.load(target) as data:
        return {key: data[key] for key in data.files}


def largest_relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a|, |b|) over the entries (NaN where exactly one is NaN)."""
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return float("nan")
    keep = ~np.isnan(a)
    scale = np.maximum(np.abs(a[keep]), np.abs(b[keep]))
    difference = np.abs(a[keep] - b[keep])
    relative = np.divide(difference, scale, out=np.zeros_like(difference), where=scale > 0)
    return float(relative.max()) if relative.size else 0.0


def main() -> None:
    revision = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_REVISION
    with tempfile.TemporaryDirectory() as folder:
        old_tree = Path(folder) / "old"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(old_tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            old = snapshot(old_tree, Path(folder) / "old.npz")
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(old_tree)],
                check=True,
            )
        new = snapshot(REPO, Path(folder) / "new.npz")
    only = sorted(set(old) ^ set(new))
    worst: dict[str, float] = {}
    for key in sorted(set(old) & set(new)):
        output = key.split("|")[1]
        difference = largest_relative_difference(old[key], new[key])
        worst[output] = max(
            worst.get(output, 0.0), difference, key=lambda x: np.nan_to_num(x, nan=np.inf)
        )
    failing = {name: d for name, d in worst.items() if not d <= TOLERANCE}
    print(f"kernel_parity {revision} -> this checkout: {len(old)} arrays, {len(worst)} outputs")
    print(f"  in one only: {only or 'none'}")
    top = sorted(worst.items(), key=lambda kv: -np.nan_to_num(kv[1], nan=np.inf))[:5]
    print("  largest relative differences: " + ", ".join(f"{n} {d:.1e}" for n, d in top))
    print(f"  over {TOLERANCE:g}: {failing or 'none'}")
    sys.exit(1 if failing or only else 0)


if __name__ == "__main__":
    main()
