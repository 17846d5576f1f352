"""The app's worker processes: a large fan runs on them, with the numbers of one process."""

from __future__ import annotations

import dataclasses
import os
import signal

import numpy as np
import pytest
import streamlit as st

import flywheel
from flywheel.results.summary import summarise
from flywheel.ui import cache, workers

REPLICATIONS = workers.SPLIT_MIN_REPLICATIONS  # the smallest fan that is split


@pytest.fixture
def two_workers(monkeypatch):
    """FLYWHEEL_APP_WORKERS=2 with fresh caches; the workers are shut down afterwards."""
    monkeypatch.setenv("FLYWHEEL_APP_WORKERS", "2")
    st.cache_data.clear()
    workers.app_workers.clear()
    yield
    workers.app_workers().close()
    workers.app_workers.clear()
    st.cache_data.clear()


def test_worker_count_comes_from_the_environment(monkeypatch, caplog):
    monkeypatch.setenv("FLYWHEEL_APP_WORKERS", "0")
    assert workers.worker_count() == 0 and not workers.splits(1000)
    monkeypatch.setenv("FLYWHEEL_APP_WORKERS", "3")
    assert workers.worker_count() == 3
    assert workers.splits(REPLICATIONS) and not workers.splits(REPLICATIONS - 1)
    monkeypatch.setenv("FLYWHEEL_APP_WORKERS", "two")
    assert workers.worker_count() == 1
    assert "FLYWHEEL_APP_WORKERS = 'two'" in caplog.text


def test_a_large_fan_in_the_app_runs_on_the_workers_with_the_same_kpis(make_app, two_workers):
    at = make_app()
    at.number_input(key="replications").set_value(REPLICATIONS).run()
    assert workers.app_workers().wait_ready(120)
    runs = workers.app_workers().runs
    at.slider(key="lever:pass_through_share").set_value(0.9).run()
    assert not at.exception
    assert workers.app_workers().runs == runs + 1  # this fan ran on the worker processes
    captions = [caption.value for caption in at.sidebar.caption]
    assert "Runs on 2 worker processes, side by side." in captions
    on_workers = [(m.label, m.value, m.delta) for m in at.metric]

    st.cache_data.clear()
    os.environ["FLYWHEEL_APP_WORKERS"] = "1"  # the same session's next run: in-process
    at.slider(key="lever:pass_through_share").set_value(0.9).run()
    at.run()
    assert workers.app_workers().runs == runs + 1
    assert "Runs in the app's process." in [caption.value for caption in at.sidebar.caption]
    assert [(m.label, m.value, m.delta) for m in at.metric] == on_workers


def test_the_fan_equals_simulate_bit_for_bit_and_survives_a_dead_worker(
    baseline, two_workers, caplog
):
    outputs = cache.SUMMARY_OUTPUTS
    pool = workers.app_workers()
    assert pool.wait_ready(120)
    expected = summarise(flywheel.simulate(baseline, REPLICATIONS, 3, outputs=outputs))
    on_workers = workers.simulate_fan(baseline, REPLICATIONS, 3, outputs, summarise)
    assert pool.runs == 1
    np.testing.assert_array_equal(on_workers.bands, expected.bands)
    assert on_workers.kpi_bands == expected.kpi_bands

    for future in pool.started:  # kill the workers: the next fan runs here instead
        os.kill(future.result(), signal.SIGKILL)
    after = workers.simulate_fan(baseline, REPLICATIONS, 3, outputs, summarise)
    np.testing.assert_array_equal(after.bands, expected.bands)
    assert "worker processes failed" in caplog.text
    assert workers.app_workers() is not pool  # a fresh set is started for the next fans


def test_the_why_tables_run_side_by_side_with_the_numbers_of_one_process(baseline, two_workers):
    """The tornado's runs are split over the two workers while the app's process runs the
    attribution: the same tables as one after the other in one process."""
    import dataclasses

    import pandas as pd

    from flywheel.experiments import attribute, lever_importance

    short = dataclasses.replace(baseline, horizon_weeks=156)
    expected = (
        attribute(short, "revenue_usd@year3", 3, 0).waterfall(),
        lever_importance(short, "revenue_usd@year3", 3, 0).head(workers.TORNADO_SHOWN),
    )
    pool = workers.app_workers()
    assert pool.wait_ready(120)
    runs = pool.runs
    attribution, tornado = workers.why_tables(short, "revenue_usd", 3, 0)
    assert pool.runs == runs + 1  # the tornado ran on the workers
    pd.testing.assert_frame_equal(attribution, expected[0])
    pd.testing.assert_frame_equal(tornado, expected[1])
    assert tornado.attrs == expected[1].attrs


def test_the_tornado_records_only_its_outcome_output(baseline, monkeypatch) -> None:
    """The tornado's one batch (~3 600 runs at the app's 20) keeps only the output its
    outcome reads; recording all 79 took ~1.1 GB and a third of its time."""
    from flywheel.experiments import executors, lever_importance

    kept: list[frozenset[str] | None] = []
    real = executors.SeriesRecorder

    def recorder(weeks, keep=None):  # type: ignore[no-untyped-def]
        kept.append(None if keep is None else frozenset(keep))
        return real(weeks, keep)

    monkeypatch.setattr(executors, "SeriesRecorder", recorder)
    short = dataclasses.replace(baseline, horizon_weeks=156)
    table = lever_importance(short, "revenue_usd@year3", 2, 0)
    assert len(table) > 0
    assert kept == [frozenset({"revenue_usd"})]
