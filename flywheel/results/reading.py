"""`load_results`: a written run (.parquet, .csv or .nc) back as Results, with its provenance."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from flywheel.results.provenance import ProvenanceError, check
from flywheel.results.provenance_files import read_table
from flywheel.results.weekly import Results
from flywheel.scenario.loading import parse_scenario_text

INDEX_COLUMNS = ("replication", "week", "date")


def load_results(path: str | Path) -> Results:
    """The Results a `flywheel run --out` (or `Results.write`) wrote to `path`: the weekly
    arrays, the scenario (from the provenance's resolved TOML, validated like any input), the
    seed and replication ids, and `results.provenance` as written.

    Raises ProvenanceError (a ValueError) when the file has no provenance, or one that does
    not match its data, and ValueError for a file that is not a weekly run (an `--annual`
    table, a Monte Carlo folder...: `flywheel provenance` reads those)."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".parquet", ".nc"):
        raise ValueError(f"{path}: expected a .csv, .parquet or .nc file written by flywheel")
    frame, found, data_sha256 = read_table(path)
    if found is None:
        raise ProvenanceError(f"{path}: no provenance (not written by this flywheel)")
    provenance = check(found, data_sha256, str(path))
    settings = provenance.get("settings") or {}
    if provenance["kind"] != "run" or settings.get("annual"):
        what = "annual run" if provenance["kind"] == "run" else provenance["kind"]
        raise ValueError(
            f"{path}: holds {what} results; load_results reads weekly runs "
            f"(`flywheel provenance {path.name}` shows any output)"
        )
    scenario = parse_scenario_text(provenance["scenario_toml"], origin=f"{path} (provenance)")
    ids = frame["replication"].drop_duplicates().to_numpy(dtype=np.int64)
    weeks = scenario.horizon_weeks
    if len(frame) != ids.size * weeks:
        raise ProvenanceError(
            f"{path}: inconsistent provenance: {len(frame)} rows, expected {ids.size} "
            f"replications x {weeks} weeks"
        )
    series = {
        str(name): frame[name].to_numpy(dtype=np.float64).reshape(ids.size, weeks)
        for name in frame.columns
        if name not in INDEX_COLUMNS
    }
    return Results(
        scenario=scenario,
        seed=int(provenance["seed"]),
        replication_ids=ids,
        series=series,
        provenance=provenance,
    )
