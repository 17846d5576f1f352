"""`flywheel rerun` (issue 23): a run, an mc folder, a sweep store and a sensitivity table are
made again from their provenance alone; a different result, other versions, a bad field or a
result of another kind are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flywheel
from flywheel.cli.commands import main
from flywheel.experiments.output_files import read_output
from flywheel.results.provenance import seal, with_fields
from flywheel.results.provenance_files import sidecar_path, write_table

SHORT = 'name = "short"\nhorizon_weeks = 12\n'
QUIET = ["--no-progress"]


@pytest.fixture
def short(tmp_path: Path) -> Path:
    path = tmp_path / "short.toml"
    path.write_text(SHORT)
    return path


def rerun(capsys: pytest.CaptureFixture, path: Path, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(["rerun", str(path), *QUIET, *extra])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_rerun_reproduces_a_run(short: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "weekly.parquet"
    assert main(["run", str(short), "--replications", "3", "--seed", "4", "--out", str(out)]) == 0
    status, text, _ = rerun(capsys, out)
    assert status == 0
    assert text.splitlines() == [
        "identical",
        "run of scenario short, seed 4: versions and platform as recorded",
    ]
    annual = tmp_path / "annual.csv"
    assert main(["run", str(short), "--annual", "--replications", "2", "--out", str(annual)]) == 0
    again = tmp_path / "again.csv"
    status, text, _ = rerun(capsys, annual, "--out", str(again), "--json")
    assert status == 0 and json.loads(text)["identical"] is True
    assert again.read_bytes() == annual.read_bytes()  # the very bytes
    assert read_output(again).problems == []


def test_rerun_reproduces_an_mc_folder(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out, chart = tmp_path / "mc", tmp_path / "fan.png"
    command = ["mc", str(short), "-n", "30", "--seed", "2", "--out", str(out), "--plot", str(chart)]
    assert main([*command, *QUIET]) == 0
    assert read_output(out).problems == []
    assert read_output(out).provenance["settings"]["keep_all"] is False
    assert read_output(chart).problems == []
    assert read_output(chart).provenance["settings"]["chart_of"] == "mc"
    again = tmp_path / "mc_again"
    status, text, _ = rerun(capsys, out, "--out", str(again))
    assert status == 0 and text.startswith("identical\n")
    assert sorted(p.name for p in again.iterdir()) == [
        "means.parquet",
        "provenance.json",
        "quantiles.parquet",
    ]


def test_rerun_reproduces_a_sweep_store(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "sweep"
    grid = "pass_through_share=0.2:0.8:3"
    command = ["sweep", str(short), "--grid", grid, "--replications", "2", "--out", str(out)]
    assert main([*command, "--chunk-size", "4", *QUIET]) == 0
    found = read_output(out)
    assert found.problems == []
    assert found.provenance["settings"]["levers"] == ["pass_through_share"]
    assert len(found.provenance["settings"]["points"]) == 3
    status, text, _ = rerun(capsys, out)
    assert status == 0 and text.startswith("identical\n")


def test_rerun_reproduces_a_sensitivity_table(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "morris.csv"
    command = [
        "sensitivity",
        str(short),
        "--method",
        "morris",
        "-N",
        "4",
        "--levers",
        "pass_through_share,fc_lead_time_weeks",
        "--range",
        "pass_through_share=0.3:0.9",
        "--outcome",
        "revenue_usd@week11",
        "--out",
        str(out),
    ]
    assert main([*command, *QUIET]) == 0
    settings = read_output(out).provenance["settings"]
    assert settings["method"] == "morris" and settings["ranges"] == {
        "pass_through_share": [0.3, 0.9]
    }
    status, text, _ = rerun(capsys, out)
    assert status == 0 and text.startswith("identical\n")


def test_rerun_reproduces_a_run_with_lever_overrides(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """`simulate(..., lever_overrides=...)` records the per-replication values it ran."""
    scenario = flywheel.load_scenario(short)
    overrides = {"pass_through_share": [0.2, 0.5, 0.9]}
    results = flywheel.simulate(scenario, 3, seed=2, lever_overrides=overrides)
    path = tmp_path / "overrides.parquet"
    written = results.write(path)
    assert written["settings"] == {"lever_overrides": overrides, "annual": False}
    status, text, _ = rerun(capsys, path)
    assert status == 0 and text.startswith("identical\n")


def _doctored_run(short: Path, tmp_path: Path, **changes: object) -> Path:
    """A weekly CSV whose provenance is sealed over its (doctored) data: consistent, so
    rerun accepts it and compares."""
    results = flywheel.simulate(flywheel.load_scenario(short), 2, seed=1)
    frame = results.frame()
    frame.loc[5, "orders"] += 1000.0
    made = with_fields(results.provenance, settings={"annual": False}, **changes)
    path = tmp_path / "doctored.csv"
    write_table(frame, path, made)
    return path


def test_rerun_reports_the_largest_difference(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = _doctored_run(short, tmp_path)
    status, text, _ = rerun(capsys, path)
    assert status == 1
    first = text.splitlines()[0]
    assert first.startswith("differs: largest difference 1000 ")
    assert "column orders, row 5" in first


def test_rerun_names_versions_and_platform_that_differ(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    results = flywheel.simulate(flywheel.load_scenario(short), 2, seed=1)
    versions = {**results.provenance["versions"], "numpy": "0.0.1"}
    path = tmp_path / "old.parquet"
    write_table(
        results.frame(),
        path,
        with_fields(results.provenance, settings={"annual": False}, versions=versions),
    )
    status, text, _ = rerun(capsys, path)
    current = results.provenance["versions"]["numpy"]
    assert status == 0
    assert text.splitlines()[1].endswith(f"seed 1: versions: numpy 0.0.1 -> {current}")


def test_rerun_refuses_inconsistent_provenance_with_one_line(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "run.csv"
    assert main(["run", str(short), "--out", str(path)]) == 0
    sidecar = sidecar_path(path)
    found = json.loads(sidecar.read_text())
    found["seed"] = 7  # edited by hand: the digest no longer matches
    sidecar.write_text(json.dumps(found))
    status, text, err = rerun(capsys, path)
    assert status == 2 and text == ""
    assert err == (
        f"error: {path}: inconsistent provenance: digest does not match the fields "
        "(the provenance was edited)\n"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"replications": 10**9}, "replications = 1000000000: at most 1000000"),
        ({"seed": -1}, "seed = -1: expected a whole number >= 0"),
        ({"outputs": ["no_such_output"]}, "unknown output(s) ['no_such_output']"),
        ({"kind": "importance"}, "holds a result of kind importance; rerun re-creates run"),
        (
            {"scenario_toml": 'name = "x"\nhorizon_weeks = 12\n[levers]\nbasket_usd = 1e308\n'},
            "levers.basket_usd = 1e+308",
        ),
    ],
)
def test_rerun_validates_every_field_it_uses(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture, change: dict, message: str
) -> None:
    """A consistent (resealed) provenance is still input: the same checks as any other."""
    results = flywheel.simulate(flywheel.load_scenario(short), 1, seed=0)
    made = with_fields(results.provenance, settings={"annual": False}, **change)
    if "scenario_toml" in change:
        from flywheel.results.provenance import sha256_text

        made["scenario_sha256"] = sha256_text(change["scenario_toml"])
    path = tmp_path / "run.parquet"
    write_table(results.frame(), path, made)
    status, text, err = rerun(capsys, path)
    assert status == 2 and text == ""
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"points": [[0.5, 1]]}, "settings.points[0] = [0.5, 1]: expected 1 numbers"),
        ({"points": [[None]]}, "settings.points[0] = [None]: expected 1 numbers"),
        ({"points": [[1.5]]}, "1.5"),  # outside the lever's range: the sweep's own check
        ({"levers": ["no_such_lever"]}, "'no_such_lever' is not a lever"),
        ({"chunk_size": 0}, "chunk_size = 0: expected a whole number >= 1"),
    ],
)
def test_a_sweeps_settings_are_checked(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture, settings: dict, message: str
) -> None:
    out = tmp_path / "sweep"
    grid = "pass_through_share=0.2:0.8:2"
    assert main(["sweep", str(short), "--grid", grid, "--out", str(out), *QUIET]) == 0
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    made = {**data["provenance"], "settings": {**data["provenance"]["settings"], **settings}}
    data["provenance"] = seal(made, data["provenance"]["data_sha256"])  # consistent again
    manifest.write_text(json.dumps(data))
    status, text, err = rerun(capsys, out)
    assert status == 2 and text == ""
    assert message in err and err.count("\n") == 1


def test_rerun_never_replays_the_command_line(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A recorded command that would write elsewhere is a record, not an instruction."""
    results = flywheel.simulate(flywheel.load_scenario(short), 1, seed=0)
    trap = tmp_path / "trap.csv"
    made = with_fields(
        results.provenance,
        settings={"annual": False},
        command=["flywheel", "run", str(short), "--out", str(trap)],
    )
    path = tmp_path / "run.parquet"
    write_table(results.frame(), path, made)
    status, _text, _ = rerun(capsys, path)
    assert status == 0 and not trap.exists()


def test_a_store_without_provenance_is_refused(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "sweep"
    grid = "pass_through_share=0.2:0.8:2"
    assert main(["sweep", str(short), "--grid", grid, "--out", str(out), *QUIET]) == 0
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["provenance"]
    manifest.write_text(json.dumps(data))
    status, _text, err = rerun(capsys, out)
    assert status == 2 and "no provenance" in err


def test_seal_is_over_every_field() -> None:
    base = {"a": 1, "format": "x"}
    assert seal(base, "d")["digest"] != seal({**base, "a": 2}, "d")["digest"]
    assert seal(base, "d")["digest"] != seal(base, "e")["digest"]


def test_attribution_and_importance_outputs_carry_provenance(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    table = tmp_path / "attribution.csv"
    outcome = ["--outcome", "revenue_usd@week11"]
    assert main(["attribute", str(short), "-n", "2", *outcome, "--out", str(table), *QUIET]) == 0
    found = read_output(table)
    assert found.problems == [] and found.provenance["kind"] == "attribution"
    assert found.provenance["settings"]["outcome"] == "revenue_usd@week11"
    ranked = tmp_path / "importance.parquet"
    levers = ["--levers", "pass_through_share"]
    assert main(["importance", str(short), "-n", "2", *levers, "--out", str(ranked), *QUIET]) == 0
    found = read_output(ranked)
    assert found.problems == [] and found.provenance["kind"] == "importance"
    assert found.provenance["settings"]["levers"] == ["pass_through_share"]
    status, _text, err = rerun(capsys, ranked)  # made by a command rerun does not re-create
    assert status == 2 and "holds a result of kind importance" in err


def test_an_incomplete_store_says_so(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "sweep"
    grid = "pass_through_share=0.2:0.8:4"
    command = ["sweep", str(short), "--grid", grid, "--chunk-size", "2", "--out", str(out)]
    assert main([*command, *QUIET]) == 0
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["chunks"]["1"], data["provenance"]  # as a killed sweep leaves it
    manifest.write_text(json.dumps(data))
    status, _text, err = rerun(capsys, out)
    assert status == 2 and "the sweep store is incomplete (1 of 2 chunks" in err
    assert main([*command, "--resume", *QUIET]) == 0  # completed: provenance written
    assert read_output(out).problems == []
