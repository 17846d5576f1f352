"""Lever importance: one lever at a time, common random numbers, any batch cut or executor."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import flywheel
from flywheel.cli.commands import main
from flywheel.experiments import ImportancePlan, importance_plan, lever_importance
from flywheel.experiments.executors import ProcessExecutor, run_in_order
from flywheel.experiments.importance import lever_moves
from flywheel.experiments.outcomes import Outcome
from flywheel.scenario.lever_groups import lever_specs_by_name

LEVERS = ("basket_usd", "fc_size_sqft", "pass_through_share", "churn_base_per_week")
OUTCOME = "revenue_usd@year2"


@pytest.fixture(scope="module")
def table(short) -> pd.DataFrame:
    return lever_importance(short, OUTCOME, 4, 7, levers=LEVERS)


def test_a_lever_that_does_not_enter_the_outcome_has_zero_swing_exactly(table):
    # an FC's floor area is reported (fc_sqft), never used: with the same noise paths
    # (common random numbers) its runs give the base's revenue to the last bit
    row = table.set_index("lever").loc["fc_size_sqft"]
    assert row["low_change"] == 0.0 and row["high_change"] == 0.0 and row["swing"] == 0.0
    assert row["low_change_se"] == 0.0  # every replication's change is 0, not only the mean
    assert table["lever"].iloc[-1] == "fc_size_sqft"  # sorted by swing, largest first
    assert table["swing"].is_monotonic_decreasing


def test_known_signs_and_the_base_is_the_scenarios_own_run(short, table):
    rows = table.set_index("lever")
    # a larger basket sells more per order: revenue rises; more churn loses customers
    assert rows.loc["basket_usd", "high_change"] > 0 > rows.loc["basket_usd", "low_change"]
    assert rows.loc["churn_base_per_week", "high_change"] < 0
    assert table["lever"].iloc[0] == "basket_usd"
    # the base runs are replications 0..3 of the scenario itself at the same seed
    results = flywheel.simulate(short, 4, 7, outputs=("revenue_usd",))
    base = Outcome.parse(OUTCOME).values(results.series).mean()
    assert table.attrs["base"] == pytest.approx(base, rel=1e-12)
    assert table.attrs["outcome"] == OUTCOME and table.attrs["replications"] == 4


def test_moves_are_the_documented_defaults(short):
    moves = lever_moves(short)
    specs = lever_specs_by_name()
    basket = short.levers.basket_usd
    assert moves["basket_usd"] == (basket * 0.75, basket * 1.25)
    # clipped to the range: the Q4 multiplier (1.2) cannot go below 1.0
    assert moves["q4_demand_multiplier"] == (1.0, 1.2 * 1.25)
    # a lever at 0 moves 10 % of its range (here only up: 0 is its lower bound)
    spec = specs["andon_cord_share"]
    assert moves["andon_cord_share"] == (0.0, 0.1 * (spec.high - spec.low))
    assert set(moves) <= set(specs) and len(moves) > 60
    assert lever_moves(short, ["basket_usd"], share=0.5)["basket_usd"] == (basket / 2, basket * 1.5)


def test_any_batch_cut_or_executor_gives_identical_numbers(short, table):
    for chunk_size in (1, 5, 13, 10_000):
        cut = lever_importance(short, OUTCOME, 4, 7, levers=LEVERS, chunk_size=chunk_size)
        pd.testing.assert_frame_equal(cut, table, check_exact=True)
    plan = importance_plan(short, OUTCOME, 4, 7, levers=LEVERS)
    assert isinstance(plan, ImportancePlan) and plan.runs == 9 * 4
    # the app's way: two halves on two worker processes, combined in order
    executor = ProcessExecutor(2, start_method="fork")
    try:
        halves = run_in_order(executor, plan.batches(parts=2))
    finally:
        executor.close()
    pd.testing.assert_frame_equal(plan.table(halves), table, check_exact=True)


def test_explicit_values_and_a_week_outcome(short):
    frame = lever_importance(
        short, Outcome("customers", week=60), 2, 0, values={"churn_base_per_week": (0.0, 0.01)}
    )
    assert list(frame["lever"]) == ["churn_base_per_week"]
    assert frame.loc[0, "low_change"] > 0 > frame.loc[0, "high_change"]  # churn loses customers
    assert frame.attrs["outcome"] == "customers@week60"
    default = lever_importance(short, None, 1, 0, levers=["basket_usd"])
    assert default.attrs["outcome"] == "revenue_usd@year3"  # 110 weeks: the last year is 3
    assert np.isnan(default.loc[0, "low_change_se"])  # one replication has no standard error


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"levers": ["nope"]}, "lever 'nope' is not a lever"),
        ({"levers": []}, "no lever to move"),
        ({"outcome": "revenue_usd@year9"}, "outcome year 9 is outside 1 to 3"),
        ({"outcome": "nothing"}, "'nothing' is not a model output"),
        ({"replications": 0}, "replications = 0 must be a whole number >= 1"),
        ({"seed": -1}, "seed = -1 must be a whole number >= 0"),
        ({"share": 0.0}, "swing share = 0.0 must be in (0, 1]"),
        ({"values": {"basket_usd": (60.0, 40.0)}}, "need low < high, both in 5 to 500"),
        ({"values": {"basket_usd": (1.0, 40.0)}}, "need low < high, both in 5 to 500"),
        ({"values": {"x": (0.0, 1.0)}}, "lever 'x' is not a lever"),
        ({"levers": ["basket_usd"], "values": {"basket_usd": (6, 7)}}, "not both"),
        ({"chunk_size": 0}, "chunk_size = 0 must be >= 1"),
    ],
)
def test_bad_arguments_say_what_is_wrong(short, kwargs, needle):
    arguments = {"outcome": OUTCOME, "replications": 1, "levers": ["basket_usd"], **kwargs}
    if "values" in kwargs and "levers" not in kwargs:
        arguments.pop("levers")
    with pytest.raises(ValueError) as error:
        lever_importance(short, **arguments)
    assert needle in str(error.value)


SCENARIO = 'name = "tiny"\nhorizon_weeks = 60\n'


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    return path


def test_cli_prints_writes_and_matches_the_library(scenario, tmp_path, capsys):
    out = tmp_path / "importance.csv"
    argv = ["importance", str(scenario), "-n", "3", "--seed", "2", "--levers"]
    assert main([*argv, "basket_usd,fc_capex_usd", "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("lever importance of revenue_usd, year 2 (3 replications")
    assert text.index("basket_usd") < text.index("fc_capex_usd")
    written = pd.read_csv(out)
    expected = lever_importance(
        flywheel.load_scenario(scenario),
        "revenue_usd@year2",
        3,
        2,
        levers=["basket_usd", "fc_capex_usd"],
    )
    np.testing.assert_allclose(written["high_change"], expected["high_change"], rtol=1e-12)
    assert main([*argv, "basket_usd", "--output", "customers", "--year", "1", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["outcome"] == "customers@year1" and summary["replications"] == 3
    assert [row["lever"] for row in summary["levers"]] == ["basket_usd"]
    assert main([*argv[:3], "1", "--levers", "basket_usd", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)  # NaN standard errors are JSON null
    assert one["levers"][0]["low_change_se"] is None


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--levers", "nope"], "lever 'nope' is not a lever"),
        (["--levers", ","], "--levers: expected comma-separated lever names"),
        (["--output", "nothing"], "'nothing' is not a model output"),
        (["--year", "5"], "outcome year 5 is outside 1 to 2"),
        (["--year", "0"], "--year: expected a whole number >= 1"),
        (["-n", "0"], "expected a whole number >= 1"),
        (["--share", "1.5"], "--share 1.5: expected a number above 0 and at most 1"),
        (["--share", "nan"], "--share nan"),
        (["--out", "{t}/x.txt"], "expected a .csv or .parquet file"),
        (["--set", "basket_usd=-3"], "levers.basket_usd = -3.0"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(scenario, tmp_path, capsys, argv, needle):
    args = ["importance", str(scenario), "--no-progress", *(a.format(t=tmp_path) for a in argv)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
