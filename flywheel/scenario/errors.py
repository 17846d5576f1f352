"""Scenario errors: the one error type, pydantic errors turned into one clear line (file,
line, field, value, allowed), and untrusted text made safe to print."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import ValidationError

from flywheel.scenario.events import EVENT_KINDS
from flywheel.scenario.knockouts import KNOCKOUT_TAGS
from flywheel.scenario.parameters import LOOP_IDS, parameter_bounds
from flywheel.scenario.schema import Initial, Levers, field_infos

# Characters that move the cursor or change the terminal (ESC sequences, newlines, C1 controls
# such as U+009B CSI) or reorder text (bidirectional overrides, "Trojan source"): shown as escapes.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e") | frozenset(
    "\u2066\u2067\u2068\u2069"
)
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class ScenarioError(ValueError):
    """Invalid scenario input: the message names file, line, field, value and what is allowed."""


class ScenarioWarning(UserWarning):
    """A scenario that loads but probably does not say what its author meant (e.g. an event
    id that repeats a base event's id, so both events are kept)."""


def printable(text: object) -> str:
    """`text` with control characters (C0 incl. ESC and newlines, DEL, C1, line and paragraph
    separators, bidirectional overrides) replaced by visible escapes such as `\\n`, `\\x1b`,
    `\\u202e`: untrusted text (scenario names, keys, notes, `--set` names) printed through it
    cannot draw a second line or recolour the terminal."""
    return "".join(_escape(char) for char in str(text))


def _escape(char: str) -> str:
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def describe_validation_error(
    error: ValidationError,
    origin: str,
    text: str,
    event_offset: int = 0,
    loc_prefix: tuple[str, ...] = (),
) -> str:
    """One line for the first problem of `error`: `origin:line: field = value: problem
    (allowed ...)`. `loc_prefix` places a part's fields in the scenario ("levers",)."""
    first = error.errors(include_url=False)[0]
    loc = loc_prefix + tuple(part for part in first["loc"] if not _is_event_tag(part))
    field = printable(_dotted(loc))  # keys are the user's text: no raw control characters
    value = first.get("input")
    allowed = _allowed(loc, first)
    message = first["msg"].removeprefix("Value error, ")
    where = where_in_file(origin, text, loc, event_offset)
    more = f" (and {error.error_count() - 1} more problem(s))" if error.error_count() > 1 else ""
    if first["type"] in ("missing", "extra_forbidden"):
        value_text = "" if first["type"] == "missing" else f" = {_short(value)}"
        return f"{where}{field}{value_text}: {message}{allowed}{more}"
    named = _loc_from_message(message) if first["type"] == "value_error" else ()
    if named and (not loc or named[0] == loc[0]):
        # A cross-field check (Scenario._consistent, no loc) or one that knows the field
        # better than pydantic's loc (the sweep check) starts its message with the dotted
        # field, e.g. "events[2].date = ..." or "sweep.basket_usd = ...": find its line.
        return f"{where_in_file(origin, text, named, event_offset)}{message}{more}"
    if not loc or first["type"] == "value_error":
        return f"{where}{field + ': ' if field else ''}{message}{more}"
    return f"{where}{field} = {_short(value)}: {message}{allowed}{more}"


def _is_event_tag(part: Any) -> bool:
    return isinstance(part, str) and (part in EVENT_KINDS or part in KNOCKOUT_TAGS)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _allowed(loc: tuple[Any, ...], error: dict[str, Any]) -> str:
    if len(loc) == 2 and loc[0] in ("levers", "initial"):
        infos = field_infos(Levers if loc[0] == "levers" else Initial)
        if loc[1] in infos:
            info = infos[loc[1]]
            low, high = parameter_bounds(info)
            unit = (info.json_schema_extra or {}).get("unit", "")
            if unit == "flag":
                return " (allowed true or false)"
            return f" (allowed {low} to {high}, {unit})"
        return f" (allowed keys: see `flywheel describe`; did you mean one of the {loc[0]}?)"
    if (
        loc
        and loc[0] == "knockouts"
        and error["type"]
        in (
            "extra_forbidden",
            "unexpected_keyword_argument",
        )
    ):
        return " (allowed keys: loop, and week or date)"
    if loc and loc[0] == "knockouts" and (len(loc) <= 2 or loc[-1] == "loop"):
        return f" (allowed {', '.join(LOOP_IDS)})"
    if loc and loc[-1] == "kind":
        return f" (allowed {', '.join(EVENT_KINDS)})"
    ctx = error.get("ctx") or {}
    symbols = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<"}
    bounds = [f"{symbols[k]} {v}" for k, v in ctx.items() if k in symbols]
    return f" (allowed {' and '.join(bounds)})" if bounds else ""


def _loc_from_message(message: str) -> tuple[Any, ...]:
    """The loc of the dotted field a message starts with ("events[2].date" -> events, 2, date)."""
    match = re.match(r"([a-z_]+)((?:\[\d+\]|\.[a-z_0-9]+)*)", message)
    if not match:
        return ()
    parts = re.findall(r"\[(\d+)\]|\.([a-z_0-9]+)", match.group(2))
    return (match.group(1), *(int(i) if i else name for i, name in parts))


def where_in_file(origin: str, text: str, loc: tuple[Any, ...], event_offset: int = 0) -> str:
    if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
        # events[i] of the merged list is the file's own event i - offset (or a base's event).
        if loc[1] < event_offset:
            return f"{origin}: "
        loc = ("events", loc[1] - event_offset, *loc[2:])
    line = None
    # Fall back to the enclosing key: knockouts[1] -> the `knockouts = [...]` line.
    while text and loc and line is None:
        line = _find_line(text, loc)
        loc = loc[:-1]
    return f"{origin}:{line}: " if line else f"{origin}: "


def _find_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of the key at `loc` in TOML text (1-based)."""
    lines = text.splitlines()
    table, key, index = "", loc[-1] if loc else None, None
    if len(loc) >= 2 and isinstance(loc[0], str) and loc[0] in ("levers", "initial", "sweep"):
        table = loc[0]
    if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
        table, index = "events", loc[1]
    current, seen_events = "", -1
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("[[") and stripped.endswith("]]"):
            current = stripped[2:-2].strip()
            seen_events += current == "events"
            if table == "events" and seen_events == index and key == index:
                return number
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped[1:-1].strip()
            if len(loc) == 1 and current == key:  # `[events]` where an array was expected
                return number
            continue
        if not isinstance(key, str) or "=" not in stripped:
            continue
        name = stripped.split("=", 1)[0].strip().strip('"')
        right_table = current == table and (table != "events" or seen_events == index)
        if name == key and right_table:
            return number
        if not table and current == "" and name == key:
            return number
    return None
