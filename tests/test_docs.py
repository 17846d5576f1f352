"""docs/model.md covers every parameter and output, and its generated tables are up to date."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

import flywheel
from flywheel.scenario.schema import LOOP_IDS, Initial, Levers, field_infos

ROOT = Path(__file__).resolve().parent.parent
MODEL_MD = ROOT / "docs" / "model.md"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_parameters", ROOT / "docs" / "gen_parameters.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _text() -> str:
    return MODEL_MD.read_text(encoding="utf-8")


def _mentioned(name: str, text: str) -> bool:
    """`name` appears as a whole word (not only as part of a longer name)."""
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


@pytest.mark.parametrize("name", [*field_infos(Levers), *field_infos(Initial)])
def test_every_scenario_parameter_is_documented(name: str) -> None:
    assert _mentioned(name, _text()), f"docs/model.md does not mention parameter {name}"


def test_every_output_column_is_documented() -> None:
    scenario = dataclasses.replace(flywheel.Scenario(), horizon_weeks=2)
    columns = flywheel.simulate(scenario, replications=1, seed=0).frame().columns
    text = _text()
    missing = [column for column in columns if not _mentioned(column, text)]
    assert not missing, f"docs/model.md does not mention output columns {missing}"


def test_every_loop_is_documented_with_its_knockout() -> None:
    text = _text()
    knockouts = text[text.index('id="loop-knockouts"') : text.index('id="loop-gains"')]
    for loop in LOOP_IDS:
        assert f"| {loop} |" in text, f"loop {loop} missing from the loop table"
        assert f"| {loop} |" in knockouts, f"loop {loop} missing from the knockout table"


def test_generated_tables_are_up_to_date() -> None:
    generator = _generator()
    text = _text()
    assert generator.updated(text) == text, "run `.venv/bin/python docs/gen_parameters.py`"


def test_generated_table_has_one_row_per_parameter_with_its_default() -> None:
    generator = _generator()
    table = generator.render_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    names = [*field_infos(Levers), *field_infos(Initial)]
    assert [row.split("`")[1] for row in rows] == names
    default = generator.format_value(Levers().pass_through_share)
    assert f"| `pass_through_share` | levers | {default} |" in table


def test_generated_output_table_has_one_row_per_registry_output() -> None:
    from flywheel.model.outputs import OUTPUT_NAMES, output

    generator = _generator()
    table = generator.render_output_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(OUTPUT_NAMES)
    revenue = output("revenue_usd")
    assert f"| `revenue_usd` | USD/week | flow | yes | finance | {revenue.description} |" in table
    assert "| `cash_usd` | USD | level | - |" in table
    text = _text()
    start = text.index(generator.OUTPUTS_BEGIN)
    assert table in text[start : text.index(generator.OUTPUTS_END)]


def test_a_stale_output_table_is_detected() -> None:
    generator = _generator()
    text = _text()
    stale = text.replace("| `customers` | people | level |", "| `customers` | persons | level |")
    assert stale != text
    assert generator.updated(stale) == text
