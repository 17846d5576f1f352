"""Fit: a seeded Sobol screen of start points (one lockstep batch), then
`scipy.optimize.least_squares` (trust-region reflective, bounds) on the scaled residuals.

The search runs in the unit cube (log scale for wide positive ranges, see `ParameterSpec`).
The Jacobian is forward differences, but all P perturbed candidates of one Jacobian run in a
single lockstep batch, so one iteration costs about two simulation calls instead of P + 1.
Everything is deterministic: Sobol points come from a fixed seed and runs are noise-free (or
use common random numbers), so the same command gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from flywheel.calibration.errormodel import SeriesErrors
from flywheel.calibration.objective import Problem
from flywheel.calibration.params import scenario_value

Array = npt.NDArray[np.float64]
Progress = Callable[[int, int, float], None]  # (evaluations done, budget, best cost so far)
DIFF_STEP = 1e-3  # forward-difference step in unit-cube coordinates
BOUND_HIT_SHARE = 0.01  # a fitted value within 1 % of its range from a bound "hits" it


@dataclass(frozen=True)
class FitResult:
    """Outcome of a fit: values, cost, per-target residuals, and how the optimiser ended."""

    problem: Problem
    start_values: Array  # scenario values before the fit (clipped into the bounds)
    values: Array  # fitted values
    cost: float  # 0.5 * sum of squared residuals at the fit
    start_cost: float
    evaluations: int  # candidate runs (each one replication or N with noise)
    message: str
    annual: dict[str, Array] = field(repr=False)  # model annual columns at the fit, target years
    # With estimated weights (`reweight.fit_estimated_weights`): each series' error model at
    # the fit, whose scale set its weight; empty when the weights were chosen.
    series_errors: tuple[SeriesErrors, ...] = ()

    def bound_hits(self) -> list[str]:
        """'low', 'high' or '' per parameter: is the fitted value at a bound?"""
        flags = []
        for spec, value in zip(self.problem.parameters, self.values, strict=True):
            unit = spec.to_unit(float(value))
            flags.append(
                "low"
                if unit <= BOUND_HIT_SHARE
                else "high"
                if unit >= 1.0 - BOUND_HIT_SHARE
                else ""
            )
        return flags

    def fitted_parameters(self) -> dict[str, float]:
        """Fitted values by parameter name."""
        return {s.name: float(v) for s, v in zip(self.problem.parameters, self.values, strict=True)}


def fit(
    problem: Problem,
    *,
    starts: int = 16,
    max_evaluations: int = 400,
    seed: int = 0,
    progress: Progress | None = None,
    start: Array | None = None,
    local_starts: int = 1,
) -> FitResult:
    """Fit the problem's parameters; `starts` Sobol points (plus the start point: `start`,
    in the parameters' units, else the scenario's values) are screened in one batch and the
    `local_starts` best ones each seed least squares; the lowest cost wins. `max_evaluations`
    caps the candidate runs of each least-squares search."""
    from scipy.optimize import least_squares
    from scipy.stats import qmc

    specs = problem.parameters
    if local_starts < 1:
        raise ValueError(f"local_starts = {local_starts}: expected at least 1")
    budget = starts + 1 + local_starts * max_evaluations
    counter = _Counter(budget, progress)
    if start is None:
        start = np.array([scenario_value(problem.scenario, s) for s in specs])
    start_values = np.array(
        [np.clip(v, s.low, s.high) for s, v in zip(specs, np.asarray(start, float), strict=True)]
    )
    start_unit = np.array([s.to_unit(v) for s, v in zip(specs, start_values, strict=True)])
    points = start_unit[None, :]
    if starts > 0:
        sobol = qmc.Sobol(d=len(specs), scramble=True, seed=seed)
        points = np.vstack([points, sobol.random(starts)])
    screen = _residuals(problem, points, counter)
    costs = 0.5 * np.sum(screen**2, axis=1)
    costs = np.where(np.isfinite(costs), costs, np.inf)
    # the best screen points, each seeding a local search (a weakly identified fit has
    # several basins; one local search from the best start finds only the nearest)
    seeds = [int(i) for i in np.argsort(costs, kind="stable")[:local_starts]]
    cache: dict[bytes, Array] = {points[i].tobytes(): screen[i] for i in seeds}

    def residual_at(unit: Array) -> Array:
        key = np.asarray(unit, dtype=float).tobytes()
        if key not in cache:
            cache[key] = _residuals(problem, np.asarray(unit)[None, :], counter)[0]
        return cache[key]

    def jacobian(unit: Array) -> Array:
        base = residual_at(unit)
        steps = np.where(unit + DIFF_STEP <= 1.0, DIFF_STEP, -DIFF_STEP)
        shifted = np.repeat(unit[None, :], len(specs), axis=0) + np.diag(steps)
        rows = _residuals(problem, shifted, counter)
        return ((rows - base[None, :]) / steps[:, None]).T

    found = []
    for seed_point in seeds:
        outcome = least_squares(
            residual_at,
            points[seed_point],
            jac=jacobian,
            bounds=(0.0, 1.0),
            method="trf",
            x_scale=1.0,
            max_nfev=max(1, max_evaluations // (len(specs) + 1)),
            xtol=1e-6,
            ftol=1e-8,
        )
        found.append((0.5 * float(np.sum(residual_at(outcome.x) ** 2)), outcome))
    best_outcome = min(found, key=lambda pair: pair[0])[1]  # first of equal costs: stable
    solution, message = best_outcome.x, str(best_outcome.message)
    final = residual_at(solution)
    values = np.array([float(s.from_unit(u)) for s, u in zip(specs, solution, strict=True)])
    annual = problem.annual(values[None, :])
    return FitResult(
        problem=problem,
        start_values=start_values,
        values=values,
        cost=float(0.5 * np.sum(final**2)),
        start_cost=float(costs[0]),
        evaluations=counter.done,
        message=message,
        annual={k: v[0] for k, v in annual.items()},
    )


class _Counter:
    def __init__(self, budget: int, progress: Progress | None) -> None:
        self.budget, self.done, self.best, self.progress = budget, 0, float("inf"), progress

    def add(self, count: int, costs: Array) -> None:
        self.done += count
        finite = costs[np.isfinite(costs)]
        if finite.size:
            self.best = min(self.best, float(finite.min()))
        if self.progress is not None:
            self.progress(min(self.done, self.budget), self.budget, self.best)


def _residuals(problem: Problem, unit_points: Array, counter: _Counter) -> Array:
    specs = problem.parameters
    values = np.column_stack([s.from_unit(unit_points[:, i]) for i, s in enumerate(specs)])
    with np.errstate(all="ignore"):
        rows = problem.residuals(values)
    rows = np.where(np.isfinite(rows), rows, 1e3)  # a blown-up run is a bad fit, not a crash
    counter.add(len(values), 0.5 * np.sum(rows**2, axis=1))
    return rows
