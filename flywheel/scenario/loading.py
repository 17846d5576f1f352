"""Scenario: a validated, immutable description of one simulation (levers, start, events).

Scenarios are TOML files read with `tomllib` (never evaluated). A file may name a `base`
scenario and override only what differs. Every error becomes one `ScenarioError` naming the
file, the line when it can be found, the field, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator
from pydantic.dataclasses import dataclass

from flywheel.scenario.errors import describe_validation_error, where_in_file
from flywheel.scenario.events import Event, PolicyChange
from flywheel.scenario.parameters import parameter_bounds
from flywheel.scenario.schema import STRICT, Initial, Levers, field_infos

MAX_SCENARIO_BYTES = 256 * 1024  # a hand-written scenario is a few KiB; refuse anything huge
MAX_BASE_DEPTH = 8
MAX_EVENTS = 1000
SHIPPED_SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
LoopId = Literal["R1", "R2", "R3", "R4", "R5", "B1", "B2", "B3", "B4", "B5"]


class ScenarioError(ValueError):
    """Invalid scenario input: the message names file, line, field, value and what is allowed."""


@dataclass(frozen=True, config=STRICT)
class Scenario:
    """One simulation set-up: levers, initial state, calendar, events and loop knockouts."""

    name: str = Field(strict=True, default="scenario", max_length=200)
    description: str = Field(strict=True, default="", max_length=5000)
    start_date: dt.date = Field(default=dt.date(2026, 1, 5), description="calendar date of week 0")
    horizon_weeks: int = Field(
        strict=True, default=520, ge=1, le=2600, description="weeks simulated"
    )
    levers: Levers = Field(default_factory=Levers)
    initial: Initial = Field(default_factory=Initial)
    events: tuple[Event, ...] = Field(default=(), max_length=MAX_EVENTS)
    knockouts: tuple[LoopId, ...] = Field(default=(), description="loops cut (held at week 0)")
    sweep: dict[str, str | list[float]] = dataclasses.field(
        default_factory=dict,
        hash=False,
        metadata={
            "description": (
                "levers `flywheel sweep` varies: name = 'start:stop:count' or a list of values"
            )
        },
    )

    @field_validator("events", "knockouts", mode="before")
    @classmethod
    def _list_to_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("start_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as error:
                raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from error
        if isinstance(value, dt.datetime):
            return value.date()
        if not isinstance(value, dt.date):
            raise ValueError(f"expected a date such as 2026-01-05, got {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        initial, levers = self.initial, self.levers
        # Messages start with the dotted field, which `describe_validation_error` uses to
        # find the line; each names the values involved.
        if initial.customers > initial.market_people:
            raise ValueError(
                f"initial.customers = {initial.customers} must not exceed "
                f"initial.market_people = {initial.market_people}"
            )
        if initial.prime_members > initial.customers:
            raise ValueError(
                f"initial.prime_members = {initial.prime_members} must not exceed "
                f"initial.customers = {initial.customers}"
            )
        if initial.market_people > levers.market_ceiling_people:
            raise ValueError(
                f"initial.market_people = {initial.market_people} must not exceed "
                f"levers.market_ceiling_people = {levers.market_ceiling_people}"
            )
        weights = (
            levers.cx_weight_price,
            levers.cx_weight_selection,
            levers.cx_weight_speed,
            levers.cx_weight_service,
            levers.cx_weight_reliability,
        )
        if sum(weights) <= 0:
            raise ValueError("the cx_weight_* levers must not all be 0")
        if len(set(self.knockouts)) != len(self.knockouts):
            raise ValueError(f"knockouts lists a loop twice: {list(self.knockouts)}")
        for index, event in enumerate(self.events):
            week = self.event_week(event)
            if week < 0 or week >= self.horizon_weeks:
                # Name the key the user wrote (week or date) and its value, not only the week.
                last_day = self.start_date + dt.timedelta(days=7 * self.horizon_weeks - 1)
                if event.week is not None:
                    raise ValueError(
                        f"events[{index}].week = {event.week} ({event.kind}) is outside the "
                        f"horizon (allowed 0 to {self.horizon_weeks - 1})"
                    )
                raise ValueError(
                    f"events[{index}].date = {event.date} ({event.kind}, week {week}) is "
                    f"outside the horizon (allowed {self.start_date} to {last_day})"
                )
            if isinstance(event, PolicyChange):
                check_lever_value(event.lever, event.value, where=f"events[{index}].value")
        for name, spec in self.sweep.items():
            if name not in field_infos(Levers):
                raise ValueError(f"sweep.{name}: not a lever (see `flywheel describe`)")
            for value in sweep_values(spec, where=f"sweep.{name}"):
                check_lever_value(name, value, where=f"sweep.{name}")
        return self

    def event_week(self, event: Any) -> int:
        """Week index (0-based) at which an event starts."""
        if event.week is not None:
            return int(event.week)
        return (event.date - self.start_date).days // 7

    def week_date(self, week: int) -> dt.date:
        """Calendar date of the first day of a week."""
        return self.start_date + dt.timedelta(days=7 * int(week))


_SCENARIO_ADAPTER = TypeAdapter(Scenario)
_TOP_LEVEL_KEYS = {f.name for f in dataclasses.fields(Scenario)} | {"base", "drop_events"}


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


def parameter_group(name: str) -> str:
    """'levers' or 'initial': which table of a scenario holds a parameter name."""
    if name in field_infos(Levers):
        return "levers"
    if name in field_infos(Initial):
        return "initial"
    raise ScenarioError(f"unknown parameter {name!r} (see `flywheel describe` for the names)")


def with_parameters(scenario: Scenario, changes: dict[str, Any], origin: str = "") -> Scenario:
    """A validated copy of `scenario` with parameters (by bare name) changed."""
    grouped: dict[str, dict[str, Any]] = {"levers": {}, "initial": {}}
    for name, value in changes.items():
        grouped[parameter_group(name)][name] = value
    data = scenario_to_dict(scenario)
    for group, values in grouped.items():
        data[group].update(values)
    return scenario_from_dict(data, origin=origin or f"scenario {scenario.name!r}")


def scenario_from_dict(
    data: dict[str, Any], origin: str = "<dict>", text: str = "", event_offset: int = 0
) -> Scenario:
    """Validate a plain dict (as read from TOML) into a Scenario, or raise ScenarioError.

    `text` is the TOML of `origin`, used to cite line numbers; `event_offset` is how many of
    `data`'s events come before that file's own (inherited from its base)."""
    unknown = sorted(set(data) - (_TOP_LEVEL_KEYS - {"base", "drop_events"}))
    if unknown:
        where = where_in_file(origin, text, (unknown[0],), event_offset)
        raise ScenarioError(
            f"{where}{unknown[0]} is not a scenario key "
            f"(allowed: {', '.join(sorted(_TOP_LEVEL_KEYS - {'base', 'drop_events'}))})"
        )
    try:
        return _SCENARIO_ADAPTER.validate_python(data)
    except ValidationError as error:
        raise ScenarioError(describe_validation_error(error, origin, text, event_offset)) from None


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A plain dict of a scenario (no None values), ready for TOML or `scenario_from_dict`."""
    raw = _SCENARIO_ADAPTER.dump_python(scenario, mode="python")
    return _drop_none(raw)


def scenario_to_toml(scenario: Scenario) -> str:
    """The scenario as TOML text; loading it again gives an equal Scenario (the canonical
    form of `flywheel.scenario.writer.canonical_toml`)."""
    from flywheel.scenario.writer import canonical_toml  # the writer builds on this module

    return canonical_toml(scenario)


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge (with its `base` chain) and validate a scenario TOML file."""
    path = Path(path)
    data, text, inherited = _load_merged(
        path, roots=(path.resolve().parent, SHIPPED_SCENARIOS_DIR), seen=()
    )
    return scenario_from_dict(data, origin=str(path), text=text, event_offset=inherited)


def parse_scenario_text(text: str, origin: str = "<upload>") -> Scenario:
    """Validate scenario TOML text (e.g. an upload); a `base` is looked up among shipped ones."""
    if len(text.encode("utf-8", errors="replace")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{origin}: file is larger than {MAX_SCENARIO_BYTES} bytes")
    data = _parse_toml(text, origin)
    data, inherited = _merge_base(
        data, origin, Path(SHIPPED_SCENARIOS_DIR), (SHIPPED_SCENARIOS_DIR,), ()
    )
    return scenario_from_dict(data, origin=origin, text=text, event_offset=inherited)


def scenario_from_child(data: dict[str, Any], origin: str, folder: str | Path) -> Scenario:
    """Validate `data` as if it were a scenario file in `folder` (e.g. a reality check's
    scenario and overrides): its `base` is looked up in `folder`, then among the shipped
    scenarios, and merged exactly as a file's; errors name `origin`."""
    folder = Path(folder)
    merged, inherited = _merge_base(
        dict(data), origin, folder.resolve(), (folder.resolve(), SHIPPED_SCENARIOS_DIR), ()
    )
    return scenario_from_dict(merged, origin=origin, event_offset=inherited)


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read ({error.strerror})") from None
    if not path.is_file():
        raise ScenarioError(f"{path}: not a regular file")
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{path}: file is {size} bytes; allowed at most {MAX_SCENARIO_BYTES}")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read ({error.strerror})") from None


def _parse_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        # Windows editors (Notepad) may start a UTF-8 file with a byte-order mark, which
        # tomllib refuses as "Invalid statement (at line 1, column 1)"
        data = tomllib.loads(text.removeprefix("\ufeff"))
        if not data:
            raise ScenarioError(
                f"{origin}: the file is empty (a scenario needs at least a name "
                f"or a base; see scenarios/baseline.toml)"
            )
        return data
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{origin}: invalid TOML: {error}") from None
    except RecursionError:
        raise ScenarioError(f"{origin}: invalid TOML: nested too deeply") from None


def _load_merged(
    path: Path, roots: tuple[Path, ...], seen: tuple[Path, ...]
) -> tuple[dict[str, Any], str, int]:
    """(merged data, this file's text, number of events inherited from the base chain)."""
    text = _read_text(path)
    data = _parse_toml(text, str(path))
    merged, inherited = _merge_base(
        data, str(path), path.resolve().parent, roots, seen + (path.resolve(),)
    )
    # Return this file's own text: error messages look up the offending key's line in it
    # (dropping it, as before, meant no message from a file ever had a line number).
    return merged, text, inherited


def _merge_base(
    data: dict[str, Any], origin: str, folder: Path, roots: tuple[Path, ...], seen: tuple[Path, ...]
) -> tuple[dict[str, Any], int]:
    """(data merged over its base chain, number of events inherited from the base)."""
    base = data.pop("base", None)
    drop = data.pop("drop_events", [])
    if base is None:
        if drop:
            raise ScenarioError(f"{origin}: drop_events needs a base scenario")
        return data, 0
    if not isinstance(base, str) or not base.strip() or "\x00" in base:
        raise ScenarioError(f"{origin}: base = {base!r} must be a scenario file name")
    if len(seen) > MAX_BASE_DEPTH:
        raise ScenarioError(f"{origin}: base chain deeper than {MAX_BASE_DEPTH} files")
    base_path = _resolve_base(base, origin, folder, roots)
    if base_path in seen:
        chain = " -> ".join(p.name for p in seen + (base_path,))
        raise ScenarioError(f"{origin}: base = {base!r} is circular ({chain})")
    base_data, _, _ = _load_merged(base_path, roots, seen)
    if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
        raise ScenarioError(
            f"{origin}: drop_events = {drop!r} must be a list of event ids or kinds"
        )
    events = [
        e
        for e in base_data.get("events", [])
        if not (isinstance(e, dict) and (e.get("id") in drop or e.get("kind") in drop))
    ]
    merged = dict(base_data)
    for key, value in data.items():
        if key in ("levers", "initial") and isinstance(value, dict):
            merged[key] = {**base_data.get(key, {}), **value}
        elif key == "events":
            merged[key] = events + (value if isinstance(value, list) else [value])
        else:
            merged[key] = value
    if "events" not in data:
        merged["events"] = events
    return merged, len(events)


def find_base(base: str, folder: Path) -> Path:
    """The file a `base = ...` names, for a scenario in `folder`: looked up there, then among
    the shipped scenarios; raises ScenarioError if it is not found."""
    folder = Path(folder)
    return _resolve_base(base, f"base {base!r}", folder, (folder, SHIPPED_SCENARIOS_DIR))


def _resolve_base(base: str, origin: str, folder: Path, roots: tuple[Path, ...]) -> Path:
    name = base if base.endswith(".toml") else base + ".toml"
    for candidate in ((folder / name).resolve(), (SHIPPED_SCENARIOS_DIR / name).resolve()):
        if not any(candidate.is_relative_to(root.resolve()) for root in roots):
            continue  # a base may not reach outside the scenario's folder or the shipped ones
        if candidate.is_file():
            return candidate
    raise ScenarioError(
        f"{origin}: base = {base!r} not found (looked in {folder} and the shipped "
        f"scenarios; a base must stay inside those folders)"
    )


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return type(value)(_drop_none(v) for v in value)
    return value
