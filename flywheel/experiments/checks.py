"""Reality checks: run `Check`s (`flywheel.experiments.check_files`) and judge them.

Both sides of a check (the scenario with and without its overrides) run on the same seed and
replication ids (common random numbers), in one lockstep batch when they differ only in lever
values; `run_checks` returns one `CheckResult` per check with the figures of both sides, which
`flywheel check` prints. docs/experiments.md, "Reality checks", has the grammar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from flywheel.experiments.check_files import (
    MAX_REPLICATIONS,
    STATISTICS,
    Check,
    CheckFileError,
    Window,
    load_checks,
)
from flywheel.experiments.executors import Batch, Executor, Progress, run_in_order

__all__ = [
    "Check",
    "CheckFileError",
    "CheckResult",
    "Window",
    "judge",
    "load_checks",
    "relative_change",
    "run_checks",
    "statistic",
]
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: `measured` (with the overrides) and `reference` (without; None
    when compared with a number), `bound` (the right-hand side: the value, factor x reference
    or the relative change), `change` ((measured - reference) / |reference|, or None), and
    whether the expectation `holds`. With reduce = every, the figures are those of the
    replication closest to failing (`replication`)."""

    file: str
    name: str
    expectation: str
    measured: float
    reference: float | None
    bound: float
    change: float | None
    holds: bool
    replications: int
    replication: int | None = None

    def row(self) -> dict[str, Any]:
        """A plain dict (JSON-ready: no NaN or inf, as None)."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            finite = not isinstance(value, float) or math.isfinite(value)
            out[key] = value if finite else None
        return out


def run_checks(
    checks: Sequence[Check],
    seed: int = 0,
    replications: int | None = None,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[CheckResult]:
    """Simulate every check (with and, where needed, without its overrides, on the same seed
    and replication ids) and return one CheckResult per check, in order. `replications`
    overrides each check's own number."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    if replications is not None and not 1 <= replications <= MAX_REPLICATIONS:
        raise ValueError(
            f"replications = {replications} is out of range (allowed 1 to {MAX_REPLICATIONS})"
        )
    plans = [_plan(check, seed, replications or check.replications) for check in checks]
    batches = [batch for plan in plans for batch in plan]
    results = run_in_order(executor, batches, progress)
    out, cursor = [], 0
    for check, plan in zip(checks, plans, strict=True):
        parts = results[cursor : cursor + len(plan)]
        cursor += len(plan)
        runs = replications or check.replications
        series = np.concatenate(parts, axis=0)
        measured_side = series[:runs]
        reference_side = series[runs:] if check.needs_reference else None
        out.append(judge(check, measured_side, reference_side))
    return out


def judge(check: Check, measured: Array, reference: Array | None) -> CheckResult:
    """Compare the (R, weeks) weekly series of the output with and without the overrides
    (`reference` None when the check compares with a number)."""
    ours = statistic(measured, check.statistic, check.window)
    theirs = None if reference is None else statistic(reference, check.statistic, check.window)
    runs = int(ours.size)
    if check.reduce == "every":
        lhs, rhs = _sides(check, ours, theirs)
        margins = _margin(check, lhs, rhs)
        worst = int(np.argmin(margins))
        return CheckResult(
            file=check.file,
            name=check.name,
            expectation=check.expectation,
            measured=float(ours[worst]),
            reference=None if theirs is None else float(theirs[worst]),
            bound=float(rhs[worst]),
            change=float(lhs[worst]) if check.against == "relative_change" else None,
            holds=bool((margins >= 0).all()),
            replications=runs,
            replication=worst,
        )
    reducer = np.median if check.reduce == "median" else np.mean
    mine = np.array([reducer(ours)])
    other = None if theirs is None else np.array([reducer(theirs)])
    lhs, rhs = _sides(check, mine, other)
    return CheckResult(
        file=check.file,
        name=check.name,
        expectation=check.expectation,
        measured=float(mine[0]),
        reference=None if other is None else float(other[0]),
        bound=float(rhs[0]),
        change=float(lhs[0]) if check.against == "relative_change" else None,
        holds=bool(_margin(check, lhs, rhs)[0] >= 0),
        replications=runs,
    )


def statistic(series: Array, name: str, window: Window) -> Array:
    """(R,) statistic `name` of each replication's weekly values over `window`."""
    block = np.ascontiguousarray(series[:, window.start : window.stop], dtype=np.float64)
    if name == "end":
        return block[:, -1].copy()
    if name == "sum":
        return block.sum(axis=1)
    if name == "mean":
        return block.mean(axis=1)
    if name == "max":
        return block.max(axis=1)
    if name == "min":
        return block.min(axis=1)
    raise ValueError(f"statistic = {name!r}: allowed {', '.join(STATISTICS)}")


def relative_change(measured: Array, reference: Array) -> Array:
    """(measured - reference) / |reference|: 0 where both are 0, ±inf where only the reference
    is."""
    difference = measured - reference
    with np.errstate(divide="ignore", invalid="ignore"):
        change = difference / np.abs(reference)
        change = np.where(reference == 0, np.sign(difference) * np.inf, change)
    return np.where((reference == 0) & (difference == 0), 0.0, change)


def _sides(check: Check, ours: Array, theirs: Array | None) -> tuple[Array, Array]:
    """(left, right) of the comparison, per replication or reduced."""
    if check.against == "value":
        return ours, np.full_like(ours, check.target)
    assert theirs is not None  # needs_reference
    if check.against == "factor":
        return ours, check.target * theirs
    return relative_change(ours, theirs), np.full_like(ours, check.target)


def _margin(check: Check, lhs: Array, rhs: Array) -> Array:
    """How far each comparison is from failing: >= 0 holds (> 0 for strict operators)."""
    if check.compare == "==":
        with np.errstate(invalid="ignore"):
            gap = check.tolerance - np.abs(lhs - rhs)
        return np.where(np.isnan(gap), -np.inf, gap)
    with np.errstate(invalid="ignore"):
        gap = rhs - lhs if check.compare in ("<", "<=") else lhs - rhs
    gap = np.where(np.isnan(gap), -np.inf, gap)
    if check.compare in ("<", ">"):
        # strict: equality fails; the margin of an exact tie is just below 0
        return np.where(gap > 0, gap, np.minimum(gap, -np.finfo(np.float64).tiny))
    return gap


def _plan(check: Check, seed: int, runs: int) -> list[Batch]:
    """The batches of one check: one lockstep batch of both sides when they differ only in
    lever values (per-replication lever overrides on the reference), else one per side."""
    ids = np.arange(runs, dtype=np.int64)
    reduce = _OutputSeries(check.output, check.minus)
    if not check.needs_reference:
        return [Batch(check.scenario, seed, ids, reduce)]
    lever_changes = _lever_only_changes(check)
    if lever_changes is None:
        return [Batch(check.scenario, seed, ids, reduce), Batch(check.reference, seed, ids, reduce)]
    overrides = {
        name: np.concatenate(
            [np.full(runs, value), np.full(runs, float(getattr(check.reference.levers, name)))]
        )
        for name, value in lever_changes.items()
    }
    return [Batch(check.reference, seed, np.tile(ids, 2), reduce, overrides)]


def _lever_only_changes(check: Check) -> dict[str, float] | None:
    """Levers that differ between the two sides, when nothing else does and all are numbers."""
    ours, theirs = check.scenario, check.reference
    same = (
        ours.initial == theirs.initial
        and ours.events == theirs.events
        and ours.knockouts == theirs.knockouts
        and ours.horizon_weeks == theirs.horizon_weeks
        and ours.start_date == theirs.start_date
    )
    if not same:
        return None
    changes: dict[str, float] = {}
    for name in type(ours.levers).__dataclass_fields__:
        mine, other = getattr(ours.levers, name), getattr(theirs.levers, name)
        if mine != other:
            if isinstance(mine, bool) or not isinstance(mine, int | float):
                return None
            changes[name] = float(mine)
    return changes


@dataclass(frozen=True)
class _OutputSeries:
    """A batch reducer: the (R, weeks) series of one output, less another one week by week
    when `minus` names it (picklable, for workers)."""

    output: str
    minus: str | None = None

    @property
    def outputs_needed(self) -> tuple[str, ...]:
        return (self.output,) if self.minus is None else (self.output, self.minus)

    def __call__(self, series: dict[str, Array], batch: Batch) -> Array:
        values = np.array(series[self.output], dtype=np.float64)
        return values if self.minus is None else values - series[self.minus]
