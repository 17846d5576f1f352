"""The experiment commands end to end (tiny sizes), and their input errors (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from flywheel.cli.commands import main

SCENARIO = """name = "tiny"
horizon_weeks = 60

[sweep]
pass_through_share = "0.2:0.8:2"
"""


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    return path


def test_mc_writes_quantiles_and_fan_chart(scenario, tmp_path, capsys):
    out = tmp_path / "mc"
    code = main(
        [
            "mc",
            str(scenario),
            "-n",
            "6",
            "--chunk-size",
            "4",
            "--out",
            str(out),
            "--plot",
            str(tmp_path / "fan.png"),
            "--json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["replications"] == 6 and summary["final_week_mean"]["customers"] > 0
    quantiles = pd.read_parquet(out / "quantiles.parquet")
    assert set(quantiles["statistic"]) == {"q05", "q25", "q50", "q75", "q95", "mean"}
    assert (tmp_path / "fan.png").read_bytes()[:4] == b"\x89PNG"


def test_sweep_from_scenario_table_and_resume(scenario, tmp_path, capsys):
    out = str(tmp_path / "store")
    assert main(["sweep", str(scenario), "--out", out, "--replications", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"] == 4
    assert main(["sweep", str(scenario), "--out", out, "--replications", "2"]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["sweep", str(scenario), "--out", out, "--replications", "2", "--resume"]) == 0


def test_sensitivity_and_attribute(scenario, tmp_path, capsys):
    assert (
        main(
            [
                "sensitivity",
                str(scenario),
                "--levers",
                "pass_through_share,basket_usd",
                "-N",
                "4",
                "--outcome",
                "customers",
                "--out",
                str(tmp_path / "s.csv"),
                "--plot",
                str(tmp_path / "tornado.png"),
                "--json",
            ]
        )
        == 0
    )
    assert len(json.loads(capsys.readouterr().out)["indices"]) == 2
    assert (tmp_path / "tornado_over_time.png").exists()
    assert (
        main(
            [
                "attribute",
                str(scenario),
                "-n",
                "2",
                "--outcome",
                "customers@year1",
                "--plot",
                str(tmp_path / "w.png"),
                "--json",
            ]
        )
        == 0
    )
    components = json.loads(capsys.readouterr().out)["components"]
    assert [c["component"] for c in components][-2:] == ["interaction", "total"]


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "{s}", "--out", "{t}/x", "--grid", "pass_through_share=0:3:2"],
        ["sweep", "{s}", "--out", "{t}/x", "--grid", "nonsense=0:1:2"],
        ["sweep", "{s}", "--out", "{t}/x", "--sample", "4"],
        ["mc", "{s}", "-n", "2", "--outputs", "nope"],
        ["mc", "{s}", "-n", "0"],
        ["sensitivity", "{s}", "--levers", "basket_usd", "--range", "basket_usd=1:2"],
        ["attribute", "{s}", "--outcome", "customers@year9"],
        ["mc", "{s}", "--executor", "processes", "--scheduler", "tcp://localhost:1"],
    ],
)
def test_bad_input_exits_2_without_traceback(scenario, tmp_path, capsys, argv):
    args = [a.format(s=scenario, t=tmp_path) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.strip().startswith("error:") and "Traceback" not in err


def test_import_experiments_stays_light():
    code = (
        "import flywheel.experiments, sys; "
        "print(sorted(m for m in ('SALib', 'dask', 'distributed', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--plot", "{t}/fan.jpg"], "--plot {t}/fan.jpg: expected a .png file"),
        (["--plot", "{t}/missing/fan.png"], "--plot {t}/missing/fan.png: folder"),
        (["--out", "{t}/mc", "--plot", "{t}/missing/fan.png"], "--plot {t}/missing/fan.png"),
        (["--out", "{s}"], "exists and is not a folder"),
    ],
)
def test_mc_bad_paths_are_refused_before_simulating(
    scenario, tmp_path, capsys, monkeypatch, argv, needle
):
    """A typo in --out / --plot costs no Monte Carlo time and creates no folder."""
    import flywheel.experiments

    def no_run(*args, **kwargs):
        raise AssertionError("simulated although a path was bad")

    monkeypatch.setattr(flywheel.experiments, "monte_carlo", no_run)
    args = ["mc", str(scenario), "-n", "2", *(a.format(s=scenario, t=tmp_path) for a in argv)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and needle.format(s=scenario, t=tmp_path) in err
    assert not (tmp_path / "missing").exists()


def test_mc_plot_may_go_into_the_folder_out_creates(scenario, tmp_path):
    """docs/experiments.md: `--out out/mc --plot out/fan.png` on a fresh checkout."""
    out = tmp_path / "out" / "mc"
    plot = tmp_path / "out" / "fan.png"
    assert main(["mc", str(scenario), "-n", "2", "--out", str(out), "--plot", str(plot)]) == 0
    assert (out / "quantiles.parquet").is_file() and plot.read_bytes()[:4] == b"\x89PNG"


def test_mc_and_sweep_report_the_share_of_insolvent_runs(scenario, tmp_path, capsys):
    assert main(["mc", str(scenario), "-n", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["insolvent_share"] == 0.0
    assert main(["mc", str(scenario), "-n", "3"]) == 0
    assert "insolvent (cash would have passed the credit limit): 0.0% of runs" in (
        capsys.readouterr().out
    )
    out = str(tmp_path / "store")
    assert main(["sweep", str(scenario), "--out", out, "--replications", "2"]) == 0
    assert "0 of 4 runs became insolvent" in capsys.readouterr().out
