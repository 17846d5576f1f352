"""The "Why" tab's numbers: loop attribution (waterfall) and a one-at-a-time tornado.

Both come from `flywheel.experiments` with common random numbers: attribution is
`experiments.attribute` (knock one loop out, same seed and replication ids); the tornado runs
every lever's low and high test value as per-replication overrides of one lockstep batch
whose replication ids repeat, so each setting sees the same noise paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.scenario.lever_groups import lever_specs

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.experiments.executors import Batch
    from flywheel.scenario.loading import Scenario

TORNADO_SWING_SHARE = 0.25  # each lever moves ±25 % of its value (clipped to its bounds)
TORNADO_SHOWN = 15


def outcome_text(scenario: Scenario, output: str = "revenue_usd") -> str:
    """The experiments' outcome string for an output over the scenario's last model year."""
    from flywheel.experiments.outcomes import years_in

    return f"{output}@year{years_in(scenario.horizon_weeks)}"


def attribution_table(
    scenario: Scenario, output: str, replications: int, seed: int
) -> pd.DataFrame:
    """Waterfall rows: label, kind ('total' or 'step'), value (mean over replications),
    q05 and q95 of the effect: all loops cut, + each loop, + interactions, = scenario."""
    import pandas as pd

    from flywheel.experiments import attribute

    result = attribute(scenario, outcome_text(scenario, output), replications, seed)
    table = result.table().set_index("component")
    all_cut = float((result.all_on - result.total).mean())
    rows = [
        {"label": "all loops cut", "kind": "total", "value": all_cut, "q05": np.nan, "q95": np.nan}
    ]
    for loop in result.loops:
        row = table.loc[loop]
        rows.append(
            {
                "label": f"{loop} {row['loop']}",
                "kind": "step",
                "value": row["mean"],
                "q05": row["q05"],
                "q95": row["q95"],
            }
        )
    row = table.loc["interaction"]
    rows.append(
        {
            "label": "interactions",
            "kind": "step",
            "value": row["mean"],
            "q05": row["q05"],
            "q95": row["q95"],
        }
    )
    rows.append(
        {
            "label": "this scenario",
            "kind": "total",
            "value": float(result.all_on.mean()),
            "q05": np.nan,
            "q95": np.nan,
        }
    )
    return pd.DataFrame(rows)


def tornado_values(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Lever -> (low, high) test values: ±25 % of the current value, clipped to the schema
    bounds; a lever at 0 moves 10 % of its range instead."""
    values = {}
    for spec in lever_specs():
        current = float(getattr(scenario.levers, spec.name))
        swing = abs(current) * TORNADO_SWING_SHARE or (spec.high - spec.low) * 0.1
        low, high = max(spec.low, current - swing), min(spec.high, current + swing)
        if high > low:
            values[spec.name] = (low, high)
    return values


@dataclass(frozen=True)
class _Outcomes:
    output: str

    @property
    def outputs_needed(self) -> tuple[str, ...]:
        """The one output the outcome reads: the engine records no other (recording all 79
        of a tornado's ~3 600 runs took ~1.1 GB and a third of its time)."""
        from flywheel.experiments.outcomes import Outcome

        return (Outcome.parse(self.output).output,)

    def __call__(
        self, series: dict[str, npt.NDArray[np.float64]], batch: Any
    ) -> npt.NDArray[np.float64]:
        from flywheel.experiments.outcomes import Outcome

        return Outcome.parse(self.output).values(series)


def tornado_table(scenario: Scenario, output: str, replications: int, seed: int) -> pd.DataFrame:
    """One row per lever (largest swing first, top 15): lever, low, high, low_change,
    high_change (mean change of the outcome against the scenario, same noise paths)."""
    from flywheel.experiments.executors import run_in_order

    batches = tornado_batches(scenario, output, replications, seed)
    return tornado_rows(scenario, output, replications, run_in_order(None, batches))


def tornado_batches(
    scenario: Scenario, output: str, replications: int, seed: int, parts: int = 1
) -> list[Batch]:
    """The tornado's runs as `parts` lockstep batches (one by default; split, e.g. over
    worker processes, they give the same numbers: each run depends only on its own id,
    levers and the seed). Their results, in order, go to `tornado_rows`."""
    from flywheel.experiments.executors import Batch

    tests = tornado_values(scenario)
    names = list(tests)
    settings = 1 + 2 * len(names)  # the scenario itself, then each lever low and high
    overrides = {
        name: np.full(settings * replications, float(getattr(scenario.levers, name)))
        for name in names
    }
    for index, name in enumerate(names):
        for side in (0, 1):
            block = 1 + 2 * index + side
            overrides[name][block * replications : (block + 1) * replications] = tests[name][side]
    ids = np.tile(np.arange(replications, dtype=np.int64), settings)  # common random numbers
    reduce = _Outcomes(outcome_text(scenario, output))
    return [
        Batch(scenario, seed, ids[rows], reduce, {name: v[rows] for name, v in overrides.items()})
        for rows in np.array_split(np.arange(ids.size), parts)
    ]


def tornado_rows(
    scenario: Scenario, output: str, replications: int, results: list[Any]
) -> pd.DataFrame:
    """`tornado_table`'s frame from the results of `tornado_batches`, in their order."""
    import pandas as pd

    tests = tornado_values(scenario)
    names = list(tests)
    values = np.concatenate([np.asarray(part, dtype=np.float64) for part in results])
    means = values.reshape(1 + 2 * len(names), replications).mean(axis=1)
    rows = [
        {
            "lever": name,
            "low": tests[name][0],
            "high": tests[name][1],
            "low_change": means[1 + 2 * i] - means[0],
            "high_change": means[2 + 2 * i] - means[0],
        }
        for i, name in enumerate(names)
    ]
    frame = pd.DataFrame(rows)
    frame["swing"] = (frame["high_change"] - frame["low_change"]).abs()
    frame = frame.sort_values("swing", ascending=False).head(TORNADO_SHOWN)
    frame.attrs.update(base=float(means[0]), outcome=outcome_text(scenario, output))
    return frame.reset_index(drop=True)
