"""Which lever matters for a Dashboard KPI: the library's one lever importance
(`importance.lever_importance`, the Why tab's tornado) for a KPI and a small move, in words.

The ranking is `importance_plan(...).table(...)` itself: the levers in the order of their
swing (|mean change at the high value - mean change at the low value|, common random numbers),
each moved `RANKING_SHARE` of its value (10 %), clipped to its range. It ranks the levers not
at 0 (`ranked_levers`: a lever at 0 is switched off, and 10 % of 0 is no move). This module
only picks the outcome of a KPI card, the levers, and reads each row as a sentence, e.g.
"+10 % on Basket (50 → 55 USD/order): +13.5 % revenue over the last year (+$2.70 B)" (the
baseline, seed 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flywheel.experiments.executors import Executor, run_in_order
from flywheel.experiments.importance import ImportancePlan, importance_plan
from flywheel.experiments.outcomes import Outcome
from flywheel.results.summary import KPIS
from flywheel.scenario.lever_groups import LeverSpec, lever_specs_by_name
from flywheel.scenario.loading import Scenario

if TYPE_CHECKING:
    import pandas as pd

# assumption: a 10 % move is a step a planner would consider; the Why tab's tornado moves 25 %
RANKING_SHARE = 0.10
RANKING_REPLICATIONS = 10  # paired runs (common random numbers): the ranking is stable at 10
KPI_KEYS = tuple(kpi[0] for kpi in KPIS)


def _kpi(key: str) -> tuple[str, str, str, str, float, str]:
    """The KPI card `key` of `results.summary.KPIS` (ValueError naming the allowed keys)."""
    for kpi in KPIS:
        if kpi[0] == key:
            return kpi
    raise ValueError(f"KPI {key!r} is not a KPI (allowed: {', '.join(KPI_KEYS)})")


def kpi_outcome(kpi: str, weeks: int) -> Outcome:
    """The outcome a KPI card shows for a `weeks`-week run: a flow summed over the last model
    year (revenue, operating income), anything else at the last week (customers, ...)."""
    _key, _label, output, how, _divisor, _fmt = _kpi(kpi)
    return Outcome.last_year(output, weeks) if how == "sum" else Outcome(output)


def kpi_label(kpi: str) -> str:
    """The KPI card's label, e.g. 'Revenue, last year'."""
    return _kpi(kpi)[1]


def ranked_levers(scenario: Scenario) -> list[str]:
    """The levers the Dashboard ranks: every lever not at 0 whose range lets it move (schema
    order). A lever at 0 is switched off (a price cap, Prime's content cost, advertising): a
    10 % move of 0 is no move, and switching it on is a change of policy, not a step."""
    return [
        name
        for name, spec in lever_specs_by_name().items()
        if spec.high > spec.low and float(getattr(scenario.levers, name)) != 0
    ]


def ranking_plan(
    scenario: Scenario,
    kpi: str,
    replications: int = RANKING_REPLICATIONS,
    seed: int = 0,
    levers: Sequence[str] | None = None,
) -> ImportancePlan:
    """The runs of the ranking: `importance_plan` for the KPI's outcome, the `ranked_levers`
    (or `levers`) moved ± `RANKING_SHARE`; run its batches anywhere, then `plan.table`."""
    outcome = kpi_outcome(kpi, scenario.horizon_weeks)
    levers = ranked_levers(scenario) if levers is None else levers
    return importance_plan(
        scenario, outcome, replications, seed, levers=levers, share=RANKING_SHARE
    )


def lever_ranking(
    scenario: Scenario,
    kpi: str,
    replications: int = RANKING_REPLICATIONS,
    seed: int = 0,
    levers: Sequence[str] | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """`ranking_rows` of the ranking run by `executor` (None = here, sequentially)."""
    plan = ranking_plan(scenario, kpi, replications, seed, levers)
    return ranking_rows(plan.table(run_in_order(executor, plan.batches())), scenario, kpi)


def _signed(value: float, spec: str) -> str:
    """'+9.7' or '−3.2' (a true minus sign)."""
    return ("−" if value < 0 else "+") + format(abs(value), spec)


def _number(kpi: str, value: float) -> str:
    """A change in the KPI card's format ('−$0.64 B', '+1.2 M'), with a sign."""
    _key, _label, _output, _how, divisor, fmt = _kpi(kpi)
    text = fmt.format(abs(value) / divisor)
    return ("−" if value < 0 else "+") + text


UNITLESS = frozenset({"share", "dimensionless", "weight", "ratio", "index"})


def _lowered(text: str) -> str:
    """'Revenue' -> 'revenue', 'Perceived CX' -> 'perceived CX' (an acronym keeps its case)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def kpi_words(kpi: str) -> str:
    """The KPI in a sentence: 'revenue over the last year', 'active customers at the end'."""
    _key, label, _output, how, _divisor, _fmt = _kpi(kpi)
    name = _lowered(label.rsplit(", ", 1)[0])
    return f"{name} over the last year" if how == "sum" else f"{name} at the end"


def _move(spec: LeverSpec, current: float, moved_to: float) -> str:
    """'+10 % on Basket (50 → 55 USD/order)', or 'Price cap relative from 0 to 0.15' for a
    lever at 0 (no percentage of 0)."""
    name = spec.label.removesuffix(f" ({spec.unit})")
    unit = "" if spec.unit in UNITLESS else f" {spec.unit}"
    if current == 0:
        return f"{name} from 0 to {moved_to:g}{unit}"
    percent = f"{_signed((moved_to - current) / abs(current) * 100, '.0f')} %"
    return f"{percent} on {name} ({current:g} → {moved_to:g}{unit})"


def ranking_rows(table: pd.DataFrame, scenario: Scenario, kpi: str) -> pd.DataFrame:
    """The importance table in words, in its order (largest swing first): lever, label (as
    the sidebar shows it), value, moved_to (the high test value; the low one for a lever at
    the top of its range), change (mean change of the KPI, in its output's unit),
    change_percent (of the scenario's mean KPI; NaN when that is 0) and sentence. attrs: those
    of the importance table plus kpi and kpi_label."""
    import math

    import pandas as pd

    specs = lever_specs_by_name()
    base = float(table.attrs.get("base", math.nan))
    rows = []
    for row in table.itertuples(index=False):
        current = float(getattr(scenario.levers, row.lever))
        side_is_high = row.high > current
        moved_to = float(row.high if side_is_high else row.low)
        change = float(row.high_change if side_is_high else row.low_change)
        percent = change / abs(base) * 100 if base and math.isfinite(base) else math.nan
        label = specs[row.lever].label
        amount = _number(kpi, change)
        effect = (
            f"{amount} {kpi_words(kpi)}"
            if math.isnan(percent)
            else f"{_signed(percent, '.1f')} % {kpi_words(kpi)} ({amount})"
        )
        sentence = f"{_move(specs[row.lever], current, moved_to)}: {effect}"
        rows.append(
            {
                "lever": row.lever,
                "label": label,
                "value": current,
                "moved_to": moved_to,
                "change": change,
                "change_percent": percent,
                "sentence": sentence,
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs.update(table.attrs, kpi=kpi, kpi_label=kpi_label(kpi))
    return frame
