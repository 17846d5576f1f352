"""AppTest: the Dashboard's "Which lever matters?" waits for the levers to rest, never holds
up the KPIs, is cancelled by the next lever move, and is kept per scenario and KPI."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import flywheel
from flywheel.experiments.lever_ranking import lever_ranking
from flywheel.plots.lever_ranking import largest_changes_text, ranking_frame
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR
from flywheel.ui import lever_ranking as ui_ranking

LEVERS = ("seller_take_rate_share", "basket_usd", "price_cap_relative", "visit_rate_per_week")
REPLICATIONS = 2
WAIT_SECONDS = 120  # for a background ranking to finish (never a speed assertion)


class Clock:
    """A clock the test moves: the rest period passes when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def rest(self) -> None:
        """Let the levers rest for longer than the debounce period."""
        self.now += ui_ranking.DEBOUNCE_SECONDS + 0.1


@pytest.fixture
def clock(monkeypatch) -> Iterator[Clock]:
    """The ranking switched on, over four levers and two replications, with a test clock;
    every job cancelled and the rankings forgotten afterwards."""
    monkeypatch.setenv("FLYWHEEL_APP_LEVER_RANKING", "1")
    monkeypatch.setattr(ui_ranking, "RANKING_LEVERS", LEVERS)
    monkeypatch.setattr(ui_ranking, "RANKING_REPLICATIONS", REPLICATIONS)
    fake = Clock()
    monkeypatch.setattr(ui_ranking, "clock", fake)
    ui_ranking.registry.clear()
    yield fake
    for key in list(ui_ranking.registry().jobs):
        ui_ranking.registry().cancel(key)
    ui_ranking.registry.clear()


def walk(node: Any) -> Iterator[Any]:
    """Every element under `node`, in page order."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for key in sorted(children):
        yield from walk(children[key])


def ranking_charts(at) -> int:
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    return sum(spec["description"] == "lever ranking" for spec in specs)


def texts(at) -> str:
    return " ".join(markdown.value for markdown in at.main.markdown)


def captions(at) -> str:
    return " ".join(caption.value for caption in at.main.caption)


def own_job(at) -> ui_ranking.RankingJob:
    return ui_ranking.registry().jobs[at.session_state["ranking_job"]]


def finish(at) -> None:
    """Wait for this session's ranking, then rerun as the fragment's timer would."""
    assert own_job(at).done.wait(WAIT_SECONDS)
    at.run()


def test_the_ranking_appears_after_the_rest_below_the_kpis(make_app, clock) -> None:
    at = make_app()
    assert not at.exception and len(at.metric) == 6 and ranking_charts(at) == 0
    assert "starts once the levers rest" in captions(at)
    page = list(walk(at.main))
    heading = next(i for i, e in enumerate(page) if "Which lever matters" in str(e.value))
    assert max(i for i, e in enumerate(page) if e.type == "metric") < heading  # KPIs first
    assert "ranking_job" not in at.session_state  # nothing runs while the levers move

    clock.now += ui_ranking.DEBOUNCE_SECONDS - 0.2
    at.run()
    assert "ranking_job" not in at.session_state
    clock.rest()
    at.run()
    job = own_job(at)
    assert not job.on_workers  # the app tests run without worker processes
    finish(at)
    assert not at.exception and ranking_charts(at) == 1 and len(at.metric) == 6
    baseline = flywheel.load_scenario(SHIPPED_SCENARIOS_DIR / "baseline.toml")
    expected = lever_ranking(baseline, "revenue", REPLICATIONS, 0, LEVERS)
    words = [markdown.value for markdown in at.main.markdown]
    assert largest_changes_text(ranking_frame(expected)) in words  # the library's numbers
    assert "Which lever matters for revenue over the last year?" in texts(at)

    at.selectbox(key="ranking_kpi").set_value("customers").run()  # another KPI: its own
    assert ranking_charts(at) == 0 and "active customers at the end" in texts(at)
    finish(at)
    assert ranking_charts(at) == 1
    at.selectbox(key="ranking_kpi").set_value("revenue").run()  # kept: shown at once
    assert ranking_charts(at) == 1 and largest_changes_text(ranking_frame(expected)) in [
        markdown.value for markdown in at.main.markdown
    ]


def test_a_lever_move_cancels_the_ranking_and_each_scenario_keeps_its_own(
    make_app, clock, monkeypatch
) -> None:
    gate = threading.Event()  # holds the ranking's batches until the test lets them run
    real_run_one = ui_ranking.run_one

    def held_run_one(batch: Any) -> Any:
        assert gate.wait(WAIT_SECONDS)
        return real_run_one(batch)

    monkeypatch.setattr(ui_ranking, "run_one", held_run_one)
    at = make_app()
    clock.rest()
    at.run()
    first = own_job(at)
    at.run()  # a rerun while it runs: the page is drawn, the ranking still in progress
    (progress,) = at.main.get("progress")
    assert len(at.metric) == 6 and progress.proto.text.startswith("Ranking the levers for revenue")

    before = [metric.value for metric in at.metric]
    at.slider(key="lever:pass_through_share").set_value(0.9).run()
    assert first.cancelled.is_set() and first.key not in ui_ranking.registry().jobs
    assert "ranking_job" not in at.session_state
    assert [metric.value for metric in at.metric] != before  # the new KPIs, not held up
    assert "starts once the levers rest" in captions(at) and ranking_charts(at) == 0
    gate.set()
    assert first.done.wait(WAIT_SECONDS)
    assert ui_ranking.registry().table(first.key) is None  # a cancelled ranking is not kept

    clock.rest()
    at.run()
    second = own_job(at)
    assert second.key != first.key
    finish(at)
    assert ranking_charts(at) == 1
    at.slider(key="lever:pass_through_share").set_value(0.8).run()
    assert ranking_charts(at) == 0
    at.slider(key="lever:pass_through_share").set_value(0.9).run()  # ranked before: at once
    assert ranking_charts(at) == 1 and "ranking_job" not in at.session_state


def test_switched_off_nothing_is_ranked(make_app, clock, monkeypatch) -> None:
    gate = threading.Event()
    real_run_one = ui_ranking.run_one
    monkeypatch.setattr(ui_ranking, "run_one", lambda batch: gate.wait(60) and real_run_one(batch))
    at = make_app()
    clock.rest()
    at.run()
    running = own_job(at)
    at.toggle(key="ranking_on").set_value(False).run()  # switched off: the running one stops
    assert running.cancelled.is_set()
    gate.set()
    clock.rest()
    at.run()
    assert "Switched off" in captions(at) and "ranking_job" not in at.session_state
    assert not ui_ranking.registry().jobs and ranking_charts(at) == 0


def test_the_ranking_runs_on_the_worker_processes_with_the_same_numbers(
    make_app, clock, monkeypatch
) -> None:
    """With worker processes the batches go to them (one in flight per worker), and the
    table is the one of a single process."""
    import streamlit as st

    from flywheel.ui import workers

    monkeypatch.setenv("FLYWHEEL_APP_WORKERS", "2")
    monkeypatch.setattr(ui_ranking, "CHUNK_RUNS", 5)  # 18 runs: four batches
    st.cache_data.clear()
    workers.app_workers.clear()
    try:
        at = make_app()
        assert workers.app_workers().wait_ready(WAIT_SECONDS)
        clock.rest()
        at.run()
        job = own_job(at)
        assert job.on_workers and len(job.batches) == 4
        finish(at)
        assert not at.exception and ranking_charts(at) == 1
        baseline = flywheel.load_scenario(SHIPPED_SCENARIOS_DIR / "baseline.toml")
        expected = lever_ranking(baseline, "revenue", REPLICATIONS, 0, LEVERS)
        shown = ui_ranking.registry().table(job.key)
        assert shown is not None and shown.equals(expected)
    finally:
        workers.app_workers().close()
        workers.app_workers.clear()
        st.cache_data.clear()


def test_watch_and_why_reconcile_dominant_now_with_largest_contribution(make_app) -> None:
    """Both places that show a loop ranking say which question theirs answers; the Why tab
    names the waterfall's largest contribution and the loops dominant at the run's end."""
    from flywheel.experiments.loop_reading import dominant_now, largest_contribution, loop_effects
    from flywheel.scenario.schema import LOOP_IDS
    from flywheel.ui import cache

    at = make_app()
    at.session_state["tab"] = "Watch it turn"
    at.run()
    assert any(
        caption.value.startswith("Dominant now is the strongest link this week, not the largest")
        for caption in at.main.caption
    )
    at.session_state["tab"] = "Why"
    at.run()
    at.number_input(key="why_replications").set_value(3).run()
    at.button(key="why_run").click().run()
    assert not at.exception
    baseline = flywheel.load_scenario(SHIPPED_SCENARIOS_DIR / "baseline.toml")
    waterfall, _ = cache.why_tables(baseline, "revenue_usd", 3, 0)
    effects = loop_effects(waterfall)
    summary = cache.summary(baseline, cache.DEFAULT_REPLICATIONS, 0)
    gains = {loop: summary.median(f"gain_{loop}", summary.weeks - 1) for loop in LOOP_IDS}
    largest, dominant = largest_contribution(effects), dominant_now(gains)
    text = texts(at)
    assert "Dominant now or largest contribution?" in text
    assert f"Largest contribution to Revenue (USD, last year): {largest} " in text
    assert f"by loop gain: {dominant} " in text


def test_a_worker_set_that_fails_under_a_ranking_leaves_it_to_the_apps_process() -> None:
    """Workers shut down (or broken) mid-ranking: the batches left run in the job's thread,
    with the same table."""
    import dataclasses

    from flywheel.experiments.lever_ranking import ranking_plan

    class ShutDown:
        workers = 2

        def submit(self, *arguments: Any) -> Any:
            raise RuntimeError("cannot schedule new futures after shutdown")

    baseline = flywheel.load_scenario(SHIPPED_SCENARIOS_DIR / "baseline.toml")
    short = dataclasses.replace(baseline, horizon_weeks=156)
    book = ui_ranking._Registry()
    plan = ranking_plan(short, "customers", REPLICATIONS, 0, LEVERS)
    job = ui_ranking.RankingJob("k", plan, short, "customers", ShutDown(), book)  # type: ignore[arg-type]
    assert job.done.wait(WAIT_SECONDS)
    assert not job.on_workers and job.error is None and "k" not in book.jobs
    table = book.table("k")
    assert table is not None
    assert table.equals(lever_ranking(short, "customers", REPLICATIONS, 0, LEVERS))
