"""A sweep killed with SIGKILL at random moments resumes to exactly the uninterrupted result:
no run lost, none duplicated, no half-written file left behind."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flywheel.experiments import ResultsStore

pytestmark = pytest.mark.xdist_group("kill_resume")
KILL_TRIALS = int(os.environ.get("FLYWHEEL_KILL_TRIALS", "4"))
SCENARIO = """\
name = "kill-resume"
base = "baseline"
horizon_weeks = 52
drop_events = ["prime"]
"""


def _sweep(scenario: Path, out: Path, resume: bool = False) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "flywheel",
        "sweep",
        str(scenario),
        "--grid",
        "pass_through_share=0:1:6",
        "--replications",
        "10",
        "--chunk-size",
        "5",
        "--seed",
        "11",
        "--no-progress",
        "--out",
        str(out),
    ]
    if resume:
        command.append("--resume")
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(scenario: Path, out: Path) -> None:
    """Resume until the sweep completes (at most a few tries)."""
    for _ in range(5):
        process = _sweep(scenario, out, resume=(out / "manifest.json").exists())
        _, stderr = process.communicate(timeout=300)
        if process.returncode == 0:
            return
        assert b"Traceback" not in stderr, stderr.decode()
    raise AssertionError(f"sweep in {out} did not complete")


def test_sigkill_at_random_points_then_resume(tmp_path: Path) -> None:
    scenario = tmp_path / "short.toml"
    scenario.write_text(SCENARIO)
    reference_out = tmp_path / "reference"
    _finish(scenario, reference_out)
    reference = ResultsStore.read(reference_out).frame()
    assert len(reference) > 0

    chooser = random.Random(20261123)  # the kill moments are random but reproducible
    kills = 0
    for trial in range(KILL_TRIALS):
        out = tmp_path / f"trial-{trial}"
        # kill once or twice at random moments, including before anything is written
        for _ in range(chooser.choice((1, 2))):
            process = _sweep(scenario, out, resume=(out / "manifest.json").exists())
            time.sleep(chooser.uniform(0.2, 4.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=60)
        _finish(scenario, out)
        store = ResultsStore.read(out)
        assert store.is_complete
        resumed = store.frame()
        assert resumed.equals(reference), f"trial {trial}: resumed results differ"
        runs = resumed.groupby("run").size()
        assert (runs == runs.iloc[0]).all() and runs.index.is_unique  # no lost, no doubles
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["complete"]
        # a SIGKILLed writer can leave its temporary file; the finished store has none
        # that a reader could mistake for data, and none of the final names is partial
        assert not [p for p in out.iterdir() if p.suffix == ".parquet" and p.stat().st_size == 0]
        # completed stores hold only whole files: every chunk listed is readable
        listed = {f"chunk-{int(k):06d}.parquet" for k in manifest["chunks"]}
        assert listed <= {p.name for p in out.glob("chunk-*.parquet")}
    assert kills >= 1, "no kill happened: the trial timings are too long for this machine"
