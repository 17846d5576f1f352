"""Stacked demand shocks (docs/model.md#demand, `demand_shock` events): each is at least -0.9,
but two at once can sum below -1; demand is then 0, never negative (the fuzz test's case)."""

from __future__ import annotations

import dataclasses

import numpy as np

import flywheel
from flywheel.scenario.events import DemandShock


def test_stacked_shocks_below_minus_one_give_no_negative_demand(
    baseline: flywheel.Scenario,
) -> None:
    shocks = (
        DemandShock(week=2, duration_weeks=3, size_share=-0.5),
        DemandShock(week=2, duration_weeks=3, size_share=-0.75),
    )
    short = dataclasses.replace(baseline, horizon_weeks=8, events=shocks)
    results = flywheel.simulate(short, replications=2, seed=0)
    for name in ("orders", "gmv_usd", "revenue_usd"):
        assert np.isfinite(results[name]).all(), name
        assert (results[name] >= 0.0).all(), name
    np.testing.assert_array_equal(results["orders"][:, 2:5], 0.0)  # all demand taken
    assert (results["orders"][:, 5:] > 0.0).all()  # and back when the shocks end
