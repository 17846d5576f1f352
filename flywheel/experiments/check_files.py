"""Reality-check files: the TOML grammar, validated strictly, into runnable `Check`s.

A check file (TOML, never evaluated) lists `[[checks]]`. Each check names a scenario (a file
relative to the check file, or a shipped scenario name, resolved like a scenario's `base`),
optional overrides (`levers`, `initial`, `knockouts`, `events`, applied on top of it exactly as
a child scenario file with that `base` would be, so they are validated like any scenario), and
one expectation on one output (or on one output less another, `minus`, week by week):

    statistic  `end` | `mean` | `max` | `min` | `sum` of the output's weekly values over a
               window: `week = N`, model `year = N` (weeks 52(N-1) to 52N-1) or
               `weeks = [start, stop]` (stop not included); default the whole horizon
    reduce     over `replications` runs with common random numbers (the scenario with and
               without the overrides share seed and replication ids): `median` (default) or
               `mean` of each side, or `every` replication paired with its twin
    compare    `<`, `<=`, `>`, `>=` or `==` (|difference| <= `tolerance`) against one of
               `value`      a number,
               `factor`     the same statistic of the scenario without the overrides x factor,
               `relative_change`  (measured - reference) / |reference|,
               or `change = "at least|at most N % lower|higher"` (a relative change in words).

`load_checks` validates a file (pydantic, strict) into `Check`s, or raises one `CheckFileError`
line naming the file, the check, the field, the value and what is allowed. docs/experiments.md,
"Reality checks", has the grammar table; `flywheel.experiments.checks` runs them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from flywheel.experiments.outcomes import WEEKS_PER_YEAR, years_in
from flywheel.model.outputs import OUTPUT_NAMES, is_output
from flywheel.scenario.loading import (
    MAX_SCENARIO_BYTES,
    Scenario,
    ScenarioError,
    find_base,
    scenario_from_child,
)

DEFAULT_REPLICATIONS = 8  # enough for a median to be stable for a direction; few enough to be fast
MAX_REPLICATIONS = 10_000
MAX_CHECKS_PER_FILE = 200
STATISTICS = ("end", "mean", "max", "min", "sum")
REDUCTIONS = ("median", "mean", "every")
OPERATORS = ("<", "<=", ">", ">=", "==")
_CHANGE = re.compile(
    r"^\s*(?P<bound>at least|at most)\s+(?P<percent>\d+(\.\d+)?)\s*%\s*(?P<way>lower|higher)\s*$"
)
CHANGE_GRAMMAR = (
    "'at least N % lower', 'at least N % higher', 'at most N % lower' or 'at most N % higher'"
)
_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class CheckFileError(ValueError):
    """A malformed check file: the message names file, check, field, value and what is allowed."""


class CheckSpec(BaseModel):
    """One check as written in the file (validated, before its scenario is built)."""

    model_config = _STRICT

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    scenario: str = Field(min_length=1, max_length=500)
    horizon_weeks: int | None = Field(default=None, ge=1, le=2600)
    replications: int | None = Field(default=None, ge=1, le=MAX_REPLICATIONS)
    levers: dict[str, Any] = Field(default_factory=dict)
    initial: dict[str, Any] = Field(default_factory=dict)
    knockouts: list[str] | None = None
    events: list[dict[str, Any]] = Field(default_factory=list, max_length=1000)
    output: str
    minus: str | None = None
    statistic: Literal["end", "mean", "max", "min", "sum"] = "end"
    week: int | None = Field(default=None, ge=0)
    year: int | None = Field(default=None, ge=1)
    weeks: tuple[int, int] | None = None
    reduce: Literal["median", "mean", "every"] = "median"
    compare: Literal["<", "<=", ">", ">=", "=="] | None = None
    value: float | None = None
    factor: float | None = None
    relative_change: float | None = None
    change: str | None = None
    tolerance: float | None = Field(default=None, ge=0.0)

    @field_validator("value", "factor", "relative_change", "tolerance", mode="before")
    @classmethod
    def _int_is_a_number(cls, value: Any) -> Any:
        # TOML `value = 0` is an int; strict mode would refuse it as a float.
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("output", "minus")
    @classmethod
    def _known_output(cls, value: str | None) -> str | None:
        if value is not None and not is_output(value):
            raise ValueError(
                f"{value!r} is not a model output (`flywheel describe --outputs` lists the "
                f"{len(OUTPUT_NAMES)} outputs)"
            )
        return value

    @field_validator("weeks", mode="before")
    @classmethod
    def _list_to_pair(cls, value: Any) -> Any:
        # TOML has arrays, not tuples; strict mode takes only a tuple for a pair.
        return tuple(value) if isinstance(value, list) else value

    @field_validator("weeks")
    @classmethod
    def _ordered(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 0 <= value[0] < value[1]:
            raise ValueError("expected [start, stop] with 0 <= start < stop")
        return value

    @field_validator("change")
    @classmethod
    def _change_words(cls, value: str | None) -> str | None:
        if value is not None and not _CHANGE.match(value):
            raise ValueError(f"expected {CHANGE_GRAMMAR}")
        return value

    @model_validator(mode="after")
    def _one_expectation(self) -> CheckSpec:
        given = [
            k
            for k in ("value", "factor", "relative_change", "change")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                f"expectation: give exactly one of value, factor, relative_change or change "
                f"(got {', '.join(given) or 'none'})"
            )
        windows = [k for k in ("week", "year", "weeks") if getattr(self, k) is not None]
        if len(windows) > 1:
            raise ValueError(
                f"window: give at most one of week, year or weeks (got {', '.join(windows)})"
            )
        if self.change is not None and self.compare is not None:
            raise ValueError("compare: `change` carries its own comparison; leave compare out")
        if self.change is None and self.compare is None:
            raise ValueError(f"compare: missing (allowed {', '.join(OPERATORS)})")
        if self.tolerance is not None and self.compare != "==":
            raise ValueError("tolerance: only with compare = '=='")
        return self


class CheckFileSpec(BaseModel):
    """A check file: a default number of `replications` and the `checks`."""

    model_config = _STRICT

    replications: int = Field(default=DEFAULT_REPLICATIONS, ge=1, le=MAX_REPLICATIONS)
    checks: list[CheckSpec] = Field(min_length=1, max_length=MAX_CHECKS_PER_FILE)


@dataclass(frozen=True)
class Window:
    """Weeks `start` to `stop - 1` of a run."""

    start: int
    stop: int

    @property
    def text(self) -> str:
        """'week 12' or 'weeks 0-155'."""
        if self.stop - self.start == 1:
            return f"week {self.start}"
        return f"weeks {self.start}-{self.stop - 1}"


@dataclass(frozen=True)
class Check:
    """One runnable check: the scenario with (`scenario`) and without (`reference`) the
    overrides, the window, the comparison and the number of replications."""

    file: str
    name: str
    description: str
    scenario: Scenario
    reference: Scenario
    output: str
    minus: str | None  # another output subtracted week by week (same run), or None
    statistic: str
    window: Window
    reduce: str
    compare: str  # one of OPERATORS
    against: Literal["value", "factor", "relative_change"]
    target: float  # the value, the factor or the relative change
    tolerance: float
    replications: int

    @property
    def needs_reference(self) -> bool:
        """Whether the scenario without the overrides is simulated too."""
        return self.against != "value"

    @property
    def expectation(self) -> str:
        """The expectation in words, e.g. 'median customers at week 155 < 0.95 x reference' or
        'median mean of orders over weeks 20-97: change <= -5 %'."""
        series = self.output if self.minus is None else f"{self.output} - {self.minus}"
        if self.statistic == "end":
            measured = f"{self.reduce} {series} at week {self.window.stop - 1}"
        else:
            over = self.window.text.replace("week ", "at week ", 1)
            over = over if over.startswith("at") else f"over {over}"
            measured = f"{self.reduce} {self.statistic} of {series} {over}"
        slack = f" ± {self.tolerance:.6g}" if self.compare == "==" else ""
        if self.against == "value":
            return f"{measured} {self.compare} {self.target:.10g}{slack}"
        if self.against == "factor":
            times = "" if self.target == 1.0 else f"{self.target:.6g} x "
            return f"{measured} {self.compare} {times}reference{slack}"
        return f"{measured}: change {self.compare} {self.target * 100:+.6g} %{slack}"


def load_checks(path: str | Path) -> list[Check]:
    """Read and validate a check file; raises CheckFileError (or ScenarioError for a check's
    scenario) with one line naming the file, the check, the field, the value and what is
    allowed."""
    path = Path(path)
    data = _read(path)
    try:
        spec = CheckFileSpec.model_validate(data)
    except ValidationError as error:
        raise CheckFileError(_describe(error, str(path), data)) from None
    names = [check.name for check in spec.checks]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise CheckFileError(
                f"{path}: checks[{index}] {name!r}: name is used twice in the file"
            )
    return [
        _build(path, index, check, spec.replications) for index, check in enumerate(spec.checks)
    ]


def _read(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CheckFileError(f"{path}: file not found") from None
    except OSError as error:
        raise CheckFileError(f"{path}: cannot read ({error.strerror})") from None
    if not path.is_file():
        raise CheckFileError(f"{path}: not a regular file")
    if size > MAX_SCENARIO_BYTES:
        raise CheckFileError(f"{path}: file is {size} bytes; allowed at most {MAX_SCENARIO_BYTES}")
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        return tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise CheckFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise CheckFileError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise CheckFileError(f"{path}: invalid TOML: nested too deeply") from None


def _describe(error: ValidationError, origin: str, data: dict[str, Any]) -> str:
    """One line for the first problem: file, check (index and name), field, value, allowed."""
    first = error.errors(include_url=False)[0]
    loc = list(first["loc"])
    where = origin
    if len(loc) >= 2 and loc[0] == "checks" and isinstance(loc[1], int):
        raw = data.get("checks")
        name = None
        if isinstance(raw, list) and isinstance(raw[loc[1]], dict):
            name = raw[loc[1]].get("name")
        where += f": checks[{loc[1]}]" + (f" {name!r}" if isinstance(name, str) else "")
        loc = loc[2:]
        allowed_keys, what = CheckSpec.model_fields, "a check key"
    else:
        allowed_keys, what = CheckFileSpec.model_fields, "a key of a check file"
    field = ".".join(str(part) for part in loc)
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {error.error_count() - 1} more problem(s))" if error.error_count() > 1 else ""
    if first["type"] == "extra_forbidden":
        keys = ", ".join(allowed_keys)
        return f"{where}: {field} is not {what} (allowed: {keys}){more}"
    if first["type"] == "missing":
        return f"{where}: {field}: missing (required){more}"
    if not field:  # a whole-check rule (_one_expectation): its message starts with the field
        return f"{where}: {message}{more}"
    value = repr(first.get("input"))
    value = value if len(value) <= 80 else value[:77] + "..."
    symbols = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<"}
    bounds = [f"{symbols[k]} {v}" for k, v in (first.get("ctx") or {}).items() if k in symbols]
    allowed = f" (allowed {' and '.join(bounds)})" if bounds else ""
    return f"{where}: {field} = {value}: {message}{allowed}{more}"


def _build(path: Path, index: int, spec: CheckSpec, default_replications: int) -> Check:
    """A runnable Check: both scenarios built through the scenario loader, the window checked."""
    origin = f"{path}: checks[{index}] {spec.name!r}"
    common: dict[str, Any] = {"base": spec.scenario}
    if spec.horizon_weeks is not None:
        common["horizon_weeks"] = spec.horizon_weeks
    child = dict(common)
    for key in ("levers", "initial", "events"):
        if getattr(spec, key):
            child[key] = getattr(spec, key)
    if spec.knockouts is not None:
        child["knockouts"] = spec.knockouts
    try:
        find_base(spec.scenario, path.parent)
    except ScenarioError:
        raise CheckFileError(
            f"{origin}: scenario = {spec.scenario!r} not found (a file next to the check "
            "file, or a shipped scenario name such as 'baseline')"
        ) from None
    try:
        reference = scenario_from_child(common, origin, path.parent)
        scenario = scenario_from_child(child, origin, path.parent)
    except ScenarioError as error:
        raise CheckFileError(str(error)) from None
    window = _window(origin, spec, scenario.horizon_weeks)
    against, target, compare = _expectation(spec)
    return Check(
        file=str(path),
        name=spec.name,
        description=spec.description,
        scenario=scenario,
        reference=reference,
        output=spec.output,
        minus=spec.minus,
        statistic=spec.statistic,
        window=window,
        reduce=spec.reduce,
        compare=compare,
        against=against,
        target=target,
        tolerance=spec.tolerance or 0.0,
        replications=spec.replications or default_replications,
    )


def _window(origin: str, spec: CheckSpec, horizon_weeks: int) -> Window:
    if spec.week is not None:
        if spec.week >= horizon_weeks:
            raise CheckFileError(
                f"{origin}: week = {spec.week} is outside the horizon "
                f"(allowed 0 to {horizon_weeks - 1})"
            )
        return Window(spec.week, spec.week + 1)
    if spec.year is not None:
        years = years_in(horizon_weeks)
        if spec.year > years:
            raise CheckFileError(
                f"{origin}: year = {spec.year} is outside the horizon (allowed 1 to {years}, "
                f"{horizon_weeks} weeks)"
            )
        start = (spec.year - 1) * WEEKS_PER_YEAR
        return Window(start, min(horizon_weeks, start + WEEKS_PER_YEAR))
    if spec.weeks is not None:
        start, stop = spec.weeks
        if stop > horizon_weeks:
            raise CheckFileError(
                f"{origin}: weeks = {list(spec.weeks)} reaches past the horizon (stop allowed up "
                f"to {horizon_weeks}; weeks 0 to {horizon_weeks - 1} are simulated)"
            )
        return Window(start, stop)
    return Window(0, horizon_weeks)


def _expectation(
    spec: CheckSpec,
) -> tuple[Literal["value", "factor", "relative_change"], float, str]:
    """(against, target, operator) of a validated spec; `change` words become a relative change."""
    if spec.change is not None:
        match = _CHANGE.match(spec.change)
        assert match is not None  # validated
        share = float(match["percent"]) / 100.0
        lower = match["way"] == "lower"
        at_least = match["bound"] == "at least"
        # at least 5 % lower: change <= -0.05; at most 5 % lower: change >= -0.05;
        # at least 5 % higher: change >= 0.05; at most 5 % higher: change <= 0.05.
        compare = "<=" if at_least == lower else ">="
        return "relative_change", -share if lower else share, compare
    assert spec.compare is not None  # validated
    if spec.value is not None:
        return "value", spec.value, spec.compare
    if spec.factor is not None:
        return "factor", spec.factor, spec.compare
    assert spec.relative_change is not None
    return "relative_change", spec.relative_change, spec.compare
