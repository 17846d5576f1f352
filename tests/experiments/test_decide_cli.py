"""`flywheel optimize` and `flywheel discover` end to end (tiny sizes), and their bad input:
exit 2 with one line naming the field, the value and what is allowed."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from flywheel.cli.commands import main
from flywheel.scenario.loading import load_scenario

SCENARIO = 'name = "tiny"\nhorizon_weeks = 60\n'
SEARCH = [
    "--levers",
    "pass_through_share[0.2,0.9]",
    "marketing_share_of_revenue[0.01,0.1]",
    "--objective",
    "max npv_operating_income_usd",
    "--constraint",
    "insolvent_share<=0.05",
    "--uncertain",
    "market_growth_per_year[0.1,0.4]",
    "--futures",
    "4",
    "--generations",
    "2",
    "--population",
    "3",
    "--fresh-futures",
    "6",
    "--no-progress",
]


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    return path


def test_optimize_writes_the_policy_the_trials_and_the_report(scenario, tmp_path, capsys):
    out = tmp_path / "search"
    assert main(["optimize", str(scenario), *SEARCH, "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["candidates"] == 6 and summary["feasible"]
    best = load_scenario(out / "best.toml")  # re-validates
    assert best.levers.pass_through_share == summary["best"]["pass_through_share"]
    assert "Written by `flywheel optimize`" in (out / "best.toml").read_text()
    trials = pd.read_parquet(out / "trials.parquet")
    assert len(trials) == 6 and "npv_operating_income_usd_regret_mean" in trials
    assert "6 fresh futures" in (out / "report.md").read_text()
    assert main(["provenance", str(out / "trials.parquet")]) == 0
    assert main(["provenance", str(out / "best.toml")]) == 0
    capsys.readouterr()
    # a finished store resumes to the same answer without running anything new
    assert main(["optimize", str(scenario), *SEARCH, "--out", str(out), "--resume", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["best"] == summary["best"]


def test_two_objectives_write_a_pareto_set(scenario, tmp_path, capsys):
    out = tmp_path / "front"
    args = [*SEARCH, "--objective", "max customers q10", "--out", str(out)]
    assert main(["optimize", str(scenario), *args]) == 0
    front = pd.read_parquet(out / "pareto.parquet")
    assert len(front) >= 1 and front["on_front"].all()
    assert "Pareto front" in (out / "report.md").read_text()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (["--levers", "no_such_lever[0,1]"], "'no_such_lever' is not a lever"),
        (["--levers", "basket_usd[80,20]"], "low = 80 must be below high = 20"),
        (["--constraint", "insolvent_share=0.05"], "expected METRIC [mean|qNN] <= NUMBER"),
        (["--objective", "max customerz"], "'customerz' is not a model output"),
        (["--uncertain", "basket_usd[1,80]"], "low = 1 is out of range (allowed 5 to 500"),
        (["--uncertain", "pass_through_share[0.1,0.5]"], "both a decision lever and a deep"),
        (["--levers", "pass_through_share[0.2,0.9]"], "lever pass_through_share is named twice"),
    ],
)
def test_optimize_bad_input_is_one_line_exit_2(scenario, tmp_path, capsys, change, expected):
    code = main(["optimize", str(scenario), *SEARCH, *change, "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x").exists()  # nothing run, nothing written


def test_optimize_bad_uncertainty_file(scenario, tmp_path, capsys):
    bad = tmp_path / "futures.toml"
    bad.write_text("[uncertainties.basket_usd]\nlow = 20\nhigh = 800\n")
    args = [a for a in SEARCH if a not in ("--uncertain", "market_growth_per_year[0.1,0.4]")]
    code = main(["optimize", str(scenario), *args, "--uncertainties", str(bad), "--out", "x"])
    err = capsys.readouterr().err
    assert code == 2 and "uncertainties.basket_usd.high = 800 is out of range" in err


def test_discover_over_a_sweep_store(scenario, tmp_path, capsys):
    store = tmp_path / "lhs"
    sweep = ["sweep", str(scenario), "--range", "market_growth=0.05:0.4", "--range"]
    sweep += ["pass_through=0.2:0.9", "--sample", "120", "--out", str(store), "--no-progress"]
    assert main(sweep) == 0
    capsys.readouterr()
    out = tmp_path / "boxes"
    case = "customers < q25"
    assert main(["discover", str(store), "--case", case, "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["cases"] > 0 and summary["stats"][0]["density"] > 0.5
    assert {"boxes.csv", "stats.csv", "features.csv", "boxes.png", "centre.toml"} <= set(
        summary["files"]
    )
    centre = load_scenario(out / "centre.toml")
    restricted = pd.read_csv(out / "boxes.csv")
    for row in restricted.itertuples():
        assert row.low <= getattr(centre.levers, row.lever) <= row.high
    assert main(["provenance", str(out / "boxes.csv")]) == 0
    assert main(["discover", str(store), "--case", case, "--method", "cart"]) == 0


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("customers <> 3", "expected METRIC < REFERENCE"),
        ("profit < median", "profit is not stored"),
    ],
)
def test_discover_bad_case_is_one_line_exit_2(scenario, tmp_path, capsys, case, expected):
    store = tmp_path / "lhs"
    sweep = ["sweep", str(scenario), "--range", "market_growth=0.05:0.4", "--sample", "20"]
    assert main([*sweep, "--out", str(store), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["discover", str(store), "--case", case]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1
    assert main(["discover", str(tmp_path / "nowhere"), "--case", "customers < 1"]) == 2
