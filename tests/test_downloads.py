"""Downloads people can open (issue 22 item 6): the results as long and wide plain CSV, the
bundle (both CSVs, their provenance and the resolved scenario), written atomically, and the
scenario TOML as the smallest diff against its base that loads back to the same Scenario."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flywheel import load_scenario
from flywheel.experiments.output_files import read_output
from flywheel.results.bundle import bundle_names, bundle_zip, write_bundle
from flywheel.results.simulation import simulate
from flywheel.results.summary import STATISTICS, summarise
from flywheel.results.tables import results_tables, table_csv, wide_column, wide_frame
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR, scenario_from_child, with_parameters
from flywheel.scenario.sources import parse_toml
from flywheel.scenario.writer import checked_toml_like_source

WEEKS = 30


@pytest.fixture(scope="module")
def short():
    """The baseline over 30 weeks without events (a quick run)."""
    baseline = load_scenario(SHIPPED_SCENARIOS_DIR / "baseline.toml")
    return dataclasses.replace(baseline, horizon_weeks=WEEKS, events=())


@pytest.fixture(scope="module")
def summary(short):
    return summarise(simulate(short, 4, 0))


def test_the_wide_table_holds_the_long_tables_numbers_one_row_per_week(summary):
    long = summary.frame()
    wide = wide_frame(summary)
    assert len(wide) == WEEKS and list(wide["week"]) == list(range(WEEKS))
    expected = ["week", "date"] + [
        wide_column(name, statistic) for name in summary.outputs for statistic in STATISTICS
    ]
    assert list(wide.columns) == expected
    pivoted = long.pivot_table(index="week", columns=["output", "statistic"], values="value")
    for name in ("customers", "revenue_usd", "gain_R1"):
        for statistic in STATISTICS:
            np.testing.assert_array_equal(
                wide[wide_column(name, statistic)].to_numpy(),
                pivoted[(name, statistic)].to_numpy(),
            )
    np.testing.assert_array_equal(wide["date"].to_numpy(), summary.dates())


@pytest.mark.parametrize("shape", ["long", "wide"])
def test_the_csvs_are_plain_csv_without_comment_lines(summary, shape):
    data = table_csv(summary, shape)
    lines = data.decode().splitlines()
    assert not any(line.startswith("#") for line in lines)
    frame = pd.read_csv(io.BytesIO(data))  # no comment= needed
    assert list(frame.columns[:2]) == ["week", "date"]
    assert len(frame) == (WEEKS if shape == "wide" else WEEKS * len(summary.outputs) * 6)


def test_an_unknown_table_shape_is_refused(summary):
    with pytest.raises(ValueError, match="shape = 'tall': allowed \\['long', 'wide'\\]"):
        table_csv(summary, "tall")


def test_the_bundle_holds_both_tables_their_provenance_and_the_scenario(short, tmp_path):
    with zipfile.ZipFile(io.BytesIO(bundle_zip(short, 4, 0))) as archive:
        names = sorted(archive.namelist())
        archive.extractall(tmp_path)
    expected = bundle_names("baseline")
    assert names == sorted(
        [
            "README.txt",
            expected["toml"],
            expected["csv"],
            expected["csv"] + ".provenance.json",
            expected["wide"],
            expected["wide"] + ".provenance.json",
        ]
    )
    for key, table in (("csv", "weekly bands"), ("wide", "weekly bands, wide")):
        found = read_output(tmp_path / expected[key])  # as `flywheel provenance` checks it
        assert found.problems == []
        assert found.provenance["settings"]["table"] == table
        assert found.provenance["replications"] == 4 and found.provenance["seed"] == 0
    wide = pd.read_csv(tmp_path / expected["wide"])
    assert len(wide) == WEEKS and "customers_q50" in wide.columns
    scenario = load_scenario(tmp_path / expected["toml"])
    assert scenario == short
    assert "baseline_results_wide.csv" in (tmp_path / "README.txt").read_text()


def test_an_edited_table_no_longer_matches_its_provenance(short, tmp_path):
    ((data, made),) = results_tables(short, 4, 0, ("wide",)).values()
    path = tmp_path / "wide.csv"
    path.write_bytes(data.replace(b"week,date", b"week,day", 1))
    (tmp_path / "wide.csv.provenance.json").write_text(json.dumps(made))
    assert read_output(path).problems != []


def test_write_bundle_writes_atomically(short, tmp_path, monkeypatch):
    path = write_bundle(tmp_path / "b.zip", short, 2, 0)
    assert zipfile.ZipFile(path).testzip() is None
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken)
    with pytest.raises(OSError, match="disk full"):
        write_bundle(path, short, 2, 0)
    assert path.read_bytes() == before  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip"]  # no temporary left


def test_the_bundle_names_are_safe_in_a_zip():
    assert bundle_names("a/b c") == {
        "toml": "a_b_c.toml",
        "csv": "a_b_c_results.csv",
        "wide": "a_b_c_results_wide.csv",
    }
    assert bundle_names("")["toml"] == "scenario.toml"


def _load_written(text: str, folder: Path):
    """The Scenario a downloaded TOML gives when saved in `folder` and loaded."""
    path = folder / "downloaded.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


@pytest.mark.parametrize(
    "preset", ["baseline", "price_war", "amazon_no_prime", "workshop/02_no_marketplace"]
)
def test_the_scenario_download_is_a_small_diff_that_loads_to_the_same_scenario(preset, tmp_path):
    """download -> load_scenario -> the same Scenario, with the preset's header and base."""
    path = SHIPPED_SCENARIOS_DIR / f"{preset}.toml"
    source = path.read_text(encoding="utf-8")
    moved = with_parameters(load_scenario(path), {"pass_through_share": 0.42})
    text = checked_toml_like_source(moved, source, path.parent)
    assert text.startswith("#") and text.splitlines()[0] == source.splitlines()[0]
    data = parse_toml(text, "download")
    assert data["levers"] == {"pass_through_share": 0.42}
    assert data.get("base") == parse_toml(source, "source").get("base")
    assert scenario_from_child(data, "download", path.parent) == moved
    if "base" not in data or (SHIPPED_SCENARIOS_DIR / f"{data['base']}.toml").exists():
        assert _load_written(text, tmp_path) == moved  # saved anywhere, it loads the same


def test_a_download_that_would_not_load_back_writes_every_key(tmp_path, monkeypatch):
    """The download is validated again: a diff that does not give the scenario back (here
    the writer made to return the unchanged source) is replaced by the canonical TOML (no
    base, every key, the source's header), which always loads back."""
    from flywheel.scenario import writer

    source = (SHIPPED_SCENARIOS_DIR / "price_war.toml").read_text(encoding="utf-8")
    moved = with_parameters(
        load_scenario(SHIPPED_SCENARIOS_DIR / "price_war.toml"), {"basket_usd": 41.0}
    )
    monkeypatch.setattr(writer, "toml_like_source", lambda scenario, text, folder: text)
    text = checked_toml_like_source(moved, source, SHIPPED_SCENARIOS_DIR)
    assert text.startswith("# Question: how badly does a competitor price war hurt")
    data = parse_toml(text, "download")
    assert "base" not in data and data["levers"]["basket_usd"] == 41.0
    assert _load_written(text, tmp_path) == moved


def test_the_bundle_command_writes_the_zip_atomically(tmp_path, capsys):
    from flywheel.cli.commands import main

    scenario = tmp_path / "tiny.toml"
    scenario.write_text('name = "tiny"\nhorizon_weeks = 30\n')
    out = tmp_path / "tiny.zip"
    assert main(["bundle", str(scenario), "--replications", "2", "--out", str(out)]) == 0
    assert "wrote " in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        assert "tiny_results_wide.csv" in archive.namelist()
        made = json.loads(archive.read("tiny_results_wide.csv.provenance.json"))
    assert made["replications"] == 2 and made["scenario_name"] == "tiny"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml", "tiny.zip"]


@pytest.mark.parametrize(
    ("out", "message"),
    [("b.csv", "--out {t}/b.csv: expected a .zip file"), ("no/b.zip", "does not exist")],
)
def test_the_bundle_command_refuses_a_bad_out_before_simulating(tmp_path, capsys, out, message):
    from flywheel.cli.commands import main

    scenario = tmp_path / "tiny.toml"
    scenario.write_text('name = "tiny"\nhorizon_weeks = 30\n')
    assert main(["bundle", str(scenario), "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err
    assert message.format(t=tmp_path) in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml"]
