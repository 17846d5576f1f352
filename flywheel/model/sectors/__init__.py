"""The weekly model's sectors: each a small compiled function of one replication's week.

`kernel.week_kernel` calls them in order for every replication (`kernel.replication_week`):

1. `exogenous.exogenous_week`: seasonality, weekly noise, recession depth;
2. `prices.prices_week`: competitor price, relative price, SKUs and selection (R2, R3);
3. `experience.experience_week`: review effect, service score, the five CX scores, CX (and
   the week-0 references, `references.week0_references`);
4. `customers.adoption_week` (R1, B3) and `customers.churn_week` (churn, win-back; R4);
5. `demand.demand_week`: visits, conversion, orders, GMV (R2, R3, R5, B1);
6. `fulfillment.fulfillment_week`: FC capacity, shipping, back-orders and cancellations,
   utilisation, delivery days (B1); `fulfillment.delivered_sales`: the sales delivered,
   which the later sectors use (service, Prime and the planner see the orders placed);
7. `service.service_week`: contacts, the service desk's flows and its Erlang C wait (B2);
8. `sellers.sellers_week`: attractiveness, joins, exits, onboarding (R2, B4);
9. `advertising.advertising_week` (ad revenue and its serving cost, off by default),
   `finance.finance_week` (costs, revenue, operating income; R3, B5) and
   `finance.pricing_week` (the price target; R3);
10. `prime.prime_week`: Prime value, joins and cancellations (R4);
11. `planner.planner_week`: FC orders and lead times, hires, outages (B1, B2, B5), and
    `solvency.funding_week`: cash held at minus the credit limit, insolvency (B5);
12. `outputs.record_outputs` / `outputs.record_derived`, `gains.loop_gains`;
13. `stocks.update_stocks`: every stock, one Euler week.

A sector reads the replication's column views (`s` stocks, `p` levers, `k` lever-only terms,
`ref` week-0 references) and `cut` (its `Cuts`: loop flags and held link values), and earlier
sectors' results (NamedTuples of floats), and returns its own; it writes only the replication's
own columns (outputs, decisions, at week 0 the references, and a held link value when
its capture is due), so replications are independent. Each arithmetic expression is the one the
single-function week used, in the same order: the numbers are
bit-identical. The equations themselves are `equations.py`'s (compiled in `parts`).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]  # one replication's column (a view into a block)
Flags = npt.NDArray[np.bool_]  # one flag per loop (`layout.Loop`)


class Cuts(NamedTuple):
    """The loop knockouts as a replication's week sees them (model.md#loop-knockouts)."""

    on: Flags  # the loop is cut this week (from its first cut week on)
    starts: Flags  # capture the loop's link value into `held` now (week 0, its first cut week)
    held: Array  # the replication's held link values (rows `layout.Held`)


sector = numba.njit(error_model="numpy", inline="always")  # compiled into the week itself
