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
from flywheel.ui import charts, why
from flywheel.ui.summary import Summary, summarise

if TYPE_CHECKING:
    import pandas as pd

# The app's default Monte Carlo size; tests and the benchmark set FLYWHEEL_APP_REPLICATIONS.
DEFAULT_REPLICATIONS = int(os.environ.get("FLYWHEEL_APP_REPLICATIONS", "200"))
MAX_REPLICATIONS = 2000
# The outputs the app draws: the cached Summary keeps bands of these only (summarising all
# ~80 outputs would cost a cache miss several times more; the CSV download computes them all).
DRAWN_OUTPUTS = (*(output for output, *_ in charts.CHART_OUTPUTS), *charts.GAIN_OUTPUTS)


def scenario_key(scenario: Scenario) -> str:
    """A cheap, exact cache key of a scenario: its dataclass repr (every field, floats
    round-trip exactly). Hashing a Scenario object itself costs far more on every rerun."""
    return repr(scenario)


def summary(scenario: Scenario, replications: int, seed: int) -> Summary:
    """Bands and KPIs of `replications` runs of `scenario` (cached per scenario, size, seed)."""
    return _summary(scenario, scenario_key(scenario), replications, seed)


def attribution(scenario: Scenario, output: str, replications: int, seed: int) -> pd.DataFrame:
    """Waterfall rows of the loop attribution (see `why.attribution_table`)."""
    return _attribution(scenario, scenario_key(scenario), output, replications, seed)


def tornado(scenario: Scenario, output: str, replications: int, seed: int) -> pd.DataFrame:
    """Tornado rows (see `why.tornado_table`)."""
    return _tornado(scenario, scenario_key(scenario), output, replications, seed)


# The cached functions take the Scenario as `_scenario` (Streamlit does not hash arguments
# whose name starts with an underscore) and its `key` instead.
@st.cache_data(max_entries=48, show_spinner="Simulating…")
def _summary(_scenario: Scenario, key: str, replications: int, seed: int) -> Summary:
    return summarise(simulate(_scenario, replications, seed), DRAWN_OUTPUTS)


@st.cache_data(max_entries=16, show_spinner="Knocking out one loop at a time…")
def _attribution(
    _scenario: Scenario, key: str, output: str, replications: int, seed: int
) -> pd.DataFrame:
    return why.attribution_table(_scenario, output, replications, seed)


@st.cache_data(max_entries=16, show_spinner="Moving one lever at a time…")
def _tornado(
    _scenario: Scenario, key: str, output: str, replications: int, seed: int
) -> pd.DataFrame:
    return why.tornado_table(_scenario, output, replications, seed)


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
