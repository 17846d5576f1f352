"""How a KPI card shows its change against the preset: the delta rounded as the card shows
it (no "-0.000": a change too small to show is no change), and which way is good (a lower
price index is green, from the output registry's `lower_is_better`). No Streamlit here."""

from __future__ import annotations

from typing import Literal

from flywheel.model.outputs import output as output_row

NONZERO_DIGITS = frozenset("123456789")


def value_text(fmt: str, value: float) -> str:
    """A KPI value in its format `fmt`, the minus sign before the dollar ("-$1.60 B", not
    "$-1.60 B"), and no negative zero: a value that rounds to zero reads "0.000", not
    "-0.000" (which reads as a fall)."""
    text = fmt.format(value).replace("$-", "-$")
    if not NONZERO_DIGITS.intersection(text):
        return text.replace("-", "", 1)
    return text


def delta_text(fmt: str, delta: float) -> str | None:
    """A KPI's change in the card's format `fmt` ("-$1.60 B", "0.012"), or None when it
    shows as zero at that precision ("-0.000", "$0.00 B": the card then shows no arrow)."""
    text = value_text(fmt, delta)
    if not NONZERO_DIGITS.intersection(text):
        return None
    return text


def delta_colour(output: str) -> Literal["normal", "inverse"]:
    """Streamlit's `delta_color` for a KPI of `output`: "inverse" where lower is better (a
    fall shows green with its down arrow), else "normal" (a rise shows green)."""
    return "inverse" if output_row(output).lower_is_better else "normal"
