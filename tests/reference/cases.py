"""The configurations the reference-output regression guard runs, and how it compares them.

Every output of each configuration, two replications with noise on, at a fixed seed: each
shipped scenario (the presets, the Amazon runs and the workshop's), baseline with each loop cut
alone and with all ten cut, baseline with per-replication lever overrides, and two event mixes
(`scenarios/` beside this file). The baseline keeps every week; the others keep week 0, every
52nd week and the last week, which is enough to catch a change anywhere (a change in any week
moves the stocks, and so every later sample) while the file stays small.

Only the public API is used (`load_scenario`, `simulate`), so the guard survives any
restructuring of the package; `make reference` regenerates the stored file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

import flywheel
from flywheel import Scenario

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
STORED = HERE / "reference_outputs.npz"
SEED = 20261207
REPLICATIONS = 2
RELATIVE_TOLERANCE = 1e-9
# Differences below this share of a series' largest magnitude count as equal: a value that
# crosses zero (operating income, a loop gain) has no meaningful relative difference there.
SCALE_FLOOR = 1e-12
LOOP_IDS = ("R1", "R2", "R3", "R4", "R5", "B1", "B2", "B3", "B4", "B5")
OVERRIDES = {  # per-replication levers: one value per replication
    "pass_through_share": np.array([0.2, 0.9]),
    "fc_lead_time_cv": np.array([0.0, 0.4]),
    "weekly_demand_noise_cv": np.array([0.05, 0.2]),
    "seller_take_rate_share": np.array([0.10, 0.25]),
}

Case = tuple[str, Scenario, dict[str, npt.NDArray[np.float64]] | None]


def cases() -> Iterator[Case]:
    """(name, scenario, lever overrides) of every configuration, in a fixed order."""
    shipped = sorted((REPOSITORY / "scenarios").glob("*.toml"))
    shipped += sorted((REPOSITORY / "scenarios" / "workshop").glob("0*.toml"))
    for path in shipped:
        name = path.stem if path.parent.name == "scenarios" else f"workshop/{path.stem}"
        yield name, flywheel.load_scenario(path), None
    baseline = flywheel.load_scenario(REPOSITORY / "scenarios" / "baseline.toml")
    for loop in LOOP_IDS:
        yield f"cut_{loop}", dataclasses.replace(baseline, knockouts=(loop,)), None
    yield "cut_all", dataclasses.replace(baseline, knockouts=LOOP_IDS), None
    yield "overrides", baseline, OVERRIDES
    for path in sorted((HERE / "scenarios").glob("*.toml")):
        yield f"reference/{path.stem}", flywheel.load_scenario(path), None


def sampled_weeks(name: str, weeks: int) -> npt.NDArray[np.int64]:
    """The weeks stored for a configuration: every week of the baseline, else week 0, every
    52nd week and the last."""
    if name == "baseline":
        return np.arange(weeks)
    return np.unique(np.append(np.arange(0, weeks, 52), weeks - 1))


def compute() -> dict[str, npt.NDArray[np.float64]]:
    """Every stored array, keyed `configuration|output`, each (replications, sampled weeks)."""
    arrays: dict[str, npt.NDArray[np.float64]] = {}
    for name, scenario, overrides in cases():
        results = flywheel.simulate(scenario, REPLICATIONS, SEED, lever_overrides=overrides)
        keep = sampled_weeks(name, results.weeks)
        for output in results.outputs:
            arrays[f"{name}|{output}"] = np.ascontiguousarray(results[output][:, keep])
    return arrays


def mismatches(
    stored: dict[str, npt.NDArray[np.float64]], fresh: dict[str, npt.NDArray[np.float64]]
) -> list[str]:
    """One line per array that is missing, extra, reshaped or differs by more than the
    tolerance (with its largest relative difference); empty when everything agrees."""
    problems = [f"{key}: not computed any more" for key in sorted(set(stored) - set(fresh))]
    problems += [f"{key}: new, not in the reference" for key in sorted(set(fresh) - set(stored))]
    for key in sorted(set(stored) & set(fresh)):
        old, new = stored[key], fresh[key]
        if old.shape != new.shape:
            problems.append(f"{key}: shape {new.shape}, reference {old.shape}")
            continue
        if not np.array_equal(np.isnan(old), np.isnan(new)):
            problems.append(f"{key}: NaN in different places")
            continue
        keep = ~np.isnan(old)
        scale = np.maximum(np.abs(old[keep]), np.abs(new[keep]))
        floor = SCALE_FLOOR * (scale.max() if scale.size else 0.0)
        difference = np.abs(old[keep] - new[keep])
        relative = difference / np.maximum(scale, np.maximum(floor, 1e-300))
        worst = float(relative.max()) if relative.size else 0.0
        if worst > RELATIVE_TOLERANCE and difference.max() > floor:
            problems.append(f"{key}: largest relative difference {worst:.2e}")
    return problems
