"""Outcomes: one number per replication taken from the weekly series (a week, or a model year).

A model year is 52 weeks counted from week 0 (year 1 = weeks 0-51, year 10 = weeks 468-519),
not a calendar year. Over a year, flows (revenue, orders, ...) are summed, rates and indices
(CX, utilisation, loop gains, ...) averaged and levels and flags (customers, sellers, cash, ...)
taken at its last week, as each output's `kind` in `flywheel.model.outputs` says (as in
`Results.annual()`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from flywheel.model.outputs import OUTPUT_NAMES, yearly_how
from flywheel.results.annual import (
    HEADLINE,
    RATIO_COLUMNS,
    annual_column_names,
    annual_frame,
    annual_inputs,
)

if TYPE_CHECKING:
    from flywheel.experiments.executors import Batch
    from flywheel.scenario.loading import Scenario

WEEKS_PER_YEAR = 52
Array = npt.NDArray[np.float64]
_PATTERN = re.compile(r"^(?P<output>[a-z_0-9A-Z]+)(@(?P<unit>week|year)(?P<number>-?\d+))?$")


@dataclass(frozen=True)
class Outcome:
    """An output at one `week` (negative counts from the end; default the last week), or
    aggregated over model `year` (1-based)."""

    output: str
    week: int | None = None
    year: int | None = None

    def __post_init__(self) -> None:
        if self.week is not None and self.year is not None:
            raise ValueError("an outcome takes a week or a year, not both")
        if self.year is not None and self.year < 1:
            raise ValueError(f"year = {self.year} must be >= 1 (year 1 = weeks 0-51)")

    @classmethod
    def parse(cls, text: str) -> Outcome:
        """'revenue_usd@year10', 'customers@week519' or 'customers' (its last week)."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"outcome {text!r}: expected OUTPUT, OUTPUT@weekN or OUTPUT@yearN")
        number = match["number"]
        if match["unit"] == "year":
            return cls(match["output"], year=int(number))
        return cls(match["output"], week=None if number is None else int(number))

    @classmethod
    def last_year(cls, output: str, weeks: int) -> Outcome:
        """`output` aggregated over the last model year of a `weeks`-week horizon (the Why
        tab's outcomes: e.g. revenue_usd@year10 for 520 weeks)."""
        return cls(output, year=years_in(weeks))

    @property
    def text(self) -> str:
        """The form `parse` reads back, e.g. 'revenue_usd@year10' or 'customers'."""
        if self.year is not None:
            return f"{self.output}@year{self.year}"
        return self.output if self.week is None else f"{self.output}@week{self.week}"

    @property
    def label(self) -> str:
        """Readable name, e.g. 'revenue_usd, year 10'."""
        if self.year is not None:
            return f"{self.output}, year {self.year}"
        return f"{self.output}, {'last week' if self.week is None else f'week {self.week}'}"

    def check(self, outputs: tuple[str, ...] | list[str], weeks: int) -> None:
        """Raise ValueError unless the output exists and the week or year is simulated."""
        if self.output not in outputs:
            raise ValueError(
                f"outcome output {self.output!r} is not a model output "
                "(e.g. customers, revenue_usd, operating_income_usd; "
                "`flywheel describe --outputs` lists them all)"
            )
        if self.week is not None and not -weeks <= self.week < weeks:
            raise ValueError(f"outcome week {self.week} is outside 0 to {weeks - 1}")
        if self.year is not None and self.year > years_in(weeks):
            raise ValueError(
                f"outcome year {self.year} is outside 1 to {years_in(weeks)} "
                f"({weeks} weeks simulated)"
            )

    def values(self, series: dict[str, Array]) -> Array:
        """(R,) outcome of every replication."""
        data = series[self.output]
        if self.year is not None:
            return yearly(data, self.output)[:, self.year - 1]
        return np.array(data[:, -1 if self.week is None else self.week], dtype=np.float64)


@dataclass(frozen=True)
class OutcomeValues:
    """A batch reducer: the (R,) outcome of each run of the batch (picklable, for workers)."""

    outcome: Outcome

    @property
    def outputs_needed(self) -> tuple[str, ...]:
        """The one output the outcome reads: the engine records no other (recording all 79
        outputs of a tornado's ~3 600 runs took ~1.1 GB and a third of its time)."""
        return (self.outcome.output,)

    def __call__(self, series: dict[str, Array], batch: Batch) -> Array:
        return self.outcome.values(series)


def years_in(weeks: int) -> int:
    """Number of model years in a horizon (a trailing partial year counts)."""
    return max(1, -(-weeks // WEEKS_PER_YEAR))


def yearly(data: Array, output: str) -> Array:
    """(R, years) yearly values of one output: flows summed, rates and indices averaged, levels
    and flags at year end (its `kind`)."""
    replications, weeks = data.shape
    years = years_in(weeks)
    how = yearly_how(output)
    out = np.empty((replications, years))
    for year in range(years):
        # A contiguous copy: the engine's (R, weeks) series are strided views of (weeks, R),
        # and numpy sums a strided row in a different order (last bits) than a contiguous one,
        # so without it a replication's yearly value would depend on its batch's size.
        block = np.ascontiguousarray(
            data[:, year * WEEKS_PER_YEAR : min(weeks, (year + 1) * WEEKS_PER_YEAR)]
        )
        if how == "sum":
            out[:, year] = block.sum(axis=1)
        elif how == "mean":
            out[:, year] = block.mean(axis=1)
        else:
            out[:, year] = block[:, -1]
    return out


def output_names() -> tuple[str, ...]:
    """Names of every model output, in the output registry's (and the recording) order."""
    return OUTPUT_NAMES


@dataclass(frozen=True)
class CalendarYearValues:
    """A batch reducer: the (R,) value of one `Results.annual()` column (an output, or a
    headline column such as `net_sales_usd_million`) in one calendar `year`, aggregated as
    `Results.annual()` does (picklable, for workers)."""

    column: str
    year: int

    @property
    def outputs_needed(self) -> tuple[str, ...]:
        """The outputs the column is built from (the headline sources, and the output)."""
        extra = (self.column,) if self.column in OUTPUT_NAMES else ()
        return tuple(dict.fromkeys([*annual_inputs(), *extra]))

    def check(self, scenario: Scenario) -> None:
        """Raise ValueError unless the column exists and the year is simulated."""
        if self.column not in annual_column_names(OUTPUT_NAMES):
            raise ValueError(
                f"output {self.column!r} is not an annual column (an output, or one of "
                f"{', '.join(name for name, _, _ in HEADLINE)}, {', '.join(RATIO_COLUMNS)})"
            )
        first = scenario.start_date.year
        last = scenario.week_date(scenario.horizon_weeks - 1).year
        if not first <= self.year <= last:
            raise ValueError(
                f"year {self.year} is not simulated (allowed {first} to {last}, calendar years)"
            )

    def __call__(self, series: dict[str, Array], batch: Batch) -> Array:
        scenario = batch.scenario
        start = np.datetime64(scenario.start_date, "D")
        dates = start + 7 * np.arange(scenario.horizon_weeks).astype("timedelta64[D]")
        needed = {name: series[name] for name in self.outputs_needed}
        frame = annual_frame(needed, dates, batch.ids)
        values = frame.loc[frame["year"] == self.year, self.column]
        return values.to_numpy(dtype=np.float64)
