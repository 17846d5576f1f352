"""The parameter schema: every lever and initial value with unit, default, range and meaning.

This module is the single source of every parameter's default, bounds, unit and description:
`docs/model.md`, `flywheel describe`, the CLI's `--set` and the app's widgets all read it.
Defaults and ranges come from `shared/data/parameters.md` unless the field's `source` says
"assumption:" with the reason.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo

# Leaf fields are strict (no "0.5" strings or true-as-1); containers accept dicts and lists.
STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)

LOOP_IDS = ("R1", "R2", "R3", "R4", "R5", "B1", "B2", "B3", "B4", "B5")
LOOP_NAMES = {
    "R1": "word of mouth",
    "R2": "marketplace",
    "R3": "scale economics",
    "R4": "membership (Prime)",
    "R5": "reviews and experiments",
    "B1": "fulfillment congestion",
    "B2": "service load",
    "B3": "market saturation",
    "B4": "seller crowding",
    "B5": "margin squeeze",
}


def lever(
    default: float,
    minimum: float,
    maximum: float,
    unit: str,
    description: str,
    *,
    loop: str = "",
    source: str = "",
) -> Any:
    """A parameter field: default, inclusive bounds, unit, one-line description, loop, source."""
    return Field(
        default=default,
        ge=minimum,
        le=maximum,
        strict=True,
        description=description,
        json_schema_extra={"unit": unit, "loop": loop, "source": source},
    )


@dataclass(frozen=True, config=STRICT)
class Levers:
    """Every model parameter a strategist or researcher can set (weekly model)."""

    # --- market and adoption (R1, B3) ---
    market_ceiling_people: float = lever(
        200e6,
        1e3,
        5e9,
        "people",
        "upper limit of the addressable online-shopper market",
        loop="B3",
        source="secondary: Pew, ~95% of US adults online in the 2020s (parameters.md §1)",
    )
    market_growth_per_year: float = lever(
        0.25,
        0.0,
        0.6,
        "1/year",
        "logistic growth rate of the addressable market",
        loop="B3",
        source="derived: logistic through Pew points 1995-2011 (parameters.md §1)",
    )
    bass_p_per_year: float = lever(
        0.03,
        0.0,
        0.1,
        "1/year",
        "Bass innovation coefficient (adoption from marketing)",
        loop="B3",
        source="paper: Sultan, Farley & Lehmann (1990) mean p",
    )
    bass_q_per_year: float = lever(
        0.38,
        0.0,
        1.0,
        "1/year",
        "Bass imitation coefficient (word of mouth)",
        loop="R1",
        source="paper: Sultan, Farley & Lehmann (1990) mean q",
    )
    marketing_share_of_revenue: float = lever(
        0.04,
        0.0,
        0.3,
        "share",
        "marketing spend as a share of revenue",
        loop="R1",
        source="filed: marketing / net sales 3.0-3.9% in 2010-2012 (FY2012 10-K)",
    )
    marketing_elasticity: float = lever(
        0.12,
        0.0,
        0.5,
        "dimensionless",
        "elasticity of innovation adoption to marketing spend",
        loop="R1",
        source="paper: Sethuraman, Tellis & Briesch (2011) mean short-term elasticity",
    )
    wom_cx_exponent: float = lever(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "how strongly perceived CX scales word of mouth",
        loop="R1",
        source="assumption: no published estimate; 1 = proportional",
    )
    # --- churn and win-back (R4, B3) ---
    churn_base_per_week: float = lever(
        0.0055,
        0.0,
        0.05,
        "1/week",
        "churn hazard of active customers at reference CX",
        loop="R4",
        source="assumption: 25%/yr; no public Amazon figure (parameters.md §2)",
    )
    churn_cx_exponent: float = lever(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "how strongly poor perceived CX raises churn",
        loop="R4",
        source="assumption (parameters.md §2)",
    )
    winback_rate_per_week: float = lever(
        0.002,
        0.0,
        0.05,
        "1/week",
        "share of lapsed customers won back per week at reference CX",
        loop="R1",
        source="assumption: ~10% of lapsed return per year",
    )
    # --- visits and conversion (R2, R5, B1) ---
    visit_rate_per_week: float = lever(
        2.0,
        0.1,
        10.0,
        "visits/customer/week",
        "store visits per non-Prime customer per week",
        source="derived: CIRP 2017, 14 orders/yr / 13% conversion (parameters.md §3)",
    )
    conversion_base_share: float = lever(
        0.05,
        0.001,
        0.5,
        "orders/visit",
        "orders per visit at the starting selection, price, speed",
        source="secondary: 2.6-13% e-commerce conversion (Monetate 2019; Millward Brown 2015)",
    )
    basket_usd: float = lever(
        50.0,
        5.0,
        500.0,
        "USD/order",
        "average order value at price index 1",
        source="derived: CIRP 2017, $1,300/25 and $700/14 orders (parameters.md §3)",
    )
    selection_elasticity: float = lever(
        0.3,
        0.0,
        1.5,
        "dimensionless",
        "elasticity of conversion to the selection index",
        loop="R2",
        source="assumption, anchored on Brynjolfsson, Hu & Smith (2003)",
    )
    price_elasticity: float = lever(
        1.3,
        0.0,
        5.0,
        "dimensionless",
        "elasticity of conversion to relative price (magnitude)",
        loop="R3",
        source="paper: Baugh, Ben-David & Park (2018), -1.2 to -1.4 at Amazon",
    )
    speed_elasticity: float = lever(
        0.1,
        0.0,
        1.0,
        "dimensionless",
        "elasticity of conversion to the delivery-speed index",
        loop="B1",
        source="derived from paper: Fisher, Gallino & Xu (2019)",
    )
    q4_demand_multiplier: float = lever(
        1.2,
        1.0,
        1.6,
        "ratio",
        "demand in October-December relative to the yearly mean",
        source="derived: Q4 2023 net sales 29.6% of the year (Q4 2023 release)",
    )
    weekly_demand_noise_cv: float = lever(
        0.05,
        0.0,
        0.5,
        "coefficient of variation",
        "weekly lognormal demand noise",
        source="assumption",
    )
    # --- reviews and experiments (R5) ---
    reviews_per_order: float = lever(
        0.02,
        0.0,
        0.2,
        "reviews/order",
        "product reviews written per order",
        loop="R5",
        source="secondary: Marketplace Pulse, 1-5% of buyers leave feedback",
    )
    review_effect_max_index: float = lever(
        1.3,
        1.0,
        3.0,
        "index",
        "conversion lift when every SKU is well reviewed",
        loop="R5",
        source="assumption, anchored on Spiegel Research Center (2017)",
    )
    review_saturation_reviews_per_sku: float = lever(
        5.0,
        0.5,
        50.0,
        "reviews/SKU",
        "reviews per SKU at which the review lift saturates",
        loop="R5",
        source="secondary: Spiegel (2017), lift mostly within the first 5 reviews",
    )
    ab_testing_intensity_share: float = lever(
        0.5,
        0.0,
        1.0,
        "share",
        "A/B-testing investment (0 none, 1 full experimentation culture)",
        loop="R5",
        source="assumption: lever",
    )
    experiment_uplift_per_year_share: float = lever(
        0.02,
        0.0,
        0.2,
        "share/year",
        "conversion gain per year at full experimentation",
        loop="R5",
        source="assumption, anchored on Kohavi & Thomke (2017, HBR)",
    )
    experiment_effect_max_index: float = lever(
        1.5,
        1.0,
        3.0,
        "index",
        "ceiling of the cumulative conversion gain from experiments",
        loop="R5",
        source="assumption: gains from many small wins flatten out",
    )
    # --- selection and sellers (R2, B4) ---
    skus_1p: float = lever(
        1e6,
        1e3,
        5e7,
        "SKUs",
        "items sold by the retailer itself (1P selection)",
        loop="R2",
        source="filed: 2005 shareholder letter, over one million items in own FCs",
    )
    skus_per_seller: float = lever(
        175.0,
        1.0,
        5000.0,
        "SKUs/seller",
        "listings per active third-party seller",
        loop="R2",
        source="derived: ~353M 3P listings / ~2M sellers (parameters.md §4)",
    )
    selection_saturation_skus: float = lever(
        10e6,
        1e4,
        1e9,
        "SKUs",
        "scale k of selection = 1 - exp(-skus / k)",
        loop="R2",
        source="assumption (parameters.md §4)",
    )
    seller_join_rate_per_week: float = lever(
        300.0,
        0.0,
        50_000.0,
        "sellers/week",
        "new sellers per week at reference attractiveness",
        loop="R2",
        source="secondary: Marketplace Pulse 3,300/day worldwide, scaled down",
    )
    seller_exit_per_week: float = lever(
        0.0043,
        0.0,
        0.05,
        "1/week",
        "seller exit hazard at reference attractiveness",
        loop="B4",
        source="derived: Marketplace Pulse, ~20%/yr leave",
    )
    seller_onboarding_delay_weeks: float = lever(
        2.0,
        0.5,
        26.0,
        "weeks",
        "mean delay from sign-up to first listing",
        loop="R2",
        source="assumption (parameters.md §4)",
    )
    seller_attractiveness_elasticity: float = lever(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "response of joins and exits to sales per seller",
        loop="R2",
        source="assumption: 1 = proportional",
    )
    sales_per_seller_ref_usd_per_week: float = lever(
        3000.0,
        100.0,
        100_000.0,
        "USD/seller/week",
        "net 3P sales per seller that makes joining attractive",
        loop="B4",
        source="derived: 3P GMV 2020 / 1.9M sellers / 52 (parameters.md §4)",
    )
    seller_take_rate_share: float = lever(
        0.15,
        0.0,
        0.6,
        "share of 3P GMV",
        "fees kept from third-party sales (referral + services)",
        loop="R2",
        source="secondary: 15% referral fee (Seller Central); 27% all-in 2018 (derived)",
    )
    seller_join_noise_cv: float = lever(
        0.1,
        0.0,
        1.0,
        "coefficient of variation",
        "weekly lognormal noise on seller sign-ups",
        loop="R2",
        source="assumption",
    )
    # --- costs, learning and price (R3, B5) ---
    goods_cost_share: float = lever(
        0.68,
        0.3,
        0.95,
        "share of 1P price",
        "wholesale cost of 1P goods at price index 1",
        loop="B5",
        source="filed: cost of sales 75-78% of net sales 2010-2012, less shipping",
    )
    fulfillment_cost_usd_per_order: float = lever(
        4.0,
        0.5,
        30.0,
        "USD/order",
        "variable fulfillment cost per order before learning",
        loop="R3",
        source="filed/derived: fulfillment 8.7% of sales x $50 basket (parameters.md §5)",
    )
    shipping_cost_usd_per_order: float = lever(
        3.5,
        0.0,
        30.0,
        "USD/order",
        "outbound shipping cost per order before learning",
        loop="R3",
        source="filed/derived: shipping ~8% of sales x $50 basket (parameters.md §5)",
    )
    learning_rate_share: float = lever(
        0.10,
        0.0,
        0.4,
        "share per doubling",
        "variable cost fall per doubling of cumulative orders",
        loop="R3",
        source="assumption anchored on Wright (1936) (parameters.md §5)",
    )
    technology_share_of_revenue: float = lever(
        0.05,
        0.0,
        0.3,
        "share",
        "technology and content spend as a share of revenue",
        source="filed: 5.1-7.5% of net sales 2010-2012 (FY2012 10-K)",
    )
    overhead_usd_per_week: float = lever(
        5e5,
        0.0,
        1e10,
        "USD/week",
        "fixed general and administrative cost",
        loop="R3",
        source="assumption: ~1.5% of a $5B retailer's sales (G&A, FY2012 10-K ratio)",
    )
    pass_through_share: float = lever(
        0.6,
        0.0,
        1.0,
        "share",
        "share of unit-cost savings passed on as lower prices",
        loop="R3",
        source="assumption: no published rate (parameters.md §6)",
    )
    target_operating_margin_share: float = lever(
        0.04,
        -0.1,
        0.3,
        "share",
        "operating margin the pricing policy aims for",
        loop="B5",
        source="filed: 1.6-6.4% in 2002-2023 (amazon_history.csv)",
    )
    price_adjustment_time_weeks: float = lever(
        8.0,
        1.0,
        104.0,
        "weeks",
        "time for the price index to close the gap to its target",
        loop="R3",
        source="assumption (parameters.md §6)",
    )
    competitor_price_trend_per_year: float = lever(
        -0.015,
        -0.1,
        0.1,
        "1/year (log)",
        "exogenous drift of competitors' prices",
        loop="R3",
        source="paper: Goolsbee & Klenow (2018), online prices -1.3pp/yr vs CPI",
    )
    credit_limit_usd: float = lever(
        5e9,
        0.0,
        1e12,
        "USD",
        "borrowing available beyond cash for capex",
        loop="B5",
        source="assumption: capital markets fund growth up to a limit "
        "(Amazon sold ~$2B of convertible notes in 1999-2000, 10-K, not verified here)",
    )
    # --- fulfillment (B1) ---
    fc_capacity_orders_per_week: float = lever(
        600_000.0,
        1_000.0,
        5e6,
        "orders/FC/week",
        "orders one fulfillment centre ships per week",
        loop="B1",
        source="derived/assumption: ~1/3 of a record peak week (parameters.md §7)",
    )
    fc_fixed_cost_usd_per_week: float = lever(
        1.2e6,
        0.0,
        2e7,
        "USD/FC/week",
        "staff and running cost of one open fulfillment centre",
        loop="B1",
        source="derived: 1,500 staff x 40h x $15 x 1.3 (parameters.md §5)",
    )
    fc_capex_usd: float = lever(
        1e8,
        1e6,
        2e9,
        "USD/FC",
        "capital cost of building one fulfillment centre",
        loop="B5",
        source="secondary/derived: $50-100 per sq ft of 800k sq ft (parameters.md §7)",
    )
    fc_size_sqft: float = lever(
        800_000.0,
        50_000.0,
        5e6,
        "sq ft/FC",
        "floor area of one fulfillment centre",
        loop="B1",
        source="secondary: average Amazon FC ~800k sq ft (DC Velocity 2022)",
    )
    fc_lead_time_weeks: float = lever(
        52.0,
        4.0,
        260.0,
        "weeks",
        "mean order-to-open time of a fulfillment centre",
        loop="B1",
        source="secondary: Fresno and Ruskin built in about 12 months",
    )
    fc_lead_time_cv: float = lever(
        0.25,
        0.0,
        1.0,
        "coefficient of variation",
        "lognormal spread of the build lead time",
        loop="B1",
        source="assumption (parameters.md §7)",
    )
    fc_build_trigger_utilisation_share: float = lever(
        0.80,
        0.3,
        1.5,
        "share",
        "forecast utilisation at which the planner orders a new FC",
        loop="B1",
        source="assumption: planner threshold (parameters.md §7)",
    )
    fc_planning_lookahead_share: float = lever(
        1.0,
        0.0,
        2.0,
        "share of lead time",
        "how far ahead the planner extrapolates demand",
        loop="B1",
        source="assumption: 1 = forecast over one lead time, 0 = purely reactive",
    )
    comfortable_utilisation_share: float = lever(
        0.85,
        0.5,
        0.99,
        "share",
        "utilisation above which delivery slows",
        loop="B1",
        source="assumption (parameters.md §7)",
    )
    delivery_days_base: float = lever(
        3.0,
        0.25,
        14.0,
        "days",
        "delivery time when fulfillment is uncongested",
        loop="B1",
        source="filed/secondary: 5-7 (1995-2004), 2 (2005-2018), 1-1.5 (2019-)",
    )
    delivery_congestion_scale: float = lever(
        4.0,
        0.0,
        20.0,
        "dimensionless",
        "extra delivery time (multiples of base) at full overload",
        loop="B1",
        source="assumption: calibrate to March 2020 slips (parameters.md §7)",
    )
    delivery_congestion_exponent: float = lever(
        2.0,
        1.0,
        4.0,
        "dimensionless",
        "steepness of the congestion curve",
        loop="B1",
        source="assumption (parameters.md §7)",
    )
    delivery_perception_weeks: float = lever(
        4.0,
        1.0,
        26.0,
        "weeks",
        "delay before customers notice a change in delivery time",
        loop="B1",
        source="assumption: breaks the orders-delivery-conversion algebraic loop",
    )
    fc_outage_rate_per_year: float = lever(
        0.5,
        0.0,
        5.0,
        "outages/FC/year",
        "random (Poisson) fulfillment-centre outages",
        loop="B1",
        source="assumption: no public data",
    )
    fc_outage_duration_weeks: float = lever(
        1.0, 1.0, 8.0, "weeks", "length of one random outage", loop="B1", source="assumption"
    )
    # --- customer service (B2) ---
    contact_rate_per_order: float = lever(
        0.06,
        0.0,
        0.5,
        "contacts/order",
        "customer-service contacts per order",
        loop="B2",
        source="secondary: Gorgias 6.7 tickets per 100 orders (2025)",
    )
    defect_share_of_contacts: float = lever(
        0.5,
        0.0,
        1.0,
        "share",
        "part of contacts caused by defective listings",
        loop="B2",
        source="secondary: WISMO and returns 40-75% of tickets",
    )
    defect_rate_share: float = lever(
        0.05,
        0.0,
        0.5,
        "share of orders",
        "orders with a defect (wrong, broken, late item)",
        loop="B2",
        source="assumption: order defect rate of a marketplace without policing",
    )
    andon_cord_share: float = lever(
        0.0,
        0.0,
        1.0,
        "share",
        "share of defective listings pulled (the andon cord policy)",
        loop="B2",
        source="assumption: lever; 1 = every defective listing pulled",
    )
    handle_time_minutes: float = lever(
        6.0,
        1.0,
        60.0,
        "minutes/contact",
        "mean handle time of one contact",
        loop="B2",
        source="secondary: retail ~5.4 min, cross-industry 6.5 min",
    )
    service_open_hours_per_week: float = lever(
        112.0,
        10.0,
        168.0,
        "hours/week",
        "hours per week the service desk takes contacts",
        loop="B2",
        source="assumption: 16 hours a day, 7 days",
    )
    agent_productive_share: float = lever(
        0.8,
        0.3,
        1.0,
        "share",
        "share of paid hours an agent handles contacts",
        loop="B2",
        source="secondary: Iterum (2025), 80% productive hours",
    )
    agent_cost_usd_per_week: float = lever(
        990.0,
        100.0,
        5000.0,
        "USD/agent/week",
        "loaded weekly cost of one agent",
        loop="B2",
        source="official/secondary: $19.08/h (BLS 2023) x 1.3 loading x 40h",
    )
    service_staffing_share: float = lever(
        1.0,
        0.0,
        2.0,
        "share",
        "staffing relative to the occupancy target (0 = hiring frozen)",
        loop="B2",
        source="assumption: lever",
    )
    target_occupancy_share: float = lever(
        0.85,
        0.3,
        0.98,
        "share",
        "agent occupancy the staffing policy aims for",
        loop="B2",
        source="assumption: common contact-centre planning value",
    )
    agent_hiring_delay_weeks: float = lever(
        4.0,
        1.0,
        26.0,
        "weeks",
        "recruiting plus training time of a new agent",
        loop="B2",
        source="secondary/assumption: 2-6 weeks training + 1-2 recruiting",
    )
    agent_attrition_per_week: float = lever(
        0.006,
        0.0,
        0.05,
        "1/week",
        "agents leaving per week",
        loop="B2",
        source="assumption: ~30%/yr contact-centre attrition",
    )
    queue_wait_reference_seconds: float = lever(
        20.0,
        1.0,
        3600.0,
        "seconds",
        "mean wait at which the service score is 1",
        loop="B2",
        source="secondary: the 80/20 service-level convention",
    )
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
