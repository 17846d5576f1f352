"""The Events tab: the timeline of the scenario's events and of its runs' FC openings, and an
editor that adds, changes or deletes an event (validated before it is kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from flywheel.plots import charts_more
from flywheel.results.summary import Summary
from flywheel.scenario.events import EVENT_KINDS
from flywheel.scenario.lever_groups import lever_specs_by_name
from flywheel.scenario.loading import Scenario, ScenarioError, scenario_from_dict, scenario_to_dict
from flywheel.ui import layout, state

if TYPE_CHECKING:
    import pandas as pd

EXTRA_FIELDS = {  # kind -> [(field, default, min, max)]
    "demand_shock": [("duration_weeks", 26, 1, 1040), ("size_share", 0.2, -0.9, 5.0)],
    "recession": [("duration_weeks", 78, 1, 1040), ("depth_share", 0.05, 0.0, 0.9)],
    "price_war": [("duration_weeks", 8, 1, 1040), ("depth_share", 0.1, 0.0, 0.9)],
    "fc_outage": [("duration_weeks", 2, 1, 520), ("centers", 1.0, 0.0, 10_000.0)],
    "cost_shock": [("duration_weeks", 13, 1, 1040), ("size_usd_per_week", 1e6, 0.0, 1e11)],
}
EVENT_COLUMN_ORDER = {"kind": 0, "id": 1, "lever": 2, "value": 3, "date": 8, "note": 9}
NEW_EVENT = "+ new event"  # plain text: no emoji font needed
DELETE_NEEDS_PICK = f"Pick an event in the Event list above to delete it ('{NEW_EVENT}' adds one)."


def _event_label(index: int, event: dict) -> str:
    detail = f" {event['lever']} = {event['value']:g}" if event["kind"] == "policy" else ""
    when = f"week {event['week']}" if "week" in event else f"date {event.get('date')}"
    return f"{index}: {event['kind']}{detail} at {when}"


def event_rows(scenario: Scenario, listed: list[dict]) -> list[dict[str, str]]:
    """The Events table, one row per event in the order they come into force: "#" (its number
    in the editor's picker), "week" and "from" (that week's date; an event set by date gets
    its week too), then the event's own fields, its date and long note last (the columns
    that matter first on a narrow screen). `scenario` holds `listed`, parsed."""
    parsed = scenario.events if len(scenario.events) == len(listed) else None
    fields = sorted(
        {key for event in listed for key in event} - {"week"},
        key=lambda key: (EVENT_COLUMN_ORDER.get(key, 5), key),
    )
    rows = []
    for index, event in enumerate(listed):
        week = scenario.event_week(parsed[index]) if parsed else int(event.get("week", 0))
        row = {"#": str(index), "week": str(week), "from": str(scenario.week_date(week))}
        rows.append(row | {key: str(event.get(key, "")) for key in fields})
    return sorted(rows, key=lambda row: (int(row["week"]), int(row["#"])))


def _on_pick_event(scenario: Scenario) -> None:
    """Fill the editor with the picked event's values (`scenario` holds the same events, in
    the same order, parsed: its `event_week` gives the week of an event set by date too)."""
    s = st.session_state
    picked = s["event_pick"]
    if picked == NEW_EVENT:
        return
    index = int(picked.split(":")[0])
    event = s["events"][index]
    s["event_kind"] = event["kind"]
    s["event_week"] = scenario.event_week(scenario.events[index])
    if event["kind"] == "policy":
        s["event_lever"], s["event_value"] = event["lever"], float(event["value"])
    for field, *_ in EXTRA_FIELDS.get(event["kind"], []):
        s[f"event_{field}"] = event[field]


def _save_event(preset: Scenario) -> None:
    s = st.session_state
    kind = s["event_kind"]
    event: dict = {"kind": kind, "week": int(s["event_week"]), "id": f"app-{kind}"}
    if kind == "policy":
        event.update(lever=s["event_lever"], value=float(s["event_value"]))
    for field, default, *_ in EXTRA_FIELDS.get(kind, []):
        event[field] = type(default)(s.get(f"event_{field}", default))
    events = list(s["events"])
    picked = s.get("event_pick", NEW_EVENT)
    if picked == NEW_EVENT:
        events.append(event)
    else:  # an edit keeps the event's own id and note (the editor shows neither)
        index = int(picked.split(":")[0])
        event.update({key: events[index][key] for key in ("id", "note") if key in events[index]})
        events[index] = event
    _commit_events(preset, events, "Saved")


def _delete_event(preset: Scenario) -> None:
    s = st.session_state
    picked = s.get("event_pick", NEW_EVENT)
    if picked != NEW_EVENT:
        events = list(s["events"])
        del events[int(picked.split(":")[0])]
        _commit_events(preset, events, "Deleted")
        s["event_pick"] = NEW_EVENT


def _commit_events(preset: Scenario, events: list[dict], done: str) -> None:
    data = scenario_to_dict(preset)
    data["events"] = events
    try:
        scenario_from_dict(data, origin="the event editor")
    except ScenarioError as error:
        st.session_state["event_error"] = str(error)
        return
    st.session_state["events"] = events
    st.session_state["event_message"] = f"{done}: {len(events)} event(s) in the scenario."


def timeline_chart(scenario: Scenario, current: Summary) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The timeline's frame and Vega-Lite spec (`current`: the scenario's Summary), drawn by
    this tab and exported by the Files tab's PNG download."""
    frame = charts_more.timeline_frame(scenario, current)
    return frame, charts_more.timeline_spec(scenario, with_fc_openings=True)


def events(scenario: Scenario, preset: Scenario, current: Summary) -> None:
    """Timeline of the scenario's events and of the FCs its runs open (`current`, the
    scenario's Summary), and an editor to add, change or delete an event."""
    frame, spec = timeline_chart(scenario, current)
    st.vega_lite_chart(frame, layout.chart_spec(spec), width="stretch")
    st.caption(
        "The scenario's events, and the weeks the median run's count of built fulfillment "
        "centres goes up: the planner's own decisions, which differ from run to run (hover "
        "a point for the spread)."
    )
    listed = st.session_state.get("events", [])
    rows = event_rows(scenario, listed) or [{"events": "none"}]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.subheader("Add or edit an event")
    for key, show in (("event_error", st.error), ("event_message", st.success)):
        message = state.pop_message(key)
        if message:
            show(message)
    options = [NEW_EVENT] + [_event_label(i, e) for i, e in enumerate(listed)]
    if st.session_state.get("event_pick") not in options:
        st.session_state["event_pick"] = NEW_EVENT
    picked = st.selectbox(
        "Event",
        options,
        key="event_pick",
        persist_state="page",
        on_change=_on_pick_event,
        args=(scenario,),
    )
    left, right = st.columns(2)
    kind = left.selectbox("Kind", EVENT_KINDS, key="event_kind", persist_state="page")
    last_week = scenario.horizon_weeks - 1
    if st.session_state.get("event_week", 0) > last_week:  # kept from a longer scenario
        st.session_state["event_week"] = last_week
    right.number_input(
        "Week (0 = start)",
        0,
        last_week,
        min(52, last_week),  # a year in, or the last week of a shorter scenario
        key="event_week",
        persist_state="page",
    )
    if kind == "policy":
        specs = lever_specs_by_name()
        names = list(specs)
        lever = left.selectbox(
            "Lever",
            names,
            key="event_lever",
            persist_state="page",
            index=names.index("pass_through_share"),
            format_func=lambda name: f"{specs[name].label} · {name}",
        )
        spec = specs[lever]
        right.number_input(
            f"New value ({spec.unit + ', ' if spec.unit else ''}{spec.low:g} to {spec.high:g})",
            value=0.8,
            key="event_value",
            persist_state="page",
            format="%.6g",
            help=spec.help,
        )
    for field, default, low, high in EXTRA_FIELDS.get(kind, []):
        right.number_input(
            field.replace("_", " "), low, high, default, key=f"event_{field}", persist_state="page"
        )
    buttons = st.columns(2)
    buttons[0].button(
        "Save event", key="event_save", on_click=_save_event, args=(preset,), type="primary"
    )
    is_new = picked == NEW_EVENT  # nothing to delete: say so rather than do nothing
    buttons[1].button(
        "Delete picked event",
        key="event_delete",
        on_click=_delete_event,
        args=(preset,),
        disabled=is_new,
        help=DELETE_NEEDS_PICK if is_new else "Remove the picked event from the scenario.",
    )
    if is_new and listed:
        st.caption(DELETE_NEEDS_PICK)
