"""Paid acquisition (R6; docs/model.md#adoption): new customers bought with the marketing
budget that revenue funds. A pure function of numpy arrays (axis 0 = replication) and floats,
compiled for the week from this source (`parts`) like the rest of `equations.py`, which
re-exports it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def paid_innovation_per_week(
    marketing_usd_per_week: Array, acquisition_cost_usd_per_customer: Array, market: Array
) -> Array:
    """Innovation rate (1/week) of the Bass step when marketing dollars buy the new customers:
    `marketing_usd_per_week / acquisition_cost_usd_per_customer` new customers a week where the
    whole market is untapped, times the untapped share `potential / market` (new shoppers get
    harder to find as it falls); as a rate on the potential the `potential` cancels, leaving
    marketing / (cost x market). Loop R6 (paid acquisition); model.md#adoption.

    Why a rate and not a flow: inside the exact Bass step (`bass_adoption`) it can never take
    more people than the potential holds, so the stocks stay conserved. 0 for an empty market
    or a cost of 0 (the mechanism off)."""
    budget_people = np.maximum(acquisition_cost_usd_per_customer, 0.0) * np.maximum(market, 0.0)
    has_budget = budget_people > 0.0
    return np.maximum(marketing_usd_per_week, 0.0) * has_budget / np.maximum(budget_people, 1e-300)
