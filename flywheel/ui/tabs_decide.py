"""The Decide tab: a short robust policy search, the best policy against the current one, and
where the baseline's flywheel stalls (a shipped discovery run).

The search is `flywheel.experiments.policy_search` (Optuna, seeded) on futures of the current
scenario: replication ids and, when asked, a Latin-hypercube draw of the shipped deep
uncertainties (`scenarios/futures/retail_deep_uncertainties.toml`), the same for every
candidate. It runs on the app's worker processes once they are up (else in this process), in
generations, with a progress bar; it stops at `SEARCH_LIMIT_SECONDS`, and pressing *Stop*
(any widget) interrupts it between batches. The result is cached per scenario and settings
(`st.cache_data`), never kept in session state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from flywheel.experiments.decide_outputs import out_of_sample
from flywheel.experiments.futures import load_uncertainties
from flywheel.experiments.importance import lever_moves
from flywheel.experiments.outcomes import Outcome
from flywheel.experiments.policy_search import run_search, search_spec
from flywheel.plots import charts
from flywheel.scenario.drivers import DATA_DIR
from flywheel.scenario.lever_groups import lever_specs_by_name
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR, Scenario, with_parameters
from flywheel.ui import cache, workers
from flywheel.ui.tabs_main import ab_legend, panel_grid

UNCERTAINTIES = SHIPPED_SCENARIOS_DIR / "futures" / "retail_deep_uncertainties.toml"
STALL_BOXES = DATA_DIR / "baseline_stall_boxes.csv"
DEFAULT_LEVERS = ("pass_through_share", "marketing_share_of_revenue", "prime_fee_usd_per_year")
MAX_LEVERS = 5
LEVER_RANGE_SHARE = 0.5  # each lever searched over its value ± 50 %, clipped to its range
POPULATION = 8  # candidates per generation
FRESH_FUTURES = 50  # the chosen policy against the current one on new futures
SEARCH_LIMIT_SECONDS = 60.0
# Replication-weeks a search may ask for: about 20 s on one core (2e-6 s per
# replication-week measured on the development machine), a third of the time limit.
MAX_REPLICATION_WEEKS = 1e7


@dataclass(frozen=True)
class Found:
    """A finished search, small: the chosen levers, the best candidates, the fresh-future
    comparison, and the generations done when the time limit stopped it (0: all)."""

    best: dict[str, float]
    trials: pd.DataFrame
    fresh: pd.DataFrame
    stopped_after: int
    feasible: bool


def objectives(scenario: Scenario) -> dict[str, str]:
    """Label -> objective text (the `flywheel optimize` grammar)."""
    revenue = Outcome.last_year("revenue_usd", scenario.horizon_weeks).text
    return {
        "NPV of operating income at 10 %/yr (mean)": "max npv_operating_income_usd",
        "customers at the horizon (10 % quantile: robust)": "max customers q10",
        "revenue in the last model year (mean)": f"max {revenue}",
    }


class SearchStopped(Exception):
    """The time limit stopped a search: its partial result, shown but not cached."""

    def __init__(self, found: Found) -> None:
        super().__init__("stopped at the time limit")
        self.found = found


@st.cache_data(max_entries=8, show_spinner=False)
def _search(
    _scenario: Scenario,
    key: str,
    ranges: tuple[tuple[str, float, float], ...],
    objective: str,
    uncertain: bool,
    futures: int,
    generations: int,
    seed: int,
    _progress: Any,
) -> Found:
    space = ()
    if uncertain:
        chosen = {name for name, _, _ in ranges}
        space = tuple(r for r in load_uncertainties(UNCERTAINTIES) if r.lever not in chosen)
    spec = search_spec(
        _scenario,
        [f"{name}[{low!r},{high!r}]" for name, low, high in ranges],
        [objective],
        constraints=["insolvent_share<=0.05"],
        uncertainties=space,
        futures=futures,
        generations=generations,
        population=POPULATION,
        seed=seed,
        chunk_size=max(1, -(-POPULATION * futures // 2)),  # two batches: one per worker
    )
    deadline = time.monotonic() + SEARCH_LIMIT_SECONDS

    def search(executor: Any) -> Found:
        result = run_search(
            spec, executor=executor, progress=_progress, stop=lambda: time.monotonic() > deadline
        )
        fresh = out_of_sample(result, FRESH_FUTURES, executor)
        trials = result.trials().sort_values(spec.objectives[0].column, ascending=False)
        return Found(
            result.best_levers(),
            trials.head(10).reset_index(drop=True),
            fresh,
            int(result.extra.get("stopped_after", 0)),
            bool(result.feasible[result.best_index]),
        )

    found = workers.run_with_workers(search)
    if found.stopped_after:
        raise SearchStopped(found)  # not cached: a rerun may go further
    return found


def _apply(best: dict[str, float]) -> None:
    """Callback: the sidebar's levers take the chosen policy's values."""
    for name, value in best.items():
        st.session_state[f"lever:{name}"] = float(value)


def _settings(scenario: Scenario) -> tuple[str, list[str], bool, int, int]:
    """The tab's widgets: objective, levers, uncertainties on, futures, generations."""
    goals = objectives(scenario)
    left, right = st.columns(2)
    label = left.selectbox("Objective", list(goals), key="decide_objective", persist_state="page")
    levers = right.multiselect(
        f"Decision levers (up to {MAX_LEVERS})",
        list(lever_specs_by_name()),
        default=list(DEFAULT_LEVERS),
        max_selections=MAX_LEVERS,
        key="decide_levers",
        persist_state="page",
    )
    left, middle, right = st.columns(3)
    uncertain = left.checkbox(
        "Judge over deep uncertainties",
        value=True,
        key="decide_uncertain",
        help="market growth, competitor price trend, price elasticity and imitation drawn "
        "over ranges no one can rule out (scenarios/futures/retail_deep_uncertainties.toml)",
        persist_state="page",
    )
    futures = int(middle.number_input("Futures per candidate", 5, 100, 20, key="decide_futures"))
    generations = int(
        right.number_input("Generations (x 8 candidates)", 1, 20, 6, key="decide_gens")
    )
    return goals[label], levers, uncertain, futures, generations


def decide(scenario: Scenario, replications: int, seed: int) -> None:
    """The Decide tab (see the module docstring)."""
    st.markdown(
        "Which levers do best **across futures we cannot rule out**? A short search "
        "(Optuna, seeded) judges every candidate on the same futures (common random "
        "numbers), keeps insolvent futures at most 5 %, then checks the winner against the "
        f"current levers on {FRESH_FUTURES} fresh futures."
    )
    objective, levers, uncertain, futures, generations = _settings(scenario)
    runs = generations * POPULATION * futures + 2 * FRESH_FUTURES
    if not levers:
        st.info("Pick at least one decision lever.")
    elif runs * scenario.horizon_weeks > MAX_REPLICATION_WEEKS:
        st.warning(
            f"{runs:,} runs of {scenario.horizon_weeks} weeks: too many for the app; "
            "fewer futures or generations, or `flywheel optimize`."
        )
    else:
        ranges = tuple(
            (name, *lever_moves(scenario, [name], LEVER_RANGE_SHARE)[name]) for name in levers
        )
        st.caption(
            "Search ranges: "
            + ", ".join(f"{name} {low:.4g} to {high:.4g}" for name, low, high in ranges)
            + f" (the current value ± {LEVER_RANGE_SHARE:.0%}); {runs:,} runs."
        )
        run, _ = st.columns([1, 3])
        if run.button("Search", key="decide_run", type="primary"):
            st.session_state["decide_asked"] = cache.scenario_key(scenario)
        if st.session_state.get("decide_asked") == cache.scenario_key(scenario):
            _result(
                scenario, ranges, objective, uncertain, futures, generations, replications, seed
            )
    stall_boxes()


def _result(
    scenario: Scenario,
    ranges: tuple[tuple[str, float, float], ...],
    objective: str,
    uncertain: bool,
    futures: int,
    generations: int,
    replications: int,
    seed: int,
) -> None:
    st.button("Stop", key="decide_stop", help="interrupts the search (any widget does)")
    bar = st.progress(0.0, text="searching…")

    def progress(done: int, total: int) -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=f"{done:,} of {total:,} runs")

    key = cache.scenario_key(scenario)
    try:
        found = _search(
            scenario, key, ranges, objective, uncertain, futures, generations, seed, progress
        )
    except SearchStopped as stopped:
        found = stopped.found
        st.warning(
            f"Stopped at the {SEARCH_LIMIT_SECONDS:.0f} s limit after "
            f"{found.stopped_after} generations: the best so far."
        )
    bar.empty()
    best_scenario = with_parameters(scenario, found.best, origin="Decide tab")
    rows = [
        {"lever": name, "current": getattr(scenario.levers, name), "best policy": value}
        for name, value in found.best.items()
    ]
    st.subheader("Best policy")
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if not found.feasible:
        st.warning("No candidate kept insolvent futures at most 5 %: the least violating one.")
    st.button("Apply to the sidebar", key="decide_apply", on_click=_apply, args=(found.best,))
    shown = found.fresh[
        [
            "row",
            "start",
            "best",
            "difference_mean",
            "difference_ci95_low",
            "difference_ci95_high",
            "p_value",
        ]
    ]
    st.markdown(f"**On {FRESH_FUTURES} fresh futures** (current vs best policy, paired)")
    st.dataframe(shown, hide_index=True)
    a = cache.summary(scenario, replications, seed)
    b = cache.summary(best_scenario, replications, seed)
    st.markdown(ab_legend("current levers", "best policy"), unsafe_allow_html=True)
    st.caption(
        "Medians and 5–95 % bands over the sidebar's replications, at the scenario's "
        "own values of the uncertain levers."
    )
    panel_grid(
        charts.compare_frame(a, b), charts.compare_spec(by_date=charts.on_one_calendar(a, b))
    )
    with st.expander("The search's best candidates (in sample)"):
        st.dataframe(found.trials, hide_index=True)


def stall_boxes() -> None:
    """The shipped discovery run: where the baseline's revenue stalls."""
    st.subheader("Where the baseline stalls")
    table = pd.read_csv(STALL_BOXES)
    case = table["case"].iloc[0]
    stats = table.iloc[0]
    st.markdown(
        f"Runs with `{case}` (scenario discovery, PRIM over a 2 000-run Latin-hypercube "
        f"sweep of the baseline): box 0 holds {stats['coverage']:.0%} of them (coverage) and "
        f"{stats['density']:.0%} of its runs are such (density), in {stats['mass']:.0%} of the "
        "sampled space. Made by `docs/gen_stall_boxes.py`; `flywheel discover` for your own."
    )
    st.dataframe(
        table[
            [
                "box",
                "lever",
                "low",
                "high",
                "range_low",
                "range_high",
                "coverage",
                "density",
                "mass",
            ]
        ],
        hide_index=True,
    )
