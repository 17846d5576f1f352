"""One signal policy: SIGTERM and SIGINT sent to a running command stop it with 143 / 130,
remove its temporary files, stop its worker processes and leave the old output intact; a
SIGKILLed parent leaves no worker behind (docs/reliability.md, "Signals")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.xdist_group("signals")
SHORT = 'name = "short"\nhorizon_weeks = 52\n'
OLD = b"old output, must survive\n"


def _start(tmp_path: Path, *args: str | Path) -> subprocess.Popen[bytes]:
    """`python -m flywheel ARGS` with its own temporary folder (so leftovers are visible)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir(exist_ok=True)
    environment = {**os.environ, "TMPDIR": str(temporary)}
    return subprocess.Popen(
        [sys.executable, "-m", "flywheel", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=environment,
    )


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Poll `condition` until true (the moment to send the signal); fail if the process ends
    first or nothing happens within 180 s (a safety net: on a loaded 2-core machine a run's
    start-up and simulation took over 60 s before its CSV was being written)."""
    deadline = time.monotonic() + 180
    while not condition():
        assert process.poll() is None, process.communicate()[1].decode()
        assert time.monotonic() < deadline, "the moment to signal never came"
        time.sleep(0.02)


def _workers(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie nobody has reaped yet is dead)."""
    alive = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def _catches_sigterm(pid: int) -> bool:
    """True once the process handles SIGTERM itself (Linux: its SigCgt mask in /proc), i.e.
    `main` runs; before that a SIGTERM ends it at once, with nothing yet to clean up."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def _leftovers(folder: Path) -> list[str]:
    """Temporary files and folders anywhere below `folder` (atomic writes, mc's kept file)."""
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.name.endswith(".tmp")
        or path.name.startswith("flywheel-mc-")
        or path.name == "kept.bin"
    )


def _stop(process: subprocess.Popen[bytes], signum: int) -> str:
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    text = stderr.decode()
    assert "Traceback" not in text, text
    return text


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_out_signalled_while_writing(tmp_path: Path, signum: int) -> None:
    """Signalled while its CSV is being written: the hidden temporary file goes, the old
    file stays."""
    (tmp_path / "short.toml").write_text(SHORT)
    out = tmp_path / "big.csv"
    out.write_bytes(OLD)
    process = _start(tmp_path, "run", "short.toml", "--replications", "3000", "--out", out)
    _wait_for(lambda: any(tmp_path.glob(".big.csv.*.tmp")), process)
    message = _stop(process, signum)
    assert process.returncode == 128 + signum, message
    assert _leftovers(tmp_path) == []
    assert out.read_bytes() == OLD


def test_plot_sigterm_mid_run_keeps_the_old_png(tmp_path: Path) -> None:
    (tmp_path / "short.toml").write_text(SHORT)
    out = tmp_path / "fan.png"
    out.write_bytes(OLD)
    process = _start(
        tmp_path, "plot", "short.toml", "--mc", "--replications", "20000", "--out", out
    )
    _wait_for(lambda: _catches_sigterm(process.pid), process)  # past start-up: in main()
    time.sleep(1.0)  # inside the simulation or the drawing
    assert process.poll() is None
    message = _stop(process, signal.SIGTERM)
    assert process.returncode == 143, message
    assert _leftovers(tmp_path) == []
    assert out.read_bytes() == OLD


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_mc_processes_signalled_stops_workers_and_removes_kept_file(
    tmp_path: Path, signum: int
) -> None:
    (tmp_path / "short.toml").write_text(SHORT)
    out = tmp_path / "mcout"
    out.mkdir()
    (out / "quantiles.parquet").write_bytes(OLD)
    process = _start(
        tmp_path,
        "mc",
        "short.toml",
        "-n",
        "400000",
        "--chunk-size",
        "2000",
        "--executor",
        "processes",
        "--workers",
        "2",
        "--no-progress",
        "--out",
        out,
    )
    _wait_for(lambda: len(_workers(process.pid)) >= 2 and any(tmp_path.rglob("kept.bin")), process)
    workers = _workers(process.pid)
    time.sleep(0.5)  # mid-chunk
    message = _stop(process, signum)
    assert process.returncode == 128 + signum, message
    gone_by = time.monotonic() + 5
    while _alive(workers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert _alive(workers) == []
    assert _leftovers(tmp_path) == []
    assert [p.name for p in out.iterdir()] == ["quantiles.parquet"]
    assert (out / "quantiles.parquet").read_bytes() == OLD


@pytest.mark.parametrize("command", ["mc", "sweep"])
def test_sigkill_of_the_parent_leaves_no_worker(tmp_path: Path, command: str) -> None:
    (tmp_path / "short.toml").write_text(SHORT)
    sizes = (
        ["-n", "400000", "--chunk-size", "2000"]
        if command == "mc"
        else ["--grid", "pass_through_share=0:1:2000", "--replications", "100"]
    )
    process = _start(
        tmp_path,
        command,
        "short.toml",
        *sizes,
        "--executor",
        "processes",
        "--workers",
        "2",
        "--no-progress",
        "--out",
        tmp_path / "out",
    )
    _wait_for(lambda: len(_workers(process.pid)) >= 2, process)
    time.sleep(1.0)  # the workers are busy with their first chunks
    workers = _workers(process.pid)
    process.kill()
    process.wait(timeout=10)
    gone_by = time.monotonic() + 5
    while _alive(workers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert _alive(workers) == [], "workers outlived their SIGKILLed parent"
