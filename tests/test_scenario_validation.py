"""Scenario validation: every malformed input is one `ScenarioError` naming file, line, field and
value (STYLE.md section 4), never another exception."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flywheel
from flywheel.scenario.catalogue import parameter_table
from flywheel.scenario.loading import (
    MAX_SCENARIO_BYTES,
    load_scenario,
    parse_scenario_text,
    scenario_from_dict,
    with_parameters,
)
from flywheel.scenario.schema import LOOP_IDS

# (id, TOML text, substrings the message must contain, line the message must cite or None).
BAD_FILES: list[tuple[str, str, tuple[str, ...], int | None]] = [
    ("bad_toml", 'name = "x"\nhorizon_weeks = \n', ("invalid TOML", "line 2"), None),
    (
        "unknown_top_key",
        'name = "x"\nhorizn_weeks = 52\n',
        ("horizn_weeks", "not a scenario key"),
        2,
    ),
    (
        "unknown_lever",
        "[levers]\npass_through_share = 0.5\npass_thru = 0.5\n",
        ("levers.pass_thru", "0.5"),
        3,
    ),
    (
        "unknown_initial",
        "[initial]\ncustomer = 5.0\n",
        ("initial.customer", "5.0"),
        2,
    ),
    (
        "unknown_event_key",
        '[[events]]\nkind = "prime_launch"\nweek = 3\ncolour = "red"\n',
        ("events[0].colour", "'red'"),
        4,
    ),
    (
        "string_for_number",
        '[levers]\npass_through_share = "0.5"\n',
        ("levers.pass_through_share", "'0.5'", "allowed 0.0 to 1.0"),
        2,
    ),
    (
        "bool_for_number",
        "[levers]\nmarketing_share_of_revenue = true\n",
        ("levers.marketing_share_of_revenue", "True"),
        2,
    ),
    (
        "out_of_range",
        'name = "x"\n\n[levers]\npass_through_share = 1.7\n',
        ("levers.pass_through_share", "1.7", "allowed 0.0 to 1.0", "share"),
        4,
    ),
    (
        "below_range",
        "[levers]\nfc_lead_time_weeks = 2.0\n",
        ("levers.fc_lead_time_weeks", "2.0", "allowed 4.0 to 260.0"),
        2,
    ),
    ("nan", "[levers]\nbass_q_per_year = nan\n", ("levers.bass_q_per_year", "nan", "finite"), 2),
    ("inf", "[levers]\nbass_q_per_year = inf\n", ("levers.bass_q_per_year", "inf"), 2),
    ("minus_inf_initial", "[initial]\ncustomers = -inf\n", ("initial.customers", "-inf"), 2),
    ("horizon_float", "horizon_weeks = 52.5\n", ("horizon_weeks", "52.5"), 1),
    ("horizon_zero", "horizon_weeks = 0\n", ("horizon_weeks", "0"), 1),
    ("flag_as_int", "[initial]\nis_prime_launched = 1\n", ("initial.is_prime_launched", "1"), 2),
    (
        "missing_base",
        'base = "no_such_scenario"\n',
        ("base", "no_such_scenario", "not found"),
        None,
    ),
    (
        "base_traversal",
        'base = "../../etc/passwd"\n',
        ("base", "../../etc/passwd", "not found"),
        None,
    ),
    ("base_absolute", 'base = "/etc/passwd"\n', ("base", "/etc/passwd", "not found"), None),
    (
        "event_week_negative",
        '[[events]]\nkind = "prime_launch"\nweek = -1\n',
        ("events[0].week", "-1"),
        3,
    ),
    (
        "event_week_at_horizon",
        'horizon_weeks = 100\n\n[[events]]\nkind = "prime_launch"\nweek = 100\n',
        ("events[0].week", "100", "0 to 99"),
        5,
    ),
    (
        "event_date_before_start",
        'start_date = 2026-01-05\n\n[[events]]\nkind = "recession"\ndate = 2025-12-01\n',
        ("events[0].date", "2025-12-01", "2026-01-05"),
        5,
    ),
    (
        "event_date_after_horizon",
        'horizon_weeks = 52\n[[events]]\nkind = "recession"\ndate = 2027-06-01\n',
        ("events[0].date", "2027-06-01"),
        4,
    ),
    (
        "event_week_and_date",
        '[[events]]\nkind = "prime_launch"\nweek = 3\ndate = 2026-03-02\n',
        ("events[0]", "exactly one of 'week' or 'date'"),
        None,
    ),
    (
        "event_unknown_kind",
        '[[events]]\nkind = "meteor"\nweek = 3\n',
        ("events[0]", "meteor"),
        None,
    ),
    (
        "policy_unknown_lever",
        '[[events]]\nkind = "policy"\nweek = 3\nlever = "free_money"\nvalue = 1.0\n',
        ("events[0].lever", "free_money"),
        4,
    ),
    (
        "policy_out_of_range",
        '[[events]]\nkind = "policy"\nweek = 3\nlever = "pass_through_share"\nvalue = 1.5\n',
        ("events[0].value", "1.5", "pass_through_share", "allowed 0.0 to 1.0"),
        5,
    ),
    (
        "policy_string_value",
        '[[events]]\nkind = "policy"\nweek = 3\nlever = "pass_through_share"\nvalue = "high"\n',
        ("events[0].value", "'high'"),
        5,
    ),
    (
        "shock_out_of_range",
        '[[events]]\nkind = "demand_shock"\nweek = 3\nsize_share = 9.0\n',
        ("events[0].size_share", "9.0"),
        4,
    ),
    (
        "duplicated_knockouts",
        'name = "x"\nknockouts = ["R1", "B2", "R1"]\n',
        ("knockouts", "R1", "twice"),
        2,
    ),
    ("unknown_knockout", 'knockouts = ["R9"]\n', ("knockouts[0]", "R9", "R1"), 1),
    (
        "customers_above_market",
        "[initial]\nmarket_people = 1e6\ncustomers = 2e6\n",
        ("initial.customers", "2000000.0", "initial.market_people"),
        3,
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_raises_scenario_error_naming_field_value_and_line(
    tmp_path: Path, text: str, expected: tuple[str, ...], line: int | None
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(flywheel.ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    for part in expected:
        assert part in message, f"{part!r} missing from: {message}"
    if line is not None:
        assert message.startswith(f"{path}:{line}: "), message


def test_uploaded_text_reports_the_line_too() -> None:
    text = 'name = "upload"\n[levers]\nseller_take_rate_share = 0.9\n'
    with pytest.raises(flywheel.ScenarioError, match=r"^upload\.toml:3: levers\.seller_take"):
        parse_scenario_text(text, origin="upload.toml")


def test_a_byte_order_mark_is_no_error(tmp_path: Path) -> None:
    """Notepad may save UTF-8 with a byte-order mark: the file and an upload of it load, and
    an error in it still cites the right line."""
    text = '\ufeffbase = "baseline"\nname = "bom"\n[levers]\npass_through_share = 0.7\n'
    path = tmp_path / "bom.toml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).levers.pass_through_share == 0.7
    assert parse_scenario_text(text, origin="bom.toml").name == "bom"
    bad = text.replace("0.7", "1.7")
    with pytest.raises(flywheel.ScenarioError, match=r"^bom\.toml:4: levers\.pass_through"):
        parse_scenario_text(bad, origin="bom.toml")


def test_circular_base_names_the_chain(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('base = "b"\nname = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('base = "a.toml"\nname = "b"\n', encoding="utf-8")
    with pytest.raises(flywheel.ScenarioError) as caught:
        load_scenario(tmp_path / "a.toml")
    message = str(caught.value)
    assert "circular" in message
    assert "a.toml -> b.toml -> a.toml" in message


def test_self_base_is_circular(tmp_path: Path) -> None:
    (tmp_path / "self.toml").write_text('base = "self"\n', encoding="utf-8")
    with pytest.raises(flywheel.ScenarioError, match="circular"):
        load_scenario(tmp_path / "self.toml")


def test_base_in_the_same_folder_merges_levers(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text(
        'name = "parent"\n[levers]\npass_through_share = 0.3\nbasket_usd = 60.0\n',
        encoding="utf-8",
    )
    (tmp_path / "child.toml").write_text(
        'base = "parent"\nname = "child"\n[levers]\nbasket_usd = 70.0\n', encoding="utf-8"
    )
    child = load_scenario(tmp_path / "child.toml")
    assert child.name == "child"
    assert child.levers.pass_through_share == 0.3
    assert child.levers.basket_usd == 70.0


def test_base_traversal_cannot_reach_a_real_file_outside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.toml"
    outside.write_text('name = "secret"\n', encoding="utf-8")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "evil.toml").write_text('base = "../secret"\n', encoding="utf-8")
    with pytest.raises(flywheel.ScenarioError, match=r"base = '\.\./secret' not found"):
        load_scenario(folder / "evil.toml")


def test_error_in_base_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text("[levers]\nbasket_usd = -1.0\n", encoding="utf-8")
    (tmp_path / "child.toml").write_text('base = "parent"\n', encoding="utf-8")
    with pytest.raises(flywheel.ScenarioError, match=r"levers\.basket_usd = -1\.0"):
        load_scenario(tmp_path / "child.toml")


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text('name = "big"\n# ' + "x" * MAX_SCENARIO_BYTES + "\n", encoding="utf-8")
    with pytest.raises(flywheel.ScenarioError, match=str(MAX_SCENARIO_BYTES)) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value)
    with pytest.raises(flywheel.ScenarioError, match=str(MAX_SCENARIO_BYTES)):
        parse_scenario_text(path.read_text(encoding="utf-8"), origin="upload.toml")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(flywheel.ScenarioError, match="not found"):
        load_scenario(tmp_path / "absent.toml")
    with pytest.raises(flywheel.ScenarioError, match="not a regular file"):
        load_scenario(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(flywheel.ScenarioError, match="UTF-8"):
        load_scenario(path)


def test_with_parameters_rejects_unknown_name(baseline: flywheel.Scenario) -> None:
    with pytest.raises(flywheel.ScenarioError, match="no_such_lever"):
        with_parameters(baseline, {"no_such_lever": 1.0})


def test_valid_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(
        'name = "ok"\nhorizon_weeks = 60\nknockouts = ["R2", "B1"]\n'
        "[levers]\npass_through_share = 0.9\n"
        '[[events]]\nkind = "policy"\nweek = 10\nlever = "basket_usd"\nvalue = 40.0\n'
        '[[events]]\nkind = "demand_shock"\ndate = 2026-03-02\nduration_weeks = 4\n',
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.levers.pass_through_share == 0.9
    assert scenario.knockouts == ("R2", "B1")
    assert [scenario.event_week(e) for e in scenario.events] == [10, 8]


# --- property: junk for any parameter is a ScenarioError naming that parameter -------------

PARAMETERS = [row for row in parameter_table() if not isinstance(row["default"], bool)]
FLAGS = [row for row in parameter_table() if isinstance(row["default"], bool)]

junk_values = st.one_of(
    st.text(max_size=12),
    st.booleans(),
    st.none(),
    st.lists(st.floats(allow_nan=False), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.dates(),
)


@st.composite
def out_of_range(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    """A numeric parameter and a finite value outside its documented range."""
    row = draw(st.sampled_from(PARAMETERS))
    side = draw(st.sampled_from(["low", "high"]))
    if side == "low":
        value = draw(
            st.floats(
                max_value=row["min"],
                exclude_max=True,
                allow_nan=False,
                allow_infinity=False,
                min_value=-1e300,
            )
        )
    else:
        value = draw(
            st.floats(
                min_value=row["max"],
                exclude_min=True,
                allow_nan=False,
                allow_infinity=False,
                max_value=1e300,
            )
        )
    return row, value


def _assert_names_field(error: flywheel.ScenarioError, row: dict[str, Any]) -> None:
    assert f"{row['group']}.{row['name']}" in str(error), str(error)


@settings(max_examples=60, deadline=None)
@given(row=st.sampled_from(PARAMETERS), value=junk_values)
def test_junk_value_for_any_parameter_names_that_field(row: dict[str, Any], value: Any) -> None:
    data = {row["group"]: {row["name"]: value}}
    with pytest.raises(flywheel.ScenarioError) as caught:
        scenario_from_dict(data, origin="junk.toml")
    _assert_names_field(caught.value, row)


@settings(max_examples=40, deadline=None)
@given(case=out_of_range())
def test_out_of_range_value_for_any_parameter_names_that_field(
    case: tuple[dict[str, Any], float],
) -> None:
    row, value = case
    with pytest.raises(flywheel.ScenarioError) as caught:
        scenario_from_dict({row["group"]: {row["name"]: value}}, origin="junk.toml")
    _assert_names_field(caught.value, row)
    assert f"allowed {row['min']} to {row['max']}" in str(caught.value)


@settings(max_examples=20, deadline=None)
@given(
    row=st.sampled_from(FLAGS),
    value=st.one_of(st.integers(), st.floats(), st.text(max_size=5), st.none()),
)
def test_junk_for_a_flag_names_that_field(row: dict[str, Any], value: Any) -> None:
    with pytest.raises(flywheel.ScenarioError) as caught:
        scenario_from_dict({row["group"]: {row["name"]: value}}, origin="junk.toml")
    _assert_names_field(caught.value, row)


@settings(max_examples=30, deadline=None)
@given(
    lever=st.sampled_from([row["name"] for row in PARAMETERS if row["group"] == "levers"]),
    value=st.one_of(junk_values, st.floats(min_value=1e13, max_value=1e300)),
)
def test_policy_event_with_junk_value_is_a_scenario_error(lever: str, value: Any) -> None:
    data = {"events": [{"kind": "policy", "week": 1, "lever": lever, "value": value}]}
    with pytest.raises(flywheel.ScenarioError) as caught:
        scenario_from_dict(data, origin="junk.toml")
    assert "events[0]" in str(caught.value)


@settings(max_examples=30, deadline=None)
@given(
    knockouts=st.lists(st.sampled_from(LOOP_IDS), min_size=1, max_size=6).filter(
        lambda ids: len(set(ids)) < len(ids)
    )
)
def test_any_duplicated_knockout_is_refused(knockouts: list[str]) -> None:
    with pytest.raises(flywheel.ScenarioError, match="knockouts"):
        scenario_from_dict({"knockouts": knockouts}, origin="junk.toml")


def test_line_of_an_event_after_inherited_events(tmp_path: Path) -> None:
    """Events merge after the base's: the child's own events[0] is merged events[1]."""
    (tmp_path / "parent.toml").write_text(
        '[[events]]\nkind = "prime_launch"\nweek = 5\n', encoding="utf-8"
    )
    child = tmp_path / "child.toml"
    child.write_text(
        'base = "parent"\n\n[[events]]\nkind = "recession"\nweek = 3\ndepth_share = 2.0\n',
        encoding="utf-8",
    )
    with pytest.raises(flywheel.ScenarioError) as caught:
        load_scenario(child)
    assert str(caught.value).startswith(f"{child}:6: events[1].depth_share = 2.0")


def test_error_in_an_inherited_event_names_the_base_and_its_line(tmp_path: Path) -> None:
    """A base is validated on its own first (issue 21): the error names the base file and
    its line, after the child that named it."""
    (tmp_path / "parent.toml").write_text(
        '[[events]]\nkind = "recession"\nweek = 3\ndepth_share = 2.0\n', encoding="utf-8"
    )
    child = tmp_path / "child.toml"
    child.write_text(
        'base = "parent"\n[[events]]\nkind = "prime_launch"\nweek = 5\n', encoding="utf-8"
    )
    with pytest.raises(flywheel.ScenarioError) as caught:
        load_scenario(child)
    parent = (tmp_path / "parent.toml").resolve()
    assert str(caught.value).startswith(f"{child}: in base {parent}:4: events[0].depth_share = 2.0")
