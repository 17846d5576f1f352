"""Numbers with their units, as people read them in a terminal: "$4.85 B", "-$299 M",
"92.9 M people", "1.23 index". Units are the output registry's (`flywheel.model.outputs`).
No printing here: the CLI prints what these return."""

from __future__ import annotations

import math

from flywheel.model.outputs import output as output_row

# (size, suffix) from the largest: thousands (k), millions (M), billions (B), trillions (T)
SCALE_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
SIGNIFICANT_DIGITS = 3


def compact(value: float) -> str:
    """|value| to three significant digits with a k/M/B/T suffix: "4.85 B", "300 k", "0.0312"
    (no sign; "nan" and "inf" as Python writes them)."""
    size = abs(value)
    if not math.isfinite(size):
        return str(size)
    for scale, suffix in SCALE_SUFFIXES:
        # rounded first: 999,700 reads "1 M", not "1e+03 k"
        shown = float(f"{size / scale:.{SIGNIFICANT_DIGITS}g}")
        if shown >= 1:
            return f"{_digits(shown)} {suffix}"
    return _digits(size) if size else "0"


def _digits(number: float) -> str:
    """Three significant digits, trailing zeros kept ("20.0", "1.50", "140", "0.0312")."""
    return f"{number:#.{SIGNIFICANT_DIGITS}g}".rstrip(".")


def quantity_text(value: float, unit: str) -> str:
    """`value` in `unit` as it reads: money with a dollar sign before it ("-$2.99 B",
    "$41.2/order" for "USD/order"), anything else followed by its unit ("92.9 M people",
    "3.1 days", "0.753 index")."""
    sign = "-" if value < 0 else ""
    number = compact(value)
    if unit.startswith("USD"):
        rest = unit.removeprefix("USD")
        return f"{sign}${number}{rest}" if rest.startswith("/") else f"{sign}${number}"
    return f"{sign}{number} {unit}".rstrip()


def yearly_unit(name: str) -> str:
    """The unit of output `name` over a year, as `Results.annual()` and the experiments'
    yearly outcomes aggregate it: a flow summed ("USD/week" -> "USD"), else its own unit (a
    level at the year's end, a rate or index averaged)."""
    row = output_row(name)
    return row.unit.removesuffix("/week") if row.kind == "flow" else row.unit
