"""Series weights estimated from the residual error model instead of chosen (issue 19, item 4).

Fit, estimate each series' residual scale `tau_k` (and year-to-year correlation `rho_k`) by
maximum likelihood with `errormodel.estimate_errors`, reweight so that series k adds
sum((e / tau_k)^2) to the cost, refit from where the last fit ended, and repeat until the
scales settle. With the scales fixed this is the weighted least squares of the error model
(independent years); the AR(1) correlation is estimated and reported, not weighed.

`Target.residuals` divides by sqrt(n) so that a chosen weight does not grow with a series'
length; an estimated weight undoes that: weight_k = sqrt(n_k) / tau_k.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import numpy.typing as npt

from flywheel.calibration.errormodel import TAU_BOUNDS, SeriesErrors, estimate_errors
from flywheel.calibration.fit import FitResult, Progress, fit
from flywheel.calibration.objective import Problem, Target

Array = npt.NDArray[np.float64]
ROUNDS = 4  # fits at most (the first one included); the scales settle in 2-3 on the tests
SETTLED_SHARE = 0.05  # stop when no series' tau moved by more than 5 % in a round
# A series the model follows almost exactly would get an unbounded weight: its scale is floored
# at a log miss of 1 % (or 0.1 point of a share), far below any scale of the Amazon fit.
TAU_FLOOR = max(TAU_BOUNDS[0], 0.01)


def series_errors(result: FitResult) -> tuple[SeriesErrors, ...]:
    """Maximum-likelihood AR(1) error model of every fitted series at a fit's values."""
    errors = []
    for target in result.problem.targets:
        model = _picked(result, target)
        misses = target.misses(model)
        errors.append(estimate_errors(target.spec.column, misses, np.asarray(target.years)))
    return tuple(errors)


def estimated_weights(problem: Problem, errors: tuple[SeriesErrors, ...]) -> Problem:
    """The problem with each target weighted sqrt(n) / tau (its cost: sum((e / tau)^2))."""
    targets = tuple(
        dataclasses.replace(t, weight=math.sqrt(len(t.years)) / max(e.tau, TAU_FLOOR))
        for t, e in zip(problem.targets, errors, strict=True)
    )
    return dataclasses.replace(problem, targets=targets)


def fit_estimated_weights(
    problem: Problem,
    *,
    starts: int = 16,
    max_evaluations: int = 400,
    seed: int = 0,
    rounds: int = ROUNDS,
    progress: Progress | None = None,
    local_starts: int = 1,
) -> FitResult:
    """Fit with weights estimated from the residuals: the first fit uses the problem's own
    weights (1 unless chosen), the Sobol screen and `local_starts` local searches; each later
    round refits (one local search) from the last
    values with weights sqrt(n_k) / tau_k, until every tau moves by under `SETTLED_SHARE`
    or `rounds` fits are done. The result carries the last fit's weighted problem (its cost is
    on those weights) and `series_errors`, the tau_k and rho_k re-estimated at its values.

    `progress` sees the runs of all rounds against the budget of all their searches.
    """
    if rounds < 1:
        raise ValueError(f"rounds = {rounds}: expected at least 1")
    budget = starts + 1 + (local_starts + rounds - 1) * max_evaluations
    spent = 0

    def report(done: int, total: int, cost: float) -> None:
        if progress is not None:
            progress(min(spent + done, budget), budget, cost)

    result = fit(
        problem, starts=starts, max_evaluations=max_evaluations, seed=seed, progress=report
    )
    errors = series_errors(result)
    for _ in range(rounds - 1):
        spent += result.evaluations
        weighted = estimated_weights(problem, errors)
        result = fit(
            weighted,
            starts=0,
            max_evaluations=max_evaluations,
            seed=seed,
            progress=report,
            start=result.values,
        )
        previous, errors = errors, series_errors(result)
        if _settled(previous, errors):
            break
    if progress is not None:
        progress(budget, budget, result.cost)
    return dataclasses.replace(result, series_errors=errors)


def _settled(previous: tuple[SeriesErrors, ...], current: tuple[SeriesErrors, ...]) -> bool:
    return all(
        abs(math.log(max(c.tau, TAU_FLOOR) / max(p.tau, TAU_FLOOR))) <= math.log1p(SETTLED_SHARE)
        for p, c in zip(previous, current, strict=True)
    )


def _picked(result: FitResult, target: Target) -> Array:
    """The model's values of a target's years (the fit's annual columns hold the union of the
    years of every target on that column)."""
    years: set[int] = set()
    for other in result.problem.targets:
        if other.spec.column == target.spec.column:
            years.update(other.years)
    ordered = np.array(sorted(years))
    return np.asarray(result.annual[target.spec.column])[
        np.searchsorted(ordered, np.array(target.years))
    ]
