"""Provenance (issue 23): every output says how it was made, an edited or mismatched one is
detected, and `flywheel.load_results` reads a run back whole."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import flywheel
from flywheel.cli.commands import main
from flywheel.results.provenance import (
    FORMAT,
    ProvenanceError,
    command_line,
    digest,
    problems,
    recorded_command,
    seal,
    sha256_text,
    with_fields,
)
from flywheel.results.provenance_files import (
    PARQUET_KEY,
    PNG_KEY,
    png_with_provenance,
    read_png,
    read_table,
    sidecar_path,
)
from flywheel.scenario.writer import canonical_toml

SHORT = 'name = "short"\nhorizon_weeks = 12\n\n[levers]\npass_through_share = 0.7\n'


@pytest.fixture
def short(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(SHORT)
    return path


@pytest.fixture
def results(short: Path) -> flywheel.Results:
    return flywheel.simulate(flywheel.load_scenario(short), replications=3, seed=5)


def test_results_know_how_they_were_made(results: flywheel.Results) -> None:
    made = results.provenance
    assert made["format"] == FORMAT and made["kind"] == "run"
    assert made["seed"] == 5 and made["replications"] == 3 and made["first_replication"] == 0
    assert made["outputs"] is None  # every output recorded
    assert made["scenario_toml"] == canonical_toml(results.scenario)
    assert made["scenario_sha256"] == sha256_text(made["scenario_toml"])
    assert {"flywheel", "python", "numpy", "pandas", "pyarrow"} <= set(made["versions"])
    assert set(made["platform"]) == {"system", "machine", "python"}
    assert made["created_utc"].endswith("Z")
    part = flywheel.simulate(results.scenario, 2, seed=1, first_replication=7, outputs=["orders"])
    assert part.provenance["outputs"] == ["orders"]
    assert part.provenance["first_replication"] == 7


def test_the_resolved_scenario_after_set_is_recorded(short: Path, tmp_path: Path) -> None:
    child = tmp_path / "child.toml"
    child.write_text('base = "short"\nname = "child"\n')
    out = tmp_path / "x.parquet"
    assert main(["run", str(child), "--set", "pass_through_share=0.9", "--out", str(out)]) == 0
    made = flywheel.load_results(out).provenance
    text = made["scenario_toml"]
    assert 'name = "child"\n' in text and "horizon_weeks = 12\n" in text  # the base merged
    assert "pass_through_share = 0.9\n" in text  # --set applied
    assert not any(line.startswith("base") for line in text.splitlines())


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".nc"])
def test_load_results_round_trip(results: flywheel.Results, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"run{suffix}"
    written = results.write(path)
    loaded = flywheel.load_results(path)
    assert loaded.scenario == results.scenario
    assert loaded.seed == results.seed
    np.testing.assert_array_equal(loaded.replication_ids, results.replication_ids)
    assert loaded.outputs == results.outputs
    for name in results.outputs:
        np.testing.assert_array_equal(loaded[name], results[name])
    assert loaded.provenance == written
    assert not problems(written)
    assert (sidecar_path(path).is_file()) == (suffix == ".csv")
    again = tmp_path / f"again{suffix}"  # the loaded Results write the same data again
    assert loaded.write(again)["data_sha256"] == written["data_sha256"]


def test_parquet_and_netcdf_hash_the_same_table(results: flywheel.Results, tmp_path: Path) -> None:
    parquet = results.write(tmp_path / "a.parquet")
    netcdf = results.write(tmp_path / "a.nc")
    assert parquet["data_sha256"] == netcdf["data_sha256"]  # over the columns, not the bytes


def test_load_results_refuses_what_is_not_a_weekly_run(
    results: flywheel.Results, tmp_path: Path
) -> None:
    annual = tmp_path / "annual.parquet"
    results.write(annual, annual=True)
    with pytest.raises(ValueError, match="annual run"):
        flywheel.load_results(annual)
    plain = tmp_path / "plain.parquet"
    results.frame().to_parquet(plain)
    with pytest.raises(ProvenanceError, match="no provenance"):
        flywheel.load_results(plain)


def _rewrite_parquet_provenance(path: Path, change: dict) -> None:
    table = pq.read_table(path)
    found = json.loads(table.schema.metadata[PARQUET_KEY])
    found.update(change)
    metadata = {**table.schema.metadata, PARQUET_KEY: json.dumps(found).encode()}
    pq.write_table(table.replace_schema_metadata(metadata), path)


def test_an_edited_provenance_is_detected(results: flywheel.Results, tmp_path: Path) -> None:
    path = tmp_path / "run.parquet"
    results.write(path)
    _rewrite_parquet_provenance(path, {"seed": 6})
    _, found, sha = read_table(path)
    assert problems(found, sha) == ["digest does not match the fields (the provenance was edited)"]
    with pytest.raises(ProvenanceError, match="inconsistent provenance: digest"):
        flywheel.load_results(path)


def test_a_provenance_resealed_over_other_data_is_detected(
    results: flywheel.Results, tmp_path: Path
) -> None:
    path = tmp_path / "run.csv"
    results.write(path)
    text = path.read_text()
    last = text[-2]  # the last digit of the last value, edited
    path.write_text(text[:-2] + ("1" if last != "1" else "2") + text[-1])
    _, found, sha = read_table(path)
    assert problems(found, sha) == [
        "data_sha256 does not match the data (the data changed or is another's)"
    ]
    other = flywheel.simulate(results.scenario, 3, seed=6)
    other.write(tmp_path / "other.csv")
    sidecar_path(tmp_path / "other.csv").replace(sidecar_path(path))  # another run's sidecar
    path.write_text(text)
    _, found, sha = read_table(path)
    assert any("data_sha256" in line for line in problems(found, sha))


def test_scenario_hash_and_fields_are_checked() -> None:
    sealed = seal({"format": FORMAT, "scenario_toml": "a", "scenario_sha256": "b"}, "c")
    assert problems(sealed)[0].startswith("fields missing:")
    assert problems([1, 2]) == ["no provenance (not a JSON object)"]
    assert problems({"format": "other"})[0].startswith("format = 'other'")


def test_the_command_line_keeps_file_names_only() -> None:
    with recorded_command(["flywheel", "run", "/home/someone/a.toml", "--out=/tmp/x/y.csv"]):
        assert command_line() == ["flywheel", "run", "a.toml", "--out=y.csv"]


def test_png_carries_provenance_in_a_text_chunk(short: Path, tmp_path: Path) -> None:
    out = tmp_path / "dash.png"
    assert main(["plot", str(short), "--out", str(out)]) == 0
    found, sha = read_png(out)
    assert found["kind"] == "plot" and found["settings"] == {"mc": False}
    assert not problems(found, sha)
    from PIL import Image

    with Image.open(out) as image:  # the text chunk is plain iTXt any PNG reader sees
        assert json.loads(image.text[PNG_KEY])["digest"] == found["digest"]
    doctored, sealed = png_with_provenance(out.read_bytes(), with_fields(found, seed=99))
    (tmp_path / "doctored.png").write_bytes(doctored)
    refound, sha2 = read_png(tmp_path / "doctored.png")
    assert refound == sealed and sha2 == sha  # pixels unchanged, provenance replaced
    assert digest(refound) == refound["digest"]


def test_cli_provenance_reports_consistency(
    results: flywheel.Results, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "run.parquet"
    results.write(path)
    assert main(["provenance", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: consistent with the data\n")
    assert "  seed          5\n" in out
    assert main(["provenance", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["consistent"] is True and report["provenance"]["seed"] == 5
    assert main(["provenance", str(path), "--scenario"]) == 0
    assert capsys.readouterr().out == results.provenance["scenario_toml"]
    _rewrite_parquet_provenance(path, {"replications": 300})
    assert main(["provenance", str(path)]) == 1
    assert "INCONSISTENT: digest does not match" in capsys.readouterr().out


def test_missing_provenance_is_one_line_and_exit_2(
    results: flywheel.Results, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    plain = tmp_path / "plain.csv"
    results.frame().to_csv(plain, index=False)
    for command in ("provenance", "rerun"):
        assert main([command, str(plain)]) == 2
        err = capsys.readouterr().err
        assert err == f"error: {plain}: no provenance (nothing says how it was made)\n"
    assert main(["provenance", str(tmp_path / "nothing.parquet")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_netcdf_without_the_extra_is_one_line(
    short: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "xarray" else real(name, *a)
    )
    out = tmp_path / "x.nc"
    assert main(["run", str(short), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "error: netCDF output needs xarray: pip install 'flywheel[netcdf]'\n"
    )
    assert os.listdir(tmp_path) == ["short.toml"]  # refused before running: nothing written


def test_the_console_command_is_recorded_without_its_folders(short: Path, tmp_path: Path) -> None:
    """`python -m flywheel` as a user runs it: the recorded command names files, not where
    they are."""
    import subprocess
    import sys

    out = tmp_path / "weekly.csv"
    command = [sys.executable, "-m", "flywheel", "run", str(short.resolve()), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    recorded = flywheel.load_results(out).provenance["command"]
    assert recorded == ["flywheel", "run", "short.toml", "--out", "weekly.csv"]
