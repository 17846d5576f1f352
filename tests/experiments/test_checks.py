"""Reality checks (`flywheel check`): the shipped validity checks hold, the figures are those of
`flywheel.simulate` on common random numbers, the grammar is judged as documented, and a
malformed file is one clear line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.cli.commands import main
from flywheel.experiments.checks import (
    Check,
    CheckFileError,
    Window,
    judge,
    load_checks,
    relative_change,
    run_checks,
    statistic,
)
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR, ScenarioError

FIXTURES = Path(__file__).resolve().parent / "checks"
SHIPPED_CHECKS = sorted((SHIPPED_SCENARIOS_DIR / "checks").glob("*.toml"))
TINY = FIXTURES / "tiny_scenario.toml"


def test_the_model_ships_its_validity_checks() -> None:
    names = {path.name for path in SHIPPED_CHECKS}
    assert {"extreme_conditions.toml", "directions.toml", "knockouts.toml"} <= names
    assert sum(len(load_checks(path)) for path in SHIPPED_CHECKS) >= 20


@pytest.mark.parametrize("path", SHIPPED_CHECKS, ids=lambda path: path.name)
def test_every_shipped_check_holds(path: Path) -> None:
    results = run_checks(load_checks(path))
    failed = [
        f"{r.name}: {r.expectation}; measured {r.measured}, reference {r.reference}"
        for r in results
        if not r.holds
    ]
    assert not failed, "\n".join(failed)


def _write(tmp_path: Path, text: str, name: str = "checks.toml") -> Path:
    (tmp_path / "tiny_scenario.toml").write_text(TINY.read_text())
    path = tmp_path / name
    path.write_text(text)
    return path


CHECK = """
[[checks]]
name = "the check"
scenario = "tiny_scenario"
output = "customers"
"""


def test_lockstep_figures_equal_separate_simulations(tmp_path: Path) -> None:
    # Lever-only overrides run both sides in one batch; the figures must be exactly those of
    # two separate simulate() calls on the same seed and replication ids (common random numbers).
    path = _write(
        tmp_path,
        CHECK + 'statistic = "mean"\nweeks = [10, 50]\ncompare = "<"\nfactor = 1.0\n'
        "[checks.levers]\nmarketing_share_of_revenue = 0.01\n",
    )
    (check,) = load_checks(path)
    (result,) = run_checks([check], seed=7, replications=4)
    # Summed as `checks.statistic` sums (a contiguous block): numpy's mean over a strided view
    # adds in another order, which can differ in the last bit.
    ours = np.ascontiguousarray(
        flywheel.simulate(check.scenario, 4, seed=7)["customers"][:, 10:50]
    ).mean(axis=1)
    theirs = np.ascontiguousarray(
        flywheel.simulate(check.reference, 4, seed=7)["customers"][:, 10:50]
    ).mean(axis=1)
    assert result.measured == float(np.median(ours))
    assert result.reference == float(np.median(theirs))
    assert result.holds and result.measured < result.reference
    assert check.scenario.levers.marketing_share_of_revenue == 0.01
    assert check.reference.levers.marketing_share_of_revenue == 0.04


def test_knockouts_and_events_run_as_two_scenarios(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        CHECK + 'reduce = "mean"\ncompare = "<="\nfactor = 1.0\nknockouts = ["R1"]\n'
        '[[checks.events]]\nkind = "recession"\nweek = 5\nduration_weeks = 20\n'
        "depth_share = 0.2\n",
    )
    (check,) = load_checks(path)
    assert check.scenario.knockouts == ("R1",) and check.reference.knockouts == ()
    assert len(check.scenario.events) == 1 and check.reference.events == ()
    (result,) = run_checks([check], seed=3, replications=3)
    ours = flywheel.simulate(check.scenario, 3, seed=3)["customers"][:, -1]
    theirs = flywheel.simulate(check.reference, 3, seed=3)["customers"][:, -1]
    assert result.measured == pytest.approx(ours.mean(), rel=1e-15)
    assert result.reference == pytest.approx(theirs.mean(), rel=1e-15)


def test_minus_checks_one_output_less_another_week_by_week(tmp_path: Path) -> None:
    # Prime members never exceed customers, in any week of any replication; the scenario is in
    # a subfolder of the check file's folder and takes its base from the folder above.
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "prime_early.toml").write_text(
        'base = "../tiny_scenario.toml"\n[[events]]\nkind = "prime_launch"\nweek = 5\n'
    )
    path = _write(
        tmp_path,
        CHECK.replace('"customers"', '"prime_members"').replace(
            'scenario = "tiny_scenario"', 'scenario = "more/prime_early.toml"'
        )
        + 'minus = "customers"\nstatistic = "max"\nreduce = "every"\ncompare = "<="\nvalue = 0\n',
    )
    (check,) = load_checks(path)
    assert check.expectation == "every max of prime_members - customers over weeks 0-59 <= 0"
    (result,) = run_checks([check], replications=2)
    runs = flywheel.simulate(check.scenario, 2, seed=0)
    gap = (runs["prime_members"] - runs["customers"]).max(axis=1)
    assert result.holds and result.measured == gap[result.replication]
    assert runs["prime_members"].max() > 0  # the scenario in the subfolder launched Prime


def test_statistics_over_a_window() -> None:
    series = np.array([[1.0, 5.0, 2.0, 4.0], [3.0, 0.0, 6.0, 1.0]])
    window = Window(1, 3)
    assert statistic(series, "end", window).tolist() == [2.0, 6.0]
    assert statistic(series, "sum", window).tolist() == [7.0, 6.0]
    assert statistic(series, "mean", window).tolist() == [3.5, 3.0]
    assert statistic(series, "max", window).tolist() == [5.0, 6.0]
    assert statistic(series, "min", window).tolist() == [2.0, 0.0]
    assert statistic(series, "end", Window(0, 4)).tolist() == [4.0, 1.0]


def test_relative_change_of_a_zero_reference() -> None:
    change = relative_change(np.array([0.0, 1.0, -1.0, 3.0]), np.array([0.0, 0.0, 0.0, -2.0]))
    assert change.tolist() == [0.0, np.inf, -np.inf, 2.5]


def _check(**changes: object) -> Check:
    scenario = flywheel.Scenario(horizon_weeks=4)
    fields: dict[str, object] = {
        "file": "f.toml",
        "name": "c",
        "description": "",
        "scenario": scenario,
        "reference": scenario,
        "output": "customers",
        "minus": None,
        "statistic": "end",
        "window": Window(0, 4),
        "reduce": "median",
        "compare": ">",
        "against": "value",
        "target": 2.0,
        "tolerance": 0.0,
        "replications": 3,
    }
    fields.update(changes)
    return Check(**fields)  # type: ignore[arg-type]


def _runs(*ends: float) -> np.ndarray:
    return np.array([[0.0, 0.0, 0.0, end] for end in ends])


def test_median_mean_and_every_replication() -> None:
    runs = _runs(1.0, 3.0, 10.0)  # median 3, mean 14/3, worst replication 0
    assert judge(_check(), runs, None).holds
    assert judge(_check(reduce="mean"), runs, None).measured == pytest.approx(14 / 3)
    every = judge(_check(reduce="every"), runs, None)
    assert not every.holds and every.measured == 1.0 and every.replication == 0
    assert judge(_check(reduce="every", target=0.5), runs, None).holds


def test_strict_operators_fail_on_a_tie_and_equality_takes_a_tolerance() -> None:
    runs = _runs(2.0, 2.0, 2.0)
    assert not judge(_check(compare=">"), runs, None).holds
    assert judge(_check(compare=">="), runs, None).holds
    assert not judge(_check(compare="<"), runs, None).holds
    assert judge(_check(compare="<="), runs, None).holds
    assert judge(_check(compare="==", target=2.05, tolerance=0.1), runs, None).holds
    assert not judge(_check(compare="==", target=2.2, tolerance=0.1), runs, None).holds


def test_factor_and_relative_change_pair_each_replication_with_its_twin() -> None:
    ours, theirs = _runs(9.0, 18.0, 30.0), _runs(10.0, 20.0, 30.0)
    # median 18 against 0.95 x median 20 = 19
    factor = judge(_check(against="factor", target=0.95, compare="<"), ours, theirs)
    assert factor.holds and factor.bound == pytest.approx(19.0)
    # every replication: the third (no change) is the one that fails "at least 5 % lower"
    change = _check(against="relative_change", target=-0.05, compare="<=", reduce="every")
    result = judge(change, ours, theirs)
    assert not result.holds and result.replication == 2 and result.change == 0.0
    assert result.reference == 30.0


@pytest.mark.parametrize(
    ("words", "compare", "target"),
    [
        ("at least 5 % lower", "<=", -0.05),
        ("at most 5 % lower", ">=", -0.05),
        ("at least 12.5 % higher", ">=", 0.125),
        ("at most 2% higher", "<=", 0.02),
    ],
)
def test_change_in_words(tmp_path: Path, words: str, compare: str, target: float) -> None:
    path = _write(tmp_path, CHECK + f'change = "{words}"\n')
    (check,) = load_checks(path)
    assert (check.against, check.compare, check.target) == ("relative_change", compare, target)


MALFORMED = {
    "unknown key": (
        CHECK + 'compare = ">"\nvalue = 0\ncolour = "red"\n',
        ["colour is not a check key", "allowed: name,"],
    ),
    "unknown file key": (
        "seed = 3\n" + CHECK + 'compare = ">"\nvalue = 0\n',
        ["seed", "replications, checks"],
    ),
    "bad operator": (CHECK + 'compare = "=>"\nvalue = 0\n', ["compare = '=>'", "'<='"]),
    "unknown output": (
        CHECK.replace('"customers"', '"clients"') + 'compare = ">"\nvalue = 0\n',
        ["output = 'clients'", "describe --outputs"],
    ),
    "unknown minus output": (
        CHECK + 'minus = "capacity"\ncompare = ">"\nvalue = 0\n',
        ["minus = 'capacity'", "not a model output"],
    ),
    "unknown statistic": (
        CHECK + 'statistic = "median"\ncompare = ">"\nvalue = 0\n',
        ["statistic = 'median'", "'end'"],
    ),
    "unknown reduction": (
        CHECK + 'reduce = "all"\ncompare = ">"\nvalue = 0\n',
        ["reduce = 'all'", "'every'"],
    ),
    "reversed window": (
        CHECK + 'weeks = [30, 10]\ncompare = ">"\nvalue = 0\n',
        ["weeks = [30, 10]", "0 <= start < stop"],
    ),
    "window past the horizon": (
        CHECK + 'weeks = [0, 520]\ncompare = ">"\nvalue = 0\n',
        ["weeks = [0, 520]", "up to 60"],
    ),
    "week past the horizon": (
        CHECK + 'week = 60\ncompare = ">"\nvalue = 0\n',
        ["week = 60", "allowed 0 to 59"],
    ),
    "year past the horizon": (
        CHECK + 'year = 3\ncompare = ">"\nvalue = 0\n',
        ["year = 3", "allowed 1 to 2"],
    ),
    "two windows": (
        CHECK + 'week = 3\nyear = 1\ncompare = ">"\nvalue = 0\n',
        ["week, year", "at most one"],
    ),
    "two expectations": (
        CHECK + 'compare = ">"\nvalue = 0\nfactor = 1.0\n',
        ["value, factor", "exactly one"],
    ),
    "no expectation": (CHECK + 'compare = ">"\n', ["exactly one", "none"]),
    "no operator": (CHECK + "value = 0\n", ["compare", "missing"]),
    "tolerance without equality": (
        CHECK + 'compare = ">"\nvalue = 0\ntolerance = 1\n',
        ["tolerance", "=="],
    ),
    "change words": (
        CHECK + 'change = "much lower"\n',
        ["change = 'much lower'", "at least N % lower"],
    ),
    "change and operator": (
        CHECK + 'compare = "<"\nchange = "at least 5 % lower"\n',
        ["compare", "change"],
    ),
    "a string for a number": (
        CHECK + 'compare = ">"\nvalue = "zero"\n',
        ["value = 'zero'", "number"],
    ),
    "lever out of range": (
        CHECK + 'compare = ">"\nfactor = 1.0\n[checks.levers]\nchurn_base_per_week = 2.0\n',
        ["levers.churn_base_per_week = 2.0", "allowed 0.0 to 0.05"],
    ),
    "unknown lever": (
        CHECK + 'compare = ">"\nfactor = 1.0\n[checks.levers]\nchurn = 0.1\n',
        ["levers.churn", "flywheel describe"],
    ),
    "unknown loop": (
        CHECK + 'compare = ">"\nfactor = 1.0\nknockouts = ["R9"]\n',
        ["knockouts[0] = 'R9'", "R1"],
    ),
    "event past the horizon": (
        CHECK + 'compare = ">"\nfactor = 1.0\n[[checks.events]]\nkind = "price_war"\n'
        "week = 90\nduration_weeks = 4\ndepth_share = 0.1\n",
        ["events[0].week = 90", "allowed 0 to 59"],
    ),
    "unknown scenario": (
        CHECK.replace('"tiny_scenario"', '"no_such_scenario"') + 'compare = ">"\nvalue = 0\n',
        ["scenario = 'no_such_scenario' not found", "shipped"],
    ),
    "no checks": ("replications = 3\n", ["checks", "missing"]),
    "replications 0": (
        "replications = 0\n" + CHECK + 'compare = ">"\nvalue = 0\n',
        ["replications = 0", ">= 1"],
    ),
    "duplicate name": (
        CHECK + 'compare = ">"\nvalue = 0\n' + CHECK + 'compare = ">"\nvalue = 0\n',
        ["checks[1] 'the check'", "twice"],
    ),
    "invalid TOML": (CHECK + "compare = \n", ["invalid TOML"]),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_check_is_one_clear_line(tmp_path: Path, case: str) -> None:
    text, needles = MALFORMED[case]
    path = _write(tmp_path, text)
    with pytest.raises((CheckFileError, ScenarioError)) as caught:
        load_checks(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message, message
    if "[[checks]]" in text and case not in (
        "invalid TOML",
        "duplicate name",
        "replications 0",
        "unknown file key",
    ):
        assert "checks[0] 'the check'" in message, message
    for needle in needles:
        assert needle in message, (needle, message)


def test_cli_exits_0_when_every_check_holds(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(FIXTURES / "holds.toml")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "customers never negative" in out and "no marketing: fewer customers" in out
    assert out.count("holds") == 2 and "FAILS" not in out
    assert "2 of 2 checks hold" in out


def test_cli_exits_1_naming_the_failing_check_and_its_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", str(FIXTURES / "holds.toml"), str(FIXTURES / "fails.toml")])
    captured = capsys.readouterr()
    assert code == 1
    assert "3 of 4 checks hold" in captured.out and "FAILS" in captured.out
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("FAILED ") and "more marketing halves customers" in line
    assert "fails.toml" in line and "measured" in line and "reference" in line
    assert "change <= -50 %" in line


def test_cli_json_and_replications(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(FIXTURES / "fails.toml"), "--json", "-n", "2", "--seed", "5"])
    captured = capsys.readouterr()
    assert code == 1
    report = json.loads(captured.out)
    assert report["holds"] is False and report["seed"] == 5
    rows = {row["name"]: row for row in report["checks"]}
    assert rows["market is positive"]["holds"] is True
    assert rows["market is positive"]["reference"] is None
    failing = rows["more marketing halves customers"]
    assert failing["holds"] is False and failing["replications"] == 2
    assert failing["change"] > -0.5 and failing["measured"] > failing["reference"]


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("malformed_operator.toml", "compare = '=>'"),
        ("malformed_output.toml", "output = 'clients'"),
        ("malformed_window.toml", "weeks = [0, 520]"),
    ],
)
def test_cli_exits_2_on_a_malformed_file_before_running_anything(
    capsys: pytest.CaptureFixture[str], name: str, needle: str
) -> None:
    code = main(["check", str(FIXTURES / "holds.toml"), str(FIXTURES / name)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""  # nothing ran: no table
    assert captured.err.startswith("error: ") and "Traceback" not in captured.err
    assert name in captured.err and needle in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_cli_exit_codes_in_a_subprocess(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("check", FIXTURES / "holds.toml", "-n", "2").returncode == 0
    failing = cli("check", FIXTURES / "fails.toml", "-n", "2", script=True)
    assert failing.returncode == 1 and "more marketing halves customers" in failing.stderr
    missing = cli("check", FIXTURES / "no_such_file.toml")
    assert missing.returncode == 2 and "file not found" in missing.stderr
    assert "Traceback" not in failing.stderr + missing.stderr
