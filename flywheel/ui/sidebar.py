"""The sidebar: preset picker, reset, Monte Carlo settings, and every lever grouped by loop."""

from __future__ import annotations

import streamlit as st

from flywheel.scenario.lever_groups import LOOP_PATHS, LeverSpec, group_title, lever_groups
from flywheel.scenario.loading import Scenario
from flywheel.scenario.schema import LOOP_IDS
from flywheel.ui import cache, state, workers


def preset_picker() -> tuple[str, Scenario]:
    """The preset selectbox (with reset); returns the chosen preset's name and Scenario."""
    presets = state.all_presets()
    bar = st.sidebar
    bar.selectbox(
        "Preset scenario",
        list(presets),
        key="preset",
        on_change=state.on_preset_change,
        help="Shipped scenarios from scenarios/ (and files you uploaded). Picking one "
        "resets every lever to its values.",
    )
    name = st.session_state["preset"]
    description = presets[name].description
    if description:
        bar.caption(description)
    bar.button(
        "↺ Reset levers to preset", on_click=state.reset_to_preset, key="reset", width="stretch"
    )
    return name, presets[name]


def run_settings() -> tuple[int, int]:
    """Replications and seed of the Monte Carlo (the fan bands)."""
    with st.sidebar.expander("Monte Carlo settings"):
        replications = st.number_input(
            "Replications",
            10,
            cache.MAX_REPLICATIONS,
            cache.DEFAULT_REPLICATIONS,
            10,
            key="replications",
            help="Simulated futures behind each band (more = smoother bands, slower).",
        )
        seed = st.number_input(
            "Seed",
            0,
            2**31 - 1,
            0,
            1,
            key="seed",
            help="Same seed, same numbers: A/B comparisons share noise.",
        )
        st.caption(workers.where_fans_run(int(replications)))
    return int(replications), int(seed)


def lever_sidebar(preset: Scenario) -> Scenario:
    """Every lever in an expander per loop; returns the validated Scenario they describe."""
    bar = st.sidebar
    bar.markdown("**Levers by loop** · R = reinforcing, B = balancing")
    for group, specs in lever_groups().items():
        # Lazy: a closed group draws no widgets (opening one reruns the app), which spares
        # every rerun the ~60 widgets of closed groups. Their values stay in session state
        # (`persist_state`), set from the preset and read by `state.scenario_from_state`.
        # Whether a group is open is remembered apart (`open:<group>`). The title and
        # `expanded` are part of a stateful expander's identity: a renamed group is a new
        # expander (redrawn, opened as `expanded` says). So a group's marks ("✂ cut",
        # "· 1 changed") show while it is closed, and moving its levers renames nothing.
        is_open = bool(st.session_state.get(f"open:{group}", False))
        mark = "" if is_open else _group_mark(group, specs, preset)
        with bar.expander(
            group_title(group) + mark,
            expanded=is_open,
            key=f"group:{group}",
            on_change=_remember_open,
            args=(group,),
        ) as expander:
            if not expander.open:
                continue
            st.caption(LOOP_PATHS[group])
            if group in LOOP_IDS:
                st.checkbox(cut_label(group, preset), key=f"cut:{group}", persist_state="page")
            for spec in specs:
                _lever_widget(spec, float(getattr(preset.levers, spec.name)))
    scenario, error = state.scenario_from_state(preset)
    if error:
        bar.error(f"These levers do not form a valid scenario, showing the preset: {error}")
    return scenario


def cut_label(loop: str, preset: Scenario) -> str:
    """The cut box's label: from week 0, or from the date the preset cuts the loop from (the
    box keeps that start while ticked)."""
    week = preset.knockout_weeks().get(loop, 0)
    if week > 0:
        return f"Cut loop {loop} from {preset.week_date(week)} (hold its link at its value then)"
    return f"Cut loop {loop} (hold its link at week 0)"


def _group_mark(group: str, specs: list[LeverSpec], preset: Scenario) -> str:
    """' ✂ cut', ' · 2 changed' (levers not at the preset's value), both, or ''."""
    state = st.session_state
    changed = sum(state.get(spec.key) != getattr(preset.levers, spec.name) for spec in specs)
    cut = group in LOOP_IDS and state.get(f"cut:{group}", False)
    return (" ✂ cut" if cut else "") + (f" · {changed} changed" if changed else "")


def _remember_open(group: str) -> None:
    """Callback of a group's expander: keep whether the user opened or closed it."""
    st.session_state[f"open:{group}"] = st.session_state[f"group:{group}"]


def _lever_widget(spec: LeverSpec, default: float) -> None:
    # The value lives in session state (set from the preset); `value=` only spares the slider
    # a scan of the whole session state per widget, which it makes when given no value.
    if spec.is_wide:
        st.number_input(
            spec.label,
            spec.low,
            spec.high,
            step=spec.step,
            format="%.4g",
            key=spec.key,
            help=spec.help,
            persist_state="page",
        )
    else:
        st.slider(
            spec.label,
            spec.low,
            spec.high,
            default,
            step=spec.step,
            format="%.4g",
            key=spec.key,
            help=spec.help,
            persist_state="page",
        )
