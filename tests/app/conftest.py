"""Fixtures of the app tests: a small Monte Carlo (20 replications) and an AppTest factory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# Before flywheel.ui.cache is imported: the app's default stays 200, tests run 20.
os.environ.setdefault("FLYWHEEL_APP_REPLICATIONS", "20")
# No worker processes unless a test asks for them (test_workers, the large-fan browser test):
# the Why tab would otherwise start a set in every test session that presses it.
os.environ.setdefault("FLYWHEEL_APP_WORKERS", "1")
# No background lever ranking on the Dashboard unless a test switches it on
# (test_lever_ranking): it would keep the app's process busy in every other test.
os.environ.setdefault("FLYWHEEL_APP_LEVER_RANKING", "0")

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = Path(__file__).resolve().parents[2] / "app.py"
CHROMIUM = Path("/usr/bin/chromium")  # the browser tests' (tests/app/browser.py has the same)
TIMEOUT_SECONDS = 90


def open_every_group(at: AppTest) -> AppTest:
    """Open every lever group of the sidebar, as a user's clicks would (a closed group draws
    no widgets), so that a test can reach any lever; unrun."""
    from flywheel.scenario.lever_groups import lever_groups

    for group in lever_groups():
        at.session_state[f"open:{group}"] = True
    return at


@pytest.fixture
def make_app() -> Callable[..., AppTest]:
    """A fresh AppTest session (optionally with query parameters), already run once, with
    every lever group open (`groups_open=False`: as a newcomer finds it, all closed)."""

    def build(query: dict[str, str] | None = None, groups_open: bool = True) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_SECONDS)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        return (open_every_group(at) if groups_open else at).run()

    return build


@pytest.fixture(scope="module")
def chromium_path() -> str:
    """The browser tests' Chromium: skipped where it is missing, a failure when CI is set."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    return str(CHROMIUM)
