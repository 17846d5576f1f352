"""The command line end to end, in subprocesses: `python -m flywheel` and the `flywheel` script.

Exit codes: 0 ok, 2 invalid input with one line on stderr and no traceback. Nothing is written
half-way: no *.tmp is ever left behind, and a refused run writes no file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import flywheel
from flywheel.cli.commands import main, parse_overrides
from flywheel.scenario.catalogue import parameter_table
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR as SCENARIOS_DIR,
)
from flywheel.scenario.loading import (
    load_scenario,
    parse_scenario_text,
    scenario_to_toml,
    with_parameters,
)
from flywheel.scenario.schema import Levers, field_infos

Cli = Callable[..., subprocess.CompletedProcess[str]]
BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"
REQUIRED_COLUMNS = (
    "replication", "week", "date", "customers", "prime_members", "sellers", "skus",
    "price_index", "unit_cost_usd", "orders", "gmv_usd", "revenue_usd", "operating_income_usd",
    "delivery_days", "utilisation", "queue_wait_hours", "cx", "perceived_cx",
    "fulfillment_centers", "gain_R1", "gain_R2", "gain_R3", "gain_R4", "gain_R5", "gain_R6",
    "gain_B1", "gain_B2", "gain_B3", "gain_B4", "gain_B5",
)  # fmt: skip
SHORT_WEEKS = 60


@pytest.fixture
def short_toml(tmp_path: Path, scenario_factory: Callable[..., flywheel.Scenario]) -> Path:
    """A valid 60-week scenario file (starts in November: the year boundary is crossed)."""
    path = tmp_path / "short.toml"
    scenario = scenario_factory(name="short", horizon_weeks=SHORT_WEEKS, start_date="2026-11-02")
    path.write_text(scenario_to_toml(scenario), encoding="utf-8")
    return path


def assert_clean_failure(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2, the needles on stderr, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("error: "), result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def assert_no_temporary_files(folder: Path) -> None:
    leftovers = [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, leftovers


def test_run_baseline_to_csv(tmp_path: Path, cli: Cli) -> None:
    out = tmp_path / "baseline.csv"
    result = cli("run", BASELINE, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "520 rows" in result.stdout
    frame = pd.read_csv(out)
    assert len(frame) == 520
    assert set(REQUIRED_COLUMNS) <= set(frame.columns), set(REQUIRED_COLUMNS) - set(frame.columns)
    assert not frame.isna().any().any(), frame.columns[frame.isna().any()].tolist()
    numeric = frame.drop(columns=["date"]).to_numpy(dtype=float)
    assert np.isfinite(numeric).all()
    assert frame["week"].tolist() == list(range(520))
    assert frame["date"].iloc[0] == "2026-01-05"
    assert_no_temporary_files(tmp_path)


def test_console_script_writes_parquet(tmp_path: Path, cli: Cli, short_toml: Path) -> None:
    out = tmp_path / "short.parquet"
    result = cli("run", short_toml, "--replications", "2", "--seed", "3", "--out", out, script=True)
    assert result.returncode == 0, result.stderr
    frame = pd.read_parquet(out)
    assert len(frame) == 2 * SHORT_WEEKS
    assert sorted(frame["replication"].unique()) == [0, 1]
    assert set(REQUIRED_COLUMNS) <= set(frame.columns)
    expected = flywheel.simulate(flywheel.load_scenario(short_toml), 2, seed=3).frame()
    np.testing.assert_array_equal(frame["revenue_usd"], expected["revenue_usd"])
    assert_no_temporary_files(tmp_path)


def test_run_json_summary(cli: Cli, short_toml: Path) -> None:
    result = cli("run", short_toml, "--replications", "2", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["weeks"] == SHORT_WEEKS and summary["replications"] == 2
    final = summary["final_week_mean"]
    assert final["customers"] > 0 and np.isfinite(list(final.values())).all()


def test_run_annual(tmp_path: Path, cli: Cli, short_toml: Path) -> None:
    out = tmp_path / "annual.csv"
    result = cli("run", short_toml, "--annual", "--out", out)
    assert result.returncode == 0, result.stderr
    annual = pd.read_csv(out)
    assert annual["year"].tolist() == [2026, 2027]
    assert annual["weeks"].sum() == SHORT_WEEKS
    assert {"net_sales_usd_million", "active_customers_million"} <= set(annual.columns)


def test_validate(cli: Cli, tmp_path: Path) -> None:
    result = cli("validate", BASELINE)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "520 weeks" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[levers]\npass_through_share = 1.7\n', encoding="utf-8")
    assert_clean_failure(cli("validate", bad), f"{bad}:3:", "levers.pass_through_share", "1.7")


def test_validate_resolved_prints_the_canonical_scenario(cli: Cli) -> None:
    """`validate --resolved`: the scenario after its base, drop_events and --set, every key
    written; it loads back to the same scenario."""
    price_war = SCENARIOS_DIR / "price_war.toml"
    result = cli("validate", price_war, "--resolved", "--set", "pass_through_share=0.25")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"# {price_war} --set pass_through_share=0.25, resolved")
    data = tomllib.loads(result.stdout)
    assert "base" not in data and len(data["levers"]) == len(field_infos(Levers))
    assert data["levers"]["pass_through_share"] == 0.25
    assert [event["id"] for event in data["events"]] == ["prime", "price_war"]
    expected = with_parameters(load_scenario(price_war), {"pass_through_share": 0.25})
    assert parse_scenario_text(result.stdout) == expected
    assert_clean_failure(
        cli("validate", price_war, "--resolved", "--set", "pass_through_share=2"),
        "pass_through_share",
    )


def test_describe_json_lists_every_parameter(cli: Cli) -> None:
    result = cli("describe", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    names = [row["name"] for row in rows]
    assert names == [row["name"] for row in parameter_table()]
    assert len(names) == len(set(names)) > 90
    for row in rows:
        assert {"group", "unit", "default", "min", "max", "description"} <= set(row)


def test_set_accepts_exactly_the_described_names(cli: Cli, short_toml: Path) -> None:
    table = parameter_table()
    # every described name parses ...
    items = [f"{row['name']}={str(row['default']).lower()}" for row in table]
    parsed = parse_overrides(items)
    assert set(parsed) == {row["name"] for row in table}
    # ... and a run with every parameter set to its default succeeds end to end
    arguments = [arg for item in items for arg in ("--set", item)]
    result = cli("run", short_toml, "--json", *arguments)
    assert result.returncode == 0, result.stderr
    # an undescribed name is refused
    assert_clean_failure(cli("run", short_toml, "--set", "pass_thru=0.5"), "pass_thru")


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("pass_through_share=1.7", "levers.pass_through_share"),
        ("pass_through_share=abc", "pass_through_share"),
        ("pass_through_share=nan", "pass_through_share"),
        ("is_prime_launched=maybe", "is_prime_launched"),
        ("no_equals_sign", "NAME=VALUE"),
    ],
)
def test_bad_set_values_exit_2(
    setting: str, needle: str, short_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(short_toml), "--set", setting]) == 2
    captured = capsys.readouterr()
    assert needle in captured.err and "Traceback" not in captured.err


def test_malformed_scenario_exits_2_naming_the_field(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[events]]\nkind = "policy"\nweek = 3\nlever = "marketing"\nvalue = 1\n', encoding="utf-8"
    )
    out = tmp_path / "never.csv"
    assert_clean_failure(cli("run", bad, "--out", out), "events[0].lever", "marketing")
    assert not out.exists()
    (tmp_path / "junk.toml").write_text("this is = = not toml", encoding="utf-8")
    assert_clean_failure(cli("run", tmp_path / "junk.toml", script=True), "invalid TOML")


@pytest.mark.parametrize(
    "arguments",
    [
        ("--replications", "0"),
        ("--replications", "-3"),
        ("--replications", "two"),
        ("--replications", "1.5"),
        ("--seed", "-1"),
        ("--seed", "abc"),
    ],
)
def test_bad_replications_or_seed_exit_2(
    arguments: tuple[str, str], short_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(short_toml), *arguments]) == 2
    captured = capsys.readouterr()
    assert arguments[0].lstrip("-") in captured.err


def test_bad_replications_exit_2_in_a_subprocess(cli: Cli, short_toml: Path) -> None:
    assert_clean_failure(
        cli("run", short_toml, "--replications", "0", script=True), "--replications"
    )


def test_out_into_a_missing_folder_writes_nothing(
    cli: Cli, tmp_path: Path, short_toml: Path
) -> None:
    target = tmp_path / "missing" / "x.csv"
    assert_clean_failure(cli("run", short_toml, "--out", target), "does not exist")
    assert not (tmp_path / "missing").exists()
    wrong = tmp_path / "x.xlsx"
    assert main(["run", str(short_toml), "--out", str(wrong)]) == 2
    assert not wrong.exists()
    assert_no_temporary_files(tmp_path)


def test_failed_write_leaves_no_temporary_file(
    tmp_path: Path, short_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run that fails while writing (the target is a folder, so the final rename fails)
    exits 2, leaves the target as it was and removes its temporary file."""
    target = tmp_path / "blocked.csv"
    target.mkdir()
    assert main(["run", str(short_toml), "--out", str(target)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert target.is_dir() and not any(target.iterdir())
    assert_no_temporary_files(tmp_path)


def test_plot_writes_a_png(cli: Cli, tmp_path: Path, short_toml: Path) -> None:
    out = tmp_path / "dashboard.png"
    result = cli("plot", short_toml, "--out", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 10_000
    assert main(["plot", str(short_toml), "--out", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
    assert_no_temporary_files(tmp_path)


def test_closed_stdout_pipe_is_not_an_input_error() -> None:
    """`flywheel describe --json | head -1`: the reader leaves; no `error:` line, no exit 2."""
    with subprocess.Popen(
        [sys.executable, "-m", "flywheel", "describe", "--json"],
        cwd=BASELINE.parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # before the child writes: every write hits a closed pipe
        stderr = process.stderr.read()
        returncode = process.wait(timeout=120)
    assert returncode == 141, (returncode, stderr)
    assert stderr == "", stderr


@pytest.mark.parametrize("command", ["run", "plot"])
def test_replications_beyond_memory_exit_2_before_simulating(
    command: str,
    tmp_path: Path,
    short_toml: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Too many replications for the memory available: one line and exit 2, not a
    MemoryError traceback (or the OOM killer) after minutes of simulating."""
    import flywheel.cli.commands

    monkeypatch.setattr(flywheel.cli.commands, "available_memory_bytes", lambda: 50 * 2**20)

    def no_simulation(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although the run cannot fit in memory")

    monkeypatch.setattr(flywheel, "simulate", no_simulation)
    out = tmp_path / ("x.csv" if command == "run" else "x.png")
    assert main([command, str(short_toml), "--replications", "1000", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: --replications 1000: ")
    assert "GiB" in captured.err and "flywheel mc" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert not out.exists()


def test_memory_error_is_one_line_not_a_traceback(
    short_toml: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def out_of_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(flywheel, "simulate", out_of_memory)
    assert main(["run", str(short_toml)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: out of memory")
    assert "Traceback" not in captured.err


def test_describe_outputs_json_lists_the_registry(cli: Cli) -> None:
    from flywheel.model.outputs import OUTPUT_NAMES, output

    result = cli("describe", "--outputs", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["name"] for row in rows] == list(OUTPUT_NAMES)
    for row in rows:
        assert {"name", "unit", "kind", "description", "label", "group", "non_negative"} <= set(row)
        assert row["kind"] in {"level", "flow", "rate", "index", "flag"}
    revenue = next(row for row in rows if row["name"] == "revenue_usd")
    assert revenue["unit"] == "USD/week" and revenue["kind"] == "flow"
    assert revenue["description"] == output("revenue_usd").description


def test_describe_outputs_text_has_one_line_per_output(cli: Cli) -> None:
    from flywheel.model.outputs import OUTPUT_NAMES

    result = cli("describe", "--outputs")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(OUTPUT_NAMES)
    customers = next(line for line in lines if line.startswith("customers "))
    assert customers.split()[1:4] == ["people", "level", ">="]
    assert "active customers" in customers
    cash = next(line for line in lines if line.startswith("cash_usd "))
    assert " any " in cash  # cash may go negative
