"""Value checks shared by scenarios, sweeps and the API: a lever's value, a sweep's values."""

from __future__ import annotations

import math
from typing import Any

from flywheel.scenario.errors import printable
from flywheel.scenario.parameters import parameter_bounds
from flywheel.scenario.schema import Levers, field_infos


def short_repr(value: Any) -> str:
    text = printable(repr(value))
    return text if len(text) <= 80 else text[:77] + "..."


def check_lever_value(name: str, value: float, where: str = "") -> None:
    """Raise ValueError unless `value` is allowed for lever `name`."""
    info = field_infos(Levers)[name]
    low, high = parameter_bounds(info)
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{where or name} = {value!r} is not a finite number")
    if not low <= value <= high:
        unit = (info.json_schema_extra or {}).get("unit", "")
        raise ValueError(
            f"{where or name} = {value} is out of range for {name} "
            f"(allowed {low} to {high}, {unit})"
        )


def sweep_values(spec: str | list[float] | tuple[float, ...], where: str = "sweep") -> list[float]:
    """The values of one swept lever: 'start:stop:count' (evenly spaced, ends included) or a
    list of numbers."""
    if isinstance(spec, str):
        parts = spec.split(":")
        try:
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            raise ValueError(
                f"{where} = {spec!r}: expected 'start:stop:count', e.g. '0:1:11'"
            ) from None
        if len(parts) != 3 or not 1 <= count <= 10_000:
            raise ValueError(
                f"{where} = {spec!r}: expected 'start:stop:count' with count 1 to 10000"
            )
        if count == 1:
            return [start]
        return [start + (stop - start) * i / (count - 1) for i in range(count)]
    values = [float(v) for v in spec]
    if not values:
        raise ValueError(f"{where}: needs at least one value")
    return values


def check_sweep_specs(value: Any) -> Any:
    """`value` (a scenario's `sweep` table) unchanged, or ValueError naming the first spec that
    is neither a list of finite numbers nor a 'start:stop:count' string."""
    # Checked here so that `[0.5, nan]` is refused as a list with a non-finite number,
    # not as "not a valid string" (the other member of the union).
    if not isinstance(value, dict):
        return value
    for name, spec in value.items():
        if isinstance(spec, list | tuple):
            for item in spec:
                is_number = isinstance(item, int | float) and not isinstance(item, bool)
                if not is_number or not math.isfinite(item):
                    raise ValueError(
                        f"sweep.{printable(name)} = {short_repr(list(spec))}: "
                        f"{item!r} is not a finite number (allowed a list of numbers or "
                        f"'start:stop:count')"
                    )
        elif not isinstance(spec, str):
            raise ValueError(
                f"sweep.{printable(name)} = {short_repr(spec)}: expected a list of numbers "
                f"or 'start:stop:count'"
            )
    return value
