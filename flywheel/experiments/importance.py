"""Lever importance: move one lever at a time to a low and a high value and see the outcome move.

For each chosen lever l with test values (low_l, high_l), and the scenario's own value v_l, every
run shares the base run's seed and replication ids (common random numbers: the same noise paths,
so a difference is the lever's effect, not noise). Per replication r:

- low change   d_low  = y(l = low_l)  - y(base)
- high change  d_high = y(l = high_l) - y(base)
- swing        = |mean d_high - mean d_low|      (the tornado bar's length; rows sorted by it)

Default test values (`DEFAULT_SWING_SHARE`): v_l ± 25 % of |v_l|, clipped to the lever's
documented range; a lever at 0 moves 10 % of its range (`ZERO_LEVER_RANGE_SHARE`) instead; a
lever with no room left (its range is a single value) is left out. A lever that does not enter
the outcome has a swing of exactly 0.

All runs are per-replication lever overrides of lockstep batches: the base, then each lever low
and high, `replications` runs each. `ImportancePlan.batches(parts)` cuts them into `parts`
batches (for an executor, or the app's two worker processes) and `ImportancePlan.table`
combines their results, in order: the numbers do not depend on the cut (each run depends only
on its replication id, its levers and the seed). `lever_importance` does both.

The Why tab's tornado calls it; so can a lever ranking or an optimiser's screening.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.experiments.executors import Batch, Executor, Progress, run_in_order
from flywheel.experiments.outcomes import Outcome, OutcomeValues, output_names
from flywheel.scenario.lever_groups import lever_specs_by_name
from flywheel.scenario.loading import Scenario

if TYPE_CHECKING:
    import pandas as pd

Array = npt.NDArray[np.float64]
DEFAULT_SWING_SHARE = 0.25  # assumption: ±25 % is a plausible planning range for most levers
ZERO_LEVER_RANGE_SHARE = 0.1  # a lever at 0 has no "25 % of its value": move 10 % of its range
DEFAULT_RUNS_PER_BATCH = 4000  # one output recorded per run: ~4 MB a batch at 520 weeks


def lever_moves(
    scenario: Scenario, levers: Sequence[str] | None = None, share: float = DEFAULT_SWING_SHARE
) -> dict[str, tuple[float, float]]:
    """Lever -> (low, high) test values: its value ± `share` of it, clipped to its range (a
    lever at 0 moves `ZERO_LEVER_RANGE_SHARE` of its range). `levers` None = every lever
    that can move (in schema order); a named lever that cannot move is an error."""
    if not 0.0 < share <= 1.0:
        raise ValueError(f"swing share = {share} must be in (0, 1]")
    specs = lever_specs_by_name()
    names = list(specs) if levers is None else list(dict.fromkeys(levers))
    values = {}
    for name in names:
        spec = specs.get(name)
        if spec is None:
            raise ValueError(f"lever {name!r} is not a lever (see `flywheel describe`)")
        current = float(getattr(scenario.levers, name))
        swing = abs(current) * share or (spec.high - spec.low) * ZERO_LEVER_RANGE_SHARE
        low, high = max(spec.low, current - swing), min(spec.high, current + swing)
        if high > low:
            values[name] = (low, high)
        elif levers is not None:
            raise ValueError(
                f"lever {name} = {current:g} cannot move (allowed {spec.low:g} to {spec.high:g})"
            )
    if not values:
        raise ValueError("no lever to move (choose at least one)")
    return values


def _checked_values(
    scenario: Scenario, values: Mapping[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """`values` checked against the levers' ranges: low < high, both inside the range."""
    specs = lever_specs_by_name()
    checked = {}
    for name, (low, high) in values.items():
        spec = specs.get(name)
        if spec is None:
            raise ValueError(f"lever {name!r} is not a lever (see `flywheel describe`)")
        low, high = float(low), float(high)
        if not (spec.low <= low < high <= spec.high):
            raise ValueError(
                f"lever {name} test values ({low:g}, {high:g}): need low < high, both in "
                f"{spec.low:g} to {spec.high:g}"
            )
        checked[name] = (low, high)
    if not checked:
        raise ValueError("no lever to move (choose at least one)")
    return checked


@dataclass(frozen=True)
class ImportancePlan:
    """The runs of one lever-importance experiment: the base then each lever low and high,
    `replications` runs each on replication ids 0..R-1 (common random numbers)."""

    scenario: Scenario
    outcome: Outcome
    replications: int
    seed: int
    values: dict[str, tuple[float, float]]  # lever -> (low, high), in run order

    @property
    def runs(self) -> int:
        """Number of runs: (1 + 2 x levers) x replications."""
        return (1 + 2 * len(self.values)) * self.replications

    def batches(self, parts: int = 1) -> list[Batch]:
        """The runs cut into `parts` lockstep batches of (nearly) equal size; run them in any
        executor and hand their results, in this order, to `table`."""
        if parts < 1:
            raise ValueError(f"parts = {parts} must be >= 1")
        names, settings = list(self.values), 1 + 2 * len(self.values)
        overrides = {
            name: np.full(self.runs, float(getattr(self.scenario.levers, name))) for name in names
        }
        for index, name in enumerate(names):
            for side in (0, 1):
                block = 1 + 2 * index + side
                rows = slice(block * self.replications, (block + 1) * self.replications)
                overrides[name][rows] = self.values[name][side]
        ids = np.tile(np.arange(self.replications, dtype=np.int64), settings)  # CRN
        reduce = OutcomeValues(self.outcome)
        return [
            Batch(
                self.scenario,
                self.seed,
                ids[rows],
                reduce,
                {n: v[rows] for n, v in overrides.items()},
            )
            for rows in np.array_split(np.arange(self.runs), min(parts, self.runs))
        ]

    def outcomes(self, results: Sequence[Any]) -> Array:
        """(1 + 2 x levers, R) outcome of every run from the batches' results, in order."""
        values = np.concatenate([np.asarray(part, dtype=np.float64) for part in results])
        return values.reshape(1 + 2 * len(self.values), self.replications)

    def table(self, results: Sequence[Any]) -> pd.DataFrame:
        """One row per lever, largest swing first: lever, low, high, low_change, high_change
        (mean change of the outcome against the base, in the outcome's unit), swing, and the
        standard errors of the changes (over replications; NaN for one replication). attrs:
        base (mean outcome of the scenario), outcome (e.g. 'revenue_usd@year10'), label,
        replications."""
        import pandas as pd

        outcomes = self.outcomes(results)
        changes = outcomes[1:] - outcomes[0]  # per replication: paired differences (CRN)
        means = changes.mean(axis=1)
        errors = (
            changes.std(axis=1, ddof=1) / np.sqrt(self.replications)
            if self.replications > 1
            else np.full(len(changes), np.nan)
        )
        frame = pd.DataFrame(
            {
                "lever": list(self.values),
                "low": [low for low, _ in self.values.values()],
                "high": [high for _, high in self.values.values()],
                "low_change": means[0::2],
                "high_change": means[1::2],
            }
        )
        frame["swing"] = (frame["high_change"] - frame["low_change"]).abs()
        frame["low_change_se"] = errors[0::2]
        frame["high_change_se"] = errors[1::2]
        # a stable sort: equal swings (e.g. levers that do not enter the outcome) keep schema order
        frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
        frame.attrs.update(
            base=float(outcomes[0].mean()),
            outcome=self.outcome.text,
            label=self.outcome.label,
            replications=self.replications,
        )
        return frame


def importance_plan(
    scenario: Scenario,
    outcome: str | Outcome | None = None,
    replications: int = 20,
    seed: int = 0,
    *,
    levers: Sequence[str] | None = None,
    values: Mapping[str, tuple[float, float]] | None = None,
    share: float = DEFAULT_SWING_SHARE,
) -> ImportancePlan:
    """The runs of `lever_importance` (same arguments), checked, before any is run."""
    if outcome is None:
        target = Outcome.last_year("revenue_usd", scenario.horizon_weeks)
    else:
        target = Outcome.parse(outcome) if isinstance(outcome, str) else outcome
    target.check(output_names(), scenario.horizon_weeks)
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValueError(f"replications = {replications!r} must be a whole number >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    if values is not None:
        if levers is not None:
            raise ValueError("give levers or test values, not both")
        tests = _checked_values(scenario, values)
    else:
        tests = lever_moves(scenario, levers, share)
    return ImportancePlan(scenario, target, replications, seed, tests)


def lever_importance(
    scenario: Scenario,
    outcome: str | Outcome | None = None,
    replications: int = 20,
    seed: int = 0,
    *,
    levers: Sequence[str] | None = None,
    values: Mapping[str, tuple[float, float]] | None = None,
    share: float = DEFAULT_SWING_SHARE,
    chunk_size: int = DEFAULT_RUNS_PER_BATCH,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """How much each lever moves `outcome`, one lever at a time, with common random numbers.

    `outcome`: 'OUTPUT', 'OUTPUT@weekN', 'OUTPUT@yearN' or an `Outcome` (default: revenue_usd
    over the last model year). `levers`: which levers (default every lever that can move);
    `values`: explicit lever -> (low, high) instead; `share`: the default move (±25 %).
    The runs are cut into batches of at most `chunk_size` runs (equal sizes), run by
    `executor` (None = sequentially here); the numbers do not depend on either. Returns
    `ImportancePlan.table`: one row per lever, largest swing first (see the module docstring
    for the definitions).
    """
    plan = importance_plan(
        scenario, outcome, replications, seed, levers=levers, values=values, share=share
    )
    if chunk_size < 1:
        raise ValueError(f"chunk_size = {chunk_size} must be >= 1")
    count = -(-plan.runs // chunk_size)
    return plan.table(run_in_order(executor, plan.batches(count), progress))
