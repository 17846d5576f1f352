"""The parameter catalogue: every parameter's name, group, unit, default, range, loop, source.

Read from the schema (the single source); used by `flywheel describe`, docs and the app.
"""

from __future__ import annotations

from typing import Any

from flywheel.scenario.loading import parameter_bounds
from flywheel.scenario.schema import Initial, Levers, field_infos


def parameter_table() -> list[dict[str, Any]]:
    """One dict per parameter: name, group, unit, default, min, max, loop, description, source."""
    rows = []
    for group, cls in (("levers", Levers), ("initial", Initial)):
        for name, info in field_infos(cls).items():
            extra = info.json_schema_extra or {}
            low, high = parameter_bounds(info)
            is_flag = info.annotation is bool
            rows.append(
                {
                    "name": name,
                    "group": group,
                    "unit": extra.get("unit", ""),
                    "default": info.default,
                    "min": False if is_flag else low,
                    "max": True if is_flag else high,
                    "loop": extra.get("loop", ""),
                    "description": info.description or "",
                    "source": extra.get("source", ""),
                }
            )
    return rows
