"""Shared helpers of the core test suite: paths, scenario builders, a CLI runner."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import flywheel
from flywheel.scenario.loading import scenario_from_dict

REPO = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = REPO / "scenarios"
BASELINE_TOML = SCENARIOS_DIR / "baseline.toml"
PYTHON = sys.executable
# The console script installed next to the interpreter running the tests (.venv/bin/flywheel).
FLYWHEEL_SCRIPT = Path(sys.executable).parent / "flywheel"

# Every noise source switched off: replications of one scenario are then identical, so a
# comparison between two scenarios measures the model, not sampling error.
QUIET_LEVERS: dict[str, float] = {
    "weekly_demand_noise_cv": 0.0,
    "seller_join_noise_cv": 0.0,
    "fc_outage_rate_per_year": 0.0,
    "fc_lead_time_cv": 0.0,
}


def make_scenario(
    levers: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
    **top: Any,
) -> flywheel.Scenario:
    """A validated Scenario from default values plus the given lever, initial and top-level keys."""
    data: dict[str, Any] = {"levers": dict(levers or {}), "initial": dict(initial or {})}
    data.update(top)
    return scenario_from_dict(data, origin="<test>")


@pytest.fixture(scope="session")
def quiet_levers() -> dict[str, float]:
    """Lever values that switch every noise source off."""
    return dict(QUIET_LEVERS)


@pytest.fixture(scope="session")
def scenario_factory() -> Callable[..., flywheel.Scenario]:
    """`make_scenario`: defaults plus the given levers, initial values and top-level keys."""
    return make_scenario


@pytest.fixture(scope="session")
def baseline() -> flywheel.Scenario:
    """The shipped baseline scenario (520 weeks, Prime at week 104)."""
    return flywheel.load_scenario(BASELINE_TOML)


@pytest.fixture(scope="module")
def five_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    """The baseline's first five years (260 weeks: Prime launches at week 104, sellers, reviews
    and costs well moved); the knockout, price-cap and attractiveness tests cut loops in it."""
    return dataclasses.replace(baseline, horizon_weeks=260)


def run_cli(
    *args: str | os.PathLike[str], script: bool = False, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m flywheel ARGS` (or the `flywheel` console script) and capture its output."""
    command = [str(FLYWHEEL_SCRIPT)] if script else [PYTHON, "-m", "flywheel"]
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_cli`: run the command line in a subprocess and capture its output."""
    return run_cli
