"""Scenario sources: reading a TOML file safely and merging it over its `base` chain.

Every problem becomes one `ScenarioError` naming the file (and, for a problem inside a base,
the base file and its line). A base is itself a scenario: it is validated on its own before
a file is merged over it, so its errors are blamed on it, not on the file that names it.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flywheel.scenario.errors import ScenarioError, ScenarioWarning, printable

MAX_SCENARIO_BYTES = 256 * 1024  # a hand-written scenario is a few KiB; refuse anything huge
MAX_BASE_DEPTH = 8
MAX_BASE_NAME_CHARS = 200  # a file name; Linux refuses names over 255 bytes anyway
SHIPPED_SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"

# Validates a merged base: (data, origin, text, events inherited) -> anything, or ScenarioError.
CheckBase = Callable[[dict[str, Any], str, str, int], object]


def read_text(path: Path) -> str:
    """The UTF-8 text of a scenario file, or ScenarioError (missing, not a file, too big,
    not UTF-8, unreadable, a name the system refuses)."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ScenarioError(f"{path}: not a regular file")
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"{path}: file is {size} bytes; allowed at most {MAX_SCENARIO_BYTES}"
            )
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:  # permission, a name too long, a folder loop, an I/O error
        raise ScenarioError(f"{path}: cannot read ({error.strerror or error})") from None
    except ValueError as error:  # e.g. a NUL byte in the path
        raise ScenarioError(f"{path!r}: not a usable file name ({error})") from None


def parse_toml(text: str, origin: str) -> dict[str, Any]:
    """The TOML table in `text`, or ScenarioError (invalid, empty, nested too deeply)."""
    try:
        # Windows editors (Notepad) may start a UTF-8 file with a byte-order mark, which
        # tomllib refuses as "Invalid statement (at line 1, column 1)"
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{origin}: invalid TOML: {error}") from None
    except RecursionError:
        raise ScenarioError(f"{origin}: invalid TOML: nested too deeply") from None
    if not data:
        raise ScenarioError(
            f"{origin}: the file is empty (a scenario needs at least a name "
            f"or a base; see scenarios/baseline.toml)"
        )
    return data


def load_merged(
    path: Path, roots: tuple[Path, ...], seen: tuple[Path, ...], check_base: CheckBase
) -> tuple[dict[str, Any], str, int]:
    """(data of `path` merged over its base chain, this file's text, number of events
    inherited from the chain)."""
    text = read_text(path)
    data = parse_toml(text, str(path))
    merged, inherited = merge_base(
        data, str(path), path.resolve().parent, roots, seen + (path.resolve(),), check_base
    )
    # This file's own text: error messages look up the offending key's line in it.
    return merged, text, inherited


def merge_base(
    data: dict[str, Any],
    origin: str,
    folder: Path,
    roots: tuple[Path, ...],
    seen: tuple[Path, ...],
    check_base: CheckBase,
) -> tuple[dict[str, Any], int]:
    """(data merged over its base chain, number of events inherited from the base).

    `[levers]` and `[initial]` merge key by key, events are the base's (less `drop_events`)
    followed by the file's, other keys replace the base's. A `drop_events` entry that names
    no base event is an error (a typo would silently drop nothing); an event whose id repeats
    a kept base event's id gives a `ScenarioWarning` (both events are kept)."""
    base = data.pop("base", None)
    drop = data.pop("drop_events", [])
    if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
        raise ScenarioError(
            f"{origin}: drop_events = {_short(drop)} must be a list of event ids or kinds"
        )
    if base is None:
        if drop:
            raise ScenarioError(f"{origin}: drop_events needs a base scenario")
        return data, 0
    if not isinstance(base, str) or not base.strip() or "\x00" in base:
        raise ScenarioError(f"{origin}: base = {_short(base)} must be a scenario file name")
    if len(base) > MAX_BASE_NAME_CHARS:
        raise ScenarioError(
            f"{origin}: base = {_short(base)} is {len(base)} characters long "
            f"(allowed at most {MAX_BASE_NAME_CHARS}: a scenario file name)"
        )
    if len(seen) > MAX_BASE_DEPTH:
        raise ScenarioError(f"{origin}: base chain deeper than {MAX_BASE_DEPTH} files")
    base_path = resolve_base(base, origin, folder, roots)
    if base_path in seen:
        chain = " -> ".join(p.name for p in seen + (base_path,))
        raise ScenarioError(f"{origin}: base = {base!r} is circular ({chain})")
    try:
        base_data, base_text, base_inherited = load_merged(base_path, roots, seen, check_base)
        check_base(dict(base_data), str(base_path), base_text, base_inherited)
    except ScenarioError as error:  # its message starts with the base's own path
        raise ScenarioError(f"{origin}: in base {error}") from None
    base_events = base_data.get("events", [])
    _check_drops(drop, base_events, origin, base)
    events = [e for e in base_events if not (e.get("id") in drop or e.get("kind") in drop)]
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
    _warn_repeated_ids(data.get("events"), events, origin, base)
    return merged, len(events)


def _check_drops(
    drop: list[str], base_events: list[dict[str, Any]], origin: str, base: str
) -> None:
    """ScenarioError for a `drop_events` entry that matches no base event's id or kind."""
    names = {e.get("id") for e in base_events} | {e.get("kind") for e in base_events}
    for name in drop:
        if name not in names:
            ids = sorted(n for n in {e.get("id") for e in base_events} if n)
            kinds = sorted({e.get("kind") for e in base_events})
            raise ScenarioError(
                f"{origin}: drop_events names {name!r}, which is neither the id nor the kind "
                f"of an event of base {base!r} (its ids: {', '.join(ids) or 'none'}; "
                f"its kinds: {', '.join(kinds) or 'none'})"
            )


def _warn_repeated_ids(own: Any, kept: list[dict[str, Any]], origin: str, base: str) -> None:
    """Warn when one of the file's events has the id of a base event it still keeps."""
    if not isinstance(own, list):
        return
    base_ids = {e.get("id") for e in kept if e.get("id")}
    for index, event in enumerate(own):
        event_id = event.get("id") if isinstance(event, dict) else None
        if isinstance(event_id, str) and event_id in base_ids:
            warnings.warn(
                ScenarioWarning(
                    f"{origin}: events[{index}].id = {event_id!r} is also the id of an event "
                    f"of base {base!r}; both are kept (to replace it, add "
                    f"drop_events = [{event_id!r}])"
                ),
                stacklevel=2,
            )


def find_base(base: str, folder: Path) -> Path:
    """The file a `base = ...` names, for a scenario in `folder`: looked up there, then among
    the shipped scenarios; raises ScenarioError if it is not found."""
    folder = Path(folder)
    return resolve_base(base, f"base {base!r}", folder, (folder, SHIPPED_SCENARIOS_DIR))


def resolve_base(base: str, origin: str, folder: Path, roots: tuple[Path, ...]) -> Path:
    """The path of base `base` inside `roots`, or ScenarioError."""
    name = base if base.endswith(".toml") else base + ".toml"
    for candidate_folder in (folder, SHIPPED_SCENARIOS_DIR):
        try:
            candidate = (candidate_folder / name).resolve()
            if not any(candidate.is_relative_to(root.resolve()) for root in roots):
                continue  # a base may not reach outside the scenario's folder or the shipped ones
            if candidate.is_file():
                return candidate
        except (OSError, ValueError, RuntimeError):  # a name the system refuses; a link loop
            continue
    raise ScenarioError(
        f"{origin}: base = {_short(base)} not found (looked in {folder} and the shipped "
        f"scenarios; a base must stay inside those folders)"
    )


def _short(value: Any) -> str:
    """repr of `value`, cut to 80 characters (a 5 000-character base name stays one line)."""
    text = printable(repr(value))
    return text if len(text) <= 80 else text[:77] + "..."
