"""Issue 21, input side: one validation path raising ScenarioError only, the calendar's ends,
bases blamed for their own errors, drop_events and repeated event ids, escaped text, and the
checks of `flywheel.simulate`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flywheel
from flywheel.scenario.errors import ScenarioWarning, printable
from flywheel.scenario.loading import (
    FIRST_DAY,
    LAST_DAY,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
    scenario_from_dict,
)
from flywheel.scenario.schema import Levers

SHORT = {"name": "short", "horizon_weeks": 4}


# --- printable: untrusted text shown, not obeyed ----------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain name é 😀", "plain name é 😀"),
        ("a\nb", "a\\nb"),
        ("tab\there", "tab\\there"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("c1 \x9b2J", "c1 \\x9b2J"),
        ("del\x7f", "del\\x7f"),
        ("bidi \u202eevil", "bidi \\u202eevil"),
        ("line\u2028sep", "line\\u2028sep"),
        ("cr\r", "cr\\r"),
    ],
)
def test_printable_escapes_control_characters(raw: str, shown: str) -> None:
    assert printable(raw) == shown


# --- a base with the wrong structure or a bad value: its own file and line are named -------


@pytest.mark.parametrize(
    ("base_text", "line", "field"),
    [
        ('name = "b"\nlevers = [1, 2]\n', 2, "levers = [1, 2]"),
        ('name = "b"\nevents = 5\n', 2, "events = 5"),
        ('name = "b"\ninitial = 3\n', 2, "initial = 3"),
        ('name = "b"\n\n[levers]\nbasket_usd = -5.0\n', 4, "levers.basket_usd = -5.0"),
    ],
)
@pytest.mark.parametrize(
    "child_body", ["", "[levers]\nbasket_usd = 60.0\n", "[initial]\ncustomers = 5.0\n"]
)
def test_broken_base_is_named_with_its_line(
    tmp_path: Path, base_text: str, line: int, field: str, child_body: str
) -> None:
    (tmp_path / "parent.toml").write_text(base_text, encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('base = "parent"\n' + child_body, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(child)
    parent = (tmp_path / "parent.toml").resolve()
    assert str(caught.value).startswith(f"{child}: in base {parent}:{line}: {field}")


def test_error_deep_in_a_chain_names_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("[levers]\npass_through_share = 1.5\n", encoding="utf-8")
    (tmp_path / "b.toml").write_text('base = "a"\n', encoding="utf-8")
    (tmp_path / "c.toml").write_text('base = "b"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "c.toml")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'c.toml'}: in base {(tmp_path / 'b.toml').resolve()}")
    assert f"in base {(tmp_path / 'a.toml').resolve()}:2: levers.pass_through_share" in message


def test_long_base_name_is_one_short_line(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text('base = "' + "x" * 5000 + '"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: base = 'xxx")
    assert "5000 characters" in message and "allowed at most 200" in message
    assert len(message) < 400 + len(str(path))


def test_base_at_the_name_limit_is_just_not_found(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text('base = "' + "z" * 200 + '"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(path)


@pytest.mark.parametrize(
    "bad_path",
    ["x" * 5000 + ".toml", "nul\x00byte.toml", "missing/folder/file.toml", "/proc/self/mem"],
)
def test_load_scenario_raises_scenario_error_only(tmp_path: Path, bad_path: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / bad_path if not bad_path.startswith("/") else bad_path)
    assert type(caught.value) is ScenarioError


def test_folder_as_scenario_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(tmp_path)


# --- the calendar ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "weeks", "fragment"),
    [
        (dt.date(9999, 6, 7), 2600, "start_date = 9999-06-07 with horizon_weeks = 2600"),
        (dt.date(9999, 12, 31), 1, "ends after 9899-12-31"),
        (dt.date(9899, 12, 25), 2, "at most 1 weeks"),
        (dt.date(1, 1, 1), 1, "too early"),
        (dt.date(99, 12, 31), 1, "too early"),
    ],
)
def test_dates_outside_the_calendar_are_refused_everywhere(
    tmp_path: Path, start: dt.date, weeks: int, fragment: str
) -> None:
    text = f"start_date = {start.isoformat()}\nhorizon_weeks = {weeks}\n"
    path = tmp_path / "late.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=fragment):
        load_scenario(path)
    with pytest.raises(ScenarioError, match=fragment):
        parse_scenario_text(text, origin="upload.toml")
    with pytest.raises(ScenarioError, match=fragment):
        Scenario(start_date=start, horizon_weeks=weeks)
    with pytest.raises(ScenarioError, match=fragment):
        dataclasses.replace(Scenario(horizon_weeks=weeks), start_date=start)


def test_event_outside_a_late_horizon_is_refused_not_overflowed() -> None:
    text = (
        "start_date = 9899-01-03\nhorizon_weeks = 10\n"
        '[[events]]\nkind = "prime_launch"\ndate = 9999-12-31\n'
    )
    with pytest.raises(ScenarioError, match=r"events\[0\]\.date = 9999-12-31"):
        parse_scenario_text(text)


def test_the_calendar_ends_run_and_plot(tmp_path: Path) -> None:
    """The neighbours that are allowed: the last and the first weeks flywheel simulates."""
    from flywheel.plots import dashboard

    last = Scenario(start_date=LAST_DAY - dt.timedelta(days=6), horizon_weeks=1)
    first = Scenario(start_date=FIRST_DAY, horizon_weeks=60)
    for scenario in (last, first):
        results = flywheel.simulate(scenario, 2)
        assert np.isfinite(results["customers"]).all()
        assert len(results.annual()) >= 2
        dashboard.fan_chart(results).savefig(tmp_path / "fan.png")
        dashboard.dashboard(results).savefig(tmp_path / "dash.png")
    assert results.frame()["date"].iloc[0] == np.datetime64(FIRST_DAY)


# --- [sweep] ----------------------------------------------------------------------------


def test_nan_in_sweep_names_the_lever_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sweep.toml"
    path.write_text('name = "s"\n\n[sweep]\npass_through_share = [0.5, nan]\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == (
        f"{path}:4: sweep.pass_through_share = [0.5, nan]: nan is not a finite number "
        f"(allowed a list of numbers or 'start:stop:count')"
    )


# --- drop_events and repeated ids -------------------------------------------------------


def test_drop_events_naming_nothing_is_an_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text('base = "baseline"\ndrop_events = ["prime", "prim"]\n', "f.toml")
    assert str(caught.value) == (
        "f.toml: drop_events names 'prim', which is neither the id nor the kind of an event "
        "of base 'baseline' (its ids: prime; its kinds: prime_launch)"
    )


def test_drop_events_by_id_and_kind_still_work() -> None:
    by_id = parse_scenario_text('base = "baseline"\ndrop_events = ["prime"]\n')
    by_kind = parse_scenario_text('base = "baseline"\ndrop_events = ["prime_launch"]\n')
    assert by_id.events == by_kind.events == ()
    assert parse_scenario_text('base = "baseline"\ndrop_events = []\n').events


def test_event_id_repeating_a_base_event_warns_and_keeps_both() -> None:
    text = 'base = "baseline"\n[[events]]\nid = "prime"\nkind = "prime_launch"\nweek = 3\n'
    with pytest.warns(ScenarioWarning, match=r"events\[0\]\.id = 'prime' .*drop_events"):
        scenario = parse_scenario_text(text, "f.toml")
    assert [event.id for event in scenario.events] == ["prime", "prime"]
    replaced = text.replace('base = "baseline"\n', 'base = "baseline"\ndrop_events = ["prime"]\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        assert len(parse_scenario_text(replaced).events) == 1


# --- the API: Scenario(...), replace and dicts give ScenarioError -------------------------


def test_api_construction_raises_scenario_error() -> None:
    with pytest.raises(ScenarioError, match=r"levers\.pass_through_share = 1\.7.*0\.0 to 1\.0"):
        dataclasses.replace(Levers(), pass_through_share=1.7)
    with pytest.raises(ScenarioError, match="horizon_weeks = 0"):
        dataclasses.replace(Scenario(), horizon_weeks=0)
    with pytest.raises(ScenarioError, match="not a finite number"):
        Scenario(sweep={"basket_usd": [float("nan")]})
    with pytest.raises(ScenarioError, match="a table of keys"):
        scenario_from_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=r"\\x1b\[2J is not a scenario key"):
        scenario_from_dict({"\x1b[2J": 1})
    with pytest.raises(ScenarioError, match="is not a scenario key"):
        scenario_from_dict({1: 2})  # type: ignore[dict-item]


# --- flywheel.simulate ------------------------------------------------------------------

TINY = Scenario(**SHORT)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pass_through_share": [np.nan, 0.5]}, r"\['pass_through_share'\]\[0\] = nan is not"),
        ({"pass_through_share": [0.5, -3.0]}, r"\[1\] = -3\.0 is out of range .*0\.0 to 1\.0"),
        ({"pass_through_share": [5.0, 0.5]}, r"\[0\] = 5\.0 is out of range"),
        ({"basket_usd": [1e308, 50.0]}, r"basket_usd.*allowed 5\.0 to 500\.0"),
        ({"basket_usd": [np.inf, 50.0]}, "not a finite number"),
        ({"basket_usd": [50.0, 50.0, 50.0]}, r"shape \(3,\); expected \(2,\)"),
        ({"basket_usd": [[50.0, 50.0]]}, r"shape \(1, 2\)"),
        ({"basket_usd": ["a", "b"]}, "expected numbers"),
        ({"warp_drive": [1.0, 1.0]}, "'warp_drive' is not a lever"),
        ({"customers": [1.0, 1.0]}, "'customers' is not a lever"),
    ],
)
def test_lever_overrides_checked_like_levers(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        flywheel.simulate(TINY, 2, lever_overrides=overrides)


def test_lever_overrides_in_bounds_and_scalars_run() -> None:
    results = flywheel.simulate(
        TINY, 2, lever_overrides={"pass_through_share": [0.0, 1.0], "basket_usd": 500.0}
    )
    assert np.isfinite(results["revenue_usd"]).all()
    alone = flywheel.simulate(TINY, 2, lever_overrides={"basket_usd": np.array([500.0, 500.0])})
    np.testing.assert_array_equal(
        flywheel.simulate(TINY, 2, lever_overrides={"basket_usd": 500.0})["revenue_usd"],
        alone["revenue_usd"],
    )


@pytest.mark.parametrize("first", [2**63 - 1, 2**62, -1, True, 1.5])
def test_first_replication_bounded(first: object) -> None:
    with pytest.raises(ValueError, match="first_replication"):
        flywheel.simulate(TINY, 2, first_replication=first)  # type: ignore[arg-type]


def test_first_replication_at_the_bound_runs() -> None:
    results = flywheel.simulate(TINY, 2, first_replication=2**62 - 2)
    assert results.replication_ids.tolist() == [2**62 - 2, 2**62 - 1]
    assert np.isfinite(results["customers"]).all()


def test_monte_carlo_bounds_first_replication_too() -> None:
    from flywheel.experiments import monte_carlo

    with pytest.raises(ValueError, match="first_replication"):
        monte_carlo(TINY, 2, first_replication=2**63 - 1)


def test_no_temporary_scenario_files_left(tmp_path: Path) -> None:
    """Loading never writes: the folder of a refused file holds only what was there."""
    path = tmp_path / "bad.toml"
    path.write_text('base = "baseline"\ndrop_events = ["nothing"]\n', encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)
    assert os.listdir(tmp_path) == ["bad.toml"]


@pytest.mark.parametrize(
    "raised", [OverflowError("int too large"), TypeError("bad"), OSError(5, "I/O error")]
)
def test_any_other_error_while_loading_becomes_a_scenario_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raised: Exception
) -> None:
    """The net under the checks: whatever a future parser or system call raises for a bad
    file, load_scenario still raises ScenarioError naming the file."""
    import flywheel.scenario.sources as sources

    def broken(text: str, origin: str) -> dict:
        raise raised

    monkeypatch.setattr(sources, "parse_toml", broken)
    path = tmp_path / "any.toml"
    path.write_text('name = "x"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: cannot load (")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_printable_never_lets_a_control_character_through(text: str) -> None:
    shown = printable(text)
    assert not any(
        unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in "\u202a\u202b\u202d\u202e"
        for c in shown
    )
    if text.isprintable():  # ordinary text is left as it is
        assert shown == text


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_key_or_name_gives_one_scenario_error_or_a_scenario(key: str, name: str) -> None:
    """Fuzzing the text a file carries: a random top-level key and name either load or raise
    ScenarioError, never anything else."""
    try:
        scenario_from_dict({"name": name, key: 1})
    except ScenarioError as error:
        assert "\n" not in printable(error)
