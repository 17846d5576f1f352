"""The scenario writer: canonical TOML and the smallest diff against a base both load back to
the very Scenario they were written from (random scenarios and every shipped one)."""

from __future__ import annotations

import datetime as dt
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from flywheel.scenario import events as event_types
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR as SCENARIOS_DIR,
)
from flywheel.scenario.loading import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
    scenario_from_dict,
    scenario_to_dict,
    scenario_to_toml,
)
from flywheel.scenario.parameters import parameter_bounds
from flywheel.scenario.schema import LOOP_IDS, Initial, Levers, field_infos
from flywheel.scenario.writer import (
    canonical_toml,
    diff_toml,
    header_comment_of,
    minimal_toml,
    toml_like_source,
    write_scenario,
)

LEVERS = field_infos(Levers)
INITIAL = field_infos(Initial)
LINKED_INITIAL = ("market_people", "customers", "prime_members")  # market >= customers >= prime
EVENT_CLASSES = {
    cls.__pydantic_fields__["kind"].default: cls
    for cls in (
        event_types.PolicyChange,
        event_types.MarketplaceLaunch,
        event_types.PrimeLaunch,
        event_types.DemandShock,
        event_types.Recession,
        event_types.PriceWar,
        event_types.FcOutage,
        event_types.CostShock,
    )
}
# Ids that repeat and that equal a kind, so drop_events' "id or kind" rule is exercised.
EVENT_IDS = ("", "", "a", "b", "prime", "price_war", "recession")
# Not story.toml (the workshop narrative), scenarios/checks/ (reality checks) nor
# scenarios/futures/ (uncertainty spaces of `flywheel optimize`): not scenarios.
SHIPPED = sorted(
    p
    for p in SCENARIOS_DIR.glob("**/*.toml")
    if p.name != "story.toml" and p.parent.name not in ("checks", "futures")
)
EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _in_bounds(info: Any) -> st.SearchStrategy[Any]:
    if info.annotation is bool:
        return st.booleans()
    low, high = parameter_bounds(info)
    if info.annotation is int:
        return st.integers(int(low), int(high))
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def lever_values(draw: st.DrawFn, max_size: int = 8) -> dict[str, float]:
    names = draw(st.lists(st.sampled_from(sorted(LEVERS)), unique=True, max_size=max_size))
    return {name: draw(_in_bounds(LEVERS[name])) for name in names}


@st.composite
def initial_values(draw: st.DrawFn, market_ceiling_people: float) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if draw(st.booleans()):
        market = draw(st.floats(1e3, min(5e9, market_ceiling_people)))
        customers = draw(st.floats(0.0, market))
        values |= {"market_people": market, "customers": customers}
        values["prime_members"] = draw(st.floats(0.0, customers))
    others = sorted(set(INITIAL) - set(LINKED_INITIAL))
    for name in draw(st.lists(st.sampled_from(others), unique=True, max_size=4)):
        values[name] = draw(_in_bounds(INITIAL[name]))
    return values


@st.composite
def event_tables(draw: st.DrawFn, start: dt.date, horizon_weeks: int) -> dict[str, Any]:
    """One event of a random kind, at a week or a date inside the horizon."""
    kind = draw(st.sampled_from(sorted(EVENT_CLASSES)))
    table: dict[str, Any] = {"kind": kind, "id": draw(st.sampled_from(EVENT_IDS))}
    if draw(st.booleans()):
        table["week"] = draw(st.integers(0, horizon_weeks - 1))
    else:
        table["date"] = start + dt.timedelta(days=draw(st.integers(0, 7 * horizon_weeks - 1)))
    if draw(st.booleans()):
        table["note"] = draw(st.text(max_size=20))
    fields = EVENT_CLASSES[kind].__pydantic_fields__
    for name in set(fields) - {"kind", "id", "week", "date", "note", "lever", "value"}:
        table[name] = draw(_in_bounds(fields[name]))
    if kind == "policy":
        table["lever"] = draw(st.sampled_from(sorted(LEVERS)))
        table["value"] = draw(_in_bounds(LEVERS[table["lever"]]))
    return table


@st.composite
def sweeps(draw: st.DrawFn) -> dict[str, Any]:
    sweep: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(sorted(LEVERS)), unique=True, max_size=2)):
        values = draw(st.lists(_in_bounds(LEVERS[name]), min_size=1, max_size=3))
        if draw(st.booleans()):
            sweep[name] = values
        else:
            sweep[name] = f"{values[0]!r}:{values[-1]!r}:{len(values)}"
    return sweep


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A random valid scenario: levers in their bounds, events of every kind, cuts, a sweep."""
    horizon = draw(st.integers(1, 2600))
    start = draw(st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31)))
    levers = draw(lever_values())
    ceiling = levers.get("market_ceiling_people", LEVERS["market_ceiling_people"].default)
    data = {
        "name": draw(st.text(max_size=30)),
        "description": draw(st.text(max_size=60)),
        "start_date": start,
        "horizon_weeks": horizon,
        "levers": levers,
        "initial": draw(initial_values(ceiling)),
        "events": draw(st.lists(event_tables(start, horizon), max_size=6)),
        "knockouts": draw(knockout_entries(start, horizon, max_size=4)),
        "sweep": draw(sweeps()),
    }
    return _valid_or_reject(data)


@st.composite
def knockout_entries(
    draw: st.DrawFn, start: dt.date, horizon: int, max_size: int
) -> list[str | dict[str, Any]]:
    """Loops cut: plain ids, or cut from a week or a date inside the horizon."""
    loops = draw(st.lists(st.sampled_from(LOOP_IDS), unique=True, max_size=max_size))
    entries: list[str | dict[str, Any]] = []
    for loop in loops:
        week = draw(st.integers(0, horizon - 1))
        form = draw(st.sampled_from(("plain", "week", "date")))
        if form == "plain":
            entries.append(loop)
        elif form == "week":
            entries.append({"loop": loop, "week": week})
        else:
            day = start + dt.timedelta(days=7 * week + draw(st.integers(0, 6)))
            entries.append({"loop": loop, "date": day})
    return entries


@st.composite
def scenario_pairs(draw: st.DrawFn) -> tuple[Scenario, Scenario]:
    """(scenario, its base): the scenario keeps some of the base's events, adds others
    anywhere in the list, and changes some levers, initial values and top-level keys."""
    base = draw(scenarios())
    data = scenario_to_dict(base)
    start, horizon = base.start_date, base.horizon_weeks
    events = [event for event in data["events"] if draw(st.booleans())]
    for table in draw(st.lists(event_tables(start, horizon), max_size=3)):
        events.insert(draw(st.integers(0, len(events))), table)
    data["events"] = events
    data["levers"] |= draw(lever_values(max_size=4))
    for key, strategy in (
        ("name", st.text(max_size=30)),
        ("description", st.text(max_size=60)),
        ("knockouts", knockout_entries(start, horizon, max_size=3)),
        ("sweep", sweeps()),
        ("is_marketplace_open", st.booleans()),
        ("sellers", _in_bounds(INITIAL["sellers"])),
    ):
        if draw(st.booleans()):
            if key in INITIAL:
                data["initial"][key] = draw(strategy)
            else:
                data[key] = draw(strategy)
    return _valid_or_reject(data), base


def _valid_or_reject(data: dict[str, Any]) -> Scenario:
    try:
        return scenario_from_dict(data, origin="<hypothesis>")
    except ScenarioError:
        reject()  # e.g. all five CX weights drawn at 0, or a sweep step rounding past a bound


def assert_same(loaded: Scenario, scenario: Scenario) -> None:
    """Equal, and bit for bit (repr tells -0.0 from 0.0 and shows every float digit)."""
    assert loaded == scenario
    assert repr(loaded) == repr(scenario)


@EXAMPLES
@given(scenarios())
def test_canonical_toml_round_trips(scenario):
    text = canonical_toml(scenario)
    loaded = parse_scenario_text(text, origin="<canonical>")
    assert_same(loaded, scenario)
    assert canonical_toml(loaded) == text  # deterministic: equal scenarios, equal text
    data = tomllib.loads(text)
    assert "base" not in data and "drop_events" not in data
    assert set(data["levers"]) == set(LEVERS) and set(data["initial"]) == set(INITIAL)
    assert len(data.get("events", [])) == len(scenario.events)


@EXAMPLES
@given(scenarios())
def test_minimal_toml_round_trips_and_holds_only_changes(scenario):
    text = minimal_toml(scenario)
    assert_same(parse_scenario_text(text, origin="<minimal>"), scenario)
    defaults = scenario_to_dict(Scenario())
    data = tomllib.loads(text)
    for table in ("levers", "initial"):
        for name, value in data.get(table, {}).items():
            assert repr(value) != repr(defaults[table][name]), (table, name)


# Random ids repeat between base and child on purpose: the loader's ScenarioWarning about it
# (both events kept) is expected here.
@pytest.mark.filterwarnings("ignore::flywheel.scenario.errors.ScenarioWarning")
@EXAMPLES
@given(scenario_pairs())
def test_diff_toml_round_trips_through_its_base(pair):
    scenario, base = pair
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "the_base.toml").write_text(canonical_toml(base), encoding="utf-8")
        text = diff_toml(scenario, base, "the_base")
        Path(folder, "child.toml").write_text(text, encoding="utf-8")
        assert_same(load_scenario(Path(folder, "child.toml")), scenario)
    data = tomllib.loads(text)
    assert data["base"] == "the_base"
    base_values = scenario_to_dict(base)
    for table in ("levers", "initial"):  # nothing the base already gives
        for name, value in data.get(table, {}).items():
            assert repr(value) != repr(base_values[table][name]), (table, name)
    for key in ("name", "description", "start_date", "horizon_weeks"):
        assert (key in data) == (getattr(scenario, key) != getattr(base, key)), key


@EXAMPLES
@given(scenarios())
def test_diff_of_a_scenario_against_itself_is_only_its_base(scenario):
    text = diff_toml(scenario, scenario, "itself")
    assert tomllib.loads(text) == {"base": "itself"}


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_header_comment_stays_a_comment(header):
    """Whatever the text (line breaks, control characters), the file stays valid TOML and
    its header reads back, control characters replaced by U+FFFD."""
    scenario = Scenario(name="h")
    for text in (canonical_toml(scenario, header), minimal_toml(scenario, header)):
        assert_same(parse_scenario_text(text), scenario)
        expected = [
            "".join("\ufffd" if ord(c) < 32 and c != "\t" or c == "\x7f" else c for c in line)
            for line in header.splitlines()
        ]
        assert header_comment_of(text).split("\n") == (expected or [""])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SCENARIOS_DIR)))
def test_every_shipped_scenario_round_trips(path):
    scenario = load_scenario(path)
    assert_same(parse_scenario_text(canonical_toml(scenario)), scenario)
    assert_same(parse_scenario_text(scenario_to_toml(scenario)), scenario)
    assert_same(parse_scenario_text(minimal_toml(scenario)), scenario)
    source = path.read_text(encoding="utf-8")
    rewritten = toml_like_source(scenario, source, path.parent)
    copy = path.parent / f".writer_test_{path.name}"  # beside it: a base is looked up there
    try:
        copy.write_text(rewritten, encoding="utf-8")
        assert_same(load_scenario(copy), scenario)
    finally:
        copy.unlink()
    assert header_comment_of(rewritten) == header_comment_of(source) != ""
    if "base" in tomllib.loads(source):
        # a hand-written file with a base is already the smallest diff: written back unchanged
        # (but for comments inside it and the order of keys)
        assert tomllib.loads(rewritten) == tomllib.loads(source)


def test_toml_like_source_of_a_moved_lever_keeps_base_and_header():
    source = (SCENARIOS_DIR / "price_war.toml").read_text(encoding="utf-8")
    price_war = load_scenario(SCENARIOS_DIR / "price_war.toml")
    moved = scenario_from_dict(scenario_to_dict(price_war) | {"knockouts": ["R2"]}, origin="<test>")
    text = toml_like_source(moved, source)
    assert text.startswith("# Question: how badly does a competitor price war hurt")
    data = tomllib.loads(text)
    assert data["base"] == "baseline" and data["knockouts"] == ["R2"]
    assert "levers" not in data  # not the ~100 levers of a full scenario
    assert_same(parse_scenario_text(text), moved)


def test_toml_like_source_falls_back_when_the_base_is_gone():
    scenario = load_scenario(SCENARIOS_DIR / "andon_cord.toml")
    text = toml_like_source(scenario, '# mine\nbase = "no_such_scenario"\n')
    assert text.startswith("# mine\n") and "base" not in tomllib.loads(text)
    assert_same(parse_scenario_text(text), scenario)
    unreadable = toml_like_source(scenario, "# broken\n[levers\n")
    assert_same(parse_scenario_text(unreadable), scenario)


def test_write_scenario_writes_the_diff_or_the_canonical_file(tmp_path, baseline):
    scenario = scenario_from_dict(
        scenario_to_dict(baseline) | {"name": "bolder", "levers": {"pass_through_share": 0.9}}
    )
    diff = write_scenario(tmp_path / "bolder.toml", scenario, base="baseline", header_comment="Q")
    assert tomllib.loads(diff.read_text()) == {
        "base": "baseline",
        "name": "bolder",
        "levers": {"pass_through_share": 0.9},
    }
    assert_same(load_scenario(diff), scenario)
    full = write_scenario(tmp_path / "full.toml", scenario)
    assert_same(load_scenario(full), scenario)
    assert "base" not in tomllib.loads(full.read_text())
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind
    with pytest.raises(ScenarioError, match="'nowhere' not found"):
        write_scenario(tmp_path / "lost.toml", scenario, base="nowhere")
    assert not (tmp_path / "lost.toml").exists()
