"""The scale → network density → delivery speed equation (R3; docs/model.md#fulfillment): the
uncongested delivery time a fulfillment network of a given size can offer. A pure function of
numpy arrays (axis 0 = replication) and floats, compiled for the week from this source (`parts`)
like the rest of `equations.py`, which re-exports it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def network_speed_factor(
    fulfillment_centers: Array, reference_centers: Array, density_elasticity: Array
) -> Array:
    """Dimensionless multiplier (<= 1) on `delivery_days_base` from the network's size: built
    centres (count) over the reference network (count), at least 1, to the power
    `-density_elasticity`. Loop R3 (scale economics); model.md#fulfillment.

    Why a power law: with n centres spread over a fixed area the mean distance from a customer
    to the nearest centre falls as n^-1/2 (the continuous-approximation result of facility
    location), and transit time falls with distance, less than in proportion (handling time
    does not shrink), so an elasticity between 0 and 1/2. Exactly 1 at elasticity 0.
    """
    density = np.maximum(fulfillment_centers / np.maximum(reference_centers, 1e-9), 1.0)
    return density ** (-density_elasticity)


def network_base_days(base_days: Array, speed_factor: Array, floor_days: Array) -> Array:
    """Uncongested delivery days (days) the network offers: `base_days` (the policy's) times
    the network's speed factor, never below `floor_days` (the fastest a denser network reaches)
    unless the policy itself promises less. Exactly `base_days` with a speed factor of 1.
    Loop R3; model.md#fulfillment."""
    return np.maximum(base_days * speed_factor, np.minimum(floor_days, base_days))


def loaded_centers(
    built_centers: Array,
    load_orders: Array,
    capacity_orders_per_center: Array,
    full_utilisation_share: Array,
) -> Array:
    """Centres (count) the network's speed counts when load sets it: the FC load the centres
    are sized for (`load_orders`, orders/week: the Q4 peak of the smoothed orders they ship) over
    what one centre ships at `full_utilisation_share` of its rated capacity (orders/week), never
    more than the `built_centers`. Loop R3;
    model.md#fulfillment.

    Why: a centre speeds delivery by holding the goods near the customers who order them, and
    it holds stock in proportion to the orders it serves; a centre built ahead of its orders
    (a planner forecasting over a long lead time) is not yet a denser map. Exactly
    `built_centers` once every centre is loaded to `full_utilisation_share` or more.
    """
    full_load = np.maximum(capacity_orders_per_center * full_utilisation_share, 1e-9)
    return np.minimum(built_centers, load_orders / full_load)
