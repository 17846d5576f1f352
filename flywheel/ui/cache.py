"""The app's cached calls: frozen Scenario + ints in, compact frames out (never engine objects)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from flywheel.plots import charts
from flywheel.results.simulation import simulate
from flywheel.results.summary import KPIS, SHARE_OUTPUTS, Summary, summarise
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR,
    Scenario,
    ScenarioError,
    ScenarioWarning,
    load_scenario,
    parse_scenario_text,
)
from flywheel.scenario.story import BASELINE_STORY, Story, StoryError, load_story, preset_name
from flywheel.ui import workers

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.results.weekly import Results

# The app's default Monte Carlo size; tests and the benchmark set FLYWHEEL_APP_REPLICATIONS.
DEFAULT_REPLICATIONS = int(os.environ.get("FLYWHEEL_APP_REPLICATIONS", "200"))
MAX_REPLICATIONS = 2000
# The outputs the app draws: the cached Summary keeps bands of these only (summarising all
# ~80 outputs would cost a cache miss several times more; the CSV download computes them all).
DRAWN_OUTPUTS = (
    *(output for output, *_ in charts.CHART_OUTPUTS),
    *charts.GAIN_OUTPUTS,
    "fulfillment_centers",  # the Events timeline's FC openings
)
# What a Summary reads: the drawn outputs and the KPIs' outputs. Only these are recorded by
# the engine for the app (recording all ~80 outputs cost ~10 % of a 200-replication run).
SUMMARY_OUTPUTS = tuple(dict.fromkeys((*DRAWN_OUTPUTS, *(kpi[2] for kpi in KPIS), *SHARE_OUTPUTS)))
WORKSHOP_DIR = SHIPPED_SCENARIOS_DIR / "workshop"
STORY_FILE = "story.toml"
# Replications behind a workshop step's annual table (medians: a small run is enough).
ANNUAL_REPLICATIONS = 20


def scenario_key(scenario: Scenario) -> str:
    """A cheap, exact cache key of a scenario: its dataclass repr (every field, floats
    round-trip exactly). Hashing a Scenario object itself costs far more on every rerun."""
    return repr(scenario)


def summary(scenario: Scenario, replications: int, seed: int) -> Summary:
    """Bands and KPIs of `replications` runs of `scenario` (cached per scenario, size, seed)."""
    return _summary(scenario, scenario_key(scenario), replications, seed)


def annual_medians(scenario: Scenario, columns: tuple[str, ...], seed: int) -> pd.DataFrame:
    """Median over `ANNUAL_REPLICATIONS` runs of `Results.annual()` columns, one row a year."""
    return _annual_medians(scenario, scenario_key(scenario), columns, seed)


def why_tables(
    scenario: Scenario, output: str, replications: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Waterfall rows of the loop attribution and tornado rows (`Attribution.waterfall`,
    `lever_importance`), computed side by side (`workers.why_tables`)."""
    return _why_tables(scenario, scenario_key(scenario), output, replications, seed)


# The cached functions take the Scenario as `_scenario` (Streamlit does not hash arguments
# whose name starts with an underscore) and its `key` instead.
@st.cache_data(max_entries=48, show_spinner="Simulating…")
def _summary(_scenario: Scenario, key: str, replications: int, seed: int) -> Summary:
    return workers.simulate_fan(_scenario, replications, seed, SUMMARY_OUTPUTS, _summarise_drawn)


def _summarise_drawn(results: Results) -> Summary:
    """The Summary of a fan (bands of the drawn outputs and the charted outputs' paths, for
    paired A/B differences; new arrays, none views the fan)."""
    return summarise(results, DRAWN_OUTPUTS, charts.PATH_OUTPUTS)


@st.cache_data(max_entries=16, show_spinner="Simulating the years…")
def _annual_medians(
    _scenario: Scenario, key: str, columns: tuple[str, ...], seed: int
) -> pd.DataFrame:
    annual = simulate(_scenario, ANNUAL_REPLICATIONS, seed).annual()
    known = [column for column in columns if column in annual.columns]
    return annual.groupby("year", as_index=False)[known].median().round(1)


@st.cache_data(
    max_entries=16, show_spinner="Knocking out one loop at a time and moving each lever…"
)
def _why_tables(
    _scenario: Scenario, key: str, output: str, replications: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return workers.why_tables(_scenario, output, replications, seed)


@st.cache_resource
def preset_paths() -> dict[str, Path]:
    """The file of every shipped preset by name (baseline first, then the workshop pack's
    scenarios as workshop/<stem>; story.toml is not a scenario)."""
    paths = sorted(SHIPPED_SCENARIOS_DIR.glob("*.toml"), key=lambda p: (p.stem != "baseline", p))
    paths += sorted(p for p in WORKSHOP_DIR.glob("*.toml") if p.name != STORY_FILE)
    return {
        path.stem if path.parent == SHIPPED_SCENARIOS_DIR else preset_name(path.name): path
        for path in paths
    }


@st.cache_resource
def shipped_presets() -> tuple[dict[str, Scenario], dict[str, str]]:
    """Shipped scenarios by name (baseline first), and files that failed with their error."""
    presets: dict[str, Scenario] = {}
    errors: dict[str, str] = {}
    for name, path in preset_paths().items():
        try:
            presets[name] = load_scenario(path)
        except ScenarioError as error:
            errors[name] = str(error)
    return presets, errors


@st.cache_resource
def stories() -> tuple[tuple[Story, ...], dict[str, str]]:
    """The workshop stories (the built-in baseline one first), and story files that failed
    with their error."""
    found, errors = [BASELINE_STORY], {}
    path = WORKSHOP_DIR / STORY_FILE
    try:
        found.append(load_story(path))
    except StoryError as error:
        errors[str(path)] = str(error)
    return tuple(found), errors


@st.cache_data(max_entries=64, show_spinner=False)
def parsed_upload(text: str, origin: str) -> Scenario:
    """Validate uploaded TOML text (raises ScenarioError with a clear message). Its
    ScenarioWarnings were shown when it was uploaded (`tabs_more._on_upload`), not again."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return parse_scenario_text(text, origin=origin)
