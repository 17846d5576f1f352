"""Scenario: a validated, immutable description of one simulation (levers, start, events).

Scenarios are TOML files read with `tomllib` (never evaluated). A file may name a `base`
scenario and override only what differs. Every error becomes one `ScenarioError` naming the
file, the line when it can be found, the field, the value and what is allowed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import (
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from flywheel.scenario import events as event_types
from flywheel.scenario.drivers import (
    LOGISTIC_DRIVER,
    SPEND_DRIVERS,
    check_spend_driver,
    describe_drivers,
)
from flywheel.scenario.errors import (
    ScenarioError,
    ScenarioWarning,
    describe_validation_error,
    printable,
    where_in_file,
)
from flywheel.scenario.events import Event, PolicyChange
from flywheel.scenario.knockouts import (
    DatedKnockout,
    Knockout,
    LoopId,
    check_knockouts,
    knockout_loop,
)
from flywheel.scenario.limits import MAX_POINTS
from flywheel.scenario.market_drivers import (
    MARKET_DRIVERS,
    check_market_driver,
    describe_market_drivers,
)
from flywheel.scenario.parameters import parameter_bounds
from flywheel.scenario.schema import STRICT, Initial, Levers, field_infos
from flywheel.scenario.sources import (
    MAX_BASE_DEPTH,
    MAX_SCENARIO_BYTES,
    SHIPPED_SCENARIOS_DIR,
    find_base,
    load_merged,
    merge_base,
    parse_toml,
)
from flywheel.scenario.values import check_lever_value, check_sweep_specs, short_repr, sweep_values

__all__ = [
    "MAX_BASE_DEPTH",
    "MAX_SCENARIO_BYTES",
    "SHIPPED_SCENARIOS_DIR",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "DatedKnockout",
    "FIRST_DAY",
    "LAST_DAY",
    "LoopId",
    "check_lever_value",
    "find_base",
    "load_scenario",
    "parameter_bounds",
    "parameter_group",
    "parse_scenario_text",
    "scenario_from_dict",
    "scenario_to_dict",
    "scenario_to_toml",
    "sweep_values",
    "with_parameters",
]

MAX_EVENTS = 1000
# The simulated weeks must lie inside these days. Python's calendar (datetime.date) holds
# years 1 to 9999; charts (matplotlib dates) pad the axis by up to a few years either side,
# so a century of margin keeps every command, plot and app tab working.
FIRST_DAY = dt.date(100, 1, 1)
LAST_DAY = dt.date(9899, 12, 31)


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
    spend_driver: str = Field(
        strict=True,
        default=LOGISTIC_DRIVER,
        max_length=200,
        description=(
            "what drives the spend index: 'logistic' (the spend_* levers) or a data series of "
            "the online share of retail, e.g. 'us_ecommerce_share' (model.md#spend)"
        ),
    )
    market_driver: str = Field(
        strict=True,
        default=LOGISTIC_DRIVER,
        max_length=200,
        description=(
            "what drives the market stock: 'logistic' (the market_* levers) or a data series "
            "times market_share_of_internet_users, e.g. 'world_internet_users' (model.md#market)"
        ),
    )
    knockouts: tuple[Knockout, ...] = Field(
        default=(), description="loops cut: 'R2' from week 0, {loop, week or date} from then"
    )
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

    @field_validator("spend_driver", "market_driver")
    @classmethod
    def _known_driver(cls, value: str, info: ValidationInfo) -> str:
        is_spend = info.field_name == "spend_driver"
        if value not in (SPEND_DRIVERS if is_spend else MARKET_DRIVERS):
            raise ValueError(
                f"{info.field_name} = {short_repr(value)}: unknown {info.field_name[:-7]} driver "
                f"(allowed: {describe_drivers() if is_spend else describe_market_drivers()})"
            )
        return value

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

    @field_validator("sweep", mode="before")
    @classmethod
    def _sweep_specs(cls, value: Any) -> Any:
        return check_sweep_specs(value)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        initial, levers = self.initial, self.levers
        # First: every later check (and the engine) computes dates up to the horizon's end.
        self._check_calendar()
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
        check_spend_driver(self.spend_driver, self.start_date, self.horizon_weeks)
        check_market_driver(
            self.market_driver, self.start_date, self.horizon_weeks,
            levers.market_share_of_internet_users, initial.customers,
        )  # fmt: skip
        check_knockouts(self.knockouts, self.horizon_weeks, self.knockout_week, self.week_date)
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
        counts = []
        for name, spec in self.sweep.items():
            if name not in field_infos(Levers):
                raise ValueError(f"sweep.{printable(name)}: not a lever (see `flywheel describe`)")
            values = sweep_values(spec, where=f"sweep.{name}")
            for value in values:
                check_lever_value(name, value, where=f"sweep.{name}")
            counts.append(len(values))
        points = math.prod(counts)
        if points > MAX_POINTS:  # a grid that big is a typo; --grid ... --force runs one
            raise ValueError(
                f"sweep: {' x '.join(map(str, counts))} = {points:,} grid points, more than "
                f"the {MAX_POINTS:,} a [sweep] table may hold"
            )
        return self

    def _check_calendar(self) -> None:
        """ValueError unless every simulated day lies in FIRST_DAY .. LAST_DAY."""
        if self.start_date < FIRST_DAY:
            raise ValueError(
                f"start_date = {self.start_date} is too early (allowed {FIRST_DAY} to "
                f"{LAST_DAY}: Python's calendar starts at year 1 and charts need a margin)"
            )
        last_ordinal = self.start_date.toordinal() + 7 * self.horizon_weeks - 1
        if last_ordinal > LAST_DAY.toordinal():
            most = (LAST_DAY.toordinal() - self.start_date.toordinal() + 1) // 7
            allowed = f"at most {most} weeks from this start" if most >= 1 else "an earlier start"
            raise ValueError(
                f"start_date = {self.start_date} with horizon_weeks = {self.horizon_weeks} "
                f"ends after {LAST_DAY}, the last day flywheel simulates (Python's calendar "
                f"ends at 9999-12-31 and charts need a margin; allowed: {allowed})"
            )

    def knockout_week(self, entry: str | DatedKnockout) -> int:
        """First week (0-based) a knockouts entry cuts its loop: 0 for a plain loop id."""
        if not isinstance(entry, DatedKnockout):
            return 0
        if entry.week is not None:
            return int(entry.week)
        assert entry.date is not None
        return (entry.date - self.start_date).days // 7

    @property
    def cut_loops(self) -> tuple[str, ...]:
        """The loops the scenario cuts (from whatever week), in the order listed."""
        return tuple(knockout_loop(entry) for entry in self.knockouts)

    def knockout_weeks(self) -> dict[str, int]:
        """Each cut loop's first cut week (`knockout_week`), by loop id."""
        return {knockout_loop(entry): self.knockout_week(entry) for entry in self.knockouts}

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
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: a scenario is a table of keys, not {type(data).__name__}")
    allowed = _TOP_LEVEL_KEYS - {"base", "drop_events"}
    unknown = sorted((key for key in data if key not in allowed), key=str)
    if unknown:
        where = where_in_file(origin, text, (unknown[0],), event_offset)
        raise ScenarioError(
            f"{where}{printable(unknown[0])} is not a scenario key "
            f"(allowed: {', '.join(sorted(allowed))})"
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
    """Read, merge (with its `base` chain) and validate a scenario TOML file.

    Raises only ScenarioError for a bad file (never OSError, TypeError or OverflowError)."""
    path = Path(path)
    with _only_scenario_errors(str(path)):
        data, text, inherited = load_merged(
            path, (path.resolve().parent, SHIPPED_SCENARIOS_DIR), (), _check_base
        )
        return scenario_from_dict(data, origin=str(path), text=text, event_offset=inherited)


def parse_scenario_text(text: str, origin: str = "<upload>") -> Scenario:
    """Validate scenario TOML text (e.g. an upload); a `base` is looked up among shipped ones."""
    if len(text.encode("utf-8", errors="replace")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{origin}: file is larger than {MAX_SCENARIO_BYTES} bytes")
    with _only_scenario_errors(origin):
        data = parse_toml(text, origin)
        data, inherited = merge_base(
            data, origin, Path(SHIPPED_SCENARIOS_DIR), (SHIPPED_SCENARIOS_DIR,), (), _check_base
        )
        return scenario_from_dict(data, origin=origin, text=text, event_offset=inherited)


def scenario_from_child(data: dict[str, Any], origin: str, folder: str | Path) -> Scenario:
    """Validate `data` as if it were a scenario file in `folder` (e.g. a reality check's
    scenario and overrides): its `base` is looked up in `folder`, then among the shipped
    scenarios, and merged exactly as a file's; errors name `origin`."""
    root = Path(folder).resolve()
    with _only_scenario_errors(origin):
        merged, inherited = merge_base(
            dict(data), origin, root, (root, SHIPPED_SCENARIOS_DIR), (), _check_base
        )
        return scenario_from_dict(merged, origin=origin, event_offset=inherited)


def _check_base(data: dict[str, Any], origin: str, text: str, event_offset: int) -> object:
    """A base is a scenario of its own: validated before a file is merged over it."""
    return scenario_from_dict(data, origin=origin, text=text, event_offset=event_offset)


@contextlib.contextmanager
def _only_scenario_errors(origin: str) -> Iterator[None]:
    """Turn any error a bad file can still cause (a system call refusing a name, a number
    too big for a C type) into ScenarioError naming `origin`: the loaders' promise is
    ScenarioError only. The checks above name the field; this is the net under them."""
    try:
        yield
    except ScenarioError:
        raise
    except (OSError, OverflowError, TypeError, ValueError, RecursionError) as error:
        detail = getattr(error, "strerror", None) or error
        raise ScenarioError(f"{printable(origin)}: cannot load ({detail})") from None


def _raise_scenario_errors(cls: type) -> None:
    """Make `cls(...)` (and so `dataclasses.replace`) raise ScenarioError, not pydantic's
    ValidationError: one error type whichever way a scenario is built."""
    pydantic_init = cls.__init__

    @functools.wraps(pydantic_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            pydantic_init(self, *args, **kwargs)
        except ValidationError as error:
            prefix = {Levers: ("levers",), Initial: ("initial",)}.get(cls, ())
            message = describe_validation_error(error, f"{cls.__name__}(...)", "", 0, prefix)
            raise ScenarioError(message) from None

    cls.__init__ = __init__  # type: ignore[misc]


for _cls in (
    Scenario,
    Levers,
    Initial,
    DatedKnockout,
    *event_types.EVENT_CLASSES,
):
    _raise_scenario_errors(_cls)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return type(value)(_drop_none(v) for v in value)
    return value
