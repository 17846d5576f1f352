"""The Workshop tab: a guided story (question → change → what to look for), each step with its
numbers (the model's yearly medians against the record, charts and key years) and a time box,
then a shareable link of the current scenario."""

from __future__ import annotations

import urllib.parse

import pandas as pd
import streamlit as st

from flywheel.calibration.record import record_points
from flywheel.plots.workshop import key_year_table, key_years, shown_table, step_chart_spec
from flywheel.scenario.lever_groups import ACRONYMS
from flywheel.scenario.links import encode_link, link_size_error
from flywheel.scenario.loading import Scenario, ScenarioError
from flywheel.scenario.story import Step, Story, minutes_window, step_scenario
from flywheel.ui import cache, layout, state

STEP_LABEL = "this step"
CHART_TABLE_WIDTHS = (3, 2)  # an output's chart and, beside it, its key years


def workshop(scenario: Scenario, preset_name: str, preset: Scenario, seed: int) -> None:
    """The picked story's current step, its numbers, and the share link of `scenario`."""
    s = st.session_state
    story = _story_picker()
    steps = story.steps
    s.setdefault("workshop_step", 0)
    index = min(int(s["workshop_step"]), len(steps) - 1)
    step = steps[index]
    st.progress((index + 1) / len(steps), text=progress_text(story, index))
    st.subheader(step.title)
    st.markdown(f"**Ask the room:** {step.question}")
    changes = [f"`{k}` → {v:g}" for k, v in step.levers.items()] + [
        f"cut loop {loop}" for loop in step.knockouts
    ]
    change = f"; {', '.join(changes)}" if changes else ", its levers as they are"
    st.markdown(f"**Change:** preset `{step.preset}`{change}")
    if step.compare_with:
        st.markdown(f"**Compare tab:** A = this step's levers, B = preset `{step.compare_with}`.")
    presets = state.all_presets()
    missing = [name for name in (step.preset, step.compare_with) if name and name not in presets]
    if missing:  # a scenario of the story failed to load (its error is in the preset list)
        st.warning(f"This step needs the preset(s) {', '.join(missing)}, which did not load.")
    st.button(
        "Apply this step",
        key="workshop_apply",
        type="primary",
        on_click=_apply_step,
        args=(step,),
        disabled=bool(missing),
    )
    st.markdown(f"**What to look for:** {step.look_for}")
    if not missing:
        step_numbers(step, presets, seed)
    back, forward = st.columns(2)
    back.button(
        "← Previous step",
        key="workshop_back",
        disabled=index == 0,
        on_click=lambda: s.update(workshop_step=index - 1),
    )
    forward.button(
        "Next step →",
        key="workshop_next",
        disabled=index == len(steps) - 1,
        on_click=lambda: s.update(workshop_step=index + 1),
    )
    st.divider()
    _share_link(scenario, preset_name, preset)


def _story_picker() -> Story:
    """The story picked in the selectbox (errors of unreadable story files shown above it)."""
    stories, errors = cache.stories()
    for path, message in errors.items():
        st.error(f"Workshop story {path} could not be read: {message}")
    titles = [story.title for story in stories]
    title = st.selectbox(
        "Workshop",
        titles,
        key="workshop_story",
        persist_state="page",  # kept while another tab is open (the tabs are lazy)
        on_change=lambda: st.session_state.update(workshop_step=0),
        help="The built-in ten-year story, or the 60-minute Amazon 1996-2024 session of "
        "scenarios/workshop/ (docs/workshop.md is its facilitator's guide).",
    )
    return stories[titles.index(title)]


def progress_text(story: Story, index: int) -> str:
    """ "Step 2 of 6 · time box 10 min (minutes 10-20 of 60)": the step's own time box and where
    it sits in the session, so nobody reads it as time elapsed."""
    text = f"Step {index + 1} of {len(story.steps)}"
    step = story.steps[index]
    if not step.minutes:
        return text
    start, end = minutes_window(story, index)
    session = f" of {story.minutes}" if story.minutes else ""
    return f"{text} · time box {step.minutes} min (minutes {start}–{end}{session})"


def step_numbers(step: Step, presets: dict[str, Scenario], seed: int) -> None:
    """The step's outputs, year by year: this step's scenario (its preset, levers and cuts,
    whatever the sidebar shows) and the preset it compares with, against the record's points;
    a chart per output and a table of the key years under it."""
    try:
        run = step_scenario(step, presets)
    except ScenarioError as error:
        st.error(f"This step's scenario is not valid: {error}")
        return
    scenarios = {STEP_LABEL: run}
    if step.compare_with:
        scenarios[step.compare_with.removeprefix("workshop/")] = presets[step.compare_with]
    frames = [
        cache.annual_medians(scenario, step.outputs, seed).assign(scenario=name)
        for name, scenario in scenarios.items()
    ]
    model = pd.concat(frames, ignore_index=True)
    years = key_years(model.year.astype(int).tolist())
    records = {name: record_points(name) for name in step.outputs}
    in_run = [r[r.year.between(years[0], years[-1])] for r in records.values()]
    compared = (
        "; dots: Amazon's record (filed figures; hover for the source), diamonds: cited public "
        "counts the model is not fitted to"
        if any(not r.empty for r in in_run)
        else ""
    )
    st.caption(
        f"Yearly medians of {cache.ANNUAL_REPLICATIONS} runs of each scenario{compared}. "
        f"The tables show the key years, {years[-1]} last."
    )
    for name in step.outputs:  # a row per output: its chart, and its key years beside it
        chart, numbers = st.columns(CHART_TABLE_WIDTHS, vertical_alignment="center")
        title = annual_column_label(name)
        spec = step_chart_spec(model, records[name], name, title)
        chart.vega_lite_chart(layout.chart_spec(spec), width="stretch")
        numbers.dataframe(
            shown_table(key_year_table(model, records[name], name, years)),
            hide_index=True,
            width="stretch",
            column_config={"year": st.column_config.NumberColumn("year", format="%d")},
        )


# Unit suffixes of Results.annual() column names, as a header shows them
ANNUAL_UNITS = (
    ("_usd_million", "USD million"),
    ("_percent", "%"),
    ("_million", "million"),
    ("_thousand", "thousand"),
)
ANNUAL_LABELS = {"share_3p_percent": "3P share of GMV (%)"}  # where the words need reordering


def annual_column_label(name: str) -> str:
    """A readable header for a `Results.annual()` column: "net_sales_usd_million" ->
    "Net sales (USD million)", "fc_sqft_million" -> "FC sq ft (million)", "year" -> "Year"."""
    if name in ANNUAL_LABELS:
        return ANNUAL_LABELS[name]
    unit = ""
    for suffix, shown in ANNUAL_UNITS:
        if name.endswith(suffix):
            name, unit = name.removesuffix(suffix), f" ({shown})"
            break
    words = [ACRONYMS.get(word, word) for word in name.split("_")]  # the sidebar's words
    text = " ".join(words)
    return text[0].upper() + text[1:] + unit


def _apply_step(step: Step) -> None:
    """Callback: the step's preset, levers and cuts; its comparison as Compare's A and B."""
    state.apply_changes(step.preset, step.levers, step.knockouts)
    if step.compare_with:
        st.session_state["compare_a"] = "current levers"
        st.session_state["compare_b"] = step.compare_with


def _share_link(scenario: Scenario, preset_name: str, preset: Scenario) -> None:
    """The link that opens `scenario` as changes to its preset."""
    st.subheader("Share this scenario")
    if preset_name.startswith(state.UPLOAD_PREFIX):  # as changes to the baseline preset
        preset_name = state.default_preset_name()
        preset = state.all_presets()[preset_name]
    params = encode_link(scenario, preset_name, preset)
    too_long = link_size_error(params)
    if too_long:
        st.warning(
            f"This scenario differs from preset '{preset_name}' in too much to travel in a "
            f"link ({too_long}): download its TOML from the Files tab instead."
        )
        return
    query = "&".join(f"{k}={v}" for k, v in params.items())
    st.code(f"{_base_url()}?{query}", language=None)
    if st.button("Put it in the address bar", key="share_link"):
        st.query_params.from_dict(params)
    st.caption("Anyone opening this link gets this same scenario: preset, levers, cuts and events.")


def _base_url() -> str:
    try:
        url = st.context.url
    except AttributeError:
        url = ""
    base = (url or "http://localhost:8501/").split("?")[0]
    return base if urllib.parse.urlsplit(base).path else base + "/"  # ".../?preset=", not ":8501?"
