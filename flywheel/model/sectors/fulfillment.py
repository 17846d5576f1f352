"""Fulfillment (B1; model.md#fulfillment): what the open centres can ship, back-orders and
cancellations, utilisation and delivery days, and the sales actually delivered."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Held, Lever, Loop, Stock
from flywheel.model.parts import (
    delivery_days,
    fc_shipping,
    fc_utilisation,
    late_delivery_days,
    loaded_centers,
    network_base_days,
    network_speed_factor,
)
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.demand import Demand


class Fulfillment(NamedTuple):
    """The week's fulfillment network: orders/week unless named otherwise."""

    open_centers: float  # built centres not out of service (count)
    capacity: float  # what the open centres can ship, surge allowance included
    fc_demand: float  # orders placed this week that need FC shipping (1P + FBA share of 3P)
    shipped: float  # orders shipped through the FCs (back-orders first), <= capacity
    cancelled: float  # back-orders cancelled this week (lost sales)
    backlog_next: float  # back-orders carried to next week (orders)
    utilisation: float  # (back-orders + fc_demand) / rated capacity, capped (finite, no FC)
    days: float  # delivery days of the orders shipped (held congestion with B1 cut)
    congestion: float  # delivery days / their base (held with B1 cut)
    network_factor: float  # the network's multiplier on delivery_days_base (held with R3 cut)


@sector
def fulfillment_week(  # type: ignore[no-untyped-def]
    s: Array, p: Array, cut: Cuts, orders: float, share_3p: float
):
    """This week's `Fulfillment`: 1P orders and the FBA share of 3P orders need the FCs;
    back-orders ship first, up to capacity; a share of what is left is cancelled, the rest
    waits a week. Delivery is flat up to the comfortable utilisation, then slows, and a
    back-order arrives a week late; customers see it through the perceived-delivery stock.
    A capture holds the congestion (delivery days / their base), which B1 cut keeps; capacity
    itself is physical and limits shipping whatever the cut. The uncongested delivery time is
    the policy's `delivery_days_base` times the network's speed factor (R3: more centres, closer
    to customers; 1 at the default elasticity 0), which R3 cut holds; with
    `delivery_density_full_utilisation_share` > 0 it counts only the centres the week's load
    fills at the Q4 peak of the planner's smoothed orders (`loaded_centers`)."""
    open_centers = np.maximum(s[Stock.fulfillment_centers] - s[Stock.fc_out_of_service], 0.0)
    rated_capacity = open_centers * p[Lever.fc_capacity_orders_per_week]
    capacity = rated_capacity * (1.0 + p[Lever.fc_surge_allowance_share])
    fc_demand = orders * (1.0 - share_3p * (1.0 - p[Lever.fba_share_of_3p_orders]))
    backlog = s[Stock.fc_backlog_orders]
    shipped, from_backlog, cancelled, backlog_next = fc_shipping(
        backlog, fc_demand, capacity, p[Lever.backorder_cancel_share]
    )
    utilisation = fc_utilisation(backlog + fc_demand, rated_capacity)  # surging is congested
    density_centers = s[Stock.fulfillment_centers]  # built: an outage is congestion (B1)
    if p[Lever.delivery_density_full_utilisation_share] > 0:  # only centres the orders load
        density_centers = loaded_centers(
            density_centers,
            # the Q4 peak of the smoothed orders the centres ship: the load they are sized for
            s[Stock.orders_smoothed]
            * p[Lever.q4_demand_multiplier]
            * fc_demand
            / max(orders, 1e-9),
            p[Lever.fc_capacity_orders_per_week],
            p[Lever.delivery_density_full_utilisation_share],
        )
    network_factor = network_speed_factor(
        density_centers,
        p[Lever.delivery_density_reference_centers],
        p[Lever.delivery_density_elasticity],
    )
    if cut.starts[Loop.R3]:
        cut.held[Held.network_speed_factor] = network_factor
    if cut.on[Loop.R3]:  # the network's speed held; a policy change of the base still acts
        network_factor = cut.held[Held.network_speed_factor]
    base_days = network_base_days(
        p[Lever.delivery_days_base], network_factor, p[Lever.delivery_days_floor]
    )
    congestion_days = delivery_days(
        utilisation,
        base_days,
        p[Lever.comfortable_utilisation_share],
        p[Lever.delivery_congestion_scale],
        p[Lever.delivery_congestion_exponent],
    )
    days = late_delivery_days(congestion_days, from_backlog, shipped)
    congestion = days / base_days
    if cut.starts[Loop.B1]:
        cut.held[Held.congestion_factor] = congestion
    if cut.on[Loop.B1]:  # congestion (and lateness) held: load no longer slows delivery
        congestion = cut.held[Held.congestion_factor]
        days = base_days * congestion
    return Fulfillment(
        open_centers,
        capacity,
        fc_demand,
        shipped,
        cancelled,
        backlog_next,
        utilisation,
        days,
        congestion,
        network_factor,
    )


@sector
def delivered_sales(demand: Demand, fulfillment: Fulfillment, share_3p: float):  # type: ignore[no-untyped-def]
    """The week's sales as delivered (a `Demand` whose orders and GMV count the orders shipped
    through the FCs plus those sellers ship themselves; visits and conversion as placed).
    Back-orders shipped are valued at this week's basket and 3P share of FC orders. Without
    back-orders or cancellations the sales are exactly the orders placed."""
    if fulfillment.shipped == fulfillment.fc_demand and fulfillment.backlog_next == 0.0:
        if fulfillment.cancelled == 0.0:
            return demand
    orders = demand.orders
    seller_shipped = orders - fulfillment.fc_demand  # 3P orders sellers ship themselves
    delivered_orders = seller_shipped + fulfillment.shipped
    fc_share_3p = 0.0  # FBA orders' share of the FC orders
    if fulfillment.fc_demand > 0:
        fc_share_3p = (fulfillment.fc_demand - orders * (1.0 - share_3p)) / fulfillment.fc_demand
    value_per_order = demand.gmv / np.maximum(orders, 1e-9)  # USD/order
    gmv = value_per_order * delivered_orders
    gmv_3p = value_per_order * (seller_shipped + fulfillment.shipped * fc_share_3p)
    return Demand(
        demand.visit_rate,
        demand.visits,
        demand.conversion,
        delivered_orders,
        gmv,
        gmv_3p,
        demand.learning_lift,
        demand.demand_multiplier,
    )
