"""Spike: what would a compiled weekly step save? One piece of it measured, not the model.

The app's lever change is bound by the weekly step's fixed cost: ~500 numpy calls a week on
arrays of ~100 replications, each call ~0.5 µs however small the array. This script ports one
piece of the step, `finance.week_financials` (~40 array operations), to a numba kernel that
loops over the replications, and times both on the same inputs at R = 100 (one app worker's
share of a 200-replication fan), the kernel's call with all its 29 array arguments included.
The numbers must agree (largest relative difference printed). numba is not a dependency of
flywheel; install it into the virtualenv to run this:

    .venv/bin/pip install numba && .venv/bin/python bench/compiled_step_spike.py [replications]
"""

from __future__ import annotations

import sys
import time
import timeit
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def kernel_source(weeks_per_year: float) -> Any:
    """The numba kernel (built on call, so that a missing numba is a message, not a crash);
    `weeks_per_year` is flywheel.equations.WEEKS_PER_YEAR (a compile-time constant)."""
    import numba

    @numba.njit(cache=False)
    def financials(
        cumulative, orders, cumulative_initial, learning_rate, goods_base, trend, variable_cost,
        centres, fc_fixed, agents, agent_cost, overhead, gmv, gmv_3p, visits, members,
        prime_visit_factor, visit_rate, is_launched, fee, take, price_index, goods_share,
        fulfilment, shipping, prime_shipping, marketing_share, technology_share, out,
    ):  # fmt: skip
        for i in range(orders.size):
            exponent = -np.log2(1.0 - learning_rate[i])
            learning = ((cumulative[i] + orders[i]) / cumulative_initial[i]) ** (-exponent)
            fc_cost = centres[i] * fc_fixed[i]
            service = agents[i] * agent_cost[i]
            fixed = fc_cost + service + overhead[i]
            unit = goods_base[i] * trend[i] + variable_cost[i] * learning
            unit += fixed / max(orders[i], 1.0)
            gmv_1p = gmv[i] - gmv_3p[i]
            share = 0.0
            if visits[i] > 0:
                share = members[i] * prime_visit_factor[i] * visit_rate[i] / max(visits[i], 1e-9)
            fees = members[i] * fee[i] / weeks_per_year if is_launched[i] else 0.0
            revenue = gmv_1p + take[i] * gmv_3p[i] + fees
            cogs = gmv_1p / max(price_index[i], 1e-9) * goods_share[i] * trend[i]
            fulfilment_cost = orders[i] * fulfilment[i] * learning + fc_cost
            shipping_cost = orders[i] * shipping[i] * learning
            shipping_cost += orders[i] * share * prime_shipping[i]
            marketing = marketing_share[i] * revenue
            technology = technology_share[i] * revenue
            income = revenue - cogs - fulfilment_cost - shipping_cost - service
            income = income - marketing - technology - overhead[i]
            values = (learning, unit, revenue, fees, cogs, fulfilment_cost, shipping_cost,
                      service, marketing, technology, income,
                      income / max(revenue, 1e-9) if revenue > 0 else 0.0)  # fmt: skip
            for row in range(12):
                out[row, i] = values[row]
        return out

    return financials


def main() -> None:
    """Time numpy `week_financials` against the kernel; print both, the ratio and the diff."""
    try:
        import numba
    except ImportError:
        sys.exit("numba is not installed: .venv/bin/pip install numba (it is not a dependency)")
    sys.path.insert(0, str(REPO))
    import flywheel
    from flywheel import equations as eq
    from flywheel.finance import week_financials
    from flywheel.state import initial_state, lever_arrays
    from flywheel.terms import lever_terms

    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    scenario = flywheel.load_scenario(REPO / "scenarios" / "baseline.toml")
    state = initial_state(scenario, replications)
    levers = lever_arrays(scenario, replications)
    terms = lever_terms(levers)
    rng = np.random.default_rng(0)  # a mid-run week: orders, members, launched Prime
    orders = rng.uniform(1e5, 2e5, replications)
    visits, visit_rate = orders * 20.0, np.full(replications, 1.5)
    gmv = orders * 40.0
    gmv_3p, trend = gmv * 0.3, np.ones(replications)
    state.prime_members = state.customers * 0.1
    state.is_prime_launched[:] = True
    state.cumulative_orders = state.cumulative_orders * rng.uniform(1, 50, replications)
    reference = type("Ref", (), {"cumulative_orders": np.full(replications, 2e5)})

    def numpy_call() -> Any:
        return week_financials(
            state, levers, terms, reference, orders, visits, visit_rate, gmv, gmv_3p, trend
        )

    out = np.empty((12, replications))
    p, k, s = levers, terms, state
    arguments = (
        s.cumulative_orders, orders, reference.cumulative_orders, p["learning_rate_share"],
        k["goods_cost_base_usd"], trend, k["variable_cost_usd_per_order"],
        s.fulfillment_centers, p["fc_fixed_cost_usd_per_week"], s.agents,
        p["agent_cost_usd_per_week"], p["overhead_usd_per_week"], gmv, gmv_3p, visits,
        s.prime_members, k["prime_visit_factor"], visit_rate, s.is_prime_launched,
        p["prime_fee_usd_per_year"], p["seller_take_rate_share"], s.price_index,
        p["goods_cost_share"], p["fulfillment_cost_usd_per_order"],
        p["shipping_cost_usd_per_order"], p["prime_shipping_cost_usd_per_order"],
        p["marketing_share_of_revenue"], p["technology_share_of_revenue"], out,
    )  # fmt: skip
    financials = kernel_source(eq.WEEKS_PER_YEAR)
    start = time.perf_counter()
    financials(*arguments)
    compile_seconds = time.perf_counter() - start

    def best_us(call: Any) -> float:
        return min(timeit.repeat(call, number=2000, repeat=7)) / 2000 * 1e6

    numpy_us, kernel_us = best_us(numpy_call), best_us(lambda: financials(*arguments))
    expected = numpy_call()
    difference = max(
        float(np.max(np.abs(out[row] - expected[row]) / np.maximum(np.abs(expected[row]), 1e-300)))
        for row in range(12)
    )
    print(
        f"compiled_step_spike {time.strftime('%Y-%m-%d')} numba {numba.__version__} "
        f"numpy {np.__version__} replications={replications}\n"
        f"finance.week_financials, numpy: {numpy_us:.1f} us a call (best of 7 x 2000)\n"
        f"the same as a numba kernel (29 array arguments): {kernel_us:.1f} us a call "
        f"(first call, compiling: {compile_seconds:.1f} s)\n"
        f"ratio {numpy_us / kernel_us:.1f} x; largest relative difference {difference:.1e}"
    )


if __name__ == "__main__":
    main()
