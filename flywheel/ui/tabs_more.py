"""Tabs: why (attribution, tornado), files, workshop + share link (events: `tabs_events`)."""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import streamlit as st

from flywheel.experiments.importance import DEFAULT_SWING_SHARE, ZERO_LEVER_RANGE_SHARE
from flywheel.model.outputs import last_year_label
from flywheel.plots import charts_more, export, tables
from flywheel.results.provenance import describe
from flywheel.results.summary import Summary
from flywheel.scenario.loading import (
    MAX_SCENARIO_BYTES,
    Scenario,
    ScenarioError,
    ScenarioWarning,
    parse_scenario_text,
)
from flywheel.ui import cache, downloads, layout, state, tabs_events
from flywheel.ui.loop_notes import why_notes

WHY_OUTPUTS = ("revenue_usd", "gmv_usd", "operating_income_usd", "customers")
WHY_DEFAULT_REPLICATIONS = 20


def why(scenario: Scenario, seed: int) -> None:
    """Attribution waterfall by loop and a one-at-a-time tornado, computed on request."""
    st.markdown(
        "Which loops make this outcome, and which levers move it most? Both use "
        "common random numbers (same seed and replication ids in every variant)."
    )
    left, right = st.columns(2)
    output = left.selectbox(
        "Outcome",
        list(WHY_OUTPUTS),
        format_func=last_year_label,
        key="why_output",
        persist_state="page",
    )
    replications = int(
        right.number_input(
            "Replications per variant",
            2,
            500,
            WHY_DEFAULT_REPLICATIONS,
            key="why_replications",
            persist_state="page",
        )
    )
    # The scenarios (and seeds) explained on request. A lever moved or a preset picked
    # afterwards asks for a press again instead of rerunning ~190 variants (seconds, and
    # longer for the 29-year record) on every move; going back to one explained is instant.
    explained: set[str] = st.session_state.setdefault("why_explained", set())
    key = hashlib.sha1(f"{cache.scenario_key(scenario)}|{seed}".encode()).hexdigest()
    if st.button("Explain this scenario", key="why_run", type="primary"):
        explained.add(key)
    if key not in explained:
        st.info(
            ("The levers or the preset changed since the last explanation. " if explained else "")
            + "Press *Explain this scenario*: it runs every loop knocked out in turn (12 "
            "variants) and every lever ±25 % (about 180 variants)."
        )
        return
    label = last_year_label(output)
    waterfall, table = cache.why_tables(scenario, output, replications, seed)
    made = describe(  # the PNGs' provenance: what the two charts draw
        scenario,
        "attribution",
        seed=seed,
        replications=replications,
        settings={"outcome": output, "importance_share": DEFAULT_SWING_SHARE},
    )
    st.subheader("Attribution by loop")
    bars = charts_more.waterfall_frame(waterfall)
    bars_spec = charts_more.waterfall_spec(list(waterfall["label"]), label)
    st.vega_lite_chart(bars, layout.chart_spec(bars_spec), width="stretch")
    st.dataframe(
        tables.waterfall_table(waterfall),
        hide_index=True,
        width="stretch",
        column_config=tables.WATERFALL_HEADERS,
    )
    st.caption(
        "Each loop's bar = outcome with every loop on − outcome with that loop alone "
        "cut (mean over replications; 5 % and 95 % = its Monte Carlo band; the two totals "
        "are outcomes, not effects, and have none). Interactions = "
        "total − sum of the single-loop effects (from flywheel.experiments.attribute). "
        "Revenue counts only the commission on third-party sales, so a loop that moves "
        "sales to sellers (R2) can lower revenue while it raises GMV and customers: pick "
        "GMV or customers as the outcome to see it."
    )
    why_notes(scenario, seed, waterfall, output)
    st.subheader("Sensitivity tornado (one lever at a time)")
    tornado = charts_more.tornado_frame(table)
    tornado_spec = charts_more.tornado_spec(list(table["lever"]), label)
    st.vega_lite_chart(tornado, layout.chart_spec(tornado_spec), width="stretch")
    st.caption(
        f"Each lever moves ±{DEFAULT_SWING_SHARE * 100:g} % of its current value, clipped to its "
        f"documented range (a lever at 0 moves {ZERO_LEVER_RANGE_SHARE * 100:g} % of its range; "
        "flywheel.experiments.lever_importance); bars = mean change of the outcome against "
        f"this scenario (base {charts_more.compact_number(table.attrs['base'])}). "
        f"Top {len(table)} shown."
    )
    downloads.png_button(
        "Download the waterfall (PNG)",
        "png_waterfall",
        "flywheel_attribution.png",
        lambda: export.self_contained(
            bars_spec,
            bars,
            title="What each loop adds (knock-one-loop-out, common random numbers)",
        ),
        made,
    )
    downloads.png_button(
        "Download the tornado (PNG)",
        "png_tornado",
        "flywheel_tornado.png",
        lambda: export.self_contained(
            tornado_spec,
            tornado,
            title="One lever at a time: each lever ±25 % (common random numbers)",
        ),
        made,
    )


def _on_upload() -> None:
    upload = st.session_state.get("upload")
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > MAX_SCENARIO_BYTES:
        st.session_state["upload_error"] = (
            f"{upload.name}: {len(data)} bytes; a scenario "
            f"file may have at most {MAX_SCENARIO_BYTES}."
        )
        return
    try:
        text = data.decode("utf-8")
        # Parsed here uncached, once per upload, to catch its warnings (a cached parse warns
        # only the first time); reruns use the cached `parsed_upload`.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ScenarioWarning)
            scenario = parse_scenario_text(text, origin=upload.name)
    except UnicodeDecodeError as error:
        st.session_state["upload_error"] = f"{upload.name}: not UTF-8 text (byte {error.start})"
        return
    except ScenarioError as error:
        st.session_state["upload_error"] = str(error)
        return
    state.add_upload(scenario.name, text)
    state.load_into_state(state.UPLOAD_PREFIX + scenario.name, scenario)
    st.session_state["upload_message"] = (
        f"Loaded {upload.name} as preset '{state.UPLOAD_PREFIX}{scenario.name}'."
    )
    notes = [str(w.message) for w in caught if issubclass(w.category, ScenarioWarning)]
    if notes:
        st.session_state["upload_warning"] = " ".join(f"Warning: {note}" for note in notes)


def files(scenario: Scenario, replications: int, seed: int) -> None:
    """Upload a scenario TOML; download the scenario, the results CSV and the figures."""
    st.file_uploader(
        f"Upload a scenario (.toml, at most {MAX_SCENARIO_BYTES // 1024} KiB)",
        type=["toml"],
        key="upload",
        on_change=_on_upload,
        help="Validated like `flywheel validate`; it is parsed, never executed.",
    )
    shown = (("upload_error", st.error), ("upload_message", st.success))
    for key, show in (*shown, ("upload_warning", st.warning)):
        message = state.pop_message(key)
        if message:
            show(message)
    # Read now: the download's callable runs outside the script, without session state.
    source = state.preset_source(st.session_state.get("preset", ""))
    downloads.data_buttons(scenario, replications, seed, source)
    downloads.png_button(
        "Download the event timeline (PNG)",
        "png_timeline",
        "flywheel_events.png",
        lambda: timeline_png_spec(scenario, cache.summary(scenario, replications, seed)),
        lambda: cache.summary(scenario, replications, seed).provenance,  # on click, cached
    )
    st.caption(
        "The dashboard, loop-strength, compare, waterfall and tornado PNGs are under their charts."
    )


def timeline_png_spec(scenario: Scenario, current: Summary) -> dict[str, Any]:
    """The Events tab's timeline (`current`: the scenario's Summary), self-contained for its
    PNG: the same builders and data as the chart that tab shows."""
    frame, spec = tabs_events.timeline_chart(scenario, current)
    title = f"{scenario.name}: events and the median run's FC openings"
    return export.self_contained(spec, frame, title=title)
