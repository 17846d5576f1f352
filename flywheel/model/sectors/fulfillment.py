"""Fulfillment (B1; model.md#fulfillment): the open centres' utilisation and delivery days."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Lever, Loop, Ref, Stock
from flywheel.model.parts import delivery_days
from flywheel.model.sectors import Array, Flags, sector


class Fulfillment(NamedTuple):
    """The week's fulfillment network load."""

    open_centers: float  # built centres not out of service (count)
    utilisation: float  # orders / capacity (10 with orders but no open centre)
    days: float  # delivery days (week 0's congestion with B1 cut)
    congestion: float  # delivery days / their base (week 0's with B1 cut)


@sector
def fulfillment_week(t: int, s: Array, p: Array, ref: Array, cut: Flags, orders: float):  # type: ignore[no-untyped-def]
    """This week's `Fulfillment`: delivery is flat up to the comfortable utilisation, then
    slows; customers see it through the perceived-delivery stock (`stocks.update_stocks`).
    Week 0 sets the congestion reference (delivery days / their base), which B1 cut holds."""
    open_centers = np.maximum(s[Stock.fulfillment_centers] - s[Stock.fc_out_of_service], 0.0)
    capacity = open_centers * p[Lever.fc_capacity_orders_per_week]
    if capacity > 0:
        utilisation = orders / np.maximum(capacity, 1e-9)
    else:  # no centre open: overloaded
        utilisation = 10.0 if orders > 0 else 0.0
    days = delivery_days(
        utilisation,
        p[Lever.delivery_days_base],
        p[Lever.comfortable_utilisation_share],
        p[Lever.delivery_congestion_scale],
        p[Lever.delivery_congestion_exponent],
    )
    congestion = days / p[Lever.delivery_days_base]
    if t == 0:
        ref[Ref.congestion_factor] = congestion
    if cut[Loop.B1]:  # congestion held at week 0's: the load no longer slows delivery
        congestion = ref[Ref.congestion_factor]
        days = p[Lever.delivery_days_base] * congestion
    return Fulfillment(open_centers, utilisation, days, congestion)
