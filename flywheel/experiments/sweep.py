"""Sweeps: a grid or a sample of lever values x replications, into a resumable results store.

Run `r` of a sweep is point `r // replications`, replication `r % replications`; every point
uses replication ids 0 .. replications-1 (common random numbers), so two points differ only by
their levers. Runs are cut into chunks of `chunk_size` runs (one lockstep batch each, with
per-run lever arrays), and each chunk is stored as one parquet file: one row per (run, model
year) with the run's levers and the yearly value of each chosen output (see `outcomes`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.experiments.executors import Batch, Executor, Progress, SequentialExecutor, Series
from flywheel.experiments.outcomes import yearly
from flywheel.experiments.store import ResultsStore
from flywheel.scenario.loading import Scenario, check_lever_value, scenario_to_dict, sweep_values
from flywheel.scenario.schema import Levers, field_infos

if TYPE_CHECKING:
    import pandas as pd

SWEEP_OUTPUTS = (
    "customers",
    "revenue_usd",
    "operating_income_usd",
    "sellers",
    "price_index",
    "cash_usd",
    "fulfillment_centers",
    "insolvent",
)
DEFAULT_CHUNK = 1000


def resolve_lever(name: str) -> str:
    """A lever name, exact or an unambiguous prefix (pass_through -> pass_through_share)."""
    names = list(field_infos(Levers))
    if name in names:
        return name
    matches = [n for n in names if n.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    hint = f" (matches {', '.join(matches)})" if matches else " (see `flywheel describe`)"
    raise ValueError(f"{name!r} is not a lever{hint}")


def grid_points(levers: Mapping[str, Any]) -> tuple[tuple[str, ...], npt.NDArray[np.float64]]:
    """(lever names, (P, L) full-factorial points) from name -> 'start:stop:count' or values."""
    names = tuple(resolve_lever(name) for name in levers)
    axes = [
        sweep_values(spec, where=f"--grid {name}")
        for name, spec in zip(names, levers.values(), strict=True)
    ]
    for name, values in zip(names, axes, strict=True):
        for value in values:
            check_lever_value(name, value, where=f"--grid {name}")
    return names, np.array(list(itertools.product(*axes)), dtype=np.float64).reshape(-1, len(names))


def sample_points(
    ranges: Mapping[str, tuple[float, float]], samples: int, seed: int
) -> tuple[tuple[str, ...], npt.NDArray[np.float64]]:
    """(lever names, (samples, L) Latin-hypercube points) inside the given ranges (SALib)."""
    from SALib.sample import latin

    names = tuple(resolve_lever(name) for name in ranges)
    for name, (low, high) in zip(names, ranges.values(), strict=True):
        check_lever_value(name, low, where=f"--range {name}")
        check_lever_value(name, high, where=f"--range {name}")
        if not low < high:
            raise ValueError(f"--range {name}: low {low} must be below high {high}")
    problem = {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [list(map(float, bounds)) for bounds in ranges.values()],
    }
    return names, np.asarray(latin.sample(problem, samples, seed=seed), dtype=np.float64)


@dataclass(frozen=True)
class _YearlyReducer:
    """Chunk -> long frame: one row per (run, model year), levers and yearly outputs."""

    levers: tuple[str, ...]
    outputs: tuple[str, ...]
    replications: int

    @property
    def outputs_needed(self) -> tuple[str, ...]:
        """The outputs the store keeps: the engine records no other."""
        return self.outputs

    def __call__(self, series: Series, batch: Batch) -> pd.DataFrame:
        import pandas as pd

        runs = np.asarray(batch.tag, dtype=np.int64)
        years = yearly(series[self.outputs[0]], self.outputs[0]).shape[1]
        columns: dict[str, Any] = {
            "run": np.repeat(runs, years),
            "point": np.repeat(runs // self.replications, years),
            "replication": np.repeat(batch.ids, years),
        }
        for name in self.levers:
            columns[name] = np.repeat((batch.overrides or {})[name], years)
        columns["year"] = np.tile(np.arange(1, years + 1), runs.size)
        for name in self.outputs:
            columns[name] = yearly(series[name], name).reshape(-1)
        return pd.DataFrame(columns)


def insolvent_share(frame: pd.DataFrame) -> pd.DataFrame:
    """Per sweep point: the share of its runs that became insolvent (model.md#insolvency),
    from a store's frame (`ResultsStore.frame()`, which needs the `insolvent` output): one row
    per point with its lever values, `runs` and `insolvent_share`."""
    if "insolvent" not in frame.columns:
        raise ValueError("the sweep store has no 'insolvent' output: run the sweep with it")
    last = frame[frame["year"] == frame["year"].max()]
    levers = [name for name in field_infos(Levers) if name in frame.columns]
    grouped = last.groupby("point")
    table = grouped[levers].first()
    table["runs"] = grouped["insolvent"].size()
    table["insolvent_share"] = grouped["insolvent"].mean()
    return table.reset_index()


def run_sweep(
    scenario: Scenario,
    levers: Sequence[str],
    points: npt.ArrayLike,
    replications: int = 1,
    seed: int = 0,
    *,
    out: str | Path,
    outputs: Sequence[str] = SWEEP_OUTPUTS,
    chunk_size: int = DEFAULT_CHUNK,
    executor: Executor | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> ResultsStore:
    """Run every point x replication into the store at `out`; `resume` continues a killed run.

    Returns the store (`store.frame()` reads every row). Interrupted (Ctrl-C, kill) at any
    moment, the store stays consistent and `resume=True` runs only what is missing. Once
    complete, the manifest records its provenance (`sweep_provenance`), sealed over the
    store's rows.
    """
    names = tuple(resolve_lever(name) for name in levers)
    grid = np.asarray(points, dtype=np.float64).reshape(-1, len(names))
    for column, name in enumerate(names):
        for value in np.unique(grid[:, column]):
            check_lever_value(name, float(value), where=f"sweep {name}")
    if replications < 1:
        raise ValueError(f"replications = {replications} must be >= 1")
    total = grid.shape[0] * replications
    starts = list(range(0, total, chunk_size))
    spec = {
        "scenario": scenario_to_dict(scenario),
        "seed": seed,
        "levers": list(names),
        "points": grid.tolist(),
        "replications": replications,
        "outputs": list(outputs),
        "chunk_size": chunk_size,
    }
    store = ResultsStore.open(out, "sweep", spec, total_chunks=len(starts), resume=resume)
    reducer = _YearlyReducer(names, tuple(outputs), replications)
    batches, chunk_of = [], []
    for index, start in enumerate(starts):
        if index in store.done:
            continue
        runs = np.arange(start, min(start + chunk_size, total), dtype=np.int64)
        overrides = {name: grid[runs // replications, column] for column, name in enumerate(names)}
        batches.append(Batch(scenario, seed, runs % replications, reducer, overrides, tag=runs))
        chunk_of.append(index)
    already = sum(min(chunk_size, total - starts[i]) for i in store.done)

    def report(done: int, _: int) -> None:
        if progress is not None:
            progress(already + done, total)

    for position, frame in (executor or SequentialExecutor()).map(batches, report):
        runs = batches[position].tag
        store.write_chunk(chunk_of[position], frame, (int(runs[0]), int(runs[-1]) + 1))
    if store.is_complete:
        store.seal_provenance(sweep_provenance(scenario, spec))
    return store


def sweep_provenance(scenario: Scenario, spec: dict[str, Any]) -> dict[str, Any]:
    """The provenance of a sweep store (`run_sweep`'s spec: levers, points, sizes)."""
    from flywheel.results.provenance import describe

    return describe(
        scenario,
        "sweep",
        seed=spec["seed"],
        replications=spec["replications"],
        outputs=spec["outputs"],
        settings={key: spec[key] for key in ("levers", "points", "chunk_size")},
    )
