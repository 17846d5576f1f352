"""Every malformed scenario in the corpus is refused with a clear message, on every path:
the Python API, the CLI (exit 2, no traceback, nothing written) and the app's upload parser."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import flywheel
from flywheel.cli.commands import main as cli_main
from flywheel.scenario.loading import MAX_SCENARIO_BYTES, ScenarioError, parse_scenario_text

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED: dict[str, str] = json.loads((CORPUS / "expected.json").read_text())
NAMES = sorted(EXPECTED)


def test_corpus_is_large_and_complete() -> None:
    files = {p.name for p in CORPUS.glob("*.toml")}
    assert len(files) >= 100
    assert files == set(EXPECTED), "expected.json and the corpus files disagree"


@pytest.mark.parametrize("name", NAMES)
def test_api_refuses_with_field(name: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        flywheel.load_scenario(CORPUS / name)
    message = str(caught.value)
    assert name in message or "base" in message  # the message names the file
    if name.startswith("base_sibling"):  # the error is in the base: it names the base
        assert message.startswith(f"{CORPUS / name}: in base {CORPUS.resolve()}/"), message
    assert EXPECTED[name].lower() in message.lower(), message
    assert "Traceback" not in message


@pytest.mark.parametrize("name", NAMES)
def test_cli_exits_2_and_writes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    code = cli_main(["run", str(CORPUS / name), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("error: ")
    assert EXPECTED[name].lower() in captured.err.lower()
    assert "Traceback" not in captured.err
    # one line, and no raw control character of the file's text reaches the terminal
    assert captured.err.count("\n") == 1 and captured.err.endswith("\n")
    assert not any(_is_control(char) for char in captured.err[:-1]), repr(captured.err)
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in "\u202a\u202b\u202d\u202e"


@pytest.mark.parametrize("name", NAMES)
def test_upload_parser_refuses(name: str) -> None:
    """The app's upload path: bytes → text → validation; only ScenarioError may come out."""
    data = (CORPUS / name).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # the app refuses undecodable uploads before parsing (tested in tests/app)
    if name.startswith(("base_circular", "base_self", "base_sibling")):
        # an upload's base is looked up among the shipped scenarios only, so these are
        # "not found" there rather than circular
        with pytest.raises(ScenarioError, match="base"):
            parse_scenario_text(text, origin=name)
        return
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, origin=name)
    assert EXPECTED[name].lower() in str(caught.value).lower()


def test_huge_file_refused_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "huge.toml"
    huge.write_text('name = "x"\n' + "# padding\n" * (MAX_SCENARIO_BYTES // 10 + 10))
    with pytest.raises(ScenarioError, match="bytes"):
        flywheel.load_scenario(huge)
    with pytest.raises(ScenarioError, match="bytes"):
        parse_scenario_text(huge.read_text())
    assert cli_main(["validate", str(huge)]) == 2
    assert "bytes" in capsys.readouterr().err


def test_cli_subprocess_no_traceback(tmp_path: Path) -> None:
    """A few corpus files through the real console entry point."""
    for name in (
        "type_lever_string.toml",
        "binary_garbage.toml",
        "base_traversal.toml",
        "deep_array.toml",
        "event_past_horizon.toml",
    ):
        copy = tmp_path / name
        shutil.copy(CORPUS / name, copy)
        done = subprocess.run(
            [sys.executable, "-m", "flywheel", "run", str(copy), "--out", str(tmp_path / "x.csv")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert EXPECTED[name].lower() in done.stderr.lower()
        assert not (tmp_path / "x.csv").exists()
