"""Loop attribution: effects against direct knockout runs; Shapley values add up to the total."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.experiments import Outcome, attribute


def _outcome(scenario, cut, replications=3):
    variant = dataclasses.replace(scenario, knockouts=tuple(cut))
    results = flywheel.simulate(variant, replications=replications, seed=7)
    return Outcome("revenue_usd", year=2).values(results.series)


def test_effects_match_direct_knockout_runs_and_sum_to_total(short):
    result = attribute(short, "revenue_usd@year2", replications=3, seed=7, loops=("R1", "R2", "B1"))
    on, all_cut = _outcome(short, ()), _outcome(short, ("R1", "R2", "B1"))
    np.testing.assert_array_equal(result.all_on, on)
    np.testing.assert_array_equal(result.total, on - all_cut)
    np.testing.assert_array_equal(result.knockout_effect("R2"), on - _outcome(short, ("R2",)))
    table = result.table().set_index("component")
    parts = table.loc[["R1", "R2", "B1", "interaction"], "mean"].sum()
    assert parts == pytest.approx(table.loc["total", "mean"], rel=1e-9)
    assert table.loc["R1", "q05"] <= table.loc["R1", "q50"] <= table.loc["R1", "q95"]
    assert table.loc["total", "mean"] != 0


def test_shapley_values_add_up_to_the_total_effect(short):
    result = attribute(
        short, "customers", replications=2, seed=1, loops=("R1", "R2", "R4"), shapley=True
    )
    assert len(result.outcomes) == 8
    shapley = sum(result.shapley(loop) for loop in result.loops)
    np.testing.assert_allclose(shapley, result.total, rtol=1e-9)
    # with one loop, Shapley value = knockout effect = total effect
    single = attribute(short, "customers", replications=2, seed=1, loops=("R1",), shapley=True)
    np.testing.assert_allclose(single.shapley("R1"), single.knockout_effect("R1"))
    assert "shapley_mean" in result.table()
    plain = attribute(short, "customers", replications=2, seed=1, loops=("R1",))
    assert len(plain.outcomes) == 2 and plain.total.shape == (2,)
    np.testing.assert_array_equal(plain.total, plain.knockout_effect("R1"))


def test_bad_input(short):
    with pytest.raises(ValueError, match="not one of"):
        attribute(short, "customers", loops=("R9",))
    cut = dataclasses.replace(short, knockouts=("R1",))
    with pytest.raises(ValueError, match="already cut"):
        attribute(cut, "customers", loops=("R1",))
    with pytest.raises(ValueError, match="Shapley"):
        attribute(short, "customers", replications=1, loops=("R1", "B3", "B4")).shapley("R1")
