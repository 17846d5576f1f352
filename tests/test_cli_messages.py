"""Issue 21, CLI messages: untrusted text escaped, bad `--out` refused before simulating and
named, a full disk naming the file, scenario warnings, an unreachable scheduler failing fast."""

from __future__ import annotations

import errno
import os
import subprocess
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

import flywheel
from flywheel.cli.commands import main
from flywheel.cli.messages import describe_os_error

Cli = Callable[..., subprocess.CompletedProcess[str]]
SHORT = 'name = "short"\nhorizon_weeks = 8\n'


@pytest.fixture
def short_toml(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(SHORT, encoding="utf-8")
    return path


def _no_control(text: str) -> bool:
    """True when `text` has no control character but its line ends."""
    return not any(
        unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in "\u202a\u202b\u202d\u202e"
        for c in text.replace("\n", "")
    )


def _one_error_line(err: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1, repr(err)
    assert _no_control(err), repr(err)


# --- untrusted text ---------------------------------------------------------------------


def test_key_with_newline_cannot_fake_a_second_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "fake.toml"
    path.write_text('"bogus\\nerror: all good, exit 0" = 1\n', encoding="utf-8")
    result = cli("validate", path)
    assert result.returncode == 2
    _one_error_line(result.stderr)
    assert "bogus\\nerror: all good, exit 0 is not a scenario key" in result.stderr


def test_escape_sequences_in_a_name_are_shown_not_obeyed(
    cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "esc.toml"
    path.write_text('name = "\\u001b[31mRED\\u001b[0m\\u009b2J\\u202e"\n', encoding="utf-8")
    result = cli("validate", path)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
    assert "ok (\\x1b[31mRED\\x1b[0m\\x9b2J\\u202e, 520 weeks" in result.stdout
    assert main(["mc", str(path), "-n", "2", "--no-progress", "--set", "horizon_weeks=4"]) == 2
    assert main(["mc", str(path), "-n", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\x1b[31mRED\\x1b[0m\\x9b2J\\u202e: 2 replications") and _no_control(out)


@pytest.mark.parametrize(
    "item",
    ["bo\x1b[2Jgus=1", "x\ny=1", "pass_through_share\x9b=0.5", "basket_usd=\x1b[31m"],
)
def test_set_names_and_values_escaped(
    short_toml: Path, item: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(short_toml), "--set", item]) == 2
    _one_error_line(capsys.readouterr().err)


def test_sweep_key_with_escape_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text('[sweep]\n"x\\u001b]0;pwned\\u0007" = [1.0]\n', encoding="utf-8")
    assert main(["sweep", str(path), "--out", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err
    _one_error_line(err)
    assert "sweep.x\\x1b]0;pwned\\x07: not a lever" in err
    assert not (tmp_path / "store").exists()


def test_repeated_event_id_warns_on_one_escaped_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "again.toml"
    path.write_text(
        'base = "baseline"\n[[events]]\nid = "prime"\nkind = "prime_launch"\nweek = 3\n',
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith(f"warning: {path}: events[0].id = 'prime' is also the id")
    assert captured.err.count("\n") == 1
    assert "2 events" in captured.out


def test_drop_events_naming_nothing_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "drop.toml"
    path.write_text('base = "baseline"\ndrop_events = ["prime_lunch"]\n', encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    _one_error_line(err)
    assert "drop_events names 'prime_lunch'" in err and "its ids: prime" in err


# --- --out refused before any simulation, named ------------------------------------------


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although --out was refused")

    monkeypatch.setattr(flywheel, "simulate", refuse)


@pytest.mark.parametrize(
    ("command", "name"),
    [("run", "out.csv"), ("run", "out.parquet"), ("plot", "out.png")],
)
def test_out_that_is_a_folder_refused_first(
    command: str,
    name: str,
    tmp_path: Path,
    short_toml: Path,
    no_simulation: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / name
    target.mkdir()
    assert main([command, str(short_toml), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: --out {target}: is a folder (expected a file name)\n"
    assert target.is_dir() and not any(target.iterdir())


@pytest.mark.parametrize("folder", ["/proc", "/sys"])
def test_out_in_an_unwritable_folder_refused_first(
    folder: str, short_toml: Path, no_simulation: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """/proc and /sys refuse new files even to root: the probe finds it before simulating."""
    target = Path(folder) / "flywheel-out.csv"
    assert main(["run", str(short_toml), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --out {target}: cannot write in folder {folder} (")
    assert ".tmp" not in err


def test_read_only_out_refused_first(
    tmp_path: Path,
    short_toml: Path,
    no_simulation: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A read-only file is not replaced (root may write anything: `os.access` is asked)."""
    target = tmp_path / "kept.csv"
    target.write_text("old\n")
    target.chmod(0o444)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == target else real_access(p, mode)
    )
    assert main(["run", str(short_toml), "--out", str(target)]) == 2
    assert (
        capsys.readouterr().err == f"error: --out {target}: the file is read-only (not writable)\n"
    )
    assert target.read_text() == "old\n"


def test_disk_full_names_the_file(
    tmp_path: Path,
    short_toml: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import flywheel.scenario.files as files

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    target = tmp_path / "big.csv"
    assert main(["run", str(short_toml), "--out", str(target)]) == 2
    assert capsys.readouterr().err == f"error: {target}: No space left on device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["short.toml"]


def test_os_errors_named_by_the_file_asked_for() -> None:
    hidden = OSError(errno.EACCES, "Permission denied", "/data/.big.csv.k3j2x9.tmp")
    assert describe_os_error(hidden) == "/data/big.csv: Permission denied"
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device")) == (
        "No space left on device"
    )
    assert describe_os_error(OSError(errno.EIO, "I/O error", "/d/x.csv")) == "/d/x.csv: I/O error"


# --- an unreachable scheduler -----------------------------------------------------------


def test_unreachable_scheduler_fails_fast_naming_it(
    short_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    address = "tcp://127.0.0.1:9"  # discard port: nothing listens there
    assert main(["mc", str(short_toml), "-n", "4", "--scheduler", address, "--no-progress"]) == 2
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert err.startswith(f"error: --scheduler {address}: no Dask scheduler answered within 5 s")
    assert err.count("\n") == 1
    assert elapsed < 30  # distributed's default waited 30 s and more
