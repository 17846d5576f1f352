"""Shareable links: a scenario as query parameters (preset name + compressed changes)."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from typing import Any

from flywheel.scenario.loading import Scenario, ScenarioError, scenario_from_dict, scenario_to_dict
from flywheel.scenario.writer import scenario_changes

MAX_LINK_CHARS = 8_000  # a URL parameter; refuse anything longer
MAX_INFLATED_BYTES = 300_000  # decompression bomb guard (a scenario is a few KiB)


def encode_link(scenario: Scenario, preset_name: str, preset: Scenario) -> dict[str, str]:
    """Query parameters reproducing `scenario`: the preset's name and what differs from it
    (the scenario writer's changes; the events, when they differ, in full)."""
    diff = scenario_changes(scenario, preset)
    if scenario.events != preset.events:
        diff["events"] = scenario_to_dict(scenario)["events"]
    params = {"preset": preset_name}
    if diff:
        raw = json.dumps(diff, default=_json_default, separators=(",", ":")).encode()
        params["s"] = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    return params


def link_size_error(params: Mapping[str, str]) -> str:
    """'' when `decode_link` accepts the size of these parameters, else what is wrong."""
    size = len(params.get("s", ""))
    return "" if size <= MAX_LINK_CHARS else f"{size} characters, at most {MAX_LINK_CHARS}"


def differs_beyond_widgets(scenario: Scenario, preset: Scenario) -> bool:
    """True when `scenario` differs from `preset` in more than the app's widgets hold (levers,
    cuts, events): its initial values, horizon, start date, name or description (a link made
    from an uploaded scenario)."""
    held = {"levers", "knockouts", "sweep"}  # events are not among the writer's changes
    return bool(set(scenario_changes(scenario, preset)) - held)


def decode_link(params: Mapping[str, str], presets: Mapping[str, Scenario]) -> tuple[str, Scenario]:
    """(preset name, scenario) from query parameters; raises ScenarioError on a bad link."""
    name = params.get("preset", "")
    if name not in presets:
        raise ScenarioError(
            f"link: preset {name!r} is not a shipped scenario "
            f"(allowed: {', '.join(sorted(presets))})"
        )
    preset = presets[name]
    blob = params.get("s", "")
    if not blob:
        return name, preset
    if len(blob) > MAX_LINK_CHARS:
        raise ScenarioError(f"link: scenario parameter longer than {MAX_LINK_CHARS} characters")
    try:
        packed = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_INFLATED_BYTES)
        if inflater.unconsumed_tail:
            raise ScenarioError("link: scenario parameter inflates beyond the size limit")
        diff = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError) as error:
        if isinstance(error, ScenarioError):
            raise
        raise ScenarioError(f"link: the scenario parameter is not a valid link ({error})") from None
    if not isinstance(diff, dict):
        raise ScenarioError("link: the scenario parameter must hold a table of changes")
    data = scenario_to_dict(preset)
    for key, value in diff.items():
        if key in ("levers", "initial") and isinstance(value, dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return name, scenario_from_dict(data, origin="link")


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")
