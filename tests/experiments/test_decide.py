"""Robust policy search and scenario discovery (issue 20): futures, metrics, the search's
reproducibility, constraints, resume and common random numbers, and PRIM on a planted box."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

import flywheel
from flywheel.experiments import discover, optimize, out_of_sample
from flywheel.experiments.decide_outputs import write_outputs
from flywheel.experiments.futures import (
    FRESH_FIRST_ID,
    FuturesError,
    load_uncertainties,
    parse_range,
    sample_futures,
)
from flywheel.experiments.metrics import Constraint, Objective, npv
from flywheel.experiments.policy_search import evaluate, run_search, search_spec
from flywheel.experiments.store import ResultsStore, StoreError
from flywheel.scenario.loading import load_scenario, scenario_to_dict, with_parameters

LEVERS = ["pass_through_share[0.1,0.9]"]
UNCERTAIN = ["market_growth_per_year[0.1,0.4]"]


def _spec(short, **changes):
    settings = dict(
        uncertainties=UNCERTAIN, futures=6, generations=3, population=4, seed=3, chunk_size=10
    )
    settings.update(changes)
    objectives = settings.pop("objectives", ["max npv_operating_income_usd"])
    levers = settings.pop("levers", LEVERS)
    return search_spec(short, levers, objectives, **settings)


# -- futures ---------------------------------------------------------------------------------


def test_futures_are_a_seeded_latin_hypercube():
    space = [
        parse_range("market_growth_per_year[0.1,0.4]"),
        parse_range("basket_usd[20,80,loguniform]"),
    ]
    first = sample_futures(space, 20, seed=5)
    again = sample_futures(space, 20, seed=5)
    other = sample_futures(space, 20, seed=6)
    np.testing.assert_array_equal(first.draws["basket_usd"], again.draws["basket_usd"])
    assert not np.array_equal(first.draws["basket_usd"], other.draws["basket_usd"])
    np.testing.assert_array_equal(first.ids, np.arange(20))
    # one point in each of the 20 equal strata of each dimension (on its own scale)
    growth = (first.draws["market_growth_per_year"] - 0.1) / 0.3
    basket = np.log(first.draws["basket_usd"] / 20) / np.log(80 / 20)
    for unit in (growth, basket):
        assert sorted(np.floor(unit * 20).astype(int)) == list(range(20))
    fresh = sample_futures(space, 20, seed=5, first_id=FRESH_FIRST_ID)
    assert fresh.ids[0] == FRESH_FIRST_ID
    assert not np.array_equal(fresh.draws["basket_usd"], first.draws["basket_usd"])


def test_uncertainty_file_loads_and_bad_files_name_field_value_allowed(tmp_path):
    good = tmp_path / "futures.toml"
    good.write_text(
        "[uncertainties.market_growth_per_year]\nlow = 0.1\nhigh = 0.4\n"
        '[uncertainties.price_elasticity]\nlow = 0.8\nhigh = 2.0\ndistribution = "loguniform"\n'
    )
    space = load_uncertainties(good)
    assert [item.lever for item in space] == ["market_growth_per_year", "price_elasticity"]
    assert space[1].distribution == "loguniform"
    basket = "[uncertainties.basket_usd]\n"
    growth = "[uncertainties.market_growth_per_year]\n"
    cases = {
        basket + "low = 1\nhigh = 80\n": (
            "uncertainties.basket_usd.low = 1 is out of range (allowed 5 to 500"
        ),
        "[uncertainties.nope]\nlow = 1\nhigh = 2\n": "'nope' is not a lever",
        basket + "low = 80\nhigh = 20\n": "low = 80 must be below high = 20",
        basket + 'low = 20\nhigh = 80\ndistribution = "normal"\n': (
            "distribution = 'normal' is not allowed (allowed uniform, loguniform)"
        ),
        growth + 'low = 0\nhigh = 0.4\ndistribution = "loguniform"\n': "needs low > 0",
        basket + "low = 20\n": "uncertainties.basket_usd.high is missing",
        "seed = 3\n": "seed is not allowed",
        basket + "low = 20\nhigh = 80\nmean = 3\n": "basket_usd.mean is not allowed",
    }
    for text, expected in cases.items():
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(FuturesError) as caught:
            load_uncertainties(bad)
        message = str(caught.value)
        assert expected in message and "\n" not in message and "bad.toml" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pass_through_share[0.9,0.2]", "low = 0.9 must be below high = 0.2"),
        ("pass_through_share[0.2,1.5]", "high = 1.5 is out of range (allowed 0 to 1, share)"),
        ("no_such_lever[0,1]", "'no_such_lever' is not a lever"),
        ("pass_through_share(0.2,0.9)", "expected NAME[LOW,HIGH]"),
        ("pass_through_share[a,0.9]", "low 'a' is not a number"),
    ],
)
def test_bad_lever_ranges_are_one_line_errors(text, expected):
    with pytest.raises(FuturesError, match=None) as caught:
        parse_range(text)
    assert expected in str(caught.value)


def test_objective_and_constraint_grammar(short):
    weeks = short.horizon_weeks
    assert Objective.parse("max npv_operating_income_usd", weeks).text == (
        "max npv_operating_income_usd mean"
    )
    assert not Objective.parse("insolvent_share", weeks).maximise
    assert Objective.parse("customers@year2 q10", weeks).stat == "q10"
    limit = Constraint.parse("insolvent_share<=0.05", weeks)
    assert limit.at_most and limit.bound == 0.05
    np.testing.assert_array_equal(limit.violation(np.array([[0.0, 0.0], [1.0, 0.0]])), [0, 0.45])
    for bad, expected in [
        ("insolvent_share=0.05", "expected METRIC [mean|qNN] <= NUMBER"),
        ("insolvent_share<=x", "bound 'x' is not a finite number"),
        ("customerz<=3", "'customerz' is not a model output"),
        ("customers@year9 >= 1", "outcome year 9 is outside 1 to 3"),
    ]:
        with pytest.raises(ValueError) as caught:
            Constraint.parse(bad, weeks)
        assert expected in str(caught.value)
    with pytest.raises(ValueError, match="expected \\[max\\|min\\] METRIC"):
        Objective.parse("maximise npv now", weeks)


def test_npv_discounts_weekly_operating_income_at_the_rate(short):
    results = flywheel.simulate(short, replications=2, seed=1)
    income = results.series["operating_income_usd"]
    by_hand = sum(income[:, w] / 1.1 ** (w / 52) for w in range(income.shape[1]))
    np.testing.assert_allclose(npv(income, 0.10), by_hand, rtol=1e-12)


# -- the search ------------------------------------------------------------------------------


def test_every_policy_sees_the_same_futures(short):
    spec = _spec(short, objectives=["max npv_operating_income_usd", "max customers"])
    futures = sample_futures(spec.uncertainties, 5, spec.seed)
    policies = np.array([[0.3], [0.7], [0.3]])
    together = evaluate(spec, policies, futures)
    alone = evaluate(spec, policies[1:2], futures)
    np.testing.assert_array_equal(together[0], together[2])  # same policy, same futures
    np.testing.assert_array_equal(together[1], alone[0])  # batch-invariant: CRN
    # future f of any policy is replication f with draw f, as a direct run
    scenario = with_parameters(
        short,
        {
            "pass_through_share": 0.7,
            "market_growth_per_year": float(futures.draws["market_growth_per_year"][2]),
        },
    )
    direct = flywheel.simulate(scenario, replications=1, seed=spec.seed, first_replication=2)
    assert together[1, 2, 1] == direct.series["customers"][0, -1]


def test_the_numbers_do_not_depend_on_the_executor(short):
    from flywheel.experiments.executors import ProcessExecutor

    spec = _spec(short, objectives=["max npv_operating_income_usd", "max customers"])
    futures = sample_futures(spec.uncertainties, 6, spec.seed)
    policies = np.array([[0.2], [0.5], [0.8]])
    executor = ProcessExecutor(2)
    try:
        parallel = evaluate(spec, policies, futures, executor)
    finally:
        executor.close()
    np.testing.assert_array_equal(parallel, evaluate(spec, policies, futures))


def test_a_seed_reproduces_the_search(short):
    first = optimize(
        short,
        LEVERS,
        "max npv_operating_income_usd",
        uncertainties=UNCERTAIN,
        futures=5,
        generations=3,
        population=4,
        seed=1,
    )
    again = optimize(
        short,
        LEVERS,
        "max npv_operating_income_usd",
        uncertainties=UNCERTAIN,
        futures=5,
        generations=3,
        population=4,
        seed=1,
    )
    other = optimize(
        short,
        LEVERS,
        "max npv_operating_income_usd",
        uncertainties=UNCERTAIN,
        futures=5,
        generations=3,
        population=4,
        seed=2,
    )
    np.testing.assert_array_equal(first.policies, again.policies)
    np.testing.assert_array_equal(first.values, again.values)
    assert not np.array_equal(first.policies, other.policies)


def test_the_search_finds_the_grid_optimum(short):
    spec = _spec(short, generations=6, population=6, futures=8)
    result = run_search(spec)
    grid = np.linspace(0.1, 0.9, 33)[:, None]
    values = evaluate(spec, grid, result.futures)[:, :, 0].mean(axis=1)
    best_on_grid = values.max()
    found = result.objective_values()[result.best_index, 0]
    spread = values.max() - values.min()
    assert found >= best_on_grid - 0.02 * spread
    assert abs(result.best_levers()["pass_through_share"] - grid[values.argmax(), 0]) <= 0.1


def test_constraints_are_respected(short):
    free = run_search(_spec(short, objectives=["max npv_operating_income_usd"]))
    customers = run_search(
        _spec(short, objectives=["max npv_operating_income_usd"], constraints=["customers >= 0"])
    )
    chosen_customers = customers.metric("customers")[customers.best_index].mean()
    # a bound above what the unconstrained choice reaches, below what some candidates reach
    reached = customers.metric("customers").mean(axis=1)
    bound = float((chosen_customers + reached.max()) / 2)
    assert free.best_levers() == customers.best_levers()
    bound_text = f"customers >= {bound!r}"
    limited = run_search(_spec(short, constraints=[bound_text]))
    best = limited.best_index
    assert limited.feasible[best]
    assert limited.metric("customers")[best].mean() >= bound
    assert limited.best_levers() != free.best_levers()


def test_resume_replays_the_store_and_ends_as_an_uninterrupted_search(short, tmp_path):
    spec = _spec(
        short,
        objectives=["max npv_operating_income_usd", "max customers"],
        constraints=["insolvent_share<=0.05"],
    )
    whole = run_search(spec, out=tmp_path / "whole")
    shutil.copytree(tmp_path / "whole", tmp_path / "cut")
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    del manifest["chunks"]["2"], manifest["chunks"]["1"]  # killed after generation 0
    manifest["complete"] = False
    (tmp_path / "cut" / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "cut" / "chunk-000001.parquet").write_bytes(b"half-written")  # a stray file
    with pytest.raises(StoreError, match="use --resume"):
        run_search(spec, out=tmp_path / "cut")
    resumed = run_search(spec, out=tmp_path / "cut", resume=True)
    np.testing.assert_array_equal(whole.policies, resumed.policies)
    np.testing.assert_array_equal(whole.values, resumed.values)
    pd.testing.assert_frame_equal(
        ResultsStore.read(tmp_path / "whole").frame(), ResultsStore.read(tmp_path / "cut").frame()
    )
    with pytest.raises(StoreError, match="different experiment"):
        run_search(_spec(short, seed=9), out=tmp_path / "cut", resume=True)


def test_several_objectives_give_a_non_dominated_front(short):
    result = run_search(
        _spec(
            short,
            objectives=["max npv_operating_income_usd", "max customers@year2 q10"],
            population=6,
        )
    )
    values = result.objective_values()
    front = result.pareto_indices()
    assert front.size >= 1 and result.best_index in front
    for member in front:
        dominated = (values >= values[member]).all(axis=1) & (values > values[member]).any(axis=1)
        assert not dominated.any()
    others = np.setdiff1d(np.arange(len(values)), front)
    for row in others:  # everything off the front is dominated by someone
        assert ((values >= values[row]).all(axis=1) & (values > values[row]).any(axis=1)).any()


def test_outputs_revalidate_and_the_report_judges_on_fresh_futures(short, tmp_path):
    folder = tmp_path / "search"
    result = run_search(_spec(short), out=folder)
    fresh = out_of_sample(result, fresh=8)
    assert fresh.attrs["fresh_futures"] == 8
    row = fresh[fresh["row"] == "metric: npv_operating_income_usd"].iloc[0]
    assert row["difference_mean"] == pytest.approx(row["best"] - row["start"])
    names = write_outputs(result, fresh, folder)
    assert {"trials.parquet", "best.toml", "report.md"} <= set(names)
    written = load_scenario(folder / "best.toml")
    assert written.levers == result.best_scenario().levers
    assert "fresh futures" in (folder / "report.md").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["provenance"]["kind"] == "optimize"


# -- scenario discovery ----------------------------------------------------------------------


def _planted_store(folder, runs=2000):
    """A sweep store whose case is a known lever rectangle (pass_through 0.5-0.7 and basket
    40-55), with a third lever that does not matter."""
    generator = np.random.default_rng(7)
    through = generator.uniform(0.2, 0.9, runs)
    basket = generator.uniform(30, 70, runs)
    marketing = generator.uniform(0.0, 0.3, runs)
    inside = (through > 0.5) & (through < 0.7) & (basket > 40) & (basket < 55)
    spec = {
        "scenario": scenario_to_dict(flywheel.Scenario(name="planted", horizon_weeks=52)),
        "seed": 0,
        "levers": ["pass_through_share", "basket_usd", "marketing_share_of_revenue"],
        "points": [],
        "replications": 1,
        "outputs": ["customers"],
        "chunk_size": runs,
    }
    store = ResultsStore.open(folder, "sweep", spec, 1)
    frame = pd.DataFrame(
        {
            "run": np.arange(runs),
            "point": np.arange(runs),
            "replication": 0,
            "pass_through_share": through,
            "basket_usd": basket,
            "marketing_share_of_revenue": marketing,
            "year": 1,
            "customers": np.where(inside, 1.0, 10.0) + generator.normal(0, 0.1, runs),
        }
    )
    store.write_chunk(0, frame, (0, runs))
    return store


def test_prim_recovers_a_planted_box(tmp_path):
    _planted_store(tmp_path / "store")
    found = discover(tmp_path / "store", "customers < 0.5*median")
    stats = found.stats.iloc[0]
    assert stats["coverage"] >= 0.8 and stats["density"] >= 0.8
    limits = found.boxes.set_index("lever")
    assert set(limits.index) == {"pass_through_share", "basket_usd"}
    assert limits.loc["pass_through_share", "low"] == pytest.approx(0.5, abs=0.03)
    assert limits.loc["pass_through_share", "high"] == pytest.approx(0.7, abs=0.03)
    assert limits.loc["basket_usd", "low"] == pytest.approx(40, abs=2)
    assert limits.loc["basket_usd", "high"] == pytest.approx(55, abs=2)
    assert found.features["lever"].iloc[-1] == "marketing_share_of_revenue"
    centre = found.centre_scenario()
    assert centre.levers.pass_through_share == pytest.approx(0.6, abs=0.03)
    cart = discover(tmp_path / "store", "customers < 5", method="cart")
    assert cart.stats.iloc[0]["density"] >= 0.8 and cart.stats.iloc[0]["coverage"] >= 0.8


def test_bad_cases_are_one_line_errors(tmp_path):
    _planted_store(tmp_path / "store", runs=200)
    for case, expected in [
        ("customers << 3", "expected METRIC < REFERENCE"),
        ("revenue_usd < 3", "revenue_usd is not stored (allowed customers"),
        ("customers < 0", "0 of 200 runs are cases"),
    ]:
        with pytest.raises(ValueError) as caught:
            discover(tmp_path / "store", case)
        assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_a_missing_extra_names_it(monkeypatch, short):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "optuna" else real(name, *a)
    )
    with pytest.raises(ValueError, match=r"needs optuna.*pip install 'flywheel\[decide\]'"):
        run_search(_spec(short))


def test_policy_toml_is_the_smallest_diff_against_a_named_input(tmp_path):
    from flywheel.experiments.decide_outputs import policy_toml

    start = load_scenario("scenarios/baseline.toml")
    chosen = with_parameters(start, {"pass_through_share": 0.25})
    text = policy_toml(chosen, start, tmp_path / "best.toml", None, "Question: which?")
    assert 'base = "baseline"' in text and "pass_through_share = 0.25" in text
    assert "[[events]]" not in text  # the base's events come from the base
    (tmp_path / "best.toml").write_text(text)
    assert load_scenario(tmp_path / "best.toml") == chosen


def test_the_shipped_uncertainty_spaces_load():
    from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR

    files = sorted((SHIPPED_SCENARIOS_DIR / "futures").glob("*.toml"))
    assert files
    for path in files:
        assert load_uncertainties(path)
