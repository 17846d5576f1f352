"""Tabs: dashboard (KPIs + fan bands), watch it turn (playback + loop diagram), compare A/B."""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

from flywheel.experiments.loop_reading import watch_note
from flywheel.plots import charts, diagram, diagram_png, export
from flywheel.plots import playback as watch_charts
from flywheel.results import kpi_display
from flywheel.results.quantiles import quantiles_over_replications
from flywheel.results.summary import KPIS, Summary
from flywheel.scenario.loading import Scenario
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES
from flywheel.ui import cache, downloads, layout, lever_ranking, playback

if TYPE_CHECKING:
    import pandas as pd

INTRO = (
    "**The flywheel** (Amazon's napkin sketch): better customer experience → more traffic → "
    "more sellers → more selection → better experience; and growth → lower costs → lower "
    "prices → better experience. Balancing loops (congestion, service load, saturation, "
    "crowding, margin) push back. **Move a lever in the sidebar** (grouped by loop; "
    "hover the ? icons to see what each does): every chart shows the median and the 5–95 % "
    "band of many simulated futures, and the dashed line is the preset you started from."
)
# A loop "dominates" once its link scales its flow by ~10 % (exp(0.1) = 1.105) or more.
DOMINANT_GAIN = 0.1
COMPARE_COLOUR_NAMES = ("blue", "orange")  # of charts.COMPARE_COLOURS, for the PNG's title


def shown(fmt: str, value: float) -> str:
    """A KPI value in its format, the minus sign before the dollar ("-$1.60 B", not "$-1.60 B"),
    never "-0.000" (`kpi_display.value_text`)."""
    return kpi_display.value_text(fmt, value)


def kpi_cards(current: Summary, reference: Summary) -> None:
    """One metric per KPI: median, delta against the preset, 90 % band in the tooltip.

    Two rows of three: six cards in one row cut their values off ("$20.2…") on a 1280-pixel
    screen with the sidebar open."""
    columns = [column for _ in range(2) for column in st.columns(len(KPIS) // 2)]
    for column, (key, label, output, _how, _divisor, fmt) in zip(columns, KPIS, strict=True):
        median, low, high = current.kpi(key)
        base = reference.kpi(key)[0]
        column.metric(
            label,
            shown(fmt, median),
            delta=kpi_display.delta_text(fmt, median - base),  # None: shows as no change
            delta_color=kpi_display.delta_colour(output),  # a lower price index is good
            help=f"median of {current.replications} runs; 90 % band "
            f"{shown(fmt, low)} to {shown(fmt, high)}; preset {shown(fmt, base)}",
        )


def insolvency_line(current: Summary, reference: Summary) -> str:
    """The Dashboard's line on insolvency: the share of runs whose cash would have passed the
    credit limit (docs/model.md, "Spending cuts and insolvency"), and the preset's."""
    return (
        f"Insolvent: {current.insolvent_share:.0%} of {current.replications} runs "
        f"(cash would have passed the credit limit; then no capex, hiring or marketing); "
        f"preset {reference.insolvent_share:.0%}."
    )


def panel_grid(frame: pd.DataFrame, spec: dict[str, Any]) -> None:
    """A grid's panels as charts, `layout.grid_columns()` a row (`charts.PANEL_COLUMNS`, two
    in presentation mode), each its column's width."""
    frames = charts.panel_frames(frame)
    per_row = layout.grid_columns()
    for start in range(0, len(charts.PANELS), per_row):
        row = charts.PANELS[start : start + per_row]
        for column, panel in zip(st.columns(per_row), row, strict=False):
            column.vega_lite_chart(
                frames[panel], layout.chart_spec(charts.panel_spec(spec, panel)), width="stretch"
            )


def ab_legend(name_a: str, name_b: str) -> str:
    """The A/B grid's legend (HTML): each scenario's name in its colour."""
    swatches = (
        f'<span style="color:{colour}">━━</span> {label}: {html.escape(name)}'
        for colour, label, name in zip(charts.COMPARE_COLOURS, "AB", (name_a, name_b), strict=True)
    )
    return " &nbsp; ".join(swatches)


def ab_title(name_a: str, name_b: str) -> str:
    """The A/B grid's title on its PNG, which has no HTML legend: each name and its colour."""
    return (
        f"A = {name_a} ({COMPARE_COLOUR_NAMES[0]}) vs B = {name_b} ({COMPARE_COLOUR_NAMES[1]}): "
        "medians and 5–95 % bands"
    )


def dashboard(current: Summary, reference: Summary, scenario: Scenario | None = None) -> None:
    """KPI cards and the compounding charts with Monte Carlo fan bands; below them, given the
    scenario, which lever matters (ranked in the background: `ui.lever_ranking`)."""
    kpi_cards(current, reference)
    st.caption(insolvency_line(current, reference))
    frame = charts.band_frame(current, reference=reference)
    spec = charts.fan_spec(current, has_reference=True)
    panel_grid(frame, spec)
    bands = (
        f"Bands: 5–95 % (light) and 25–75 % (dark) of {current.replications} "
        f"replications, seed {current.seed}. Dashed: the preset's median."
    )
    st.caption(bands)
    downloads.png_button(
        "Download these charts (PNG)",
        "png_dashboard",
        "flywheel_dashboard.png",
        lambda: export.grid_spec(frame, spec, f"{current.scenario_name}. {bands}"),
        current.provenance,
    )
    if scenario is not None:
        lever_ranking.panel(scenario, current.seed)


def watch(current: Summary, scenario: Scenario) -> None:
    """Watch it turn: the run played in the browser (`flywheel.ui.playback`), scrubbed by the
    week slider; the loop diagram's and loop strengths' downloads at that week."""
    state = st.session_state
    state.setdefault("week", 0)
    state.setdefault("playing", False)
    last = current.weeks - 1
    state["last_week"] = last
    state["week"] = week = min(int(state["week"]), last)
    if last == 0:  # a one-week scenario: nothing to play or scrub (a slider needs 0 < max)
        st.caption("A one-week scenario: the diagram shows its only week.")
    elif state["playing"]:
        # The page plays by itself; a slider the server drew would lag behind it
        st.caption("Playing in the browser: press Pause to scrub the weeks.")
    else:
        state["week_slider"] = week
        st.slider(
            "Week",
            0,
            last,
            key="week_slider",
            on_change=_scrub,
            help="Scrub through the simulated weeks (Play moves the playhead by itself).",
        )
    playback.player(current, scenario, week, loop_headline)
    gains_now = {loop: current.median(f"gain_{loop}", week) for loop in LOOP_IDS}
    st.caption(watch_note(gains_now, DOMINANT_GAIN))  # dominant now ≠ largest contribution
    st.caption(
        "The charts show the whole run faded and, in full, the weeks up to the playhead. "
        "In the diagram each loop has its colour (warm: reinforcing, cool: balancing; "
        "dashed: a balancing loop's link); a link's width is the loop's strength now (|gain| "
        "relative to its largest over the run), grey dotted means cut. Gain: how much the "
        "loop pushes up (> 0) or holds back (< 0) the flow it drives this week, against the "
        "loop switched off: 0.1 is about 10 % more, −0.1 about 10 % less; what cutting the "
        "loop would take away now (median over replications; the exact definition is in "
        "docs/model.md, Loop gains)."
    )
    _watch_downloads(current, scenario, week)


def loop_headline(week: int, date: dt.date, gains: dict[str, float]) -> str:
    """'Week 200 (Nov 2029): dominant loop **R2 marketplace** (amplifying, gain +1.84);
    next B4 seller crowding (damping, -1.35)' (markdown); that no loop dominates yet while
    every |gain| is below `DOMINANT_GAIN` (the first weeks), or that none is active."""

    def described(loop: str) -> str:
        return f"{'amplifying' if gains[loop] > 0 else 'damping'}, gain {gains[loop]:+.2f}"

    ranked = diagram.strongest_loops(gains)
    when = f"Week {week} ({date:%b %Y})"
    if not ranked:
        return f"{when}: no loop active yet"
    top = ranked[0]
    if abs(gains[top]) < DOMINANT_GAIN:  # e.g. week 0: January's season, the first margin
        return (
            f"{when}: no loop dominates yet (every gain within ±{DOMINANT_GAIN:.1f}); "
            f"strongest {top} {LOOP_NAMES[top]} ({described(top)})"
        )
    text = f"{when}: dominant loop **{top} {LOOP_NAMES[top]}** ({described(top)})"
    if len(ranked) > 1:
        second = ranked[1]
        text += f"; next {second} {LOOP_NAMES[second]} ({described(second)})"
    return text


def _scrub() -> None:
    st.session_state["week"] = st.session_state["week_slider"]


def _watch_downloads(current: Summary, scenario: Scenario, week: int) -> None:
    """The loop strengths to `week` (PNG), and the loop diagram at `week` (PNG, DOT)."""
    gains = {loop: current.median(f"gain_{loop}", week) for loop in LOOP_IDS}
    scale = max(float(np.max(np.abs(current.band(f"gain_{loop}")[2]))) for loop in LOOP_IDS)
    headline = loop_headline(week, scenario.week_date(week), gains)
    downloads.png_button(
        "Download loop strengths (PNG)",
        "png_gains",
        f"flywheel_loop_strength_week{week}.png",
        lambda: export.self_contained(
            watch_charts.gains_spec(current),
            charts.gains_frame(current, week),
            title=f"{current.scenario_name}: loop strength (median gain) to week {week}",
        ),
        current.provenance,
    )
    downloads.png_button(
        "Download the loop diagram (PNG)",
        "png_diagram",
        f"flywheel_loops_week{week}.png",
        lambda: diagram_png.loop_figure(
            gains, scale, scenario.cut_loops, headline.replace("**", "")
        ),
        current.provenance,
    )
    st.download_button(
        "Download the loop diagram (Graphviz DOT)",
        key="dot_diagram",
        data=diagram.loop_dot(gains, scale, scenario.cut_loops),
        file_name=f"flywheel_loops_week{week}.dot",
        mime="text/vnd.graphviz",
    )


# A first comparison that tells a story: the same business without its marketplace (R2).
COMPARE_FIRST_CHOICES = ("no_marketplace", "amazon_no_marketplace")


def default_compare_with(scenario: Scenario, presets: dict[str, Scenario]) -> str:
    """Scenario B's first pick: a preset over the same period as the current scenario (so the
    charts share a calendar), the no-marketplace one when it is such a preset."""
    same_period = [
        name
        for name, preset in presets.items()
        if name != scenario.name
        and (preset.start_date, preset.horizon_weeks)
        == (scenario.start_date, scenario.horizon_weeks)
    ]
    preferred = [name for name in COMPARE_FIRST_CHOICES if name in same_period]
    others = [name for name in presets if name != scenario.name]
    return next(iter(preferred + same_period + others + list(presets)))


def compare(scenario: Scenario, presets: dict[str, Scenario], replications: int, seed: int) -> None:
    """A/B: two scenarios side by side, their paired difference and bands."""
    options = ["current levers", *presets]
    left, right = st.columns(2)
    name_a = left.selectbox("Scenario A", options, index=0, key="compare_a", persist_state="page")
    default_b = 1 + list(presets).index(default_compare_with(scenario, presets))
    name_b = right.selectbox(
        "Scenario B", options, index=default_b, key="compare_b", persist_state="page"
    )
    pick = {name: presets.get(name, scenario) for name in (name_a, name_b)}
    a = cache.summary(pick[name_a], replications, seed)
    b = cache.summary(pick[name_b], replications, seed)
    rows = []
    for key, label, _output, _how, _divisor, fmt in KPIS:
        difference = b.kpi_samples[key] - a.kpi_samples[key]  # same seed and ids: paired
        low, mid, high = quantiles_over_replications(difference, (0.05, 0.5, 0.95))
        rows.append(
            {
                "KPI": label,
                "A": shown(fmt, a.kpi(key)[0]),
                "B": shown(fmt, b.kpi(key)[0]),
                "B − A (median)": shown(fmt, mid),
                "B − A 90 % band": f"{shown(fmt, low)} to {shown(fmt, high)}",
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(
        "A and B run with the same seed and replication ids (common random numbers), "
        "so B − A is a paired difference per replication."
    )
    by_date = charts.on_one_calendar(a, b)
    if not by_date or a.weeks != b.weeks:
        st.info(charts.horizons_note(a, b))
    st.markdown(ab_legend(name_a, name_b), unsafe_allow_html=True)
    frame, spec = charts.compare_frame(a, b), charts.compare_spec(by_date=by_date)
    panel_grid(frame, spec)
    downloads.png_button(
        "Download the comparison (PNG)",
        "png_compare",
        "flywheel_compare.png",
        lambda: export.grid_spec(frame, spec, ab_title(name_a, name_b)),
        a.provenance,  # A's; the title names B
    )
    if not charts.can_pair(a, b):  # other periods: weeks do not pair up (the note says so)
        return
    st.markdown("**B − A, run by run**")
    difference, difference_spec = charts.difference_frame(a, b), charts.difference_spec()
    panel_grid(difference, difference_spec)
    st.caption(
        "The paired difference of each replication (same seed, same noise paths): median "
        "and 5–95 % band. Above the dashed zero line B is ahead; a band that straddles it "
        "means the difference is within the noise."
    )
    downloads.png_button(
        "Download the difference (PNG)",
        "png_difference",
        "flywheel_difference.png",
        lambda: export.grid_spec(
            difference,
            difference_spec,
            f"B − A, run by run (median and 5–95 % band): B = {name_b}, A = {name_a}",
        ),
        a.provenance,
    )
