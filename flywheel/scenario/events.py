"""Scenario events: dated policy changes, launches and shocks (validated, immutable).

Each event happens at a `week` (0 = the scenario's start) or at a calendar `date`, which the
scenario converts to a week. Shocks last `duration_weeks`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.dataclasses import dataclass

from flywheel.scenario.schema import STRICT, numeric_lever_names


@dataclass(frozen=True, config=STRICT)
class _Timed:
    week: int | None = Field(
        strict=True, default=None, ge=0, le=10_000, description="week the event starts"
    )
    date: dt.date | None = Field(default=None, description="calendar date the event starts")
    id: str = Field(
        strict=True, default="", max_length=80, description="optional label (for drop_events)"
    )
    note: str = Field(
        strict=True, default="", max_length=2000, description="free text, e.g. the source"
    )

    @model_validator(mode="after")
    def _week_or_date(self) -> _Timed:
        if (self.week is None) == (self.date is None):
            raise ValueError("give exactly one of 'week' or 'date'")
        return self


@dataclass(frozen=True, config=STRICT)
class PolicyChange(_Timed):
    """A lever takes a new value from `week` on."""

    kind: Literal["policy"] = "policy"
    lever: str = Field(
        strict=True, default="", description="a lever name (see `flywheel describe`)"
    )
    value: float = Field(strict=True, default=0.0, description="its new value, in the lever's unit")

    # A field validator (not a model validator) so the error's location is events[i].lever,
    # which the scenario's message and line lookup then name.
    @field_validator("lever")
    @classmethod
    def _known_lever(cls, lever: str) -> str:
        if lever not in numeric_lever_names():
            raise ValueError(f"unknown lever {lever!r} (see `flywheel describe`)")
        return lever


@dataclass(frozen=True, config=STRICT)
class MarketplaceLaunch(_Timed):
    """The third-party marketplace opens: sellers may join from `week` on."""

    kind: Literal["marketplace_launch"] = "marketplace_launch"


@dataclass(frozen=True, config=STRICT)
class PrimeLaunch(_Timed):
    """Prime membership is offered from `week` on."""

    kind: Literal["prime_launch"] = "prime_launch"


@dataclass(frozen=True, config=STRICT)
class DemandShock(_Timed):
    """Demand (orders per visit) is `size_share` higher (or lower, if negative) for a while."""

    kind: Literal["demand_shock"] = "demand_shock"
    duration_weeks: int = Field(strict=True, default=26, ge=1, le=1040)
    size_share: float = Field(strict=True, default=0.2, ge=-0.9, le=5.0)


@dataclass(frozen=True, config=STRICT)
class Recession(_Timed):
    """Demand (orders per visit) and marketing-driven adoption fall by `depth_share` for a while."""

    kind: Literal["recession"] = "recession"
    duration_weeks: int = Field(strict=True, default=78, ge=1, le=1040)
    depth_share: float = Field(strict=True, default=0.05, ge=0.0, le=0.9)


@dataclass(frozen=True, config=STRICT)
class PriceWar(_Timed):
    """Competitors cut prices by `depth_share` for a while."""

    kind: Literal["price_war"] = "price_war"
    duration_weeks: int = Field(strict=True, default=8, ge=1, le=1040)
    depth_share: float = Field(strict=True, default=0.1, ge=0.0, le=0.9)


@dataclass(frozen=True, config=STRICT)
class FcOutage(_Timed):
    """`centers` fulfillment centres are out of service for a while."""

    kind: Literal["fc_outage"] = "fc_outage"
    duration_weeks: int = Field(strict=True, default=2, ge=1, le=520)
    centers: float = Field(strict=True, default=1.0, ge=0.0, le=10_000.0)


@dataclass(frozen=True, config=STRICT)
class CostShock(_Timed):
    """Operating costs are `size_usd_per_week` higher for a while: a one-off cost (overcapacity,
    a write-down, a market entry) that the price policy does not mark up (model.md#financials)."""

    kind: Literal["cost_shock"] = "cost_shock"
    duration_weeks: int = Field(strict=True, default=13, ge=1, le=1040)
    size_usd_per_week: float = Field(strict=True, default=0.0, ge=0.0, le=1e11)


Event = Annotated[
    PolicyChange
    | MarketplaceLaunch
    | PrimeLaunch
    | DemandShock
    | Recession
    | PriceWar
    | FcOutage
    | CostShock,
    Field(discriminator="kind"),
]
EVENT_CLASSES = (
    PolicyChange,
    MarketplaceLaunch,
    PrimeLaunch,
    DemandShock,
    Recession,
    PriceWar,
    FcOutage,
    CostShock,
)
# Each class's `kind` tag, in the same order (the editor's and the error messages' list).
EVENT_KINDS = tuple(cls.__dataclass_fields__["kind"].default for cls in EVENT_CLASSES)
