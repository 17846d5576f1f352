"""Declared limits: work past them is refused before it starts, with exit 2 and one line, in
seconds (the cases of issue 21 ran out of memory or forked thousands of processes)."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flywheel.experiments.montecarlo import footprint
from flywheel.scenario import limits
from flywheel.scenario.loading import ScenarioError, load_scenario

SHORT = 'name = "short"\nhorizon_weeks = 52\n'
BIG_SWEEP = SHORT + (
    '[sweep]\npass_through_share = "0:1:10000"\nab_testing_intensity_share = "0:1:10000"\n'
    'conversion_base_share = "0.01:0.1:10000"\n'
)
GRID = [
    "--grid",
    "pass_through_share=0:1:10000",
    "--grid",
    "ab_testing_intensity_share=0:1:10000",
    "--grid",
    "conversion_base_share=0.01:0.1:10000",
]
CASES = {
    "mc 1e12 replications": (["mc", "short.toml", "-n", "1000000000000"], "replication-weeks"),
    "mc kept values beyond the disk": (["mc", "short.toml", "-n", "100000000"], "of disk"),
    "mc 1e12 forced still needs memory": (
        ["mc", "short.toml", "-n", "1000000000000", "--force"],
        "of memory",
    ),
    "mc fork storm": (
        ["mc", "short.toml", "-n", "10", "--executor", "processes", "--workers", "100000"],
        "--workers 100000: at most",
    ),
    "sweep fork storm": (
        ["sweep", "short.toml", "--grid", "pass_through_share=0:1:3", "--workers", "100000"],
        "--workers 100000: at most",
    ),
    "sweep grid of 1e12 points": (["sweep", "short.toml", *GRID], "1,000,000,000,000 points"),
    "[sweep] of 1e12 points": (["sweep", "big.toml"], "1,000,000,000,000 grid points"),
    "validate [sweep] of 1e12 points": (["validate", "big.toml"], "grid points"),
    "sweep sample 1e9": (
        ["sweep", "short.toml", "--sample", "1000000000", "--range", "pass_through_share=0:1"],
        "more than the 100,000 allowed",
    ),
    "sweep sample 1e9 forced still needs memory": (
        ["sweep", "short.toml", "--sample", "1000000000", "--range", "pass_through_share=0:1"]
        + ["--force"],
        "of memory",
    ),
    "sensitivity huge N": (["sensitivity", "short.toml", "-N", "100000000"], "points"),
    "attribute huge n": (["attribute", "short.toml", "-n", "1000000000000"], "replication-weeks"),
    "importance huge n": (["importance", "short.toml", "-n", "100000000000"], "replication-weeks"),
    "run beyond memory": (["run", "short.toml", "--replications", "100000000"], "GiB"),
    "plot beyond memory": (
        ["plot", "short.toml", "--replications", "100000000", "--out", "x.png"],
        "GiB",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_limit_refused_fast_with_one_line(tmp_path: Path, case: str) -> None:
    arguments, fragment = CASES[case]
    (tmp_path / "short.toml").write_text(SHORT)
    (tmp_path / "big.toml").write_text(BIG_SWEEP)
    if arguments[0] == "sweep":
        arguments = [*arguments, "--out", "store"]
    started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-m", "flywheel", *arguments],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the command (start-up included): the wall time on a shared 2-core
    # machine under a parallel test run is up to 3x the ~1.5 s it takes when quiet
    cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0]
    assert cpu_seconds < 5.0, f"refused only after {cpu_seconds:.1f} s of CPU"
    assert elapsed < 30.0, f"refused only after {elapsed:.1f} s"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.toml", "short.toml"]


def test_calibrate_starts_refused(tmp_path: Path, cli) -> None:
    result = cli(
        "calibrate",
        "scenarios/amazon_1996_2024.toml",
        "--out",
        tmp_path / "c.toml",
        "--fit",
        "net_sales_usd_million",
        "--params",
        "bass_q_per_year[0.1,1.0]",
        "--starts",
        "10000000",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: --starts 10000000: 10,000,000 points, more than the 100,000 allowed "
        "(--force lifts this limit)"
    )
    assert list(tmp_path.iterdir()) == []


def test_sweep_table_limit_in_the_api(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(BIG_SWEEP)
    with pytest.raises(ScenarioError, match="10000 x 10000 x 10000 = 1,000,000,000,000 grid"):
        load_scenario(path)


def test_workers_limit_is_a_multiple_of_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "usable_cores", lambda: 3)
    limits.check_workers(12)
    limits.check_workers(None)
    with pytest.raises(limits.LimitError, match="--workers 13: at most 12 allowed here"):
        limits.check_workers(13)


def test_force_lifts_counts_not_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "available_memory_bytes", lambda: 2**30)
    with pytest.raises(limits.LimitError, match="--force lifts"):
        limits.check_points(limits.MAX_POINTS + 1, "--sample")
    limits.check_points(limits.MAX_POINTS + 1, "--sample", force=True)
    with pytest.raises(limits.LimitError, match="of memory"):
        limits.check_points(10**8, "--sample", 3, force=True)
    with pytest.raises(limits.LimitError, match="--force lifts"):
        limits.check_replication_weeks(10**10, 520, "-n")
    limits.check_replication_weeks(10**10, 520, "-n", force=True)


def test_mc_footprint_grows_with_replications_and_goes_to_disk() -> None:
    small = footprint(52, 1000, 14, all_outputs=80)
    assert small.kept_file_bytes == 0  # 1000 x 14 x 52 float32 stay in memory
    large = footprint(520, 10**7, 14, all_outputs=80)
    assert large.kept_file_bytes == 10**7 * 14 * 520 * 4
    assert large.memory_bytes > small.memory_bytes
    workers = footprint(52, 1000, 14, all_outputs=80, workers=2)
    assert workers.kept_file_bytes > 0  # local workers write into the shared kept file
    kept = footprint(520, 1000, 14, all_outputs=80, keep_all=True)
    assert kept.memory_bytes >= 1000 * 520 * 2048  # every series held
