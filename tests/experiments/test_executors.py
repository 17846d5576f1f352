"""Executor equivalence: sequential, local processes and Dask give the same bytes."""

from __future__ import annotations

import numpy as np
import pytest

from flywheel.experiments import (
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


@pytest.mark.parametrize("kind", ["processes-2", "dask-2"])
def test_same_bytes_on_every_executor(short, reference, tmp_path, kind):
    name, workers = kind.split("-")
    if name == "dask":  # threads in one process: a LocalCluster that is light on 2 cores
        executor = DaskExecutor(int(workers), processes=False)
    else:
        executor = ProcessExecutor(int(workers))
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


def test_make_executor_checks_its_input():
    assert isinstance(make_executor("local"), SequentialExecutor)
    with pytest.raises(ValueError, match="not one of"):
        make_executor("mpi")
    with pytest.raises(ValueError, match="scheduler"):
        make_executor("processes", scheduler="tcp://localhost:8786")
