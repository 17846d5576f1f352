"""`simulate`: the one call from a Scenario to Results."""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
import numpy.typing as npt

from flywheel.engine.clock import check_outputs, run_batch, stream_batch
from flywheel.engine.recording import SeriesRecorder
from flywheel.results.weekly import Results
from flywheel.scenario.loading import Scenario

MAX_REPLICATIONS_PER_CALL = 1_000_000


def simulate(
    scenario: Scenario,
    replications: int = 1,
    seed: int = 0,
    *,
    first_replication: int = 0,
    lever_overrides: dict[str, npt.ArrayLike] | None = None,
    progress: Callable[[int, int], None] | None = None,
    outputs: Collection[str] | None = None,
) -> Results:
    """Run `replications` replications of `scenario` in lockstep; replication ids start at
    `first_replication`, so a batch can be split anywhere and give the same numbers.

    `lever_overrides` sets per-replication lever values (arrays of shape (replications,)).
    `outputs` keeps only those series (default: every output); the others are computed but
    not recorded, which saves time and memory (`Results.annual()` needs the default).
    """
    if isinstance(replications, bool) or not isinstance(replications, int | np.integer):
        raise ValueError(f"replications = {replications!r} must be a whole number >= 1")
    if not 1 <= replications <= MAX_REPLICATIONS_PER_CALL:
        raise ValueError(
            f"replications = {replications} is out of range "
            f"(allowed 1 to {MAX_REPLICATIONS_PER_CALL})"
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a flywheel.Scenario, not {type(scenario).__name__}")
    ids = np.arange(first_replication, first_replication + replications, dtype=np.int64)
    if outputs is None:
        series = run_batch(scenario, ids, int(seed), lever_overrides, progress)
    else:
        keep = check_outputs(tuple(outputs) if not isinstance(outputs, str) else (outputs,))
        if not keep:
            raise ValueError("outputs = []: name at least one output (or None for all)")
        recorder = SeriesRecorder(scenario.horizon_weeks, keep)
        series = stream_batch(scenario, ids, int(seed), recorder, lever_overrides, progress)
    return Results(scenario=scenario, seed=int(seed), replication_ids=ids, series=series)
