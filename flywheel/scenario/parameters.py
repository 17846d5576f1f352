"""Building blocks of the parameter schema: strict config, loop ids, the `lever` field."""

from __future__ import annotations

import math
from typing import Any

from pydantic import ConfigDict, Field

# Leaf fields are strict (no "0.5" strings or true-as-1); containers accept dicts and lists.
STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)

LOOP_IDS = ("R1", "R2", "R3", "R4", "R5", "R6", "B1", "B2", "B3", "B4", "B5")
REINFORCING_LOOP_IDS = tuple(loop for loop in LOOP_IDS if loop.startswith("R"))
LOOP_NAMES = {
    "R1": "word of mouth",
    "R2": "marketplace",
    "R3": "scale economics",
    "R4": "membership (Prime)",
    "R5": "reviews and experiments",
    "R6": "paid acquisition",
    "B1": "fulfillment congestion",
    "B2": "service load",
    "B3": "market saturation",
    "B4": "seller crowding",
    "B5": "margin squeeze",
}


def lever(
    default: float,
    minimum: float,
    maximum: float,
    unit: str,
    description: str,
    *,
    loop: str = "",
    source: str = "",
) -> Any:
    """A parameter field: default, inclusive bounds, unit, one-line description, loop, source."""
    return Field(
        default=default,
        ge=minimum,
        le=maximum,
        strict=True,
        description=description,
        json_schema_extra={"unit": unit, "loop": loop, "source": source},
    )


def parameter_bounds(info: Any) -> tuple[float, float]:
    """(min, max) of a parameter field, from its pydantic ge/le metadata."""
    low, high = -math.inf, math.inf
    for meta in info.metadata:
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    return low, high
