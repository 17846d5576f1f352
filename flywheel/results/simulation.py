"""`simulate`: the one call from a Scenario to Results."""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
import numpy.typing as npt

from flywheel.engine.clock import check_outputs, run_batch, stream_batch
from flywheel.engine.recording import SeriesRecorder
from flywheel.results.weekly import Results
from flywheel.scenario.loading import Scenario, check_lever_value
from flywheel.scenario.schema import Levers, field_infos

MAX_REPLICATIONS_PER_CALL = 1_000_000
# Replication ids are int64 and seed a SeedSequence spawn key: ids up to 2**62 leave room for
# any arithmetic on them (id + replications) without overflow.
MAX_REPLICATION_ID = 2**62


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

    `lever_overrides` sets per-replication lever values (arrays of shape (replications,), or
    one number for all).
    `outputs` keeps only those series (default: every output); the others are computed but
    not recorded, which saves time and memory (`Results.annual()` needs the default).

    Raises ValueError (naming the argument, the value and what is allowed) for replications
    outside 1..1 000 000, a negative seed, `first_replication + replications` outside
    0..2**62, or a lever override that is unknown, of the wrong shape, not finite or outside
    its lever's bounds (the bounds also keep every output finite: `basket_usd = 1e308` is
    refused, not run to infinity).
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
    check_first_replication(first_replication, replications)
    if lever_overrides is not None:
        lever_overrides = checked_lever_overrides(lever_overrides, replications)
    ids = np.arange(first_replication, first_replication + replications, dtype=np.int64)
    if outputs is None:
        series = run_batch(scenario, ids, int(seed), lever_overrides, progress)
    else:
        keep = check_outputs(tuple(outputs) if not isinstance(outputs, str) else (outputs,))
        if not keep:
            raise ValueError("outputs = []: name at least one output (or None for all)")
        recorder = SeriesRecorder(scenario.horizon_weeks, keep)
        series = stream_batch(scenario, ids, int(seed), recorder, lever_overrides, progress)
    made = None
    if lever_overrides is not None:  # the scenario alone does not say how these were made
        from flywheel.results.provenance import describe

        made = describe(
            scenario,
            "run",
            seed=int(seed),
            replications=replications,
            first_replication=first_replication,
            outputs=None if outputs is None else list(series),
            settings={"lever_overrides": {k: v.tolist() for k, v in lever_overrides.items()}},
        )
    return Results(
        scenario=scenario,
        seed=int(seed),
        replication_ids=ids,
        series=series,
        provenance=made or {},
    )


def check_first_replication(first_replication: int, replications: int) -> None:
    """ValueError unless replication ids first .. first + replications - 1 fit in 0..2**62."""
    if isinstance(first_replication, bool) or not isinstance(first_replication, int | np.integer):
        raise ValueError(f"first_replication = {first_replication!r} must be a whole number >= 0")
    if not 0 <= first_replication <= MAX_REPLICATION_ID - replications:
        raise ValueError(
            f"first_replication = {first_replication} is out of range (allowed 0 to "
            f"2**62 - replications = {MAX_REPLICATION_ID - replications})"
        )


def checked_lever_overrides(
    overrides: dict[str, npt.ArrayLike], replications: int
) -> dict[str, npt.NDArray[np.float64]]:
    """Per-replication lever values as float arrays of shape (replications,) (a single number
    stands for every replication), checked like a scenario's levers: a known lever, finite,
    inside its bounds; else ValueError."""
    if not isinstance(overrides, dict):
        raise ValueError(
            f"lever_overrides must be a dict of lever name -> values, not "
            f"{type(overrides).__name__}"
        )
    levers = field_infos(Levers)
    checked = {}
    for name, values in overrides.items():
        where = f"lever_overrides[{name!r}]"
        if name not in levers:
            raise ValueError(f"{where}: {name!r} is not a lever (see `flywheel describe`)")
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{where} = {values!r:.80}: expected numbers") from None
        if array.shape == ():  # one value for every replication
            array = np.full(replications, float(array))
        if array.shape != (replications,):
            raise ValueError(
                f"{where} has shape {array.shape}; expected ({replications},), one value per "
                f"replication"
            )
        for index in _first_bad(array, name):
            check_lever_value(name, float(array[index]), where=f"{where}[{index}]")
        checked[name] = array
    return checked


def _first_bad(array: npt.NDArray[np.float64], name: str) -> list[int]:
    """[index of the first value outside lever `name`'s bounds or not finite], or []."""
    from flywheel.scenario.parameters import parameter_bounds

    low, high = parameter_bounds(field_infos(Levers)[name])
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(array) & (array >= low) & (array <= high))
    return [int(np.argmax(bad))] if bad.any() else []
