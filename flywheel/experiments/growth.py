"""How much of an outcome the flywheel explains: the outcome with every reinforcing loop
(R1-R6, `REINFORCING_LOOPS`) cut from a date on, as a share of the uncut run (issue 19,
"growth is the flywheel's").

For each first cut week W the variant cuts the loops from W (dated knockouts: each link held
at its value in week W; docs/model.md "Loop knockouts"), so before W it is the uncut run, bit
for bit. Every variant runs with the same seed and replication ids as the uncut run (common
random numbers); the share is computed per replication, then summarised (mean, 5/50/95 %
quantiles over replications). A share of 0.29 means the run with the flywheel stopped at W
still reaches 29 % of the uncut value: the other 71 % is what the loops add after W.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from flywheel.experiments.executors import Batch, Executor, Progress, chunk_ids, run_in_order
from flywheel.experiments.outcomes import CalendarYearValues
from flywheel.results.quantiles import quantiles_over_replications
from flywheel.scenario.knockouts import dated
from flywheel.scenario.loading import Scenario
from flywheel.scenario.parameters import REINFORCING_LOOP_IDS
from flywheel.scenario.schema import LOOP_IDS

if TYPE_CHECKING:
    import pandas as pd

REINFORCING_LOOPS = REINFORCING_LOOP_IDS


def cut_from(scenario: Scenario, loops: Sequence[str], week: int) -> Scenario:
    """`scenario` with `loops` cut from `week` on (its own knockouts kept)."""
    return dataclasses.replace(
        scenario, knockouts=(*scenario.knockouts, *(dated(loop, week) for loop in loops))
    )


def growth_share(
    scenario: Scenario,
    cut_from_weeks: Sequence[int],
    output: str = "net_sales_usd_million",
    year: int | None = None,
    replications: int = 20,
    seed: int = 0,
    *,
    loops: Sequence[str] = REINFORCING_LOOPS,
    chunk_size: int = 1000,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """One row per first cut week: the calendar `year`'s `output` (a `Results.annual()`
    column; default the last simulated year) with `loops` cut from that week, over the uncut
    run's. Columns: cut_from_week, cut_from (the week's first day), loops, uncut_mean,
    cut_mean, share_mean, share_q05, share_q50, share_q95 (share = cut / uncut per replication).
    Raises ValueError for an unknown loop or output, a loop the scenario already cuts, a week
    outside the horizon or a year not simulated."""
    import pandas as pd

    year = check_growth_share(scenario, cut_from_weeks, output, year, replications, loops)
    reducer = CalendarYearValues(output, year)
    variants = [scenario, *(cut_from(scenario, loops, week) for week in cut_from_weeks)]
    batches, owner = [], []
    for index, variant in enumerate(variants):
        for ids in chunk_ids(0, replications, chunk_size):
            batches.append(Batch(variant, seed, ids, reducer))
            owner.append(index)
    results = run_in_order(executor, batches, progress)
    values = [
        np.concatenate([r for r, o in zip(results, owner, strict=True) if o == index])
        for index in range(len(variants))
    ]
    uncut = values[0]
    rows = []
    for week, cut in zip(cut_from_weeks, values[1:], strict=True):
        share = np.divide(cut, uncut, out=np.full_like(cut, np.nan), where=uncut != 0)
        q05, q50, q95 = quantiles_over_replications(share, (0.05, 0.5, 0.95))
        rows.append(
            {
                "cut_from_week": int(week),
                "cut_from": scenario.week_date(week).isoformat(),
                "loops": ",".join(loops),
                "uncut_mean": float(uncut.mean()),
                "cut_mean": float(cut.mean()),
                "share_mean": float(share.mean()),
                "share_q05": float(q05),
                "share_q50": float(q50),
                "share_q95": float(q95),
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs.update(output=output, year=year, replications=replications, seed=seed)
    return frame


def check_growth_share(
    scenario: Scenario,
    weeks: Sequence[int],
    output: str,
    year: int | None,
    replications: int,
    loops: Sequence[str] = REINFORCING_LOOPS,
) -> int:
    """The calendar year `growth_share` reports (`year`, or the last simulated one); ValueError
    for a bad argument, naming it and what is allowed (before anything runs)."""
    if year is None:
        year = scenario.week_date(scenario.horizon_weeks - 1).year
    CalendarYearValues(output, year).check(scenario)
    if replications < 1:
        raise ValueError(f"replications = {replications} must be >= 1")
    if not loops:
        raise ValueError("loops: name at least one loop")
    for loop in loops:
        if loop not in LOOP_IDS:
            raise ValueError(f"loop {loop!r} is not one of {', '.join(LOOP_IDS)}")
        if loop in scenario.cut_loops:
            raise ValueError(f"loop {loop} is already cut in the scenario")
    if len(set(loops)) != len(loops):
        raise ValueError(f"loops lists a loop twice: {list(loops)}")
    if not weeks:
        raise ValueError("cut_from_weeks: give at least one week")
    for week in weeks:
        if not 0 <= week < scenario.horizon_weeks:
            raise ValueError(
                f"cut from week {week} is outside the horizon "
                f"(allowed 0 to {scenario.horizon_weeks - 1})"
            )
    return year
