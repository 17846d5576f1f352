"""The reference-output regression guard: every output of the configurations in `cases.py`
must equal the stored file to a relative 1e-9. A deliberate model change regenerates it with
`make reference`, and its commit says why the numbers moved."""

from __future__ import annotations

import numpy as np
import pytest

from reference import cases


@pytest.fixture(scope="module")
def stored() -> dict[str, np.ndarray]:
    with np.load(cases.STORED) as data:
        return {key: data[key] for key in data.files}


@pytest.mark.xdist_group("reference")
def test_every_output_matches_the_stored_reference(stored: dict[str, np.ndarray]) -> None:
    problems = cases.mismatches(stored, cases.compute())
    assert not problems, f"{len(problems)} arrays differ (first 20):\n" + "\n".join(problems[:20])


def test_the_comparison_catches_a_change_beyond_the_tolerance(
    stored: dict[str, np.ndarray],
) -> None:
    key = "baseline|customers"
    nudged = dict(stored)
    nudged[key] = stored[key] * (1 + 1e-8)
    assert cases.mismatches(stored, nudged) == [f"{key}: largest relative difference 1.00e-08"]
    assert cases.mismatches(stored, dict(stored)) == []
    missing = {k: v for k, v in stored.items() if k != key}
    assert cases.mismatches(stored, missing) == [f"{key}: not computed any more"]


def test_the_reference_covers_every_configuration(stored: dict[str, np.ndarray]) -> None:
    names = {key.split("|")[0] for key in stored}
    assert {"baseline", "cut_all", "overrides", "reference/events_mix"} <= names
    assert {f"cut_{loop}" for loop in cases.LOOP_IDS} <= names
    assert stored["baseline|customers"].shape == (cases.REPLICATIONS, 520)
