"""Robust policy search: choose decision levers that do best over a set of futures.

`optimize(scenario, levers, objectives, ...)` searches the decision levers' ranges in
synchronous generations (`experiments.search`): each generation's candidates are run on the
same F futures (`experiments.futures`: replication ids 0..F-1 and one Latin-hypercube draw
of the deep uncertainties; common random numbers), all P x F runs in lockstep batches through
an executor, and the objectives and constraints (`experiments.metrics`) are statistics of
each candidate's per-future metrics. One objective: Optuna; several: pymoo's NSGA-II.

With `out`, every generation is stored as one chunk of a results store
(`experiments.store`: atomic writes, a manifest), one row per (candidate, future) with the
levers, the future's draws and the metrics; `resume=True` replays the stored generations
into the optimiser (checking that it asks for the very same candidates) and runs only what
is missing, so an interrupted search ends exactly as an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.experiments.executors import Batch, Executor, Progress, run_in_order
from flywheel.experiments.futures import (
    Futures,
    FuturesError,
    LeverRange,
    distinct_ranges,
    load_uncertainties,
    parse_range,
    sample_futures,
)
from flywheel.experiments.metrics import (
    DISCOUNT_RATE_PER_YEAR,
    Constraint,
    MetricValues,
    Objective,
    metrics_of,
    regret,
)
from flywheel.experiments.search import SAMPLERS, NsgaSearch, OptunaSearch, Searcher
from flywheel.experiments.store import ResultsStore, StoreError
from flywheel.scenario.loading import Scenario, scenario_to_dict

if TYPE_CHECKING:
    import pandas as pd

Array = npt.NDArray[np.float64]
DECIDE_CHUNK = 250  # runs per lockstep batch: a generation of 16 x 50 runs -> 4 batches
MAX_DECISION_LEVERS = 20


@dataclass(frozen=True)
class SearchSpec:
    """Everything that defines a search (its store's fingerprint)."""

    scenario: Scenario
    levers: tuple[LeverRange, ...]
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...] = ()
    uncertainties: tuple[LeverRange, ...] = ()
    futures: int = 50
    generations: int = 10
    population: int = 16
    seed: int = 0
    discount_rate_per_year: float = DISCOUNT_RATE_PER_YEAR
    sampler: str = "tpe"
    chunk_size: int = DECIDE_CHUNK

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics every run records, in order."""
        return metrics_of(self.objectives, self.constraints)

    @property
    def lever_names(self) -> tuple[str, ...]:
        """The decision levers' names."""
        return tuple(item.lever for item in self.levers)

    def fingerprint_data(self) -> dict[str, Any]:
        """The spec as plain data (for the store's manifest and provenance)."""
        return {
            "scenario": scenario_to_dict(self.scenario),
            "levers": [item.text for item in self.levers],
            "objectives": [item.text for item in self.objectives],
            "constraints": [item.text for item in self.constraints],
            "uncertainties": [item.text for item in self.uncertainties],
            "futures": self.futures,
            "generations": self.generations,
            "population": self.population,
            "seed": self.seed,
            "discount_rate_per_year": self.discount_rate_per_year,
            "sampler": self.sampler,
            "chunk_size": self.chunk_size,
        }

    def searcher(self) -> Searcher:
        """A fresh optimiser for this spec."""
        if len(self.objectives) == 1:
            return OptunaSearch(self.levers, self.objectives[0].maximise, self.seed, self.sampler)
        return NsgaSearch(
            self.levers,
            [item.maximise for item in self.objectives],
            len(self.constraints),
            self.seed,
            self.population,
        )


def _whole(value: Any, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} = {value!r} must be a whole number >= {low}")
    if high is not None and value > high:
        raise ValueError(f"{name} = {value!r} must be at most {high}")
    return value


def search_spec(
    scenario: Scenario,
    levers: Sequence[str | LeverRange],
    objectives: Sequence[str | Objective],
    *,
    constraints: Sequence[str | Constraint] = (),
    uncertainties: Sequence[str | LeverRange] | str | Path = (),
    futures: int = 50,
    generations: int = 10,
    population: int = 16,
    seed: int = 0,
    discount_rate_per_year: float = DISCOUNT_RATE_PER_YEAR,
    sampler: str = "tpe",
    chunk_size: int = DECIDE_CHUNK,
) -> SearchSpec:
    """A checked `SearchSpec` from text or objects (ValueError, one line, on bad input)."""
    weeks = scenario.horizon_weeks
    decision = distinct_ranges(
        [item if isinstance(item, LeverRange) else parse_range(item) for item in levers],
        "--levers",
    )
    if not decision:
        raise ValueError("--levers: give at least one decision lever as NAME[MIN,MAX]")
    if len(decision) > MAX_DECISION_LEVERS:
        raise ValueError(f"--levers: {len(decision)} levers; at most {MAX_DECISION_LEVERS}")
    if isinstance(uncertainties, str | Path):
        space = load_uncertainties(uncertainties)
    else:
        space = distinct_ranges(
            [
                item if isinstance(item, LeverRange) else parse_range(item, "--uncertain")
                for item in uncertainties
            ],
            "--uncertain",
        )
    both = sorted({item.lever for item in decision} & {item.lever for item in space})
    if both:
        raise FuturesError(
            f"lever {both[0]} is both a decision lever and a deep uncertainty; choose one"
        )
    goals = tuple(o if isinstance(o, Objective) else Objective.parse(o, weeks) for o in objectives)
    if not goals:
        raise ValueError(f"--objective: give at least one objective ({len(goals)} given)")
    if sampler not in SAMPLERS:
        raise ValueError(f"--sampler {sampler!r} is not one of {', '.join(SAMPLERS)}")
    rate = float(discount_rate_per_year)
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"--discount-rate {rate:g} is outside 0 to 1 (a share per year)")
    return SearchSpec(
        scenario,
        decision,
        goals,
        tuple(c if isinstance(c, Constraint) else Constraint.parse(c, weeks) for c in constraints),
        space,
        _whole(futures, "futures", 1, 100_000),
        _whole(generations, "generations", 1, 10_000),
        _whole(population, "population", 2 if len(goals) > 1 else 1, 10_000),
        _whole(seed, "seed", 0),
        rate,
        sampler,
        _whole(chunk_size, "chunk_size", 1),
    )


def evaluate(
    spec: SearchSpec,
    policies: Array,
    futures: Futures,
    executor: Executor | None = None,
    progress: Progress | None = None,
    scenario: Scenario | None = None,
) -> Array:
    """(P, F, metrics) value of each metric of each policy (rows of decision-lever values)
    on each future: all P x F runs with common random numbers (future f is replication id
    `futures.ids[f]` and draw f for every policy), in batches of `spec.chunk_size` runs."""
    policies = np.asarray(policies, dtype=np.float64).reshape(-1, len(spec.levers))
    count, runs = policies.shape[0], policies.shape[0] * futures.count
    overrides = {
        name: np.repeat(policies[:, k], futures.count) for k, name in enumerate(spec.lever_names)
    }
    for name, draw in futures.draws.items():
        overrides[name] = np.tile(draw, count)
    ids = np.tile(futures.ids, count)
    reducer = MetricValues(spec.metrics, spec.discount_rate_per_year)
    base = scenario or spec.scenario
    batches = [
        Batch(base, spec.seed, ids[rows], reducer, {n: v[rows] for n, v in overrides.items()})
        for rows in np.array_split(np.arange(runs), -(-runs // spec.chunk_size))
    ]
    values = np.concatenate(run_in_order(executor, batches, progress), axis=0)
    return values.reshape(count, futures.count, len(spec.metrics))


@dataclass
class Optimization:
    """A finished (or resumed) search: every candidate's per-future metrics and its summary."""

    spec: SearchSpec
    futures: Futures
    policies: Array  # (N, levers) every candidate, in generation order
    generation: npt.NDArray[np.int64]  # (N,)
    values: Array  # (N, F, metrics)
    store: ResultsStore | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def metric(self, name: str) -> Array:
        """(N, F) values of one metric."""
        return self.values[:, :, self.spec.metrics.index(name)]

    def objective_values(self) -> Array:
        """(N, objectives) each candidate's objective statistics."""
        return np.column_stack([o.values(self.metric(o.metric)) for o in self.spec.objectives])

    def violations(self) -> Array:
        """(N, constraints) how far each candidate is past each constraint (0 = holds)."""
        columns = [c.violation(self.metric(c.metric)) for c in self.spec.constraints]
        return np.column_stack(columns) if columns else np.zeros((len(self.policies), 0))

    @property
    def feasible(self) -> npt.NDArray[np.bool_]:
        """(N,) True where every constraint holds."""
        return ~(self.violations() > 0).any(axis=1)

    def pareto_indices(self) -> npt.NDArray[np.int64]:
        """Candidates on the front (every objective; feasible only), in candidate order."""
        from flywheel.experiments.search import non_dominated

        if len(self.spec.objectives) == 1:
            return np.array([self.best_index], dtype=np.int64)
        maximise = [o.maximise for o in self.spec.objectives]
        return non_dominated(self.objective_values(), maximise, self.feasible)

    @property
    def best_index(self) -> int:
        """The chosen candidate: best on the first objective among the feasible ones (the
        front's end on it, with several objectives); with none feasible, the one with the
        smallest total violation (ties: the first)."""
        first = self.objective_values()[:, 0]
        score = first if self.spec.objectives[0].maximise else -first
        feasible = self.feasible
        if not feasible.any():
            return int(np.argmin(self.violations().sum(axis=1)))
        return int(np.flatnonzero(feasible)[np.argmax(score[feasible])])

    def best_levers(self) -> dict[str, float]:
        """The chosen candidate's decision levers."""
        row = self.policies[self.best_index]
        return {name: float(row[k]) for k, name in enumerate(self.spec.lever_names)}

    def best_scenario(self) -> Scenario:
        """The scenario with the chosen candidate's levers (validated again)."""
        from flywheel.scenario.loading import with_parameters

        return with_parameters(self.spec.scenario, self.best_levers(), origin="optimize")

    def trials(self) -> pd.DataFrame:
        """One row per candidate: generation, candidate, levers, each objective, each
        constraint's violation, feasible, on_front, and per metric its mean over the futures
        and its mean and largest regret against the best candidate on each future."""
        import pandas as pd

        table = pd.DataFrame(
            {"generation": self.generation, "candidate": range(len(self.policies))}
        )
        for k, name in enumerate(self.spec.lever_names):
            table[name] = self.policies[:, k]
        for k, goal in enumerate(self.spec.objectives):
            table[goal.column] = self.objective_values()[:, k]
        for k, limit in enumerate(self.spec.constraints):
            table[f"violation {limit.text}"] = self.violations()[:, k]
        table["feasible"] = self.feasible
        table["on_front"] = np.isin(np.arange(len(table)), self.pareto_indices())
        for name in self.spec.metrics:
            goal = next((o for o in self.spec.objectives if o.metric == name), None)
            maximise = goal.maximise if goal is not None else True
            lost = regret(self.metric(name), maximise)
            table[f"{name}_mean"] = self.metric(name).mean(axis=1)
            table[f"{name}_regret_mean"] = lost.mean(axis=1)
            table[f"{name}_regret_max"] = lost.max(axis=1)
        return table.loc[:, ~table.columns.duplicated()]


def _generation_frame(
    spec: SearchSpec, futures: Futures, generation: int, first: int, policies: Array, values: Array
) -> pd.DataFrame:
    """Store rows of one generation: one per (candidate, future)."""
    import pandas as pd

    count, futures_count = policies.shape[0], futures.count
    columns: dict[str, Any] = {
        "generation": np.full(count * futures_count, generation, dtype=np.int64),
        "candidate": np.repeat(np.arange(first, first + count), futures_count),
        "future": np.tile(np.arange(futures_count), count),
        "replication": np.tile(futures.ids, count),
    }
    for k, name in enumerate(spec.lever_names):
        columns[name] = np.repeat(policies[:, k], futures_count)
    for name, draw in futures.draws.items():
        columns[name] = np.tile(draw, count)
    for k, name in enumerate(spec.metrics):
        columns[name] = values[:, :, k].reshape(-1)
    return pd.DataFrame(columns)


def _stored_generation(
    store: ResultsStore, spec: SearchSpec, generation: int, asked: Array
) -> Array:
    """(P, F, metrics) stored values of a generation, after checking the optimiser asked for
    the very candidates stored (else the store cannot be replayed)."""
    import pandas as pd

    entry = store.manifest["chunks"][str(generation)]
    frame = pd.read_parquet(store.folder / entry["file"])
    count = asked.shape[0]
    stored = frame[list(spec.lever_names)].to_numpy()[:: len(frame) // count]
    if stored.shape != asked.shape or not np.array_equal(stored, asked):
        raise StoreError(
            f"{store.folder}: generation {generation} cannot be replayed (the optimiser asks "
            "for other candidates: another optuna/pymoo version?); start a new --out"
        )
    return frame[list(spec.metrics)].to_numpy().reshape(count, -1, len(spec.metrics))


def run_search(
    spec: SearchSpec,
    *,
    out: str | Path | None = None,
    resume: bool = False,
    executor: Executor | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> Optimization:
    """Run (or resume) the search of `spec`; see the module docstring. `stop()` is asked
    after each generation: True ends the search there (the app's time limit), with
    `extra["stopped_after"]` = the generations done."""
    futures = sample_futures(spec.uncertainties, spec.futures, spec.seed)
    store = None
    if out is not None:
        store = ResultsStore.open(
            out, "optimize", spec.fingerprint_data(), spec.generations, resume=resume
        )
    searcher = spec.searcher()
    policies, generation, values = [], [], []
    extra: dict[str, Any] = {}
    total = spec.generations * spec.population * spec.futures
    for index in range(spec.generations):
        asked = searcher.ask(spec.population)
        if store is not None and index in store.done:
            found = _stored_generation(store, spec, index, asked)
        else:
            done = sum(len(p) for p in policies) * spec.futures

            def report(runs: int, _: int, done: int = done) -> None:
                if progress is not None:
                    progress(done + runs, total)

            found = evaluate(spec, asked, futures, executor, report)
            if store is not None:
                first = sum(len(p) for p in policies)
                frame = _generation_frame(spec, futures, index, first, asked, found)
                store.write_chunk(index, frame, (first, first + len(asked)))
        partial = Optimization(spec, futures, asked, np.zeros(len(asked), np.int64), found)
        searcher.tell(partial.objective_values(), partial.violations())
        policies.append(asked)
        generation.append(np.full(len(asked), index, dtype=np.int64))
        values.append(found)
        if progress is not None:
            progress(sum(len(p) for p in policies) * spec.futures, total)
        if stop is not None and index + 1 < spec.generations and stop():
            extra["stopped_after"] = index + 1
            break
    return Optimization(
        spec,
        futures,
        np.concatenate(policies),
        np.concatenate(generation),
        np.concatenate(values),
        store,
        extra,
    )


def optimize(
    scenario: Scenario,
    levers: Sequence[str | LeverRange],
    objectives: Sequence[str | Objective] | str,
    *,
    constraints: Sequence[str | Constraint] = (),
    uncertainties: Sequence[str | LeverRange] | str | Path = (),
    futures: int = 50,
    generations: int = 10,
    population: int = 16,
    seed: int = 0,
    discount_rate_per_year: float = DISCOUNT_RATE_PER_YEAR,
    sampler: str = "tpe",
    chunk_size: int = DECIDE_CHUNK,
    out: str | Path | None = None,
    resume: bool = False,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Optimization:
    """Robust policy search (the Python face of `flywheel optimize`).

    `levers`: decision levers as 'name[min,max]' (or `LeverRange`s); `objectives`: one or
    more '[max|min] METRIC [mean|qNN]' (one: Optuna, several: NSGA-II); `constraints`:
    'METRIC [STAT] <= NUMBER'; `uncertainties`: 'name[low,high]' ranges or a TOML file;
    `futures` per candidate; `generations` x `population` candidates. With `out`, a
    resumable store (`resume=True` continues it). Returns the `Optimization`:
    `best_levers()`, `best_scenario()`, `trials()`, `pareto_indices()`; judge the choice on
    fresh futures with `experiments.out_of_sample(result)`.
    """
    spec = search_spec(
        scenario,
        levers,
        [objectives] if isinstance(objectives, str) else objectives,
        constraints=constraints,
        uncertainties=uncertainties,
        futures=futures,
        generations=generations,
        population=population,
        seed=seed,
        discount_rate_per_year=discount_rate_per_year,
        sampler=sampler,
        chunk_size=chunk_size,
    )
    return run_search(spec, out=out, resume=resume, executor=executor, progress=progress)
