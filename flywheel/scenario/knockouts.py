"""Loop knockouts in a scenario: `"R2"` cuts a loop from week 0, `{loop = "R2", week = 468}` or
`{loop = "R2", date = 2005-01-01}` from that week or date on (model.md#loop-knockouts).

A cut loop's defining link is held at its value in the first cut week; before that week the
run is the uncut run, bit for bit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator
from pydantic.dataclasses import dataclass

from flywheel.scenario.schema import LOOP_IDS, STRICT

# The loop ids, read off LOOP_IDS (a Literal of a tuple is the Literal of its items).
LoopId = Literal[LOOP_IDS]  # type: ignore[valid-type]
# Tags of the two forms of a knockouts entry: pydantic puts them in an error's location,
# the error messages leave them out (`errors.describe_validation_error`).
KNOCKOUT_TAGS = ("whole_run", "dated")


@dataclass(frozen=True, config=STRICT)
class DatedKnockout:
    """A loop cut from a week (0 = the scenario's start) or a calendar date on; the scenario
    converts a date to the week holding it."""

    loop: LoopId = Field(description="the loop cut (R1-R6, B1-B5)")
    week: int | None = Field(
        strict=True, default=None, ge=0, le=10_000, description="first week cut"
    )
    date: dt.date | None = Field(default=None, description="calendar date the cut starts")

    @model_validator(mode="after")
    def _week_or_date(self) -> DatedKnockout:
        if (self.week is None) == (self.date is None):
            raise ValueError("give exactly one of 'week' or 'date'")
        return self

    @property
    def label(self) -> str:
        """'R2 from week 468' or 'R2 from 2005-01-01'."""
        return (
            f"{self.loop} from {'week ' + str(self.week) if self.week is not None else self.date}"
        )


def _form(value: Any) -> str:
    return "dated" if isinstance(value, dict | DatedKnockout) else "whole_run"


Knockout = Annotated[
    Annotated[LoopId, Tag("whole_run")] | Annotated[DatedKnockout, Tag("dated")],
    Discriminator(_form),
]


def knockout_loop(entry: str | DatedKnockout) -> str:
    """The loop id of a knockouts entry."""
    return entry.loop if isinstance(entry, DatedKnockout) else entry


def knockout_label(entry: str | DatedKnockout) -> str:
    """How a knockouts entry reads in messages: 'R2' or 'R2 from 2005-01-01'."""
    return entry.label if isinstance(entry, DatedKnockout) else entry


def dated(loop: str, week: int) -> str | DatedKnockout:
    """A knockouts entry cutting `loop` from `week`: the plain id for week 0 (the same run)."""
    return loop if week == 0 else DatedKnockout(loop=loop, week=week)  # type: ignore[arg-type]


def check_knockouts(
    knockouts: tuple[str | DatedKnockout, ...],
    horizon_weeks: int,
    week_of: Callable[[str | DatedKnockout], int],
    week_date: Callable[[int], dt.date],
) -> None:
    """ValueError if a loop is cut twice or a cut starts outside the horizon (`week_of` gives
    an entry's first cut week, `week_date` a week's first day)."""
    loops = [knockout_loop(entry) for entry in knockouts]
    for loop in loops:
        if loops.count(loop) > 1:
            cuts = [knockout_label(entry) for entry in knockouts]
            raise ValueError(
                f"knockouts lists a loop twice: {loop} in {cuts} (allowed each loop once, "
                f"with one start)"
            )
    for index, entry in enumerate(knockouts):
        week = week_of(entry)
        if isinstance(entry, DatedKnockout) and not 0 <= week < horizon_weeks:
            if entry.week is not None:
                raise ValueError(
                    f"knockouts[{index}].week = {entry.week} ({entry.loop}) is outside the "
                    f"horizon (allowed 0 to {horizon_weeks - 1})"
                )
            last_day = week_date(horizon_weeks) - dt.timedelta(days=1)
            raise ValueError(
                f"knockouts[{index}].date = {entry.date} ({entry.loop}, week {week}) is "
                f"outside the horizon (allowed {week_date(0)} to {last_day})"
            )
