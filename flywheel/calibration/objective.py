"""The calibration objective: run candidate parameter sets in lockstep batches, compare annual
model columns with data, return scaled residuals.

Candidates that differ only in levers run as one batch (`lever_overrides`, one replication per
candidate). Initial values cannot vary inside a batch, so candidates are grouped by their
initial values and each group runs as its own batch.

Noise: with `replications = 0` (the default) every noise source is switched off, so a
candidate's run is deterministic and finite differences are clean. With `replications = N`
noise stays on and every candidate is run on the same N replication streams (common random
numbers: replication ids 0..N-1 for all candidates), and the annual columns are averaged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from flywheel.calibration.data import (
    DEFAULT_CONFIDENCE,
    CalibrationError,
    History,
    MetricSpec,
    metric_spec,
)
from flywheel.calibration.params import ParameterSpec
from flywheel.engine.clock import run_batch
from flywheel.results.weekly import Results
from flywheel.scenario.loading import Scenario, with_parameters

Array = npt.NDArray[np.float64]
NOISE_LEVERS = (
    "weekly_demand_noise_cv",
    "seller_join_noise_cv",
    "fc_outage_rate_per_year",
    "fc_lead_time_cv",
)
POINTS_SCALE = 10.0  # a 10-point miss on a percent series weighs like a log error of 1.0
ASINH_SCALE_SHARE = 0.1  # signed series: asinh(x / s), s = 10 % of the median |value|
FLOOR_USD_MILLION = 1e-3  # model values at or below 0 on a log series count as $1,000


@dataclass(frozen=True)
class Target:
    """One fitted series: metric mapping, years, observed values, weight and residual scale."""

    spec: MetricSpec
    years: tuple[int, ...]
    values: tuple[float, ...]
    weight: float = 1.0
    # Per year, what it holds that the model does not ("AWS inside", ...): reported, not weighed.
    flags: tuple[tuple[str, ...], ...] = ()

    @property
    def scale(self) -> float:
        """Scale s of the asinh transform (signed series)."""
        return ASINH_SCALE_SHARE * float(np.median(np.abs(self.values))) or 1.0

    def transform(self, values: Array) -> Array:
        """Values on the residual scale (log, asinh or points/10)."""
        if self.spec.transform == "log":
            return np.log(np.maximum(values, FLOOR_USD_MILLION))
        if self.spec.transform == "asinh":
            return np.arcsinh(values / self.scale)
        return values / POINTS_SCALE

    def untransform(self, values: Array) -> Array:
        """Values back from the residual scale to the series' unit (inverse of `transform`)."""
        if self.spec.transform == "log":
            return np.exp(values)
        if self.spec.transform == "asinh":
            return np.sinh(values) * self.scale
        return values * POINTS_SCALE

    def misses(self, model: Array) -> Array:
        """(C, years) model minus data on the residual scale, unweighted (what the error model
        of `errormodel` describes)."""
        return self.transform(np.asarray(model)) - self.transform(np.asarray(self.values))

    def residuals(self, model: Array) -> Array:
        """(C, years) weighted residuals; each series' total weight does not grow with its
        length (divided by sqrt(n))."""
        return self.misses(model) * self.weight / math.sqrt(len(self.years))


def build_targets(
    history: History,
    metrics: list[str],
    scenario: Scenario,
    years: tuple[int, int] | None = None,
    confidence: tuple[str, ...] = DEFAULT_CONFIDENCE,
    weights: dict[str, float] | None = None,
) -> tuple[Target, ...]:
    """Targets for the given metrics within the scenario's full simulated years."""
    if not metrics:
        raise CalibrationError("give at least one --fit METRIC")
    full_years = simulated_full_years(scenario)
    low, high = years or (full_years[0], full_years[-1])
    low, high = max(low, full_years[0]), min(high, full_years[-1])
    targets = []
    for name in dict.fromkeys(metrics):
        spec = metric_spec(name)
        rows = history.series(spec.data_metric, (low, high), confidence)
        if not rows:
            raise CalibrationError(
                f"no {spec.data_metric} data of confidence "
                f"{'/'.join(confidence)} in {low}-{high} in {history.path}"
            )
        if spec.transform == "log" and any(r.value <= 0 for r in rows):
            raise CalibrationError(f"{spec.data_metric} has values <= 0; cannot fit on logs")
        weight = (weights or {}).get(spec.column, (weights or {}).get(spec.data_metric, 1.0))
        targets.append(
            Target(
                spec,
                tuple(r.year for r in rows),
                tuple(r.value for r in rows),
                float(weight),
                tuple(r.flags for r in rows),
            )
        )
    return tuple(targets)


def simulated_full_years(scenario: Scenario) -> tuple[int, ...]:
    """Calendar years whose every week lies inside the horizon (a week counts in the year of
    its first day)."""
    first = scenario.start_date
    last = scenario.week_date(scenario.horizon_weeks - 1)
    start_year = first.year if (first.month, first.day) <= (1, 7) else first.year + 1
    end_year = last.year if (last.month, last.day) >= (12, 25) else last.year - 1
    if end_year < start_year:
        raise CalibrationError(f"scenario {scenario.name!r} covers no full calendar year")
    return tuple(range(start_year, end_year + 1))


@dataclass(frozen=True)
class Problem:
    """Everything an evaluation needs: scenario, parameters, targets, noise and seed."""

    scenario: Scenario
    parameters: tuple[ParameterSpec, ...]
    targets: tuple[Target, ...]
    replications: int = 0
    seed: int = 0

    def annual(self, values: Array) -> dict[str, Array]:
        """Annual model columns (C, years-of-target) for candidate rows `values` (C, P)."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        columns = {t.spec.column for t in self.targets}
        out = {c: np.empty((values.shape[0], _target_years(self, c).size)) for c in columns}
        for rows, scenario in self._groups(values):
            block = annual_columns(
                scenario, values[rows], self.parameters, columns, self.replications, self.seed
            )
            for column in columns:
                wanted = _target_years(self, column)
                out[column][rows] = block[column][:, np.searchsorted(block["year"][0], wanted)]
        return out

    def residuals(self, values: Array) -> Array:
        """(C, n_residuals) stacked residuals of every target."""
        annual = self.annual(values)
        return np.hstack([t.residuals(annual[t.spec.column]) for t in self.targets])

    def _groups(self, values: Array) -> list[tuple[Array, Scenario]]:
        initial = [i for i, p in enumerate(self.parameters) if p.group == "initial"]
        if not initial:
            return [(np.arange(values.shape[0]), self.scenario)]
        keys = [tuple(row[initial]) for row in values]
        groups = []
        for key in dict.fromkeys(keys):
            rows = np.array([i for i, k in enumerate(keys) if k == key])
            changes = {self.parameters[i].name: float(v) for i, v in zip(initial, key, strict=True)}
            groups.append((rows, with_parameters(self.scenario, changes)))
        return groups


def _target_years(problem: Problem, column: str) -> Array:
    years: set[int] = set()
    for target in problem.targets:
        if target.spec.column == column:
            years.update(target.years)
    return np.array(sorted(years))


def annual_columns(
    scenario: Scenario,
    values: Array,
    parameters: tuple[ParameterSpec, ...],
    columns: set[str],
    replications: int = 0,
    seed: int = 0,
) -> dict[str, Array]:
    """Annual columns (C, all years) plus 'year' for candidates sharing initial values."""
    candidates = values.shape[0]
    reps = max(replications, 1)
    overrides: dict[str, Array] = {}
    if replications == 0:
        overrides.update({name: np.zeros(candidates * reps) for name in NOISE_LEVERS})
    for index, spec in enumerate(parameters):
        if spec.group == "levers":
            overrides[spec.name] = np.repeat(values[:, index], reps)
    ids = np.tile(np.arange(reps, dtype=np.int64), candidates)  # common random numbers
    series = run_batch(scenario, ids, seed, overrides)
    results = Results(scenario=scenario, seed=seed, replication_ids=ids, series=series)
    frame = results.annual()
    frame["candidate"] = np.repeat(np.arange(candidates), frame.shape[0] // candidates)
    mean = frame.groupby(["candidate", "year"], sort=True)[sorted(columns)].mean()
    years = np.array(sorted(frame["year"].unique()))
    out = {c: mean[c].to_numpy().reshape(candidates, years.size) for c in columns}
    out["year"] = np.tile(years, (candidates, 1))
    return out
