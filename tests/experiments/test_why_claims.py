"""The Why tab's lessons in docs/app.md, measured: what R2 and B4 do to the baseline's
revenue, GMV and customers (the waterfall the tab draws: `attribute(...).waterfall()`, each
loop cut alone from the start, 20 replications, seed 0, as the tab runs it)."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from flywheel.experiments.attribution import attribute
from flywheel.experiments.outcomes import Outcome
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR, load_scenario

REPLICATIONS, SEED = 20, 0


@cache
def waterfall(output: str) -> pd.DataFrame:
    scenario = load_scenario(SHIPPED_SCENARIOS_DIR / "baseline.toml")
    outcome = Outcome.last_year(output, scenario.horizon_weeks)
    table = attribute(scenario, outcome, REPLICATIONS, SEED).waterfall()
    return table.set_index(table["label"].str.split().str[0])


@pytest.mark.parametrize("output", ["gmv_usd", "customers"])
def test_the_marketplace_loop_raises_gmv_and_customers(output):
    """R2 (the marketplace) raises GMV (~+55 B) and customers (~+34 M): its whole 5-95 % band
    is above zero."""
    assert waterfall(output).loc["R2", "q05"] > 0


def test_the_marketplace_loop_adds_little_to_revenue_which_counts_only_the_commission():
    """Revenue counts a seller's sale only through its commission, so R2's effect on revenue
    is small beside its effect on GMV (docs/app.md: +0.3 B against +55 B)."""
    revenue, gmv = waterfall("revenue_usd").loc["R2"], waterfall("gmv_usd").loc["R2"]
    assert abs(revenue["value"]) < 0.05 * gmv["value"]
    assert revenue["q05"] < revenue["value"] < revenue["q95"]


def test_seller_crowding_a_balancing_loop_adds_to_revenue():
    """B4 (seller crowding) has a positive effect on revenue in the baseline (~+2.2 B): cut,
    sellers keep joining past the point where they crowd each other out."""
    assert waterfall("revenue_usd").loc["B4", "q05"] > 0
