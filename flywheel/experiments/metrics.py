"""What a policy search measures: per-run metrics, their robustness statistics over futures,
objectives and constraints, from a small declared grammar (parsed by regular expressions,
never evaluated).

A **metric** is one number per run (one future of one policy):
- an outcome (`OUTPUT`, `OUTPUT@weekN`, `OUTPUT@yearN`; see `experiments.outcomes`);
- `npv_operating_income_usd`: the net present value of weekly operating income in USD,
  sum over weeks w of operating_income_usd[w] / (1 + rate)^(w / 52), at `rate` per year
  (default `DISCOUNT_RATE_PER_YEAR` = 10 %/yr), discounted to week 0;
- `insolvent_share`: 1 when the run is insolvent at its last week (model.md#insolvency),
  else 0, so that its mean over futures is the share of insolvent futures.

A **statistic** over a policy's futures is `mean` (default) or a quantile `qNN` (q10: the
10 % quantile, numpy's linear interpolation). **Regret** (reported for every candidate) is,
per future, how far the policy is from the best candidate evaluated on that future.

- objective: `[max|min] METRIC [STAT]`, e.g. `max npv_operating_income_usd`,
  `max customers@year10 q10`, `min insolvent_share` (default direction: max, but min for
  insolvent_share);
- constraint: `METRIC [STAT] (<=|>=) NUMBER`, e.g. `insolvent_share<=0.05`,
  `customers@year10 q05 >= 2e7`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from flywheel.experiments.outcomes import Outcome, output_names
from flywheel.scenario.errors import printable

if TYPE_CHECKING:
    from flywheel.experiments.executors import Batch

Array = npt.NDArray[np.float64]
# Source: a common corporate hurdle rate for a growth business (assumption, as issue 20 asks
# for "NPV of operating income at a documented discount rate"); `discount_rate` changes it.
DISCOUNT_RATE_PER_YEAR = 0.10
WEEKS_PER_YEAR = 52
NPV = "npv_operating_income_usd"
INSOLVENT_SHARE = "insolvent_share"
SPECIAL_METRICS = (NPV, INSOLVENT_SHARE)
_METRIC = r"[A-Za-z_][A-Za-z_0-9]*(@(week|year)-?\d+)?"
_STAT = r"mean|q\d{1,2}(\.\d+)?"
_OBJECTIVE = re.compile(
    rf"^\s*((?P<sense>max|min)\s+)?(?P<metric>{_METRIC})(\s+(?P<stat>{_STAT}))?\s*$"
)
_CONSTRAINT = re.compile(
    rf"^\s*(?P<metric>{_METRIC})(\s+(?P<stat>{_STAT}))?\s*(?P<op><=|>=)\s*(?P<value>\S+)\s*$"
)
OBJECTIVE_FORM = "[max|min] METRIC [mean|qNN], e.g. 'max npv_operating_income_usd'"
CONSTRAINT_FORM = "METRIC [mean|qNN] <= NUMBER or >= NUMBER, e.g. 'insolvent_share<=0.05'"


def check_metric(text: str, weeks: int, where: str) -> str:
    """The metric's text if it is one of `SPECIAL_METRICS` or a valid outcome, else
    ValueError naming `where`."""
    if text in SPECIAL_METRICS:
        return text
    try:
        Outcome.parse(text).check(output_names(), weeks)
    except ValueError as error:
        raise ValueError(f"{where}: {error} (or one of {', '.join(SPECIAL_METRICS)})") from None
    return text


def _quantile(stat: str) -> float | None:
    """The quantile in [0, 1] a statistic names (None for mean)."""
    return None if stat == "mean" else float(stat[1:]) / 100


def statistic(values: Array, stat: str) -> Array:
    """(P,) statistic over futures of (P, F) per-run values."""
    quantile = _quantile(stat)
    if quantile is None:
        return values.mean(axis=1)
    return np.quantile(values, quantile, axis=1)


def _checked_stat(stat: str | None, where: str) -> str:
    stat = stat or "mean"
    quantile = _quantile(stat)
    if quantile is not None and not 0.0 <= quantile <= 1.0:
        raise ValueError(f"{where}: statistic {stat} is outside q0 to q100")
    return stat


@dataclass(frozen=True)
class Objective:
    """Maximise or minimise a statistic of a metric over the futures."""

    metric: str
    stat: str = "mean"
    maximise: bool = True

    @property
    def text(self) -> str:
        """The form `parse` reads back."""
        return f"{'max' if self.maximise else 'min'} {self.metric} {self.stat}"

    @property
    def column(self) -> str:
        """Column name of the objective in a trials table, e.g. 'npv_operating_income_usd_mean'."""
        return f"{self.metric}_{self.stat}"

    @classmethod
    def parse(cls, text: str, weeks: int) -> Objective:
        """An objective from `[max|min] METRIC [STAT]` (see the module docstring)."""
        match = _OBJECTIVE.match(text)
        where = f"--objective {printable(text)!r}"
        if not match:
            raise ValueError(f"{where}: expected {OBJECTIVE_FORM}")
        metric = check_metric(match["metric"], weeks, where)
        sense = match["sense"] or ("min" if metric == INSOLVENT_SHARE else "max")
        return cls(metric, _checked_stat(match["stat"], where), sense == "max")

    def values(self, metric_values: Array) -> Array:
        """(P,) objective of each policy from its (P, F) metric values."""
        return statistic(metric_values, self.stat)


@dataclass(frozen=True)
class Constraint:
    """A statistic of a metric over the futures kept at most (`<=`) or at least (`>=`) a
    bound."""

    metric: str
    stat: str
    at_most: bool
    bound: float

    @property
    def text(self) -> str:
        """The form `parse` reads back."""
        return f"{self.metric} {self.stat} {'<=' if self.at_most else '>='} {self.bound!r}"

    @classmethod
    def parse(cls, text: str, weeks: int) -> Constraint:
        """A constraint from `METRIC [STAT] (<=|>=) NUMBER` (see the module docstring)."""
        match = _CONSTRAINT.match(text)
        where = f"--constraint {printable(text)!r}"
        if not match:
            raise ValueError(f"{where}: expected {CONSTRAINT_FORM}")
        try:
            bound = float(match["value"])
        except ValueError:
            bound = math.nan
        if not math.isfinite(bound):
            raise ValueError(f"{where}: bound {printable(match['value'])!r} is not a finite number")
        metric = check_metric(match["metric"], weeks, where)
        return cls(metric, _checked_stat(match["stat"], where), match["op"] == "<=", bound)

    def violation(self, metric_values: Array) -> Array:
        """(P,) how far each policy is past the bound (0 where it holds), in the metric's unit."""
        value = statistic(metric_values, self.stat)
        excess = value - self.bound if self.at_most else self.bound - value
        return np.maximum(excess, 0.0)


def metrics_of(
    objectives: Sequence[Objective], constraints: Sequence[Constraint]
) -> tuple[str, ...]:
    """The distinct metrics the objectives and constraints read, in first-use order."""
    return tuple(dict.fromkeys([o.metric for o in objectives] + [c.metric for c in constraints]))


def regret(metric_values: Array, maximise: bool) -> Array:
    """(P, F) regret of each policy on each future: how far it is from the best policy on that
    future (>= 0, in the metric's unit)."""
    if maximise:
        return metric_values.max(axis=0, keepdims=True) - metric_values
    return metric_values - metric_values.min(axis=0, keepdims=True)


def npv(operating_income_usd_per_week: Array, rate_per_year: float) -> Array:
    """(R,) net present value at week 0, USD, of (R, weeks) weekly operating income."""
    weeks = operating_income_usd_per_week.shape[1]
    factors = (1.0 + rate_per_year) ** (-np.arange(weeks) / WEEKS_PER_YEAR)
    # Row by row on a contiguous copy, not a matrix product: BLAS may sum a row in an order
    # that depends on its neighbours (last bits), and a run must not depend on its batch.
    return (np.ascontiguousarray(operating_income_usd_per_week) * factors).sum(axis=1)


@dataclass(frozen=True)
class MetricValues:
    """A batch reducer: the (R, M) value of each metric for each run (picklable)."""

    metrics: tuple[str, ...]
    discount_rate_per_year: float = DISCOUNT_RATE_PER_YEAR

    @property
    def outputs_needed(self) -> tuple[str, ...]:
        """The outputs the metrics read: the engine records no other."""
        needed = []
        for metric in self.metrics:
            if metric == NPV:
                needed.append("operating_income_usd")
            elif metric == INSOLVENT_SHARE:
                needed.append("insolvent")
            else:
                needed.append(Outcome.parse(metric).output)
        return tuple(dict.fromkeys(needed))

    def __call__(self, series: dict[str, Array], batch: Batch) -> Array:
        columns = []
        for metric in self.metrics:
            if metric == NPV:
                columns.append(npv(series["operating_income_usd"], self.discount_rate_per_year))
            elif metric == INSOLVENT_SHARE:
                columns.append(np.asarray(series["insolvent"][:, -1], dtype=np.float64))
            else:
                columns.append(Outcome.parse(metric).values(series))
        return np.column_stack(columns)
