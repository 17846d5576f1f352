"""Where the app shows both "dominant now" (loop gain) and "largest contribution" (loop
attribution), the plain-language reconciliation of `experiments.loop_reading` (Streamlit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from flywheel.experiments.loop_reading import loop_effects, sign_notes, why_reconciliation
from flywheel.model.outputs import last_year_label
from flywheel.plots.charts_more import compact_number
from flywheel.scenario.loading import Scenario
from flywheel.scenario.schema import LOOP_IDS
from flywheel.ui import cache

if TYPE_CHECKING:
    import pandas as pd


def signed_compact(value: float) -> str:
    """'+2.3 B', '−12.3 M': an effect with its sign, as the waterfall's axis reads it."""
    return ("−" if value < 0 else "+") + compact_number(abs(value))


def why_notes(scenario: Scenario, seed: int, waterfall: pd.DataFrame, output: str) -> None:
    """Under the Why tab's waterfall: its largest contributions against the loops dominant at
    the end of the run (the median gains of the Dashboard's fan, cached), and why a loop's
    effect has a sign its kind would not suggest."""
    replications = int(st.session_state.get("replications", cache.DEFAULT_REPLICATIONS))
    summary = cache.summary(scenario, replications, seed)
    week = summary.weeks - 1
    gains = {loop: summary.median(f"gain_{loop}", week) for loop in LOOP_IDS}
    effects, label = loop_effects(waterfall), last_year_label(output)
    when = f"at the end of the run (week {week}, {scenario.week_date(week):%b %Y})"
    st.markdown("**Dominant now or largest contribution?**")
    st.markdown(why_reconciliation(gains, effects, label, when, signed_compact))
    notes = sign_notes(effects, label, signed_compact)
    if notes:
        st.markdown("\n".join(f"- {note}" for note in notes))
