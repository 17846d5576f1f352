"""Supply-side levers: costs and price, fulfillment, customer service."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from flywheel.scenario.parameters import STRICT, lever


@dataclass(frozen=True, config=STRICT)
class CostLevers:
    """Costs, learning curve, price policy and credit: loops R3, B5."""

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
    price_cap_relative: float = lever(
        0.0,
        0.0,
        1.5,
        "x competitors' price",
        "low-price policy: the price may not exceed this multiple of the competitors' "
        "long-run price (0 = no cap)",
        loop="R3",
        source="press: Amazon's books 20-30% below list 1997-99 (WSJ 1999-05-17); "
        "~10-11% below other retailers 2014-2021 (Profitero); 0 keeps the cost-plus policy",
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
    margin_adjustment_time_weeks: float = lever(
        52.0,
        1.0,
        520.0,
        "weeks",
        "time for the price to close the part of a cost change not passed through at once",
        loop="R3",
        source="assumption: prices are reviewed against the margin target once a year "
        "(annual budget; plausible 13-104 weeks)",
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


@dataclass(frozen=True, config=STRICT)
class FulfillmentLevers:
    """Fulfillment centres, the planner and delivery: loop B1."""

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
    fc_surge_allowance_share: float = lever(
        0.15,
        0.0,
        1.0,
        "share of capacity",
        "extra orders open FCs can ship in a week above their capacity (overtime, extra shifts)",
        loop="B1",
        source="assumption: a record peak week (2.09M items, ~1.4M orders) is ~1.4x a busy "
        "FC-week of ~1M parcels (parameters.md §7); sustained weekly surge 15%, range 0-0.5",
    )
    fba_share_of_3p_orders: float = lever(
        0.7,
        0.0,
        1.0,
        "share of 3P orders",
        "third-party orders shipped through the platform's FCs (FBA); sellers ship the rest",
        loop="B1",
        source="secondary: 82% of Amazon sellers use FBA, 44-64% only FBA (Jungle Scout, "
        "State of the Amazon Seller, via 3plinsider.com); 27% of Buy Box winners in 2025 were "
        "seller-fulfilled (Marketplace Pulse), so ~0.7; range 0.4-0.9 (0 before FBA's 2006 "
        "launch)",
    )
    backorder_cancel_share: float = lever(
        0.4,
        0.0,
        1.0,
        "share per week waited",
        "back-ordered orders cancelled (lost sales) for each week they wait",
        loop="B1",
        source="secondary/recalled: on a stock-out 31% of shoppers buy elsewhere and 9% do not "
        "buy (Gruen, Corsten & Bharadwaj 2002, worldwide study; not verified here); "
        "range 0.1-0.6",
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


@dataclass(frozen=True, config=STRICT)
class ServiceLevers:
    """The customer-service desk and its staffing: loop B2."""

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
