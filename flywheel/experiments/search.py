"""Searchers: well-kept optimisers behind one synchronous ask / tell interface.

A search runs in generations: `ask(count)` returns the generation's candidate policies, the
caller evaluates all of them at once (one batch of runs through an executor), and `tell`
hands back their objective values and constraint violations. Nothing runs between the two,
so a seed reproduces the whole search whatever the executor, and a stored generation can be
replayed (ask, then tell the stored values) to resume a search exactly where it stopped.

- one objective: Optuna's TPE sampler (`sampler="tpe"`, multivariate, seeded; constraints
  through `Trial.set_constraint`), or its random sampler (`"random"`, a baseline);
- several objectives: pymoo's NSGA-II (seeded; violations as inequality constraints G <= 0).

Optuna and pymoo are the `decide` extra, imported only here, inside the searchers.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from flywheel.experiments.futures import LeverRange

Array = npt.NDArray[np.float64]
SAMPLERS = ("tpe", "random")
EXTRA = "decide"


class MissingDecideExtra(ValueError):
    """The optimiser or analysis library of the `decide` extra is not installed."""


def require(module: str, what: str) -> None:
    """Raise MissingDecideExtra, one line naming the extra, unless `module` is installed."""
    if importlib.util.find_spec(module) is None:
        raise MissingDecideExtra(
            f"{what} needs {module}, which is not installed: pip install 'flywheel[{EXTRA}]'"
        )


class Searcher(Protocol):
    """Synchronous ask / tell over candidate policies (rows of lever values)."""

    def ask(self, count: int) -> Array: ...

    def tell(self, objectives: Array, violations: Array) -> None: ...


class OptunaSearch:
    """One objective with Optuna (seeded TPE, or random search)."""

    def __init__(
        self, levers: Sequence[LeverRange], maximise: bool, seed: int, sampler: str = "tpe"
    ) -> None:
        require("optuna", "a single-objective search")
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        if sampler == "tpe":
            chosen: Any = optuna.samplers.TPESampler(seed=seed, multivariate=True)
        elif sampler == "random":
            chosen = optuna.samplers.RandomSampler(seed=seed)
        else:
            raise ValueError(f"sampler = {sampler!r} is not one of {', '.join(SAMPLERS)}")
        self.levers = tuple(levers)
        self.study = optuna.create_study(
            direction="maximize" if maximise else "minimize", sampler=chosen
        )
        self._asked: list[Any] = []

    def ask(self, count: int) -> Array:
        """(count, levers) candidates of the next generation."""
        self._asked = [self.study.ask() for _ in range(count)]
        return np.array(
            [
                [
                    trial.suggest_float(
                        item.lever, item.low, item.high, log=item.distribution == "loguniform"
                    )
                    for item in self.levers
                ]
                for trial in self._asked
            ],
            dtype=np.float64,
        ).reshape(count, len(self.levers))

    def tell(self, objectives: Array, violations: Array) -> None:
        """Report (count, 1) objective values and (count, C) violations (0 = feasible)."""
        for trial, value, violation in zip(self._asked, objectives, violations, strict=True):
            for k, amount in enumerate(violation):  # <= 0 feasible; ours are 0 where it holds
                trial.set_constraint(f"constraint_{k}", float(amount))
            self.study.tell(trial, float(value[0]))
        self._asked = []


class NsgaSearch:
    """Several objectives with pymoo's NSGA-II; loguniform levers are searched in log space."""

    def __init__(
        self,
        levers: Sequence[LeverRange],
        maximise: Sequence[bool],
        constraints: int,
        seed: int,
        population: int,
    ) -> None:
        require("pymoo", "a multi-objective search")
        from pymoo.algorithms.moo.nsga2 import NSGA2
        from pymoo.core.problem import Problem

        self.levers = tuple(levers)
        self.signs = np.array([-1.0 if up else 1.0 for up in maximise])  # pymoo minimises
        self._log = np.array([item.distribution == "loguniform" for item in self.levers])
        lows = np.array([item.low for item in self.levers], dtype=np.float64)
        highs = np.array([item.high for item in self.levers], dtype=np.float64)
        self.problem = Problem(
            n_var=len(self.levers),
            n_obj=len(self.signs),
            n_ieq_constr=constraints,
            xl=np.where(self._log, np.log(lows), lows),
            xu=np.where(self._log, np.log(highs), highs),
        )
        self.algorithm = NSGA2(pop_size=population)
        self.algorithm.setup(self.problem, seed=seed, verbose=False)
        self._population: Any = None

    def ask(self, count: int) -> Array:
        """The next generation's candidates (NSGA-II's offspring: `population` of them)."""
        self._population = self.algorithm.ask()
        raw = np.asarray(self._population.get("X"), dtype=np.float64)
        return np.where(self._log, np.exp(raw), raw)

    def tell(self, objectives: Array, violations: Array) -> None:
        """Report (count, objectives) values and (count, C) violations (0 = feasible)."""
        from pymoo.core.evaluator import Evaluator
        from pymoo.problems.static import StaticProblem

        values = {"F": np.asarray(objectives, dtype=np.float64) * self.signs}
        if self.problem.n_ieq_constr:
            values["G"] = np.asarray(violations, dtype=np.float64)
        Evaluator().eval(StaticProblem(self.problem, **values), self._population)
        self.algorithm.tell(infills=self._population)
        self._population = None


def non_dominated(objectives: Array, maximise: Sequence[bool], feasible: Array) -> Array:
    """Indices of the feasible rows of (N, objectives) that no other feasible row dominates
    (pymoo's non-dominated sorting), in row order."""
    require("pymoo", "a Pareto front")
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    rows = np.flatnonzero(feasible)
    if rows.size == 0:
        return rows
    signs = np.array([-1.0 if up else 1.0 for up in maximise])
    front = NonDominatedSorting().do(objectives[rows] * signs, only_non_dominated_front=True)
    return np.sort(rows[np.asarray(front, dtype=np.int64)])


def hypervolume(objectives: Array, maximise: Sequence[bool], reference: Array) -> float:
    """Hypervolume (pymoo) of the points' non-dominated set against `reference` (a point
    worse than every point on every objective), in the objectives' own units."""
    require("pymoo", "a hypervolume")
    from pymoo.indicators.hv import HV

    signs = np.array([-1.0 if up else 1.0 for up in maximise])
    return float(HV(ref_point=np.asarray(reference) * signs)(np.asarray(objectives) * signs))
