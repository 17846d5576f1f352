"""The atomic writer: all or nothing, and the file mode a plain open() would give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from flywheel.scenario.files import write_atomic, write_text_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_umask_mode_not_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "a.csv", "x\n")
        os.umask(0o027)
        write_atomic(tmp_path / "b.png", lambda handle: handle.write(b"\x89PNG"), binary=True)
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "a.csv") == 0o644
    assert _mode(tmp_path / "b.png") == 0o640


def test_replacing_keeps_the_old_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o664)
    write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert _mode(target) == 0o664


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def explode(handle: object) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_atomic(target, explode)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


HELD_SIGNAL_PROBE = """
import signal, threading
from flywheel.cli.signals import Terminated, handle_termination
from flywheel.scenario.files import stop_signals_held
reached = False
try:
    with handle_termination():
        with stop_signals_held():
            # from another thread, as a progress bar's thread could receive it
            thread = threading.Thread(target=signal.raise_signal, args=(signal.SIGTERM,))
            thread.start()
            thread.join()
            signal.raise_signal(signal.SIGTERM)  # and in this (blocked) thread
            reached = True
except Terminated:
    print("terminated after the block" if reached else "terminated inside the block")
"""


def test_a_stop_signal_while_a_temporary_is_named_is_raised_after_it() -> None:
    """SIGTERM inside `stop_signals_held` (from this thread or another) waits for the block to
    close, then unwinds: the temporary is named by then, so the caller's cleanup removes it."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", HELD_SIGNAL_PROBE], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "terminated after the block"
