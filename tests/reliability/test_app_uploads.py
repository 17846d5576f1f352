"""Every file of the malformed corpus, uploaded through the app's real upload widget, is
refused with the message the CLI gives, the app keeps running and its preset is unchanged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("FLYWHEEL_APP_REPLICATIONS", "20")

from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "reliability" / "corpus"
EXPECTED: dict[str, str] = json.loads((CORPUS / "expected.json").read_text())
pytestmark = pytest.mark.xdist_group("app_uploads")


def test_every_corpus_file_is_refused_by_the_upload(tmp_path: Path) -> None:
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("*"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    at.session_state["tab"] = "Files"  # the tabs are lazy: open the one with the upload
    at.run()
    refused = 0
    for name in sorted(EXPECTED):
        data = (CORPUS / name).read_bytes()
        at.file_uploader(key="upload").upload(name, data, "application/toml").run()
        assert not at.exception, name
        errors = [error.value for error in at.error]
        assert errors, f"{name}: no error shown"
        fragment = EXPECTED[name].lower()
        if name.startswith(("base_circular", "base_self", "base_sibling")):
            fragment = "base"  # an upload's base is looked up among the shipped ones only
        if data and not _is_utf8(data):
            fragment = "utf-8"
        assert any(fragment in error.lower() for error in errors), (name, errors)
        assert at.session_state["preset"] == "baseline", name
        refused += 1
    assert refused == len(EXPECTED) >= 100
    # nothing uploaded was written anywhere: the temporary folder has no new scenario files
    after = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("*"))
    assert not [p for p in after - before if p.suffix == ".toml"]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
