"""Executor equivalence: sequential, local processes and Dask give the same bytes."""

from __future__ import annotations

import numpy as np
import pytest

from flywheel.experiments import (
    AutoExecutor,
    DaskExecutor,
    ProcessExecutor,
    SequentialExecutor,
    attribute,
    grid_points,
    make_executor,
    monte_carlo,
    run_sweep,
)

pytestmark = pytest.mark.xdist_group("dask")
OUTPUTS = ("customers", "revenue_usd")


def _experiments(short, executor, folder):
    mc = monte_carlo(short, 9, seed=5, outputs=OUTPUTS, chunk_size=2, executor=executor)
    names, points = grid_points({"pass_through_share": "0.3:0.7:3"})
    store = run_sweep(
        short,
        names,
        points,
        replications=2,
        seed=5,
        out=folder,
        chunk_size=4,
        outputs=OUTPUTS,
        executor=executor,
    )
    knock = attribute(
        short,
        "revenue_usd@year2",
        replications=3,
        seed=5,
        loops=("R1", "B1"),
        chunk_size=2,
        executor=executor,
    )
    return mc, store.frame(), knock


@pytest.fixture(scope="module")
def reference(short, tmp_path_factory):
    return _experiments(short, SequentialExecutor(), tmp_path_factory.mktemp("seq") / "s")


@pytest.mark.parametrize("kind", ["processes-spawn-2", "processes-fork-2", "auto-2", "dask-2"])
def test_same_bytes_on_every_executor(short, reference, tmp_path, kind):
    name, *method, workers = kind.split("-")
    if name == "dask":  # threads in one process: a LocalCluster that is light on 2 cores
        executor = DaskExecutor(int(workers), processes=False)
    elif name == "auto":  # processes from 2 runs on: every experiment below uses them
        executor = AutoExecutor(int(workers), min_runs=2)
    else:
        executor = ProcessExecutor(int(workers), start_method=method[0])
    try:
        mc, frame, knock = _experiments(short, executor, tmp_path / "s")
    finally:
        executor.close()
    ref_mc, ref_frame, ref_knock = reference
    for output in OUTPUTS:
        np.testing.assert_array_equal(mc.quantile_values[output], ref_mc.quantile_values[output])
    for output in ref_mc.means:
        np.testing.assert_array_equal(mc.means[output], ref_mc.means[output])
    assert frame.equals(ref_frame)
    for cut, values in ref_knock.outcomes.items():
        np.testing.assert_array_equal(knock.outcomes[cut], values)


def test_auto_executor_uses_processes_only_for_large_runs(short):
    from flywheel.experiments.executors import Batch, chunk_ids

    def batches(runs, chunk):
        return [Batch(short, 0, ids, len) for ids in chunk_ids(0, runs, chunk)]

    auto = make_executor("auto", 2)
    assert isinstance(auto, AutoExecutor)
    assert auto.uses_processes(batches(10_000, 1250))
    assert not auto.uses_processes(batches(1000, 250))  # too small to pay for the start-up
    assert not auto.uses_processes(batches(10_000, 10_000))  # one batch: nothing to share
    assert not AutoExecutor(1).uses_processes(batches(10_000, 1250))


def test_make_executor_checks_its_input():
    assert isinstance(make_executor("local"), SequentialExecutor)
    with pytest.raises(ValueError, match="not one of"):
        make_executor("mpi")
    with pytest.raises(ValueError, match="scheduler"):
        make_executor("processes", scheduler="tcp://localhost:8786")


def test_a_reducer_gets_only_the_outputs_it_needs(short):
    """`outputs_needed` limits what the engine records for a batch to those outputs, with the
    same values as the full series."""
    from dataclasses import dataclass

    from flywheel.engine.clock import run_batch
    from flywheel.experiments.executors import Batch, run_one

    @dataclass(frozen=True)
    class Needs:
        outputs_needed: tuple[str, ...] = ("customers", "orders")

        def __call__(self, series, batch):
            return series

    ids = np.arange(3, dtype=np.int64)
    got = run_one(Batch(short, 2, ids, Needs()))
    assert set(got) == {"customers", "orders"}
    full = run_batch(short, ids, 2)
    for name in got:
        np.testing.assert_array_equal(got[name], full[name])
