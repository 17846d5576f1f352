"""Loop attribution: how much of an outcome each feedback loop (R1-R6, B1-B5) is responsible for.

Definitions (per replication r, then summarised over replications). Let L be the loops that
are on in the scenario (all ten minus any the scenario already cuts), y(K) the outcome with the
loops in K cut in addition, every variant run with the same seed and replication ids (common
random numbers: the noise draws are identical, so differences are effects, not noise):

- total effect         T = y({}) - y(L)             (all loops on minus all loops cut)
- knockout effect      E_l = y({}) - y({l})          (what is lost when loop l alone is cut)
- interaction          I = T - sum_l E_l             (so T = sum_l E_l + I exactly)
- Shapley value (optional, `shapley=True`): with the game v(S) = y(L minus S) - y(L) (the
  outcome with only the loops in S on, above all-cut), phi_l = sum over S not containing l of
  |S|! (n-|S|-1)! / n! * (v(S + l) - v(S)). Shapley values add up to T exactly, splitting the
  interaction among the loops; they need all 2^n knockout subsets (2048 for eleven loops).

With `cut_from_week` W > 0 every variant cuts its loops from week W on (dated knockouts, the
link held at its value in week W; docs/model.md "Loop knockouts"): the attribution of what the
loops do after W, everything before W being the same run.

A balancing loop usually has a negative effect (cutting it raises the outcome). Effects are
computed per replication and reported as the mean with its standard error and the 5/50/95 %
quantiles over replications (the Monte Carlo band). Sums hold per replication, hence also for
the means.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from flywheel.experiments.executors import (
    Batch,
    Executor,
    Progress,
    chunk_ids,
    run_in_order,
)
from flywheel.experiments.outcomes import Outcome, OutcomeValues, output_names
from flywheel.results.quantiles import quantiles_over_replications
from flywheel.scenario.knockouts import dated, knockout_loop
from flywheel.scenario.loading import Scenario
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

if TYPE_CHECKING:
    import pandas as pd

Array = npt.NDArray[np.float64]
MAX_SHAPLEY_RUNS = 2_000_000


@dataclass(frozen=True)
class Attribution:
    """Per-replication outcomes of every knockout variant and the effects derived from them."""

    outcome: Outcome
    loops: tuple[str, ...]
    outcomes: dict[frozenset[str], Array]  # cut set -> (R,) outcome
    cut_from_week: int = 0  # the first week the variants cut their loops

    @property
    def all_on(self) -> Array:
        """(R,) outcome with every loop on."""
        return self.outcomes[frozenset()]

    @property
    def total(self) -> Array:
        """(R,) total effect: all loops on minus all loops cut."""
        return self.all_on - self.outcomes[frozenset(self.loops)]

    def knockout_effect(self, loop: str) -> Array:
        """(R,) outcome lost when `loop` alone is cut."""
        return self.all_on - self.outcomes[frozenset({loop})]

    @property
    def interaction(self) -> Array:
        """(R,) total effect minus the sum of the knockout effects."""
        return self.total - sum(self.knockout_effect(loop) for loop in self.loops)

    @property
    def has_shapley(self) -> bool:
        """True when every knockout subset was run."""
        return len(self.outcomes) == 2 ** len(self.loops)

    def shapley(self, loop: str) -> Array:
        """(R,) Shapley value of `loop` (needs `shapley=True`)."""
        if not self.has_shapley:
            raise ValueError("Shapley values need every knockout subset (shapley=True)")
        n, others = len(self.loops), [x for x in self.loops if x != loop]
        everything = frozenset(self.loops)
        value = np.zeros_like(self.all_on)
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for active in itertools.combinations(others, size):
                on = frozenset(active)
                with_loop = self.outcomes[everything - on - {loop}]
                without = self.outcomes[everything - on]
                value += weight * (with_loop - without)
        return value

    def table(self) -> pd.DataFrame:
        """One row per loop, then `interaction` and `total`: mean, standard error, q05, q50,
        q95 of the effect over replications (and Shapley value when available)."""
        import pandas as pd

        rows = []
        entries = [(loop, self.knockout_effect(loop)) for loop in self.loops]
        entries += [("interaction", self.interaction), ("total", self.total)]
        for name, effect in entries:
            row = {"component": name, "loop": LOOP_NAMES.get(name, ""), **_summary(effect)}
            if self.has_shapley:
                row["shapley_mean"] = (
                    float(self.shapley(name).mean())
                    if name in self.loops
                    else (0.0 if name == "interaction" else float(self.total.mean()))
                )
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame.attrs.update(
            outcome=self.outcome.label,
            replications=int(self.all_on.size),
            all_on_mean=float(self.all_on.mean()),
            cut_from_week=self.cut_from_week,
        )
        return frame

    def waterfall(self) -> pd.DataFrame:
        """Waterfall rows (the Why tab's chart): label, kind ('total' or 'step'), value (mean
        over replications), q05 and q95 of the effect: 'all loops cut' (total), then one step
        per loop ('R1 word of mouth', ...), 'interactions', and 'this scenario' (total).
        The steps add up from the first total to the last (T = sum of E_l + I)."""
        import pandas as pd

        table = self.table().set_index("component")
        blank = {"q05": np.nan, "q95": np.nan}
        all_cut = float((self.all_on - self.total).mean())
        rows = [{"label": "all loops cut", "kind": "total", "value": all_cut, **blank}]
        steps = [(f"{loop} {table.loc[loop, 'loop']}", loop) for loop in self.loops]
        for label, component in [*steps, ("interactions", "interaction")]:
            row = table.loc[component]
            rows.append(
                {
                    "label": label,
                    "kind": "step",
                    "value": row["mean"],
                    "q05": row["q05"],
                    "q95": row["q95"],
                }
            )
        rows.append(
            {"label": "this scenario", "kind": "total", "value": float(self.all_on.mean()), **blank}
        )
        return pd.DataFrame(rows)


def _summary(effect: Array) -> dict[str, float]:
    count = effect.size
    q05, q50, q95 = quantiles_over_replications(effect, (0.05, 0.5, 0.95))
    se = float(effect.std(ddof=1) / math.sqrt(count)) if count > 1 else float("nan")
    return {
        "mean": float(effect.mean()),
        "standard_error": se,
        "q05": float(q05),
        "q50": float(q50),
        "q95": float(q95),
    }


def attribute(
    scenario: Scenario,
    outcome: str | Outcome,
    replications: int = 20,
    seed: int = 0,
    *,
    loops: Sequence[str] | None = None,
    shapley: bool = False,
    cut_from_week: int = 0,
    chunk_size: int = 1000,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Attribution:
    """Run the knockout variants of `scenario` (common random numbers) and return the
    attribution of `outcome` to each loop. `loops` defaults to every loop the scenario has on;
    the variants cut them from `cut_from_week` on (0: the whole run). Loops the scenario
    itself cuts stay cut as it says."""
    target = Outcome.parse(outcome) if isinstance(outcome, str) else outcome
    target.check(output_names(), scenario.horizon_weeks)
    if replications < 1:
        raise ValueError(f"replications = {replications} must be >= 1")
    if not 0 <= cut_from_week < scenario.horizon_weeks:
        raise ValueError(
            f"cut_from_week = {cut_from_week} is outside the horizon "
            f"(allowed 0 to {scenario.horizon_weeks - 1})"
        )
    own = {knockout_loop(entry): entry for entry in scenario.knockouts}
    already = set(own)
    chosen = tuple(loops) if loops is not None else tuple(x for x in LOOP_IDS if x not in already)
    for loop in chosen:
        if loop not in LOOP_IDS:
            raise ValueError(f"loop {loop!r} is not one of {', '.join(LOOP_IDS)}")
        if loop in already:
            raise ValueError(f"loop {loop} is already cut in the scenario")
    if not chosen:
        raise ValueError("no loop left to attribute (the scenario cuts them all)")
    if shapley:
        if 2 ** len(chosen) * replications > MAX_SHAPLEY_RUNS:
            raise ValueError(
                f"Shapley values need {2 ** len(chosen)} x {replications} runs; "
                f"allowed at most {MAX_SHAPLEY_RUNS}"
            )
        variants = [
            frozenset(c)
            for size in range(len(chosen) + 1)
            for c in itertools.combinations(chosen, size)
        ]
    else:
        # with one loop, 'that loop cut' and 'all cut' are the same variant: run it once
        variants = list(
            dict.fromkeys([frozenset(), *(frozenset({x}) for x in chosen), frozenset(chosen)])
        )
    reducer = OutcomeValues(target)
    batches, owner = [], []
    for cut in variants:
        entries = tuple(
            own[x] if x in own else dated(x, cut_from_week) for x in LOOP_IDS if x in already | cut
        )
        variant = dataclasses.replace(scenario, knockouts=entries)
        for ids in chunk_ids(0, replications, chunk_size):
            batches.append(Batch(variant, seed, ids, reducer))
            owner.append(cut)
    results = run_in_order(executor, batches, progress)
    outcomes: dict[frozenset[str], list[Array]] = {}
    for cut, values in zip(owner, results, strict=True):
        outcomes.setdefault(cut, []).append(values)
    return Attribution(
        target,
        chosen,
        {cut: np.concatenate(parts) for cut, parts in outcomes.items()},
        cut_from_week,
    )
