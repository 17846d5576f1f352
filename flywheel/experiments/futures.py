"""Futures: a noise seed and a draw of the deep uncertainties, the same for every policy.

A *future* (as EMA Workbench separates scenarios from policies) is one replication id (which
fixes every noise stream, `engine.streams`) plus one value of each declared deep uncertainty:
an exogenous lever (market growth, competitor price trend, elasticities...) drawn from its
declared range. The uncertainty space is declared in TOML (`load_uncertainties`) or on the
command line (`parse_range('lever[low,high]')`), validated like a scenario, and sampled by a
seeded Latin hypercube (scipy.stats.qmc). Every policy of a search is run on the same futures
(common random numbers: same replication ids and same draws), so a difference between two
policies is the policies' effect, not noise.

```toml
# futures.toml
[uncertainties.market_growth_per_year]
low = 0.10
high = 0.40
[uncertainties.price_elasticity]
low = 0.8
high = 2.0
distribution = "loguniform"   # or "uniform" (default)
```
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from flywheel.engine.streams import futures_rng
from flywheel.scenario.errors import printable
from flywheel.scenario.lever_groups import lever_specs_by_name

DISTRIBUTIONS = ("uniform", "loguniform")
# Fresh (out-of-sample) futures use replication ids from here on: far from the ids 0..F-1 a
# search uses, so no noise path is shared with the futures the policy was chosen on.
FRESH_FIRST_ID = 1_000_000
_RANGE = re.compile(
    r"^\s*(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*\[\s*(?P<low>[^,\]]+)\s*,\s*(?P<high>[^,\]]+)\s*"
    r"(,\s*(?P<distribution>[a-z]+)\s*)?\]\s*$"
)


class FuturesError(ValueError):
    """A malformed uncertainty space or lever range: one line naming field, value, allowed."""


@dataclass(frozen=True)
class LeverRange:
    """A lever's range [low, high] in the lever's own unit, sampled uniformly or
    log-uniformly (both bounds > 0)."""

    lever: str
    low: float
    high: float
    distribution: str = "uniform"

    @property
    def text(self) -> str:
        """The form `parse_range` reads back, e.g. 'pass_through_share[0.2,0.9]'."""
        tail = "" if self.distribution == "uniform" else f",{self.distribution}"
        return f"{self.lever}[{self.low!r},{self.high!r}{tail}]"

    def scale(self, unit: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Values of the lever for points `unit` in [0, 1)."""
        if self.distribution == "loguniform":
            low, high = math.log(self.low), math.log(self.high)
            return np.exp(low + unit * (high - low))
        return self.low + unit * (self.high - self.low)


def checked_range(
    lever: str, low: Any, high: Any, distribution: Any = "uniform", where: str = ""
) -> LeverRange:
    """A `LeverRange` checked against the lever's documented range, else FuturesError
    naming `where` (e.g. 'futures.toml: uncertainties.basket_usd'), the value and what is
    allowed."""
    where = where or lever
    specs = lever_specs_by_name()
    spec = specs.get(lever)
    if spec is None:
        raise FuturesError(
            f"{where}: {printable(lever)!r} is not a lever (see `flywheel describe`)"
        )
    values = {}
    for side, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FuturesError(f"{where}.{side} = {printable(value)!r} is not a number")
        value = float(value)
        if not (math.isfinite(value) and spec.low <= value <= spec.high):
            raise FuturesError(
                f"{where}.{side} = {value:g} is out of range "
                f"(allowed {spec.low:g} to {spec.high:g}, {spec.unit})"
            )
        values[side] = value
    if not values["low"] < values["high"]:
        raise FuturesError(
            f"{where}: low = {values['low']:g} must be below high = {values['high']:g}"
        )
    if distribution not in DISTRIBUTIONS:
        raise FuturesError(
            f"{where}.distribution = {printable(distribution)!r} is not allowed "
            f"(allowed {', '.join(DISTRIBUTIONS)})"
        )
    if distribution == "loguniform" and values["low"] <= 0:
        raise FuturesError(f"{where}.low = {values['low']:g}: a loguniform range needs low > 0")
    return LeverRange(lever, values["low"], values["high"], distribution)


def parse_range(text: str, flag: str = "--levers") -> LeverRange:
    """'name[low,high]' or 'name[low,high,loguniform]' as a checked `LeverRange`."""
    match = _RANGE.match(text)
    if not match:
        raise FuturesError(
            f"{flag} {printable(text)!r}: expected NAME[LOW,HIGH] or NAME[LOW,HIGH,loguniform]"
        )
    bounds = []
    for side in ("low", "high"):
        try:
            bounds.append(float(match[side]))
        except ValueError:
            raise FuturesError(
                f"{flag} {printable(text)!r}: {side} {printable(match[side])!r} is not a number"
            ) from None
    return checked_range(
        match["name"], *bounds, match["distribution"] or "uniform", where=f"{flag} {match['name']}"
    )


def distinct_ranges(ranges: Sequence[LeverRange], what: str) -> tuple[LeverRange, ...]:
    """The ranges, refusing a lever named twice."""
    seen: set[str] = set()
    for item in ranges:
        if item.lever in seen:
            raise FuturesError(f"{what}: lever {item.lever} is named twice")
        seen.add(item.lever)
    return tuple(ranges)


def uncertainties_from_dict(data: Mapping[str, Any], origin: str) -> tuple[LeverRange, ...]:
    """The uncertainty space of a parsed TOML document (see the module docstring)."""
    extra = sorted(set(data) - {"uncertainties"})
    if extra:
        raise FuturesError(
            f"{origin}: {printable(extra[0])} is not allowed (allowed: [uncertainties.LEVER] "
            "tables with low, high and optional distribution)"
        )
    table = data.get("uncertainties")
    if not isinstance(table, dict) or not table:
        raise FuturesError(f"{origin}: uncertainties: expected at least one [uncertainties.LEVER]")
    ranges = []
    for lever, entry in table.items():
        where = f"{origin}: uncertainties.{printable(lever)}"
        if not isinstance(entry, dict):
            raise FuturesError(f"{where}: expected a table with low and high")
        unknown = sorted(set(entry) - {"low", "high", "distribution"})
        if unknown:
            raise FuturesError(
                f"{where}.{printable(unknown[0])} is not allowed (allowed low, high, distribution)"
            )
        for side in ("low", "high"):
            if side not in entry:
                raise FuturesError(f"{where}.{side} is missing (a number in the lever's unit)")
        ranges.append(
            checked_range(
                lever, entry["low"], entry["high"], entry.get("distribution", "uniform"), where
            )
        )
    return tuple(ranges)


def load_uncertainties(path: str | Path) -> tuple[LeverRange, ...]:
    """The uncertainty space declared in a TOML file, validated (FuturesError, one line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FuturesError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FuturesError(f"{path}: not valid TOML ({error})") from None
    return uncertainties_from_dict(data, str(path))


@dataclass(frozen=True)
class Futures:
    """F futures: replication ids (noise) and one value per uncertain lever per future."""

    ids: npt.NDArray[np.int64]
    draws: dict[str, npt.NDArray[np.float64]]

    @property
    def count(self) -> int:
        """Number of futures F."""
        return int(self.ids.size)

    def frame(self) -> Any:
        """One row per future: future, replication, and each uncertain lever's value."""
        import pandas as pd

        return pd.DataFrame(
            {"future": np.arange(self.count), "replication": self.ids, **self.draws}
        )


def sample_futures(
    space: Sequence[LeverRange], count: int, seed: int, first_id: int = 0
) -> Futures:
    """`count` futures: replication ids first_id .. first_id+count-1 and a Latin-hypercube
    draw of `space` (scipy.stats.qmc, seeded by `seed`); no space = noise only."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FuturesError(f"futures = {count!r} must be a whole number >= 1")
    ids = np.arange(first_id, first_id + count, dtype=np.int64)
    if not space:
        return Futures(ids, {})
    from scipy.stats import qmc

    sampler = qmc.LatinHypercube(d=len(space), rng=futures_rng(seed, first_id))
    unit = sampler.random(count)
    return Futures(ids, {item.lever: item.scale(unit[:, k]) for k, item in enumerate(space)})
