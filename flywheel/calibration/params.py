"""Calibration parameters: `name[min,max]` specs, bounds checks, unit-cube scaling."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from flywheel.calibration.data import CalibrationError
from flywheel.scenario.drivers import LOGISTIC_DRIVER
from flywheel.scenario.events import PolicyChange
from flywheel.scenario.loading import Scenario, parameter_bounds, parameter_group
from flywheel.scenario.schema import Initial, Levers, field_infos

_SPEC = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*([^,\]]+)\s*,\s*([^,\]]+)\s*\]\s*$")
LOG_SCALE_RATIO = 20.0  # ranges spanning more than this factor are searched in log space
# The levers of the logistic spend trend: not fitted when a data series drives the spend index.
LOGISTIC_SPEND_LEVERS = ("spend_growth_per_year", "spend_index_ceiling")
LOGISTIC_MARKET_LEVERS = ("market_growth_per_year", "market_ceiling_people")


@dataclass(frozen=True)
class DriverLevers:
    """A driver key's levers: the logistic trend's (not fitted under a data series) and the
    data series' own (no effect under the logistic trend), and how the messages name them."""

    key: str  # the scenario key, e.g. "spend_driver"
    trend_levers: tuple[str, ...]
    data_lever: str
    trend: str  # what the trend levers shape, e.g. "the logistic spend trend"
    follows: str  # what follows data under a data driver, e.g. "the spend index"
    anchor: str  # docs/model.md section
    example: str  # a data driver name


DRIVER_LEVERS = (
    DriverLevers(
        "spend_driver", LOGISTIC_SPEND_LEVERS, "online_share_elasticity",
        "the logistic spend trend", "the spend index", "spend", "us_ecommerce_share",
    ),
    DriverLevers(
        "market_driver", LOGISTIC_MARKET_LEVERS, "market_share_of_internet_users",
        "the logistic market", "the market", "market", "world_internet_users",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class ParameterSpec:
    """A parameter to fit, with its search bounds; `group` is 'levers' or 'initial'."""

    name: str
    low: float
    high: float
    group: str

    @property
    def is_log(self) -> bool:
        """True when the search runs on log(value) (positive range over a factor 20)."""
        return self.low > 0 and self.high / self.low > LOG_SCALE_RATIO

    def to_unit(self, value: float) -> float:
        """The value mapped to [0, 1] (log or linear)."""
        if self.is_log:
            return math.log(value / self.low) / math.log(self.high / self.low)
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, unit: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Values from points of [0, 1] (clipped to the bounds)."""
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        if self.is_log:
            return self.low * (self.high / self.low) ** u
        return self.low + u * (self.high - self.low)


def parse_parameter(text: str, scenario: Scenario | None = None) -> ParameterSpec:
    """Parse `name[min,max]`; check the name, the numbers and the schema range."""
    match = _SPEC.match(text)
    if not match:
        raise CalibrationError(
            f"--params {text!r}: expected NAME[MIN,MAX], e.g. 'bass_q_per_year[0.1,0.8]'"
        )
    name, low_text, high_text = match.groups()
    try:
        group = parameter_group(name)
    except ValueError as error:
        raise CalibrationError(f"--params {text!r}: {error}") from None
    info = field_infos(Levers if group == "levers" else Initial)[name]
    if info.annotation is bool:
        raise CalibrationError(f"--params {text!r}: {name} is a flag, not a number")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise CalibrationError(f"--params {text!r}: bounds must be numbers") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise CalibrationError(f"--params {text!r}: need finite MIN < MAX")
    allowed_low, allowed_high = parameter_bounds(info)
    if low < allowed_low or high > allowed_high:
        raise CalibrationError(
            f"--params {text!r}: bounds outside the schema range of {name} "
            f"(allowed {allowed_low} to {allowed_high})"
        )
    if scenario is not None and group == "levers":
        for levers in DRIVER_LEVERS:
            _check_driver_lever(text, name, scenario, levers)
        weeks = [
            scenario.event_week(e)
            for e in scenario.events
            if isinstance(e, PolicyChange) and e.lever == name
        ]
        if weeks:
            raise CalibrationError(
                f"--params {text!r}: {name} is set by policy events of the scenario (weeks "
                f"{weeks}); fitting it would only move its value before the first event"
            )
    return ParameterSpec(name=name, low=low, high=high, group=group)


def _check_driver_lever(text: str, name: str, scenario: Scenario, levers: DriverLevers) -> None:
    """CalibrationError for a lever the scenario's driver (`levers.key`) does not use: the
    logistic trend's levers under a data driver (a fitted trend by another name), or the data
    series' lever under the logistic trend (it would change nothing)."""
    driver = getattr(scenario, levers.key)
    if driver != LOGISTIC_DRIVER and name in levers.trend_levers:
        raise CalibrationError(
            f"--params {text!r}: {name} shapes {levers.trend}, which this scenario does not "
            f"use ({levers.key} = {driver!r}: {levers.follows} follows data); fit "
            f"{levers.data_lever} instead (docs/model.md#{levers.anchor})"
        )
    if driver == LOGISTIC_DRIVER and name == levers.data_lever:
        raise CalibrationError(
            f"--params {text!r}: {name} has no effect with {levers.key} = "
            f"'{LOGISTIC_DRIVER}' (set a data {levers.key} such as '{levers.example}')"
        )


def parse_parameters(
    texts: list[str], scenario: Scenario | None = None
) -> tuple[ParameterSpec, ...]:
    """Parse every spec; refuse duplicates and an empty list."""
    if not texts:
        raise CalibrationError("give at least one --params NAME[MIN,MAX]")
    specs = tuple(parse_parameter(t, scenario) for t in texts)
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CalibrationError(f"--params lists {', '.join(duplicates)} more than once")
    return specs


def scenario_value(scenario: Scenario, spec: ParameterSpec) -> float:
    """The scenario's current value of a parameter."""
    return float(getattr(getattr(scenario, spec.group), spec.name))
