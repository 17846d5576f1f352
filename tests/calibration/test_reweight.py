"""Weights estimated from the error model (`flywheel calibrate --weights estimated`): on data
the model generated with known parameters and known per-series noise, the fit recovers the
parameters, each series' scale tau, and weighs each series by sqrt(n) / tau."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.calibration.data import metric_spec
from flywheel.calibration.objective import NOISE_LEVERS, Problem, Target, simulated_full_years
from flywheel.calibration.params import ParameterSpec
from flywheel.calibration.reweight import (
    estimated_weights,
    fit_estimated_weights,
    series_errors,
)
from flywheel.cli.commands import main
from flywheel.scenario.loading import with_parameters

REPO = Path(__file__).resolve().parents[2]
PARAMETERS = (
    ParameterSpec("bass_q_per_year", 0.1, 1.0, "levers"),
    ParameterSpec("conversion_base_share", 0.005, 0.2, "levers"),
)
TRUE = {"bass_q_per_year": 0.5, "conversion_base_share": 0.05}
# net sales: a log miss of 0.15 a year; 3P share: 0.3 points (0.03 on its points / 10 scale)
START = dt.date(2000, 1, 3)
NOISE = {"net_sales_usd_million": 0.15, "share_3p_percent": 0.03}


def noisy_problem(weeks: int = 780) -> Problem:
    """Net sales and 3P share the model made at TRUE (baseline from 2000), each with its own
    independent noise on its residual scale (seeded), 15 years."""
    scenario = dataclasses.replace(
        flywheel.load_scenario(REPO / "scenarios" / "baseline.toml"),
        horizon_weeks=weeks,
        start_date=START,  # the record keeps 3P-share anchors of 1999-2018 only
    )
    truth = with_parameters(scenario, TRUE)
    annual = flywheel.simulate(
        truth, 1, 0, lever_overrides={n: np.zeros(1) for n in NOISE_LEVERS}
    ).annual()
    years = simulated_full_years(scenario)
    annual = annual[annual["year"].isin(years) & (annual["share_3p_percent"] > 1.0)]
    rng = np.random.default_rng(7)
    targets = []
    for column, sd in NOISE.items():
        spec = metric_spec(column)
        clean = Target(spec, tuple(annual["year"]), tuple(annual[column]))
        noisy = clean.untransform(
            clean.transform(annual[column].to_numpy()) + rng.normal(0, sd, len(annual))
        )
        targets.append(Target(spec, clean.years, tuple(float(v) for v in noisy)))
    return Problem(scenario, PARAMETERS, tuple(targets))


def test_estimated_weights_recover_parameters_and_each_series_scale() -> None:
    problem = noisy_problem()
    result = fit_estimated_weights(problem, starts=8, max_evaluations=60, rounds=4)
    fitted = result.fitted_parameters()
    for name, value in TRUE.items():
        assert fitted[name] == pytest.approx(value, rel=0.2), (name, fitted)
    taus = {e.column: e.tau for e in result.series_errors}
    assert set(taus) == set(NOISE)
    for column, sd in NOISE.items():  # the scale of the noise put in, from ~12 points each
        assert sd / 2 < taus[column] < sd * 2, (column, taus)
    # the last fit weighed each series by sqrt(n) / tau of the round before, and the scales
    # had settled (within 5 %) when it stopped
    for target in result.problem.targets:
        expected = math.sqrt(len(target.years)) / taus[target.spec.column]
        assert target.weight == pytest.approx(expected, rel=0.06)
    # each series then costs about its number of points, whatever its unit
    for target in result.problem.targets:
        column = target.spec.column
        residuals = target.residuals(result.annual[column][None, : len(target.years)])
        assert 0.3 * len(target.years) < float(np.sum(residuals**2)) < 3 * len(target.years)


def test_chosen_weights_let_the_noisier_series_count_as_much() -> None:
    """With equal chosen weights both series count alike; estimated weights make the series
    with 5x smaller scale count 25x more per point, so its residuals shrink."""
    problem = noisy_problem()
    estimated = fit_estimated_weights(problem, starts=8, max_evaluations=60, rounds=3)
    errors = series_errors(estimated)
    weighted = estimated_weights(problem, errors)
    ratio = weighted.targets[1].weight / weighted.targets[0].weight
    n0, n1 = len(problem.targets[0].years), len(problem.targets[1].years)
    assert ratio == pytest.approx(errors[0].tau / errors[1].tau * math.sqrt(n1 / n0))
    assert ratio > 2.0  # the share's scale (0.03) is 5x below net sales' (0.15)


def test_rounds_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="rounds = 0"):
        fit_estimated_weights(noisy_problem(260), rounds=0)


def write_history(path: Path, problem: Problem) -> None:
    names = {"net_sales_usd_million": "net_sales", "share_3p_percent": "third_party_share_of_gms"}
    units = {"net_sales_usd_million": "usd_million", "share_3p_percent": "percent"}
    rows = ["year,metric,value,unit,source,confidence"]
    for target in problem.targets:
        column = target.spec.column
        rows += [
            f"{y},{names[column]},{v:.9g},{units[column]},synthetic,filed"
            for y, v in zip(target.years, target.values, strict=True)
        ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_the_command_reports_the_estimated_scales(tmp_path: Path, capsys) -> None:
    problem = noisy_problem()
    scenario = tmp_path / "long.toml"
    scenario.write_text(
        'base = "baseline"\nname = "long"\nhorizon_weeks = 780\nstart_date = 2000-01-03\n'
    )
    history = tmp_path / "history.csv"
    write_history(history, problem)
    argv = ["calibrate", str(scenario), "--data", str(history), "--quiet"]
    argv += ["--fit", "net_sales_usd_million", "--fit", "share_3p_percent"]
    argv += ["--params", "bass_q_per_year[0.1,1.0]", "conversion_base_share[0.005,0.2]"]
    argv += ["--starts", "8", "--max-evaluations", "60", "--out", str(tmp_path / "fit.toml")]
    assert main([*argv, "--weights", "estimated", "--rounds", "3", "--local-starts", "2"]) == 0
    out = capsys.readouterr().out
    assert "net_sales_usd_million" in out and "(estimated)" in out
    report = (tmp_path / "fit_report.md").read_text()
    assert "## Estimated weights" in report and "| share_3p_percent |" in report
    assert main([*argv, "--weights", "estimated", "--weight", "share_3p_percent=2"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error:") and "--weights estimated" in error and "\n" not in error


def test_the_refit_fits_no_demand_trend() -> None:
    """The refit's parameters (bench/refit_parameters.txt, also the out-of-sample test's) are
    valid for the Amazon scenario, fit the online-share elasticity inside its sourced prior and
    neither the market's nor the spend trend's levers (issue 19: no fitted demand trend)."""
    from flywheel.calibration import parse_parameters

    scenario = flywheel.load_scenario(REPO / "scenarios" / "amazon_1996_2024.toml")
    names = (REPO / "bench" / "refit_parameters.txt").read_text().split()
    specs = {s.name: s for s in parse_parameters(names, scenario)}
    assert (specs["online_share_elasticity"].low, specs["online_share_elasticity"].high) == (
        0.3,
        0.8,
    )
    trends = {"market_growth_per_year", "market_ceiling_people", "spend_growth_per_year"}
    assert not trends & set(specs) and "spend_index_ceiling" not in specs
    refit = flywheel.load_scenario(REPO / "docs" / "figures" / "amazon_1996_2024_refit.toml")
    assert refit.spend_driver == "us_ecommerce_share"
    for lever in ("market_growth_per_year", "market_ceiling_people"):
        assert getattr(refit.levers, lever) == getattr(scenario.levers, lever)


def test_the_out_of_sample_script_writes_its_table(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "oos.md"
    command = [sys.executable, str(REPO / "bench" / "out_of_sample.py"), "--out", str(out)]
    command += ["--starts", "0", "--max-evaluations", "1", "--rounds", "1", "--drop-covid"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "COVID shock dropped" in text and "| 2024 |" in text and "| 2016 |" not in text
    assert "Retail net sales MAPE 2017-2024 (out of sample): **" in text
