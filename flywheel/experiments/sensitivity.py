"""Global sensitivity with SALib (Sobol and Morris), evaluated in big lockstep batches.

We build SALib's problem dict from the schema's bounds (or ranges you give), sample with
SALib (seeded), evaluate every sample point as one run with its levers passed as
per-replication overrides, and analyse with SALib; we never re-implement the estimators.
Indices over time, which SALib does not offer, come from running SALib's analysis once per
model year on the yearly values of the output (same samples, one analysis per column).

A stochastic model is not a function of its levers alone. Each sample point is run with
replication ids 0 .. replications-1 (common random numbers: every point sees the same noise)
and its outcome is the mean over those replications, so the indices are those of the
replication-averaged model; with replications = 1 they are conditional on noise path 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.engine.streams import analysis_rng
from flywheel.experiments.executors import (
    Batch,
    Executor,
    Progress,
    Series,
    auto_chunk_size,
    run_in_order,
)
from flywheel.experiments.outcomes import Outcome, output_names, yearly, years_in
from flywheel.experiments.sweep import resolve_lever
from flywheel.scenario.catalogue import parameter_table
from flywheel.scenario.loading import Scenario

if TYPE_CHECKING:
    import pandas as pd

Array = npt.NDArray[np.float64]
METHODS = ("sobol", "morris")


# The levers a sensitivity run varies when none are named (`flywheel sensitivity`).
DEFAULT_SENSITIVITY_LEVERS = (
    "pass_through_share",
    "marketing_share_of_revenue",
    "seller_take_rate_share",
    "prime_fee_usd_per_year",
    "fc_build_trigger_utilisation_share",
    "fc_lead_time_weeks",
    "service_staffing_share",
    "defect_rate_share",
    "ab_testing_intensity_share",
    "competitor_price_trend_per_year",
)


def lever_problem(
    levers: Sequence[str], ranges: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, Any]:
    """SALib problem dict: bounds from `ranges` where given, else the schema's min and max."""
    table = {row["name"]: row for row in parameter_table() if row["group"] == "levers"}
    names = [resolve_lever(name) for name in levers]
    given = {resolve_lever(name): bounds for name, bounds in (ranges or {}).items()}
    bounds = []
    for name in names:
        row = table[name]
        if isinstance(row["default"], bool):
            raise ValueError(f"{name} is a flag, not a number: it cannot be varied continuously")
        low, high = given.get(name, (row["min"], row["max"]))
        if not row["min"] <= low < high <= row["max"]:
            raise ValueError(
                f"range of {name} = {low} to {high} must be increasing and inside "
                f"{row['min']} to {row['max']} ({row['unit']})"
            )
        bounds.append([float(low), float(high)])
    if len(set(names)) != len(names):
        raise ValueError(f"a lever is listed twice: {names}")
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def sobol_indices(
    problem: dict[str, Any],
    evaluate: Callable[[Array], Array],
    n: int,
    *,
    seed: int = 0,
    second_order: bool = False,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    targets: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sobol S1 and ST (with confidence half-widths) of each column of `evaluate(X)`.

    `evaluate` maps (samples, levers) to (samples,) or (samples, targets). Returns a long
    frame: target, lever, S1, S1_conf, ST, ST_conf. `n` is SALib's base sample size (a power
    of two); the model runs n * (D + 2) times (n * (2D + 2) with second order).
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    x = sample.sample(problem, n, calc_second_order=second_order, seed=seed)
    y = _columns(evaluate(x), x.shape[0])
    rows = []
    for column, target in enumerate(_target_names(targets, y.shape[1])):
        result = analyze.analyze(
            problem,
            y[:, column],
            calc_second_order=second_order,
            num_resamples=num_resamples,
            conf_level=conf_level,
            seed=analysis_rng(seed),
        )
        rows += _index_rows(target, problem["names"], result, ("S1", "S1_conf", "ST", "ST_conf"))
    return _frame(rows)


def morris_indices(
    problem: dict[str, Any],
    evaluate: Callable[[Array], Array],
    trajectories: int,
    *,
    seed: int = 0,
    levels: int = 4,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    targets: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Morris elementary effects (mu, mu_star with confidence, sigma) of each column.

    The model runs trajectories * (D + 1) times.
    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    x = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    y = _columns(evaluate(x), x.shape[0])
    rows = []
    for column, target in enumerate(_target_names(targets, y.shape[1])):
        result = analyze.analyze(
            problem,
            x,
            y[:, column],
            num_resamples=num_resamples,
            conf_level=conf_level,
            num_levels=levels,
            seed=seed,
        )
        rows += _index_rows(
            target, problem["names"], result, ("mu", "mu_star", "mu_star_conf", "sigma")
        )
    return _frame(rows)


@dataclass(frozen=True)
class _OutcomeReducer:
    """Chunk -> (runs, 1 + years): the outcome, then the output's yearly values."""

    outcome: Outcome

    @property
    def outputs_needed(self) -> tuple[str, ...]:
        """The one output the outcome reads: the engine records no other."""
        return (self.outcome.output,)

    def __call__(self, series: Series, batch: Batch) -> Array:
        data = series[self.outcome.output]
        return np.column_stack([self.outcome.values(series), yearly(data, self.outcome.output)])


def model_evaluator(
    scenario: Scenario,
    problem: dict[str, Any],
    outcome: Outcome,
    *,
    replications: int = 1,
    seed: int = 0,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Callable[[Array], Array]:
    """X (samples, levers) -> (samples, 1 + years): the outcome and the output per model year,
    each averaged over replications 0 .. replications-1 (common random numbers).

    `chunk_size` None means `auto_chunk_size(runs)` (22 528 runs: 12 batches of 1878, the last
    1870, so two or four workers finish together)."""
    reducer = _OutcomeReducer(outcome)
    names = problem["names"]

    def evaluate(x: Array) -> Array:
        points = np.repeat(np.asarray(x, dtype=np.float64), replications, axis=0)
        ids = np.tile(np.arange(replications, dtype=np.int64), x.shape[0])
        size = chunk_size or auto_chunk_size(ids.size)  # a run's outcome never depends on it
        batches = [
            Batch(
                scenario,
                seed,
                ids[start : start + size],
                reducer,
                {name: points[start : start + size, column] for column, name in enumerate(names)},
            )
            for start in range(0, ids.size, size)
        ]
        values = np.concatenate(run_in_order(executor, batches, progress))
        return values.reshape(x.shape[0], replications, -1).mean(axis=1)

    return evaluate


def sensitivity(
    scenario: Scenario,
    levers: Sequence[str],
    outcome: str | Outcome,
    *,
    method: str = "sobol",
    n: int = 256,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    replications: int = 1,
    seed: int = 0,
    second_order: bool = False,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Sobol or Morris indices of `outcome` and of its output in every model year.

    Returns a long frame with column `target` ("revenue_usd, year 10" for the outcome, then
    "year 1", "year 2", ... for the output over time) and `year` (NaN for the outcome row).
    For Morris, `n` is the number of trajectories.
    """
    if method not in METHODS:
        raise ValueError(f"method = {method!r} is not one of {', '.join(METHODS)}")
    target = Outcome.parse(outcome) if isinstance(outcome, str) else outcome
    weeks = scenario.horizon_weeks
    target.check(output_names(), weeks)
    problem = lever_problem(levers, ranges)
    evaluate = model_evaluator(
        scenario,
        problem,
        target,
        replications=replications,
        seed=seed,
        chunk_size=chunk_size,
        executor=executor,
        progress=progress,
    )
    names = [target.label] + [f"year {year}" for year in range(1, years_in(weeks) + 1)]
    if method == "sobol":
        frame = sobol_indices(
            problem, evaluate, n, seed=seed, second_order=second_order, targets=names
        )
    else:
        frame = morris_indices(problem, evaluate, n, seed=seed, targets=names)
    frame.insert(
        1,
        "year",
        frame["target"].map(lambda t: float(t.split()[1]) if t.startswith("year ") else np.nan),
    )
    frame.attrs.update(
        method=method,
        outcome=target.label,
        n=n,
        seed=seed,
        replications=replications,
        runs=_runs(method, n, len(problem["names"]), second_order) * replications,
    )
    return frame


def _runs(method: str, n: int, levers: int, second_order: bool) -> int:
    if method == "morris":
        return n * (levers + 1)
    return n * (2 * levers + 2 if second_order else levers + 2)


def _columns(y: Array, samples: int) -> Array:
    values = np.asarray(y, dtype=np.float64)
    return values.reshape(samples, -1)


def _target_names(targets: Sequence[str] | None, count: int) -> list[str]:
    names = list(targets) if targets is not None else [f"y{i}" for i in range(count)]
    if len(names) != count:
        raise ValueError(f"{len(names)} target names for {count} outputs")
    return names


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows)


def _index_rows(
    target: str, names: Sequence[str], result: Any, keys: Sequence[str]
) -> list[dict[str, Any]]:
    """One row per lever: target, lever and the SALib result entries named in `keys`."""
    return [
        {"target": target, "lever": lever, **{key: result[key][index] for key in keys}}
        for index, lever in enumerate(names)
    ]
