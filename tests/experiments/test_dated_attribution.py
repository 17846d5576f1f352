"""Attribution with loops cut from a later week, and the flywheel's share of an outcome
(`growth_share`, `flywheel growth-share`, `flywheel attribute --cut-from`): the numbers are
those of direct runs with dated knockouts (issue 19, item 7 and "growth is the flywheel's")."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import flywheel
from flywheel.cli.commands import main
from flywheel.experiments import REINFORCING_LOOPS, Outcome, attribute, growth_share
from flywheel.scenario.loading import DatedKnockout

START = 40  # the first cut week of the variants (the `short` scenario runs 110 weeks)


def _direct(scenario: flywheel.Scenario, entries: tuple, replications: int = 3):
    """A direct run of `scenario` with the knockouts `entries` (seed 7)."""
    variant = dataclasses.replace(scenario, knockouts=entries)
    return flywheel.simulate(variant, replications=replications, seed=7)


def _from(loops: tuple[str, ...], week: int) -> tuple:
    return tuple(DatedKnockout(loop=loop, week=week) for loop in loops)  # type: ignore[arg-type]


def test_attribution_from_a_week_matches_direct_dated_runs(short: flywheel.Scenario) -> None:
    loops = ("R1", "R4", "B1")
    result = attribute(
        short, "customers@year2", replications=3, seed=7, loops=loops, cut_from_week=START
    )
    outcome = Outcome("customers", year=2)
    on = outcome.values(_direct(short, ()).series)
    np.testing.assert_array_equal(result.all_on, on)
    r4 = outcome.values(_direct(short, _from(("R4",), START)).series)
    np.testing.assert_array_equal(result.knockout_effect("R4"), on - r4)
    everything = outcome.values(_direct(short, _from(loops, START)).series)
    np.testing.assert_array_equal(result.total, on - everything)
    assert result.table().attrs["cut_from_week"] == START
    # later cuts take less away than cuts from the start
    whole = attribute(short, "customers@year2", replications=3, seed=7, loops=loops)
    assert abs(result.total.mean()) < abs(whole.total.mean())


def test_attribution_from_week_0_is_the_plain_attribution(short: flywheel.Scenario) -> None:
    plain = attribute(short, "revenue_usd@year2", replications=2, seed=3, loops=("R2", "R5"))
    dated = attribute(
        short, "revenue_usd@year2", replications=2, seed=3, loops=("R2", "R5"), cut_from_week=0
    )
    for cut, values in plain.outcomes.items():
        np.testing.assert_array_equal(dated.outcomes[cut], values)


def test_attribution_keeps_the_scenarios_own_dated_cut(short: flywheel.Scenario) -> None:
    own = dataclasses.replace(short, knockouts=_from(("B3",), 70))
    result = attribute(own, "customers", replications=2, seed=7, loops=("R1",), cut_from_week=30)
    alone = _direct(short, (_from(("R1",), 30)[0], _from(("B3",), 70)[0]), replications=2)
    np.testing.assert_array_equal(result.outcomes[frozenset({"R1"})], alone["customers"][:, -1])
    with pytest.raises(ValueError, match="outside the horizon"):
        attribute(short, "customers", loops=("R1",), cut_from_week=110)


def test_growth_share_is_the_direct_runs_ratio(short: flywheel.Scenario) -> None:
    year = short.week_date(short.horizon_weeks - 1).year
    frame = growth_share(short, [0, START], "net_sales_usd_million", replications=3, seed=7)
    assert frame.attrs["year"] == year and list(frame["cut_from_week"]) == [0, START]

    def net_sales(results: flywheel.Results) -> np.ndarray:
        annual = results.annual()
        return annual.loc[annual["year"] == year, "net_sales_usd_million"].to_numpy()

    uncut = net_sales(_direct(short, ()))
    for row, week in zip(frame.itertuples(), (0, START), strict=True):
        cut = net_sales(_direct(short, _from(REINFORCING_LOOPS, week)))
        share = cut / uncut
        assert row.uncut_mean == pytest.approx(uncut.mean(), rel=1e-12)
        assert row.cut_mean == pytest.approx(cut.mean(), rel=1e-12)
        assert row.share_mean == pytest.approx(share.mean(), rel=1e-12)
        assert row.share_q05 <= row.share_q50 <= row.share_q95
        assert row.cut_from == short.week_date(week).isoformat()
    assert np.all(np.abs(frame["share_mean"] - 1.0) > 0.005)  # the cuts change the outcome
    assert frame["share_mean"].iloc[0] != frame["share_mean"].iloc[1]


def test_growth_share_refuses_bad_input(short: flywheel.Scenario) -> None:
    cases = [
        (dict(cut_from_weeks=[200]), "outside the horizon"),
        (dict(cut_from_weeks=[]), "at least one week"),
        (dict(cut_from_weeks=[0], loops=("R9",)), "not one of"),
        (dict(cut_from_weeks=[0], loops=("R1", "R1")), "twice"),
        (dict(cut_from_weeks=[0], output="nope"), "not an annual column"),
        (dict(cut_from_weeks=[0], year=1990), "not simulated"),
        (dict(cut_from_weeks=[0], replications=0), ">= 1"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            growth_share(short, **kwargs)  # type: ignore[arg-type]
    cut = dataclasses.replace(short, knockouts=("R2",))
    with pytest.raises(ValueError, match="already cut"):
        growth_share(cut, [0])


SCENARIO = 'name = "tiny"\nhorizon_weeks = 120\nstart_date = 2026-01-05\n'


def test_growth_share_and_attribute_cut_from_on_the_command_line(tmp_path, capsys) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    argv = ["growth-share", str(path), "--cut-from", "2026,week30,2027-03-01", "-n", "2"]
    assert main([*argv, "--json", "--no-progress", "--out", str(tmp_path / "g.csv")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["output"] == "net_sales_usd_million" and summary["year"] == 2028
    weeks = [row["cut_from_week"] for row in summary["rows"]]
    assert weeks == [0, 30, 60]  # 2027-03-01 is in the week starting 2027-03-01 (week 60)
    assert (tmp_path / "g.csv").read_text().startswith("cut_from_week,")
    assert main([*argv, "--no-progress"]) == 0
    assert "as a share of the uncut run" in capsys.readouterr().out
    attribute_argv = ["attribute", str(path), "-n", "2", "--outcome", "customers@year2"]
    assert main([*attribute_argv, "--cut-from", "2026-07-01", "--json", "--no-progress"]) == 0
    attributed = json.loads(capsys.readouterr().out)
    assert attributed["cut_from_week"] == 25 and attributed["cut_from"] == "2026-06-29"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["growth-share", "{s}", "--cut-from", "468"], "not a date, a year or weekN"),
        (["growth-share", "{s}", "--cut-from", "2040"], "outside the horizon"),
        (["growth-share", "{s}", "--cut-from", "week999"], "outside the horizon"),
        (["growth-share", "{s}", "--cut-from", "2026-02-30"], "not a date"),
        (["growth-share", "{s}", "--cut-from", ","], "expected comma-separated"),
        (["growth-share", "{s}", "--cut-from", "2026", "--year", "2031"], "not simulated"),
        (["growth-share", "{s}", "--cut-from", "2026", "--loops", "R9"], "not one of"),
        (["attribute", "{s}", "--cut-from", "2025-12-31"], "outside the horizon"),
    ],
)
def test_bad_cut_from_exits_2_naming_it(tmp_path, capsys, argv, message) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    assert main([a.format(s=path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err
