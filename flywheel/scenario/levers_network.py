"""Network levers: how a bigger fulfillment network delivers faster (loop R3, scale economics;
model.md#fulfillment). Off by default: at elasticity 0 the delivery time is the policy's
`delivery_days_base` whatever the network's size."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from flywheel.scenario.parameters import STRICT, lever


@dataclass(frozen=True, config=STRICT)
class NetworkLevers:
    """Scale → network density → delivery speed: loop R3."""

    delivery_density_elasticity: float = lever(
        0.0,
        0.0,
        1.0,
        "dimensionless",
        "how much faster uncongested delivery gets per doubling of the FC network "
        "(days scale as centres^-elasticity; 0 = off, speed is policy only)",
        loop="R3",
        source="assumption: 0 keeps delivery a policy; the facility-location square-root law "
        "(distance to the nearest of n centres ~ n^-1/2) caps the distance effect at 0.5, and "
        "handling time that does not shrink puts time below it (model.md#fulfillment)",
    )
    delivery_density_reference_centers: float = lever(
        1.0,
        0.01,
        10000.0,
        "FCs",
        "network size (built centres) up to which uncongested delivery takes "
        "delivery_days_base; a larger network is faster",
        loop="R3",
        source="assumption: one centre (a single-site network ships everything cross-country)",
    )
    delivery_days_floor: float = lever(
        0.5,
        0.1,
        3.0,
        "days",
        "fastest uncongested delivery a denser network reaches (not below a policy's own)",
        loop="R3",
        source="secondary: >50% of Prime orders same or next day in the top 60 US metros in "
        "2023 (TechCrunch 2023-07-31, parameters.md §7), so a mean about a day; 0.5 an "
        "assumption",
    )
    delivery_density_full_utilisation_share: float = lever(
        0.0,
        0.0,
        0.99,
        "share",
        "utilisation at which a built centre counts fully in the network's density; one "
        "loaded less counts pro rata (an idle centre stocks nothing nearer the customer); "
        "0 = off, every built centre counts",
        loop="R3",
        source="assumption: 0 keeps the count of built centres; the Amazon refit v10_fc sets "
        "0.85, comfortable_utilisation_share's default: a centre counts fully at the load "
        "above which it slows (docs/calibration.md#refit-v10-fc)",
    )
