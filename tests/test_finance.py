"""The week's financials (`sectors.finance.finance_week`): the income statement adds up, week
by week."""

from __future__ import annotations

import dataclasses

import numpy as np

import flywheel

COSTS = (
    "cogs_usd",
    "fulfillment_cost_usd",
    "shipping_cost_usd",
    "service_cost_usd",
    "marketing_usd",
    "technology_usd",
)


def test_operating_income_is_revenue_less_every_cost(baseline) -> None:
    scenario = dataclasses.replace(baseline, horizon_weeks=156)  # Prime launches in week 104
    results = flywheel.simulate(scenario, replications=3, seed=2)
    levers = scenario.levers
    revenue = results["revenue_usd"]
    costs = sum(results[name] for name in COSTS) + levers.overhead_usd_per_week
    # absolute tolerance on the scale of the revenue: a week whose income nearly cancels
    np.testing.assert_allclose(
        results["operating_income_usd"], revenue - costs, rtol=1e-12, atol=1e-12 * revenue.max()
    )
    np.testing.assert_allclose(
        results["operating_margin_share"], results["operating_income_usd"] / revenue, rtol=1e-12
    )
    np.testing.assert_allclose(
        results["marketing_usd"], levers.marketing_share_of_revenue * revenue, rtol=1e-12
    )
    # Revenue: 1P GMV, the take on 3P GMV, and Prime fees (none before the launch).
    gmv_1p = results["gmv_usd"] - results["gmv_3p_usd"]
    take = levers.seller_take_rate_share * results["gmv_3p_usd"]
    np.testing.assert_allclose(revenue, gmv_1p + take + results["prime_fees_usd"], rtol=1e-12)
    assert np.all(results["prime_fees_usd"][:, :104] == 0.0)
    assert np.all(results["prime_fees_usd"][:, 110:] > 0.0)
