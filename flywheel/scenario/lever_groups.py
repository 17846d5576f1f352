"""The app's levers, read from the scenario schema: unit, bounds, help text and loop group."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from flywheel.scenario.loading import Scenario, parameter_bounds
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES, Levers, field_infos

GENERAL = "General"
GROUPS = (*LOOP_IDS, GENERAL)
LOOP_PATHS = {  # one line per loop, from MODEL.md
    "R1": "CX → adoption (word of mouth) → customers → traffic",
    "R2": "traffic → sellers → selection → conversion and CX",
    "R3": "orders → learning curve, fixed-cost spread → unit cost → prices → CX",
    "R4": "CX → Prime joins → more visits, less churn → orders",
    "R5": "orders → reviews and A/B tests → conversion",
    "R6": "revenue → marketing budget → new customers → orders → revenue",
    "B1": "orders → utilisation → delivery time → CX (until a new FC opens)",
    "B2": "orders → service contacts → queue wait → CX",
    "B3": "customers → fewer potential customers → slower adoption",
    "B4": "sellers → sales per seller → seller attractiveness",
    "B5": "price cuts → margin → cash for capacity and service",
    GENERAL: "demand, basket, CX weights and other shared settings",
}
# Words that only repeat the unit at the end of a lever's name (the label shows the unit).
UNIT_SUFFIX_WORDS = frozenset(
    {"usd", "per", "week", "weeks", "year", "people", "seconds", "minutes", "days", "index"}
    | {"order", "orders", "skus", "sqft"}
)
ACRONYMS = {"fc": "FC", "cx": "CX", "ab": "A/B", "skus": "SKUs", "sku": "SKU", "1p": "1P"}
ACRONYMS |= {"q4": "Q4", "wom": "word-of-mouth", "cv": "CV", "ref": "reference"}
ACRONYMS |= {"3p": "3P", "gmv": "GMV", "sqft": "sq ft"}  # (also read by the workshop tables)
# Units the label's own words already say (a share, a CV, a CX weight) or that say nothing.
SELF_EXPLAINING_UNITS = frozenset(
    {"", "dimensionless", "share", "weight", "coefficient of variation"}
)
WIDE_RANGE_RATIO = 200.0  # beyond this span / value a slider is too coarse: use a number box


@dataclass(frozen=True)
class LeverSpec:
    """One lever as a widget sees it."""

    name: str
    unit: str
    low: float
    high: float
    default: float
    loop: str
    description: str
    source: str

    @property
    def key(self) -> str:
        """Session-state key of the lever's widget."""
        return f"lever:{self.name}"

    @property
    def label(self) -> str:
        """Human label: the name without the words that only repeat its unit, plus the unit
        (`fulfillment_cost_usd_per_order` -> "Fulfillment cost (USD/order)"); a plain share,
        weight or ratio keeps its word and shows no unit ("Pass through share")."""
        words = self.name.split("_")
        share_of = self.unit.startswith(("share ", "share/"))  # the unit says "share" itself
        suffixes = UNIT_SUFFIX_WORDS | {"share"} if share_of else UNIT_SUFFIX_WORDS
        while len(words) > 1 and words[-1] in suffixes:
            words.pop()
        text = " ".join(ACRONYMS.get(word, word) for word in words)
        text = text[0].upper() + text[1:]
        if self.unit in SELF_EXPLAINING_UNITS:
            return text
        return f"{text} ({self.unit.replace(' (', ', ').replace(')', '')})"

    @property
    def help(self) -> str:
        """Tooltip: what it does, its range and where the default comes from."""
        return (
            f"{self.description}. Range {self.low:g} to {self.high:g} {self.unit}; "
            f"default {self.default:g}. Source: {self.source}"
        )

    @property
    def is_wide(self) -> bool:
        """True when the range spans orders of magnitude (a number box, not a slider)."""
        if self.default == 0:
            return False
        return (self.high - self.low) / abs(self.default) > WIDE_RANGE_RATIO

    @property
    def step(self) -> float:
        """A round widget step: about 1/200 of the range (slider) or 10 % of the default."""
        span = (self.high - self.low) / 200 if not self.is_wide else abs(self.default) * 0.1
        if span <= 0:
            span = (self.high - self.low) / 200 or 1.0
        exponent = math.floor(math.log10(span))
        mantissa = span / 10**exponent
        nice = 1 if mantissa < 2 else 2 if mantissa < 5 else 5
        return float(nice * 10**exponent)


@functools.cache
def lever_specs() -> tuple[LeverSpec, ...]:
    """Every lever of the schema, in declaration order (built once: the schema is fixed)."""
    specs = []
    for name, info in field_infos(Levers).items():
        extra = info.json_schema_extra or {}
        low, high = parameter_bounds(info)
        specs.append(
            LeverSpec(
                name=name,
                unit=str(extra.get("unit", "")),
                low=float(low),
                high=float(high),
                default=float(info.default),
                loop=str(extra.get("loop", "")) or GENERAL,
                description=info.description or "",
                source=str(extra.get("source", "")),
            )
        )
    return tuple(specs)


@functools.cache
def lever_specs_by_name() -> dict[str, LeverSpec]:
    """`lever_specs()` keyed by lever name, in the same order."""
    return {spec.name: spec for spec in lever_specs()}


def lever_groups() -> dict[str, list[LeverSpec]]:
    """Levers grouped by loop id (R1 … B5, then General), in that order."""
    groups: dict[str, list[LeverSpec]] = {group: [] for group in GROUPS}
    for spec in lever_specs():
        groups[spec.loop].append(spec)
    return {group: specs for group, specs in groups.items() if specs}


def group_title(group: str) -> str:
    """Expander title of a group, e.g. 'R1 · word of mouth'."""
    return f"{group} · {LOOP_NAMES[group]}" if group in LOOP_NAMES else GENERAL


def changed_levers(scenario: Scenario, preset: Scenario) -> dict[str, tuple[float, float]]:
    """Levers whose value differs from the preset: name -> (preset value, current value)."""
    return {
        spec.name: (getattr(preset.levers, spec.name), getattr(scenario.levers, spec.name))
        for spec in lever_specs()
        if getattr(preset.levers, spec.name) != getattr(scenario.levers, spec.name)
    }
