"""The Dashboard's "Which lever matters?": the lever ranking for a KPI, in the background.

The ranking is the library's lever importance (`experiments.lever_ranking.ranking_plan`, the
Why tab's tornado with a 10 % move), about 2 150 runs at 10 replications. It must never delay
the KPIs and charts, so:

- it starts only once the levers have rested for `DEBOUNCE_SECONDS` (`note_scenario`, called
  as soon as the sidebar has built the scenario, notes when it last changed);
- it runs on the server's worker processes (`workers.app_workers`), cut into batches of
  `CHUNK_RUNS` runs with at most one batch per worker in flight, so a fan that a lever change
  sends to the workers waits for at most one short batch (with no worker processes, in a
  thread of the app's process, one batch at a time);
- the next lever change cancels it before that change's fan runs (`note_scenario`);
- an `st.fragment` with `run_every` polls it, and the whole page reruns once when it is done
  (which stops the timer);
- finished rankings are kept for every session, per scenario, KPI and seed (`_Registry`).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

import streamlit as st

from flywheel.experiments.executors import ProcessExecutor, run_one
from flywheel.experiments.importance import ImportancePlan
from flywheel.experiments.lever_ranking import (
    KPI_KEYS,
    RANKING_REPLICATIONS,
    RANKING_SHARE,
    kpi_label,
    kpi_words,
    ranking_plan,
    ranking_rows,
)
from flywheel.plots.lever_ranking import largest_changes_text, ranking_frame, ranking_spec
from flywheel.scenario.loading import Scenario
from flywheel.ui import cache, workers

if TYPE_CHECKING:
    import pandas as pd

LOG = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 1.0  # the levers "rest" after this long without a change
POLL_SECONDS = 0.5  # how often the fragment looks at a running ranking
CHUNK_RUNS = 50  # runs a batch: half a worker's share of a 200-replication fan (a fan waits less)
CONTAINER_KEY = "lever_ranking"  # in the page: the element of class st-key-lever_ranking
KEPT_RANKINGS = 32  # finished rankings kept for every session
RANKING_LEVERS: tuple[str, ...] | None = None  # None: every lever that can move (tests narrow it)
clock = time.monotonic  # tests replace it to step time


def default_on() -> bool:
    """The switch's first position: on unless FLYWHEEL_APP_LEVER_RANKING is 0 (the app tests
    keep it off, except those of the ranking)."""
    return os.environ.get("FLYWHEEL_APP_LEVER_RANKING", "1").strip() != "0"


class RankingJob:
    """One ranking running in a background thread: the plan's batches on `executor` (None =
    in that thread), then the table, stored in `registry`. `cancel()` stops it between
    batches."""

    def __init__(
        self,
        key: str,
        plan: ImportancePlan,
        scenario: Scenario,
        kpi: str,
        executor: ProcessExecutor | None,
        registry: _Registry,
    ) -> None:
        self.key, self.plan, self.scenario, self.kpi = key, plan, scenario, kpi
        self.batches = plan.batches(max(1, -(-plan.runs // CHUNK_RUNS)))
        self.results: list[Any] = [None] * len(self.batches)
        self.finished = 0  # batches done
        self.error: str | None = None
        self.cancelled = threading.Event()
        self.done = threading.Event()
        self._executor, self._registry = executor, registry
        self.on_workers = executor is not None
        self._thread = threading.Thread(target=self._drive, name="lever-ranking", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop after the batches now running (their results are dropped)."""
        self.cancelled.set()

    def _drive(self) -> None:
        try:
            if self._executor is not None:
                try:
                    self._on_workers(self._executor)
                except (BrokenProcessPool, OSError, RuntimeError) as error:
                    # a worker died, or the set was shut down after a failure (and replaced):
                    # the batches left run here
                    LOG.warning("lever ranking: worker processes failed (%s)", error)
                    self.on_workers = False
            for index, result in enumerate(self.results):
                if self.cancelled.is_set():
                    return
                if result is None:
                    self.results[index] = run_one(self.batches[index])
                    self.finished += 1
            if self.cancelled.is_set():  # during the last batch: its results are dropped too
                return
            table = ranking_rows(self.plan.table(self.results), self.scenario, self.kpi)
            self._registry.store(self.key, table)
        except Exception as error:  # shown by the fragment instead of lost in a thread
            LOG.exception("lever ranking failed")
            self.error = f"{type(error).__name__}: {error}"
        finally:
            self.done.set()
            self._registry.forget(self)

    def _on_workers(self, executor: ProcessExecutor) -> None:
        """Run the batches with one in flight per worker, until done or cancelled."""
        todo = list(range(len(self.batches)))
        running: dict[Future[Any], int] = {}
        while (todo or running) and not self.cancelled.is_set():
            while todo and len(running) < executor.workers:
                index = todo.pop(0)
                running[executor.submit(run_one, self.batches[index])] = index
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                self.results[running.pop(future)] = future.result()
                self.finished += 1


class _Registry:
    """The server's rankings: running jobs and finished tables (the last `KEPT_RANKINGS`),
    both by key (scenario, KPI, seed, replications, levers)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[str, RankingJob] = {}
        self.tables: OrderedDict[str, pd.DataFrame] = OrderedDict()

    def table(self, key: str) -> pd.DataFrame | None:
        with self.lock:
            table = self.tables.get(key)
            if table is not None:
                self.tables.move_to_end(key)
            return table

    def store(self, key: str, table: pd.DataFrame) -> None:
        with self.lock:
            self.tables[key] = table
            while len(self.tables) > KEPT_RANKINGS:
                self.tables.popitem(last=False)

    def forget(self, job: RankingJob) -> None:
        """Drop a finished or cancelled job (a failed one stays until its error is shown)."""
        with self.lock:
            if self.jobs.get(job.key) is job and (job.error is None or job.cancelled.is_set()):
                del self.jobs[job.key]

    def cancel(self, key: str) -> None:
        with self.lock:
            job = self.jobs.pop(key, None)
        if job is not None:
            job.cancel()


@st.cache_resource(show_spinner=False)
def registry() -> _Registry:
    """The rankings of every session (one registry per server)."""
    return _Registry()


def ranking_key(scenario: Scenario, kpi: str, seed: int) -> str:
    """The cache key of one ranking: scenario (every field), KPI, seed and run size."""
    text = f"{cache.scenario_key(scenario)}|{kpi}|{seed}|{RANKING_REPLICATIONS}|{RANKING_LEVERS}"
    return hashlib.sha1(text.encode()).hexdigest()


def note_scenario(scenario: Scenario, seed: int) -> None:
    """Called on every run as soon as the scenario is built: a new scenario (or seed) restarts
    the rest period and cancels this session's running ranking before the new fan runs."""
    state = st.session_state
    key = hashlib.sha1(f"{cache.scenario_key(scenario)}|{seed}".encode()).hexdigest()
    if state.get("ranking_scenario") != key:
        state["ranking_scenario"] = key
        state["ranking_since"] = clock()
        own = state.pop("ranking_job", None)
        if own is not None:
            registry().cancel(own)


def _waiting(scenario: Scenario, kpi: str, seed: int) -> bool:
    """True while the switch is on and this ranking is not ready: the fragment then polls."""
    if not st.session_state.get("ranking_on", default_on()):
        return False
    book, key = registry(), ranking_key(scenario, kpi, seed)
    job = book.jobs.get(key)
    return book.table(key) is None and (job is None or job.error is None)


def panel(scenario: Scenario, seed: int) -> None:
    """The Dashboard's "Which lever matters?" (a fragment that never holds up the page)."""
    kpi = st.session_state.get("ranking_kpi", KPI_KEYS[0])
    waiting = _waiting(scenario, kpi, seed)
    interval = POLL_SECONDS if waiting else None
    with st.container(key=CONTAINER_KEY):  # the browser tests and bench/app_browser.py find it
        st.fragment(run_every=interval)(_ranking)(scenario, seed, timer_is_on=waiting)


def _executor() -> ProcessExecutor | None | bool:
    """The worker processes' executor; None with no worker processes (the ranking runs in a
    thread here); False while they start (the ranking waits for them)."""
    in_main = multiprocessing.current_process().name == "MainProcess"
    if workers.worker_count() < 2 or not in_main:
        return None
    pool = workers.app_workers()
    return pool.executor if pool.is_ready() else False


def _ranking(scenario: Scenario, seed: int, timer_is_on: bool) -> None:
    state = st.session_state
    kpi = state.get("ranking_kpi", KPI_KEYS[0])
    st.markdown(f"#### Which lever matters for {kpi_words(kpi)}?")
    left, right = st.columns([3, 2])
    kpi = left.selectbox(
        "KPI", KPI_KEYS, format_func=kpi_label, key="ranking_kpi", label_visibility="collapsed"
    )
    is_on = right.toggle(
        "Rank the levers",
        value=default_on(),
        key="ranking_on",
        help=f"Moves every lever ±{RANKING_SHARE * 100:g} % in the background once the levers "
        "rest (on the worker processes; never holds up the charts).",
    )
    if _waiting(scenario, kpi, seed) != timer_is_on:
        st.rerun()  # only a run of the whole page starts or stops the fragment's timer
    if not is_on:
        st.caption("Switched off: no ranking is computed.")
        own = state.pop("ranking_job", None)
        if own is not None:
            registry().cancel(own)
        return
    key = ranking_key(scenario, kpi, seed)
    table = registry().table(key)
    if table is None:
        _advance(scenario, kpi, seed, key)
        return
    frame, share = ranking_frame(table), f"{RANKING_SHARE * 100:g} %"
    st.vega_lite_chart(frame, ranking_spec(frame), width="stretch")
    st.markdown(largest_changes_text(frame))
    st.caption(
        f"Each lever moved {share} of its value one at a time (up, or down at the top of its "
        f"range), {table.attrs['replications']} replications with common random numbers; ranked "
        f"by the swing between −{share} and +{share} (flywheel.experiments.lever_importance, as "
        "the Why tab's tornado). Levers at 0 (switched off, e.g. a price cap) are left out. Top "
        f"{len(frame)} of {len(table)}; bars in "
        f"{'% of the mean' if frame.attrs['in_percent'] else 'the unit'} of "
        f"{table.attrs['label']}."
    )


def _advance(scenario: Scenario, kpi: str, seed: int, key: str) -> None:
    """Start the ranking once the levers rest, or show how far it is."""
    state, book = st.session_state, registry()
    job = book.jobs.get(key)
    if job is None:
        if clock() - state.get("ranking_since", 0.0) < DEBOUNCE_SECONDS:
            st.caption("The ranking starts once the levers rest for a second.")
            return
        executor = _executor()
        if executor is False:
            st.caption("The ranking waits for the worker processes to start…")
            return
        plan = ranking_plan(scenario, kpi, RANKING_REPLICATIONS, seed, RANKING_LEVERS)
        with book.lock:
            job = book.jobs.get(key)
            if job is None:
                job = RankingJob(key, plan, scenario, kpi, executor or None, book)
                book.jobs[key] = job
        own = state.get("ranking_job")
        if own is not None and own != key:
            book.cancel(own)  # e.g. another KPI picked: its ranking is not needed now
        state["ranking_job"] = key
    if job.error is not None:
        st.warning(f"The lever ranking failed ({job.error}); move a lever to try again.")
        return
    where = "the worker processes" if job.on_workers else "the app's process"
    st.progress(
        job.finished / len(job.batches),
        text=f"Ranking the levers for {kpi_words(kpi)} on {where}…",
    )
