"""Folder outputs (`mc --out DIR`) are replaced as a unit: a reader sees the old folder or the
new one, never a mix, and a failure or a kill leaves the old one intact."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from flywheel.cli.commands import main
from flywheel.scenario import files
from flywheel.scenario.files import recover_folder, replaced_folder

SHORT = 'name = "short"\nhorizon_weeks = 12\n'


@pytest.fixture
def short(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(SHORT)
    return path


def _mc(short: Path, out: Path, *extra: str) -> int:
    return main(["mc", str(short), "-n", "20", "--no-progress", "--out", str(out), *extra])


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith("."))


def test_keep_all_then_without_leaves_no_old_series(short: Path, tmp_path: Path) -> None:
    out = tmp_path / "X"
    assert _mc(short, out, "--seed", "1", "--keep-all") == 0
    assert (out / "series.parquet").is_file()
    assert _mc(short, out, "--seed", "2") == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "means.parquet",
        "provenance.json",
        "quantiles.parquet",
    ]
    assert _siblings(out) == []


def test_failure_while_writing_means_keeps_the_old_folder(
    short: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "X"
    assert _mc(short, out, "--seed", "1") == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import flywheel.experiments.output_files as output_files

    real_write = output_files.write_parquet

    def failing(table: pd.DataFrame, path: Path) -> None:
        if path.name == "means.parquet":
            raise OSError(28, "No space left on device", str(path))
        real_write(table, path)

    monkeypatch.setattr(output_files, "write_parquet", failing)
    assert _mc(short, out, "--seed", "2") == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _siblings(out) == []
    assert "No space left on device" in capsys.readouterr().err


def test_folder_with_foreign_files_is_refused_before_running(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "X"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert _mc(short, out) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_plot_inside_the_out_folder_survives_the_swap(short: Path, tmp_path: Path) -> None:
    out = tmp_path / "X"
    for seed in ("1", "2"):  # the second run replaces a folder holding the first's chart
        assert _mc(short, out, "--seed", seed, "--plot", str(out / "fan.png")) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "fan.png",
        "means.parquet",
        "provenance.json",
        "quantiles.parquet",
    ]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "backup-rename"])
def test_swap_replaces_whole_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    target = tmp_path / "out"
    target.mkdir()
    (target / "old-only").write_text("old")
    (target / "both").write_text("old")
    target.chmod(0o750)
    with replaced_folder(target) as folder:
        (folder / "both").write_text("new")
        assert (target / "old-only").exists()  # readers still see the old folder whole
    assert sorted(p.name for p in target.iterdir()) == ["both"]
    assert (target / "both").read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_renameat2_exchange_is_used_on_linux(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "one").touch()
    assert files._exchange(first, second) is (sys.platform == "linux")
    if sys.platform == "linux":
        assert (second / "one").exists() and not (first / "one").exists()


def test_leftover_backup_is_put_back_or_removed(tmp_path: Path) -> None:
    target = tmp_path / "out"
    backup = tmp_path / ".out.backup"
    backup.mkdir()
    (backup / "quantiles.parquet").write_text("old")
    recover_folder(target)  # killed between the two renames: the old folder comes back
    assert (target / "quantiles.parquet").read_text() == "old"
    assert not backup.exists()
    backup.mkdir()
    recover_folder(target)  # killed after the second rename: the backup is stale
    assert not backup.exists() and target.is_dir()


def test_temporary_folders_of_dead_writers_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".out.{dead.stdout.strip()}.abcd.tmp"
    stale.mkdir()
    (stale / "quantiles.parquet").write_text("half")
    mine = tmp_path / f".out.{os.getpid()}.efgh.tmp"  # a live writer's: left alone
    mine.mkdir()
    recover_folder(tmp_path / "out")
    assert not stale.exists()
    assert mine.exists()


def test_failed_write_inside_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt), replaced_folder(target) as folder:
        (folder / "a").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_the_current_folder_is_never_replaced(
    short: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for out in (".", "..", str(here)):
        assert _mc(short, Path(out)) == 2
        assert "cannot be the current folder" in capsys.readouterr().err
    assert here.is_dir() and list(here.iterdir()) == []
