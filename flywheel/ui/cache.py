"""The app's cached calls: frozen Scenario + ints in, compact frames out (never engine objects)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import streamlit as st

from flywheel.scenario import (
    SHIPPED_SCENARIOS_DIR,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
)
from flywheel.simulation import simulate
from flywheel.ui import why
from flywheel.ui.summary import Summary, summarise

if TYPE_CHECKING:
    import pandas as pd

# The app's default Monte Carlo size; tests and the benchmark set FLYWHEEL_APP_REPLICATIONS.
DEFAULT_REPLICATIONS = int(os.environ.get("FLYWHEEL_APP_REPLICATIONS", "200"))
MAX_REPLICATIONS = 2000


@st.cache_data(max_entries=48, show_spinner="Simulating…")
def summary(scenario: Scenario, replications: int, seed: int) -> Summary:
    """Bands and KPIs of `replications` runs of `scenario` (cached per scenario, size, seed)."""
    return summarise(simulate(scenario, replications, seed))


@st.cache_data(max_entries=16, show_spinner="Knocking out one loop at a time…")
def attribution(scenario: Scenario, output: str, replications: int, seed: int) -> pd.DataFrame:
    """Waterfall rows of the loop attribution (see `why.attribution_table`)."""
    return why.attribution_table(scenario, output, replications, seed)


@st.cache_data(max_entries=16, show_spinner="Moving one lever at a time…")
def tornado(scenario: Scenario, output: str, replications: int, seed: int) -> pd.DataFrame:
    """Tornado rows (see `why.tornado_table`)."""
    return why.tornado_table(scenario, output, replications, seed)


@st.cache_resource
def shipped_presets() -> tuple[dict[str, Scenario], dict[str, str]]:
    """Shipped scenarios by name (baseline first), and files that failed with their error."""
    presets: dict[str, Scenario] = {}
    errors: dict[str, str] = {}
    paths = sorted(SHIPPED_SCENARIOS_DIR.glob("*.toml"), key=lambda p: (p.stem != "baseline", p))
    for path in paths:
        try:
            presets[path.stem] = load_scenario(path)
        except ScenarioError as error:
            errors[path.stem] = str(error)
    return presets, errors


@st.cache_data(max_entries=64, show_spinner=False)
def parsed_upload(text: str, origin: str) -> Scenario:
    """Validate uploaded TOML text (raises ScenarioError with a clear message)."""
    return parse_scenario_text(text, origin=origin)
