"""Session state: the UI's inputs (preset, lever values, cuts, events), and the Scenario
built from them. Values are written only in callbacks or before widgets are drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from flywheel.scenario.lever_groups import lever_specs
from flywheel.scenario.links import decode_link, differs_beyond_widgets
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR,
    Scenario,
    ScenarioError,
    scenario_from_dict,
    scenario_to_dict,
)
from flywheel.scenario.schema import LOOP_IDS
from flywheel.scenario.writer import diff_toml
from flywheel.ui import cache

UPLOAD_PREFIX = "upload: "
TABS = ("Dashboard", "Watch it turn", "Compare", "Why", "Decide", "Events", "Files", "Workshop")


def all_presets() -> dict[str, Scenario]:
    """Shipped presets plus this session's valid uploads (as 'upload: <name>')."""
    presets = dict(cache.shipped_presets()[0])
    for name, text in st.session_state.get("uploads", {}).items():
        presets[UPLOAD_PREFIX + name] = cache.parsed_upload(text, name)
    return presets


def default_preset_name() -> str:
    """The preset a session starts on: baseline (the first shipped preset)."""
    return next(iter(cache.shipped_presets()[0]))


def add_upload(name: str, text: str) -> None:
    """Keep an uploaded scenario's TOML text for this session (a preset 'upload: <name>')."""
    uploads = dict(st.session_state.get("uploads", {}))
    uploads[name] = text
    st.session_state["uploads"] = uploads


def preset_source(preset_name: str) -> tuple[str, Path] | None:
    """(TOML text, folder) of a preset's file, an upload's text included; None if unknown.
    The TOML download writes the scenario like it (`writer.toml_like_source`)."""
    uploads = st.session_state.get("uploads", {})
    if preset_name.startswith(UPLOAD_PREFIX) and preset_name[len(UPLOAD_PREFIX) :] in uploads:
        return uploads[preset_name[len(UPLOAD_PREFIX) :]], SHIPPED_SCENARIOS_DIR
    path = cache.preset_paths().get(preset_name)
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8"), path.parent
    except (OSError, UnicodeDecodeError):
        return None  # (a preset file changed since it loaded) the download writes everything


def load_into_state(preset_name: str, scenario: Scenario) -> None:
    """Set the preset and every lever, cut and event widget value from `scenario`."""
    state = st.session_state
    state["preset"] = preset_name
    for spec in lever_specs():
        state[spec.key] = float(getattr(scenario.levers, spec.name))
    for loop in LOOP_IDS:
        state[f"cut:{loop}"] = loop in scenario.cut_loops  # from week 0 or from a date
    state["events"] = [dict(event) for event in scenario_to_dict(scenario)["events"]]


def ensure_state() -> None:
    """First run of a session: load the scenario from the link, else the baseline preset."""
    state = st.session_state
    if "preset" in state:
        return
    presets = cache.shipped_presets()[0]
    params = st.query_params.to_dict()
    if "preset" in params:
        try:
            name, scenario = decode_link(params, presets)
            if differs_beyond_widgets(scenario, presets[name]):
                # (made from an upload) its own preset, as an upload of the same file would be
                # kept as its changes to the link's preset, which a download then shows
                add_upload(scenario.name, diff_toml(scenario, presets[name], name))
                load_into_state(UPLOAD_PREFIX + scenario.name, scenario)
                state["link_message"] = (
                    f"Loaded the shared scenario {scenario.name!r}, in the preset list as "
                    f"'{UPLOAD_PREFIX}{scenario.name}'."
                )
                return
            load_into_state(name, scenario)
            changes = " with the link's changes" if params.get("s") else ""
            state["link_message"] = f"Loaded the shared scenario: preset {name!r}{changes}."
            return
        except ScenarioError as error:
            state["link_error"] = str(error)
    elif "s" in params:  # changes without the preset they are changes to
        state["link_error"] = (
            "link: s= holds changes to a preset, but the link names none (preset=...); "
            "showing the baseline"
        )
    name = default_preset_name()
    load_into_state(name, presets[name])


def on_preset_change() -> None:
    """Callback of the preset picker: load the chosen preset's values."""
    name = st.session_state["preset"]
    load_into_state(name, all_presets()[name])


def reset_to_preset() -> None:
    """Callback of 'Reset to preset'."""
    on_preset_change()


def scenario_from_state(preset: Scenario) -> tuple[Scenario, str]:
    """The Scenario the widgets describe, and '' or the validation error (then the preset)."""
    state = st.session_state
    data = scenario_to_dict(preset)
    data["levers"].update(
        {spec.name: float(state[spec.key]) for spec in lever_specs() if spec.key in state}
    )
    # A loop the preset cuts from a date keeps its start while its box stays ticked.
    own = dict(zip(preset.cut_loops, data["knockouts"], strict=True))
    data["knockouts"] = [
        own.get(loop, loop) for loop in LOOP_IDS if state.get(f"cut:{loop}", False)
    ]
    data["events"] = list(state.get("events", data["events"]))
    try:
        return scenario_from_dict(data, origin="the sidebar levers"), ""
    except ScenarioError as error:
        return preset, str(error)


def apply_changes(
    preset_name: str,
    levers: dict[str, float],
    knockouts: tuple[str, ...],
    presets: dict[str, Scenario] | None = None,
) -> None:
    """Callback helper: load a preset, then change some levers and cut some loops."""
    scenario = (presets or all_presets())[preset_name]
    load_into_state(preset_name, scenario)
    for name, value in levers.items():
        st.session_state[f"lever:{name}"] = float(value)
    for loop in knockouts:
        st.session_state[f"cut:{loop}"] = True


def pop_message(key: str) -> Any:
    """Read and clear a one-shot message from session state."""
    return st.session_state.pop(key, None)
