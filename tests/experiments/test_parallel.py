"""A batch split over worker processes through shared memory equals `simulate`, bit for bit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.experiments import parallel
from flywheel.experiments.executors import ProcessExecutor
from flywheel.experiments.parallel import simulate_in_parts, warm_worker

OUTPUTS = ("customers", "revenue_usd", "gain_R1", "queue_wait_hours")
SHARED_MEMORY_DIR = Path("/dev/shm")


@pytest.fixture(scope="module")
def two_workers():
    executor = ProcessExecutor(2, initializer=warm_worker)
    yield executor
    executor.close()


def shared_blocks() -> set[str]:
    """Python's shared-memory blocks (psm_*; the pools' semaphores are sem.*)."""
    if not SHARED_MEMORY_DIR.is_dir():
        return set()
    return {p.name for p in SHARED_MEMORY_DIR.iterdir() if p.name.startswith("psm_")}


@pytest.fixture
def created_blocks(monkeypatch) -> list[str]:
    """The names of the blocks this test's runners create, as they create them (tests in
    other pytest-xdist workers create blocks of their own meanwhile: /dev/shm is shared)."""
    names: list[str] = []

    class Spy(parallel.shared_memory.SharedMemory):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            if kwargs.get("create"):
                names.append(self.name.lstrip("/"))

    monkeypatch.setattr(parallel.shared_memory, "SharedMemory", Spy)
    return names


def alive(names: list[str]) -> set[str]:
    """Those of `names` still in /dev/shm."""
    return set(names) & shared_blocks()


@pytest.mark.parametrize(("replications", "parts"), [(7, None), (9, 3), (2, 5)])
def test_parts_equal_one_batch(short, two_workers, created_blocks, replications, parts) -> None:
    split = simulate_in_parts(two_workers, short, replications, 4, OUTPUTS, parts)
    whole = flywheel.simulate(short, replications, 4, outputs=OUTPUTS)
    assert split.outputs == whole.outputs
    assert split.replication_ids.tolist() == whole.replication_ids.tolist()
    for name in OUTPUTS:
        np.testing.assert_array_equal(split[name], whole[name], err_msg=name)
        # the same memory layout, so reductions over weeks give the same last bits too
        assert split[name].flags.f_contiguous == whole[name].flags.f_contiguous
        np.testing.assert_array_equal(split[name].sum(axis=1), whole[name].sum(axis=1))
    assert len(created_blocks) == 1 and not alive(created_blocks)  # the shared block is gone


def test_unknown_output_is_refused_before_anything_runs(short, two_workers) -> None:
    with pytest.raises(ValueError, match="unknown output"):
        simulate_in_parts(two_workers, short, 4, 0, ("customers", "no_such_output"))


@pytest.mark.parametrize(
    ("replications", "outputs", "message"), [(0, OUTPUTS, "replications"), (3, (), "outputs")]
)
def test_empty_requests_are_refused(short, two_workers, replications, outputs, message) -> None:
    with pytest.raises(ValueError, match=message):
        simulate_in_parts(two_workers, short, replications, 0, outputs)


def test_a_runner_keeps_its_block_grows_it_and_reduces_in_place(
    short, two_workers, created_blocks
) -> None:
    runner = parallel.PartsRunner(two_workers)

    def totals(results: flywheel.Results) -> dict[str, np.ndarray]:
        return {name: results[name].sum(axis=1) for name in results.outputs}

    try:
        for replications in (6, 11, 3):  # the second needs a larger block, the third fits
            reduced = runner.simulate(short, replications, 8, OUTPUTS, reduce=totals)
            whole = totals(flywheel.simulate(short, replications, 8, outputs=OUTPUTS))
            assert reduced.keys() == whole.keys()
            for name, values in whole.items():
                np.testing.assert_array_equal(reduced[name], values, err_msg=name)
        assert len(created_blocks) == 2  # grown once, else kept between runs
        assert alive(created_blocks) == {created_blocks[-1]}  # the smaller one is freed
    finally:
        runner.close()
    assert not alive(created_blocks)


EXIT_WITHOUT_CLOSE = """
import sys
import flywheel
from flywheel.experiments.executors import ProcessExecutor
from flywheel.experiments.parallel import PartsRunner

if __name__ == "__main__":
    executor = ProcessExecutor(2)
    runner = PartsRunner(executor)  # like the app's: kept until the server stops
    runner.simulate(flywheel.Scenario(horizon_weeks=4), 4, 0, ("customers",))
    print(runner._block.name)
    executor.close()
"""


def test_a_block_not_closed_is_freed_when_the_interpreter_exits(tmp_path) -> None:
    script = tmp_path / "exit_without_close.py"
    script.write_text(EXIT_WITHOUT_CLOSE)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    block_name = done.stdout.strip().splitlines()[-1].lstrip("/")
    assert block_name.startswith("psm_")
    assert block_name not in shared_blocks()
    assert "leaked shared_memory" not in done.stderr
