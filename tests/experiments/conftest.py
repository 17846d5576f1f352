"""Small scenarios for fast experiment tests."""

from __future__ import annotations

import pytest

from flywheel.scenario.events import PrimeLaunch
from flywheel.scenario.loading import Scenario


@pytest.fixture(scope="session")
def short() -> Scenario:
    """Two model years and a bit, Prime launched in week 20 (so R4 matters)."""
    return Scenario(name="short", horizon_weeks=110, events=(PrimeLaunch(week=20),))
