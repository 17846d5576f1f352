"""The parameter schema: every lever and initial value with unit, default, range and meaning.

This module is the single source of every parameter's default, bounds, unit and description:
`docs/model.md`, `flywheel describe`, the CLI's `--set` and the app's widgets all read it.
Defaults and ranges come from `shared/data/parameters.md` unless the field's `source` says
"assumption:" with the reason.
"""

from __future__ import annotations

from pydantic import Field
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo

from flywheel.scenario.levers_demand import MarketLevers, TrafficLevers
from flywheel.scenario.levers_finance import AdvertisingLevers, FinanceLevers, FundingLevers
from flywheel.scenario.levers_marketplace import MarketplaceLevers
from flywheel.scenario.levers_network import NetworkLevers
from flywheel.scenario.levers_shipping_offers import ShippingOfferLevers
from flywheel.scenario.levers_supply import CostLevers, FulfillmentLevers, ServiceLevers
from flywheel.scenario.parameters import LOOP_IDS, LOOP_NAMES, STRICT, lever

__all__ = [
    "LOOP_IDS",
    "LOOP_NAMES",
    "STRICT",
    "Initial",
    "Levers",
    "field_infos",
    "lever",
    "numeric_lever_names",
]


# Fields are collected base-last-first, so the order is market, traffic, costs, finance,
# funding, advertising, fulfillment, network, service, shipping offers, marketplace, then Prime
# and CX below: the order of docs/model.md and `flywheel describe`.
@dataclass(frozen=True, config=STRICT)
class Levers(
    MarketplaceLevers,
    ShippingOfferLevers,
    ServiceLevers,
    NetworkLevers,
    FulfillmentLevers,
    AdvertisingLevers,
    FundingLevers,
    FinanceLevers,
    CostLevers,
    TrafficLevers,
    MarketLevers,
):
    """Every model parameter a strategist or researcher can set (weekly model)."""

    # --- Prime (R4) ---
    prime_fee_usd_per_year: float = lever(
        79.0,
        0.0,
        500.0,
        "USD/year",
        "Prime membership fee",
        loop="R4",
        source="filed: $79 at launch (2005 release)",
    )
    prime_join_rate_per_week: float = lever(
        0.007,
        0.0,
        0.05,
        "1/week",
        "share of non-members joining per week at reference value",
        loop="R4",
        source="derived: CIRP member growth 2015-2019 (parameters.md §9)",
    )
    prime_eligible_share: float = lever(
        1.0,
        0.0,
        1.0,
        "share",
        "share of customers who would ever join Prime (joins draw only from them)",
        loop="R4",
        source="secondary: CIRP, members 45-63% of US customers 2014-2017 (data README); "
        "1 = no ceiling",
    )
    prime_value_exponent: float = lever(
        2.0,
        0.0,
        5.0,
        "dimensionless",
        "join response to perceived value / fee",
        loop="R4",
        source="assumption (parameters.md §9)",
    )
    prime_value_ratio_reference: float = lever(
        2.5,
        0.1,
        20.0,
        "ratio",
        "value-to-fee ratio at which joins run at the base rate",
        loop="R4",
        source="assumption: value ~ 2-3 x fee in the 2010s (CIRP spend, $9.48 shipping)",
    )
    prime_shipping_value_usd_per_order: float = lever(
        9.48,
        0.0,
        30.0,
        "USD/order",
        "what a member would otherwise pay for fast shipping",
        loop="R4",
        source="secondary: $9.48 two-day shipping before Prime (Recode 2019)",
    )
    prime_churn_per_week: float = lever(
        0.001,
        0.0,
        0.05,
        "1/week",
        "members cancelling per week",
        loop="R4",
        source="derived: CIRP renewal 91-98% (parameters.md §2)",
    )
    prime_churn_cut_share: float = lever(
        0.8,
        0.0,
        1.0,
        "share",
        "how much lower members' customer churn is",
        loop="R4",
        source="derived: 1 - 0.05/0.25 (parameters.md §2)",
    )
    prime_visit_uplift_share: float = lever(
        0.8,
        0.0,
        3.0,
        "share",
        "extra visits of a member over a non-member",
        loop="R4",
        source="derived: CIRP 2017, 25 vs 14 orders/yr",
    )
    prime_shipping_cost_usd_per_order: float = lever(
        1.5,
        0.0,
        20.0,
        "USD/order",
        "extra free-shipping cost of a member's order",
        loop="R4",
        source="assumption: net shipping cost ~5% of sales (parameters.md §5)",
    )
    # --- customer experience ---
    perception_delay_weeks: float = lever(
        12.0,
        1.0,
        104.0,
        "weeks",
        "smoothing time from CX to perceived CX",
        source="assumption: perceptions move over quarters (parameters.md §11)",
    )
    cx_weight_price: float = lever(
        0.30,
        0.0,
        1.0,
        "weight",
        "weight of the price score in CX",
        source="assumption (parameters.md §11)",
    )
    cx_weight_selection: float = lever(
        0.25,
        0.0,
        1.0,
        "weight",
        "weight of the selection score in CX",
        source="assumption (parameters.md §11)",
    )
    cx_weight_speed: float = lever(
        0.20,
        0.0,
        1.0,
        "weight",
        "weight of the delivery-speed score in CX",
        source="assumption (parameters.md §11)",
    )
    cx_weight_service: float = lever(
        0.15,
        0.0,
        1.0,
        "weight",
        "weight of the service score in CX",
        source="assumption (parameters.md §11)",
    )
    cx_weight_reliability: float = lever(
        0.10,
        0.0,
        1.0,
        "weight",
        "weight of the reliability score in CX",
        source="assumption (parameters.md §11)",
    )
    # --- what customers compare CX with (model.md#expectations) ---
    expectation_adaptation_weeks: float = lever(
        104.0,
        4.0,
        520.0,
        "weeks",
        "time for expected CX to move toward its target (the benchmark and experienced CX)",
        source="assumption: expectations drift over years (Sterman 2000, ch. 13 floating goals)",
    )
    expectation_anchor_share: float = lever(
        0.7,
        0.0,
        1.0,
        "share",
        "weight of the market benchmark in expected CX (1: experience never raises it)",
        source="assumption: plausible 0.3-1; a lasting advantage keeps this share of its effect",
    )
    market_delivery_days: float = lever(
        3.0,
        0.25,
        14.0,
        "days",
        "the market's delivery time at week 0 (the speed benchmark)",
        loop="B1",
        source="secondary: 5-8 days non-Prime (2017), 1-2 days Prime (2019-); parameters.md §7",
    )
    market_delivery_trend_per_year: float = lever(
        -0.01,
        -0.15,
        0.05,
        "1/year",
        "log change per year of the market's delivery time (negative: faster)",
        loop="B1",
        source="derived: 5-7 days (1996), 5-8 business days free shipping (2017): ~-1 %/yr",
    )
    market_defect_rate_share: float = lever(
        0.05,
        0.0,
        0.5,
        "share of orders",
        "the market's order defect rate (the reliability benchmark)",
        loop="B2",
        source="assumption: as defect_rate_share; no public industry order defect rate",
    )
    market_selection_index: float = lever(
        1.0,
        0.01,
        100.0,
        "ratio to week 0",
        "the market's selection level relative to the retailer's at week 0 (benchmark)",
        loop="R2",
        source="assumption: parity at week 0; no public selection benchmark",
    )
    market_selection_growth_per_year: float = lever(
        0.0,
        0.0,
        0.5,
        "1/year",
        "log growth per year of the market's selection benchmark",
        loop="R2",
        source="assumption: constant unless a scenario sets it",
    )


@dataclass(frozen=True, config=STRICT)
class Initial:
    """The state at week 0."""

    market_people: float = lever(
        60e6,
        1e3,
        5e9,
        "people",
        "addressable online shoppers at week 0",
        loop="B3",
        source="secondary: ~10% of US adults online in 1995 (Pew)",
    )
    customers: float = lever(
        3e6,
        0.0,
        5e9,
        "people",
        "active customers at week 0",
        loop="R1",
        source="filed: 1.5M customer accounts by 1997 (2020 shareholder letter)",
    )
    prime_members: float = lever(
        0.0,
        0.0,
        5e9,
        "people",
        "Prime members at week 0 (a subset of customers)",
        loop="R4",
        source="assumption: Prime not launched at the start",
    )
    sellers: float = lever(
        1000.0,
        0.0,
        1e8,
        "sellers",
        "active third-party sellers at week 0",
        loop="R2",
        source="assumption: an early marketplace",
    )
    fulfillment_centers: float = lever(
        1.0,
        0.0,
        10_000.0,
        "FCs",
        "open fulfillment centres at week 0",
        loop="B1",
        source="filed: Seattle and New Castle DE in 1997 (amazon_events.csv)",
    )
    agents: float = lever(
        70.0,
        0.0,
        1e7,
        "agents",
        "customer-service agents at week 0",
        loop="B2",
        source="assumption: sized near the occupancy target for the first weeks",
    )
    cash_usd: float = lever(
        5.4e7,
        -1e12,
        1e12,
        "USD",
        "cash at week 0",
        loop="B5",
        source="secondary: IPO of May 1997, ~$54M raised",
    )
    cumulative_orders: float = lever(
        1e6,
        1.0,
        1e12,
        "orders",
        "orders shipped before week 0 (learning-curve origin)",
        loop="R3",
        source="assumption: normalisation of the learning curve",
    )
    reviews: float = lever(
        0.0,
        0.0,
        1e12,
        "reviews",
        "product reviews written before week 0",
        loop="R5",
        source="assumption",
    )
    is_marketplace_open: bool = Field(
        default=True,
        strict=True,
        description="third-party marketplace open at week 0",
        json_schema_extra={"unit": "flag", "loop": "R2", "source": "scenario choice"},
    )
    is_prime_launched: bool = Field(
        default=False,
        strict=True,
        description="Prime membership offered at week 0",
        json_schema_extra={"unit": "flag", "loop": "R4", "source": "scenario choice"},
    )


def field_infos(cls: type) -> dict[str, FieldInfo]:
    """The pydantic FieldInfo of every field of a schema dataclass, in declaration order."""
    return dict(cls.__pydantic_fields__)  # type: ignore[attr-defined]


def numeric_lever_names() -> tuple[str, ...]:
    """Names of all Levers fields (all numeric; these can vary across replications)."""
    return tuple(field_infos(Levers))
