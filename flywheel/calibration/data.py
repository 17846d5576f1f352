"""Calibration data: the long-format history file and its mapping to annual model columns.

`amazon_history.csv` is long (year, metric, value, unit, source, confidence). Its metric names
differ from `Results.annual()` columns, so the mapping below is explicit; a row whose unit does
not match the mapping is refused rather than silently rescaled.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

# The public Amazon record shipped with the package (a copy of the project's shared/data; its
# README, beside it, gives every column, metric, source and confidence level).
BUNDLED_HISTORY = Path(__file__).resolve().parents[1] / "data" / "amazon_history.csv"
# Amazon's segments and revenue lines (AWS, stores, advertising), same format: the retail record
# is built from both files (`flywheel.calibration.comparable`).
BUNDLED_SEGMENTS = BUNDLED_HISTORY.with_name("amazon_segments.csv")
CONFIDENCE_LEVELS = ("filed", "secondary", "memory")
DEFAULT_CONFIDENCE = ("filed", "secondary")  # `memory` rows are unverified: reported, not fitted


class CalibrationError(ValueError):
    """Invalid calibration input (data file, metric, parameter spec); the message says which."""


@dataclass(frozen=True)
class MetricSpec:
    """How one data metric maps to an annual model column and how its residual is scaled."""

    data_metric: str  # name in the history file
    column: str  # column of Results.annual()
    unit: str  # the unit the history file must use for it
    transform: str  # "log" (positive series), "asinh" (signed money), "points" (percent)


# The like-with-like series (retail_*) are built from the history and segment files by
# `comparable.comparable_record`; the others are rows of the history file as they are.
METRICS = (
    MetricSpec("net_sales", "net_sales_usd_million", "usd_million", "log"),
    MetricSpec("operating_income", "operating_income_usd_million", "usd_million", "asinh"),
    MetricSpec("third_party_share_of_gms", "share_3p_percent", "percent", "points"),
    MetricSpec("retail_net_sales", "retail_net_sales_usd_million", "usd_million", "log"),
    MetricSpec(
        "retail_operating_income", "retail_operating_income_usd_million", "usd_million", "asinh"
    ),
    MetricSpec("fulfillment_expense", "fulfillment_expense_usd_million", "usd_million", "log"),
    MetricSpec("shipping_cost", "shipping_cost_usd_million", "usd_million", "log"),
    MetricSpec(
        "subscription_services_revenue", "subscription_revenue_usd_million", "usd_million", "log"
    ),
    MetricSpec(
        "third_party_seller_services_revenue",
        "seller_services_revenue_usd_million",
        "usd_million",
        "log",
    ),
    MetricSpec("advertising_revenue", "advertising_revenue_usd_million", "usd_million", "log"),
)
_BY_NAME = {m.data_metric: m for m in METRICS} | {m.column: m for m in METRICS}
# Segment-file metrics the retail record subtracts or flags: their unit is checked on reading.
SEGMENT_UNITS = {
    name: "usd_million"
    for name in (
        "aws_net_sales",
        "aws_operating_income",
        "advertising_services_revenue",
        "other_revenue_primarily_advertising",
        "physical_stores_revenue",
    )
}


def metric_spec(name: str) -> MetricSpec:
    """The mapping of a metric given by data name or annual column name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(f"{m.column} (data: {m.data_metric})" for m in METRICS)
        raise CalibrationError(f"unknown metric {name!r}; fittable metrics: {known}") from None


@dataclass(frozen=True)
class Observation:
    """One data point."""

    year: int
    value: float
    confidence: str
    source: str
    # Why this year compares less like with like than the others ("AWS inside", ...): set by
    # `comparable.comparable_record`, reported, never used to drop the point.
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class History:
    """Observations per data metric (all rows, whatever their confidence)."""

    path: str
    rows: dict[str, tuple[Observation, ...]]

    def series(
        self,
        metric: str,
        years: tuple[int, int] | None = None,
        confidence: tuple[str, ...] = DEFAULT_CONFIDENCE,
    ) -> tuple[Observation, ...]:
        """Observations of a metric (data or column name) within `years`, of given confidence."""
        spec = metric_spec(metric)
        selected = tuple(
            o
            for o in self.rows.get(spec.data_metric, ())
            if o.confidence in confidence and (years is None or years[0] <= o.year <= years[1])
        )
        return tuple(sorted(selected, key=lambda o: o.year))


def load_history(path: str | Path) -> History:
    """Read a long-format history CSV; raise CalibrationError on a missing or malformed file."""
    path = Path(path)
    if not path.is_file():
        raise CalibrationError(f"{path}: data file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CalibrationError(f"{path}: cannot read ({error})") from None
    reader = csv.DictReader(text.splitlines())
    required = {"year", "metric", "value", "unit", "confidence"}
    if reader.fieldnames is None or not required <= set(reader.fieldnames):
        raise CalibrationError(
            f"{path}: expected columns {sorted(required)} (long format), got {reader.fieldnames}"
        )
    rows: dict[str, list[Observation]] = {}
    for line, row in enumerate(reader, start=2):
        try:
            year, value = int(row["year"]), float(row["value"])
        except (TypeError, ValueError):
            raise CalibrationError(
                f"{path}:{line}: year {row['year']!r} / value {row['value']!r} are not numbers"
            ) from None
        if not math.isfinite(value):
            raise CalibrationError(f"{path}:{line}: value {row['value']!r} is not finite")
        confidence = (row["confidence"] or "").strip()
        if confidence not in CONFIDENCE_LEVELS:
            raise CalibrationError(
                f"{path}:{line}: confidence {confidence!r} (allowed {', '.join(CONFIDENCE_LEVELS)})"
            )
        metric = (row["metric"] or "").strip()
        unit = _BY_NAME[metric].unit if metric in _BY_NAME else SEGMENT_UNITS.get(metric)
        if unit is not None and (row["unit"] or "").strip() != unit:
            raise CalibrationError(f"{path}:{line}: {metric} in {row['unit']!r}; expected {unit!r}")
        rows.setdefault(metric, []).append(
            Observation(year, value, confidence, (row.get("source") or "").strip())
        )
    return History(path=str(path), rows={k: tuple(v) for k, v in rows.items()})
