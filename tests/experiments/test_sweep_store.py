"""Sweeps into the results store: layout, resume after a simulated kill, refusal to mix runs."""

from __future__ import annotations

import json

import numpy as np
import pytest

import flywheel
from flywheel.experiments import StoreError, grid_points, run_sweep
from flywheel.experiments.store import ResultsStore


class Killed(BaseException):
    """Stands in for SIGKILL / Ctrl-C in the middle of a sweep."""


def _sweep(short, out, **kwargs):
    names, points = grid_points({"pass_through": "0.2:0.8:3", "seller_take_rate_share": [0.1, 0.2]})
    return run_sweep(
        short,
        names,
        points,
        replications=2,
        seed=3,
        out=out,
        chunk_size=5,
        outputs=("customers", "revenue_usd"),
        **kwargs,
    )


def test_sweep_rows_match_simulate(short, tmp_path):
    frame = _sweep(short, tmp_path / "s").frame()
    assert frame["run"].nunique() == 12 and len(frame) == 12 * 3  # 3 model years (110 weeks)
    row = frame[(frame["run"] == 7) & (frame["year"] == 3)].iloc[0]
    assert row["point"] == 3 and row["replication"] == 1
    scenario = flywheel.scenario.loading.with_parameters(
        short,
        {
            "pass_through_share": row["pass_through_share"],
            "seller_take_rate_share": row["seller_take_rate_share"],
        },
    )
    direct = flywheel.simulate(scenario, replications=1, seed=3, first_replication=1)
    assert row["customers"] == direct["customers"][0, -1]
    assert row["revenue_usd"] == pytest.approx(direct["revenue_usd"][0, 104:].sum(), rel=1e-12)


def test_resume_after_kill_loses_and_duplicates_nothing(short, tmp_path):
    reference = _sweep(short, tmp_path / "full").frame()
    calls = []

    def kill_after_two_chunks(done, total):
        calls.append(done)
        if len(calls) == 3:
            raise Killed

    with pytest.raises(Killed):
        _sweep(short, tmp_path / "cut", progress=kill_after_two_chunks)
    partial = ResultsStore.read(tmp_path / "cut")
    assert partial.done == {0, 1} and not partial.is_complete
    # a chunk file written but not yet in the manifest (killed between the two writes)
    (tmp_path / "cut" / "chunk-000002.parquet").write_bytes(b"garbage")
    with pytest.raises(StoreError, match="--resume"):
        _sweep(short, tmp_path / "cut")
    seen = []
    store = _sweep(short, tmp_path / "cut", resume=True, progress=lambda d, t: seen.append(d))
    assert seen[0] > 10 - 1 and seen[-1] == 12  # progress counts the runs already stored
    resumed = store.frame()
    assert store.is_complete
    assert sorted(resumed.groupby("run").size().index) == list(range(12))
    assert (resumed.groupby("run").size() == 3).all()
    assert resumed.equals(reference)
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["complete"] and not list((tmp_path / "cut").glob("*.tmp"))


def test_a_sweep_killed_before_its_first_manifest_starts_over(short, tmp_path):
    """Killed inside the very first atomic write, a sweep leaves only that write's temporary
    file: nothing is stored, so the next run (with or without --resume) starts afresh, while
    a folder holding anything else is still refused."""
    reference = _sweep(short, tmp_path / "full").frame()
    for resume in (False, True):
        out = tmp_path / f"killed-{resume}"
        out.mkdir()
        (out / ".manifest.json.k3x9q1.tmp").write_text('{"format": ')  # cut mid-write
        store = _sweep(short, out, resume=resume)
        assert store.is_complete and store.frame().equals(reference)
        assert not list(out.glob("*.tmp"))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty and has no manifest.json"):
        _sweep(short, foreign)
    assert (foreign / "notes.txt").exists()


def test_resume_refuses_another_experiment(short, tmp_path):
    _sweep(short, tmp_path / "s")
    names, points = grid_points({"pass_through_share": [0.5]})
    with pytest.raises(StoreError, match="different experiment"):
        run_sweep(short, names, points, out=tmp_path / "s", resume=True)


def test_grid_points_and_lever_names():
    names, points = grid_points({"pass_through": "0:1:3", "basket_usd": [40, 60]})
    assert names == ("pass_through_share", "basket_usd")
    np.testing.assert_array_equal(points[:, 0], [0, 0, 0.5, 0.5, 1, 1])
    with pytest.raises(ValueError, match="out of range"):
        grid_points({"pass_through_share": "0:2:3"})
    with pytest.raises(ValueError, match="not a lever"):
        grid_points({"fc_": "0:1:2"})
