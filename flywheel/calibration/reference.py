"""Public figures for series the calibration does not fit (customers, Prime, sellers, footage).

They are compared with the model after the fit, never used in the objective: these series
should come out of the model's structure (issue 19, "unfitted series stay unfitted"). They live
in `flywheel/data/amazon_unfitted.csv` (documented in flywheel/data/README.md): year, metric,
value, unit, scope (what the figure counts: worldwide, US, North America ...), source and
confidence, as in amazon_history.csv.
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flywheel.calibration.data import CONFIDENCE_LEVELS, CalibrationError

BUNDLED_UNFITTED = Path(__file__).resolve().parents[1] / "data" / "amazon_unfitted.csv"
# Data metric -> (annual column of Results.annual(), the unit the file must use for it).
UNFITTED_METRICS = {
    "active_customer_accounts": ("active_customers_million", "million"),
    "prime_members": ("prime_members_million", "million"),
    "third_party_sellers": ("sellers_thousand", "thousand"),
    "fulfillment_floor_area": ("fc_sqft_million", "million_sq_ft"),
}

# A figure whose scope names what it counts may compare with another column: (metric, phrase in
# the scope) -> annual column. Amazon's 1999-2001 counts of everyone "served in the year" meet
# the customers served in the year, not the year-end stock (docs/calibration.md).
SCOPE_COLUMNS = {
    ("active_customer_accounts", "served in the year"): "customers_served_million",
}


def column_for(metric: str, scope: str) -> str:
    """The annual column a figure of `metric` with `scope` compares with (`SCOPE_COLUMNS`,
    else the metric's column in `UNFITTED_METRICS`)."""
    for (scoped_metric, phrase), column in SCOPE_COLUMNS.items():
        if metric == scoped_metric and phrase in scope.lower():
            return column
    return UNFITTED_METRICS[metric][0]


@dataclass(frozen=True)
class ReferencePoint:
    """One public figure in the unit of an annual column; `scope` says what it counts."""

    column: str
    year: int
    value: float
    source: str
    scope: str = "worldwide"
    confidence: str = "filed"


def load_reference_points(path: str | Path) -> tuple[ReferencePoint, ...]:
    """Read an unfitted-figures CSV; CalibrationError naming the line, field, value and what is
    allowed on a missing or malformed file."""
    path = Path(path)
    if not path.is_file():
        raise CalibrationError(f"{path}: public-figures file not found")
    try:
        reader = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError) as error:
        raise CalibrationError(f"{path}: cannot read ({error})") from None
    required = {"year", "metric", "value", "unit", "scope", "source", "confidence"}
    if reader.fieldnames is None or not required <= set(reader.fieldnames):
        raise CalibrationError(
            f"{path}: expected columns {sorted(required)}, got {reader.fieldnames}"
        )
    return tuple(_point(path, line, row) for line, row in enumerate(reader, start=2))


def _point(path: Path, line: int, row: dict[str, Any]) -> ReferencePoint:
    where = f"{path}:{line}"
    metric = (row["metric"] or "").strip()
    if metric not in UNFITTED_METRICS:
        raise CalibrationError(
            f"{where}: metric {metric!r} (allowed {', '.join(UNFITTED_METRICS)})"
        )
    unit = UNFITTED_METRICS[metric][1]
    if (row["unit"] or "").strip() != unit:
        raise CalibrationError(f"{where}: {metric} in {row['unit']!r}; expected {unit!r}")
    try:
        year, value = int(row["year"]), float(row["value"])
    except (TypeError, ValueError):
        raise CalibrationError(
            f"{where}: year {row['year']!r} / value {row['value']!r} are not numbers"
        ) from None
    if not (math.isfinite(value) and value > 0):
        raise CalibrationError(f"{where}: value {row['value']!r} (allowed: a number > 0)")
    confidence = (row["confidence"] or "").strip()
    if confidence not in CONFIDENCE_LEVELS:
        raise CalibrationError(
            f"{where}: confidence {confidence!r} (allowed {', '.join(CONFIDENCE_LEVELS)})"
        )
    scope, source = (row["scope"] or "").strip(), (row["source"] or "").strip()
    return ReferencePoint(column_for(metric, scope), year, value, source, scope, confidence)


@functools.cache
def reference_points() -> tuple[ReferencePoint, ...]:
    """The bundled public figures (read once)."""
    return load_reference_points(BUNDLED_UNFITTED)


def draw_public_figures(axis: Any, points: tuple[ReferencePoint, ...], column: str) -> None:
    """The public figures of an unfitted `column` as red diamonds on a matplotlib axis (the fit
    figure and `compare-record` draw them alike); figures of the same metric compared with
    another column by their scope (`SCOPE_COLUMNS`) as open diamonds."""
    public = [p for p in points if p.column == column]
    axis.scatter(
        [p.year for p in public],
        [p.value for p in public],
        s=18,
        marker="D",
        color="tab:red",
        zorder=3,
        label="public figure",
    )
    scoped = {
        c for (metric, _), c in SCOPE_COLUMNS.items() if UNFITTED_METRICS[metric][0] == column
    }
    other = [p for p in points if p.column in scoped]
    if other:
        axis.scatter(
            [p.year for p in other],
            [p.value for p in other],
            s=18,
            marker="D",
            facecolors="none",
            edgecolors="tab:red",
            zorder=3,
            label="public figure (" + ", ".join(sorted(scoped)) + ")",
        )


def reference_comparison(
    annual: Any, points: tuple[ReferencePoint, ...] | None = None
) -> list[dict[str, Any]]:
    """Model (not fitted) vs public figures: `annual` is a frame with year and the columns (the
    mean over its replications is taken); one row per point in a simulated year."""
    points = reference_points() if points is None else points
    by_year = annual.groupby("year").mean(numeric_only=True)
    rows = []
    for point in points:
        if point.year not in by_year.index or point.column not in by_year.columns:
            continue
        model = float(by_year.loc[point.year, point.column])
        rows.append(
            {
                "column": point.column,
                "year": point.year,
                "public": point.value,
                "model": model,
                "ratio": model / point.value,
                "scope": point.scope,
                "confidence": point.confidence,
                "source": point.source,
            }
        )
    return rows


def comparison_markdown(rows: list[dict[str, Any]], with_sources: bool = True) -> str:
    """The model / public table as Markdown (one line per figure)."""
    head = "| column | year | scope | public | model | model / public |"
    rule = "|---|---|---|---|---|---|"
    if with_sources:
        head, rule = head + " confidence | source |", rule + "---|---|"
    lines = [head, rule]
    for c in rows:
        line = (
            f"| {c['column']} | {c['year']} | {c['scope']} | {c['public']:,.4g} | "
            f"{c['model']:,.4g} | {c['ratio']:.2f} |"
        )
        if with_sources:
            line += f" {c['confidence']} | {c['source']} |"
        lines.append(line)
    return "\n".join(lines) + "\n"
