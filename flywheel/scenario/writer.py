"""Scenario writer: TOML text that loads back to the very Scenario it was written from.

Two forms, both checked by property tests (tests/test_scenario_writer.py):
- `canonical_toml`: a resolved scenario (after `base`, `drop_events` and `--set`) with every
  key written explicitly and no `base`, in a fixed order (the schema's);
- `diff_toml`: the smallest file that, with `base = <name>`, loads to the same scenario: only
  the keys and parameters that differ, `drop_events` for the base's events it no longer has,
  and the events it adds. `minimal_toml` is the same against the schema's defaults (no base).

Floats are written as their `repr` (by tomli-w), so they load back bit for bit.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flywheel.scenario.files import write_text_atomic
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR,
    Scenario,
    ScenarioError,
    find_base,
    load_scenario,
    scenario_from_child,
    scenario_to_dict,
)
from flywheel.scenario.sources import parse_toml

# The order of a written file: top-level keys, then tables, then events (as shipped files do).
TOP_LEVEL_KEYS = (
    "name",
    "description",
    "start_date",
    "horizon_weeks",
    "spend_driver",
    "market_driver",
    "knockouts",
)
PARAMETER_TABLES = ("levers", "initial")
EVENT_KEYS_FIRST = ("id", "kind", "week", "date")  # then the kind's own fields, then `note`
# Characters TOML refuses in a comment (tab is allowed; line breaks split the header instead).
_COMMENT_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def canonical_toml(scenario: Scenario, header_comment: str = "") -> str:
    """The scenario as TOML with every key written explicitly, no `base`, in schema order;
    loading the text gives a Scenario equal to `scenario`."""
    data = scenario_to_dict(scenario)
    top = {key: data[key] for key in TOP_LEVEL_KEYS}
    tables = {table: data[table] for table in PARAMETER_TABLES}
    tables["sweep"] = data["sweep"]
    events = [_event_table(event, keep_defaults=True) for event in scenario.events]
    return _render(header_comment, top, tables, events)


def diff_toml(
    scenario: Scenario, base_scenario: Scenario, base_name: str, header_comment: str = ""
) -> str:
    """The smallest TOML that, with `base = base_name` (which must load to `base_scenario`),
    loads to a Scenario equal to `scenario`."""
    top, tables, drops, events = _differences(scenario, base_scenario)
    head: dict[str, Any] = {"base": base_name}
    if drops:
        head["drop_events"] = drops
    return _render(header_comment, {**head, **top}, tables, events)


def minimal_toml(scenario: Scenario, header_comment: str = "") -> str:
    """The smallest TOML without a `base` that loads to `scenario`: only what differs from
    the schema's defaults (`flywheel describe`)."""
    top, tables, _, events = _differences(scenario, Scenario())
    # The name always: a file of comments alone is refused as empty.
    return _render(header_comment, {"name": scenario.name, **top}, tables, events)


def scenario_changes(scenario: Scenario, base_scenario: Scenario) -> dict[str, Any]:
    """What differs from `base_scenario`, as plain data: changed `levers` and `initial`
    values, and every other top-level key (including `sweep`, not `events`) whose value
    differs. The share links use it; events are left to the caller."""
    data, base = scenario_to_dict(scenario), scenario_to_dict(base_scenario)
    changes: dict[str, Any] = {}
    for key in TOP_LEVEL_KEYS:
        if not _same(data[key], base[key]):
            changes[key] = list(data[key]) if key == "knockouts" else data[key]
    for table in PARAMETER_TABLES:
        changed = {k: v for k, v in data[table].items() if not _same(base[table][k], v)}
        if changed:
            changes[table] = changed
    if not _same(data["sweep"], base["sweep"]):
        changes["sweep"] = data["sweep"]
    return changes


def header_comment_of(text: str) -> str:
    """The comment block a TOML file starts with, without its '#' marks ('' if none)."""
    lines = []
    for line in text.removeprefix("\ufeff").splitlines():
        if not line.startswith("#"):
            break
        body = line[1:]
        lines.append(body[1:] if body.startswith(" ") else body)
    return "\n".join(lines)


def toml_like_source(
    scenario: Scenario, source_text: str, folder: Path = SHIPPED_SCENARIOS_DIR
) -> str:
    """`scenario` written the way its source file was: the source's header comment and, when
    the source names a `base` (looked up in `folder`, then among the shipped scenarios), only
    what differs from that base; without a base, only what differs from the defaults.

    The app's TOML download: a preset with a few levers moved comes back as a short file that
    still says which scenario it builds on and what question it asks."""
    header = header_comment_of(source_text)
    try:
        base_name = tomllib.loads(source_text.removeprefix("\ufeff")).get("base")
    except tomllib.TOMLDecodeError:
        base_name = None
    if not isinstance(base_name, str):
        return minimal_toml(scenario, header)
    try:
        base_scenario = load_scenario(find_base(base_name, folder))
    except ScenarioError:
        return canonical_toml(scenario, header)  # the base is gone: write everything
    return diff_toml(scenario, base_scenario, base_name, header)


def checked_toml_like_source(
    scenario: Scenario, source_text: str, folder: Path = SHIPPED_SCENARIOS_DIR
) -> str:
    """`toml_like_source`, validated again: the text loads (its `base` looked up in
    `folder`, then among the shipped scenarios) to a Scenario equal to `scenario`. If it does
    not (a base file changed or went missing since), the canonical TOML with the source's
    header comment, which always does. The app's scenario download."""
    text = toml_like_source(scenario, source_text, folder)
    try:
        loaded = scenario_from_child(parse_toml(text, "<download>"), "<download>", folder)
    except ScenarioError:
        loaded = None
    if loaded == scenario:
        return text
    return canonical_toml(scenario, header_comment_of(source_text))


def write_scenario(
    path: str | Path, scenario: Scenario, base: str | None = None, header_comment: str = ""
) -> Path:
    """Write `scenario` to `path` atomically: as `diff_toml` against `base` (a scenario name,
    looked up beside `path`, then among the shipped scenarios), or as `canonical_toml`
    without one. Raises ScenarioError if `base` cannot be found or loaded."""
    path = Path(path)
    if base is None:
        text = canonical_toml(scenario, header_comment)
    else:
        base_scenario = load_scenario(find_base(base, path.resolve().parent))
        text = diff_toml(scenario, base_scenario, base, header_comment)
    return write_text_atomic(path, text)


def _differences(
    scenario: Scenario, base_scenario: Scenario
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[str], list[dict[str, Any]]]:
    """(top-level keys, tables, drop_events, added event tables) that turn the base into
    `scenario` under the loader's merge rules: tables merge key by key, `sweep` and every
    other key replace, events are the base's (less drop_events) followed by the file's."""
    changes = scenario_changes(scenario, base_scenario)
    top = {key: changes[key] for key in TOP_LEVEL_KEYS if key in changes}
    tables = {key: changes[key] for key in (*PARAMETER_TABLES, "sweep") if key in changes}
    drops, added = _event_changes(scenario.events, base_scenario.events)
    return top, tables, drops, [_event_table(event, keep_defaults=False) for event in added]


def _event_changes(events: Sequence[Any], base_events: Sequence[Any]) -> tuple[list[str], list]:
    """(drop_events, events to add) turning `base_events` into `events`, keeping as many of
    the base's events as the drop rule allows (an id or kind drops every event it names)."""
    for kept in range(_longest_kept(events, base_events), -1, -1):
        drops = _drops_leaving(base_events, events[:kept])
        if drops is not None:
            return drops, list(events[kept:])
    raise AssertionError("unreachable: keeping none drops every base event by its id or kind")


def _longest_kept(events: Sequence[Any], base_events: Sequence[Any]) -> int:
    """How many leading `events` appear in order among `base_events` (an upper bound of what
    a file can keep of its base; earliest matches, which is optimal for a subsequence)."""
    matched = 0
    for event in base_events:
        if matched < len(events) and _same(event, events[matched]):
            matched += 1
    return matched


def _drops_leaving(base_events: Sequence[Any], kept: Sequence[Any]) -> list[str] | None:
    """drop_events that leave exactly `kept` of `base_events`, or None if none found."""
    unmatched, position = [], 0
    for event in base_events:
        if position < len(kept) and _same(event, kept[position]):
            position += 1
        else:
            unmatched.append(event)
    if position < len(kept):
        return None
    drops = list(dict.fromkeys(event.id or event.kind for event in unmatched))
    # An id or kind may name kept events too: check the loader's rule gives `kept` exactly.
    left = [e for e in base_events if e.id not in drops and e.kind not in drops]
    return drops if _same(left, list(kept)) else None


def _same(value: Any, other: Any) -> bool:
    """Equal and spelled the same: -0.0 is not 0.0 and 52 is not 52.0 here, so that what is
    left out of a diff is bit for bit what the base gives."""
    return value == other and repr(value) == repr(other)


def _event_table(event: Any, keep_defaults: bool) -> dict[str, Any]:
    """One event as a TOML table: id, kind, week or date first, then its own fields, then
    its note; an empty id or note is left out unless `keep_defaults`."""
    values = {name: getattr(event, name) for name in type(event).__pydantic_fields__}
    order = [*EVENT_KEYS_FIRST, *(k for k in values if k not in EVENT_KEYS_FIRST and k != "note")]
    table = {}
    for key in [*order, "note"]:
        value = values[key]
        if value is None:
            continue  # week or date: exactly one is set
        if not keep_defaults and key in ("id", "note") and value == "":
            continue
        table[key] = value
    return table


def _render(
    header_comment: str,
    top: dict[str, Any],
    tables: dict[str, dict[str, Any]],
    events: list[dict[str, Any]],
) -> str:
    """TOML text: the header as comments, top-level keys, `[table]`s, then `[[events]]`."""
    blocks = []
    header = _comment_lines(header_comment)
    if header or top:
        blocks.append("".join(header) + _key_values(top))
    for name, table in tables.items():
        blocks.append(f"[{name}]\n" + _key_values(table))
    blocks += ["[[events]]\n" + _key_values(event) for event in events]
    return "\n".join(blocks)


def _comment_lines(text: str) -> list[str]:
    # Characters TOML refuses in a comment become U+FFFD rather than making the file invalid.
    lines = [_COMMENT_FORBIDDEN.sub("\ufffd", line) for line in text.splitlines()]
    return [f"# {line}\n" if line else "#\n" for line in lines]


def _key_values(values: dict[str, Any]) -> str:
    return "".join(f"{_toml_key(key)} = {_toml_value(value)}\n" for key, value in values.items())


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    """One value in TOML (tomli-w's spelling; arrays on one line)."""
    import tomli_w

    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):  # an inline table, e.g. a dated knockout
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")
