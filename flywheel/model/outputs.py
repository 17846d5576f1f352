"""The output registry: one row for every output of the model, in the kernel's row order.

Each row says what the output is (name, unit, one-line description), how to read it (`kind`,
which also decides how a year of it is aggregated), whether it can ever be negative, a short
label for charts and KPI cards, and a group. Everything else reads this table: the kernel's
row layout (`layout.OUTPUTS`), the yearly aggregation of `Results.annual()` and of
experiment outcomes, the model checks, the docs' output table (docs/gen_parameters.py), the
app's charts and KPI cards, and `flywheel describe --outputs`.

Adding an output: add its row here (in the place its row should take in the kernel's block)
and compute it in the kernel; the rest follows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from flywheel.scenario.parameters import LOOP_IDS, LOOP_NAMES

Kind = Literal["level", "flow", "rate", "index", "flag"]
# What each kind means, and how a year of it is aggregated (`YEARLY`).
KINDS: dict[str, str] = {
    "level": "a stock or amount at a moment (people, sellers, cash); a year: its last week",
    "flow": "an amount per week (people/week, USD/week); a year: the sum of its weeks",
    "rate": "a ratio or intensity in the week (per order, days, hours, share); a year: the mean",
    "index": "dimensionless index, score or loop gain; a year: the mean of its weeks",
    "flag": "a 0/1 condition (1 once something has happened); a year: its last week",
}
YEARLY: dict[str, Literal["sum", "mean", "last"]] = {
    "level": "last",
    "flow": "sum",
    "rate": "mean",
    "index": "mean",
    "flag": "last",
}
GROUPS = (
    "customers",
    "demand",
    "finance",
    "sellers",
    "prices and costs",
    "fulfillment",
    "service",
    "cx",
    "conditions",
    "loop gains",
)
# Outputs where less is better for the business or its customers (prices, costs per order,
# waits, lost sales, churn, insolvency): a KPI delta down shows green. The rest: more is
# better, or neither (market size, gains, capacity).
LOWER_IS_BETTER = frozenset(
    {
        "churn",
        "orders_unfilled",
        "unfunded_loss_usd",
        "insolvent",
        "price_index",
        "price_target_index",
        "unit_cost_usd",
        "fc_backlog_orders",
        "delivery_days",
        "perceived_delivery_days",
        "queue_wait_hours",
        "service_backlog",
    }
)
# Kernel groups of outputs that no stock and no other output depends on: computed only when
# one of them is recorded (`engine.step.extras_for`). "" = computed every week.
OPTIONAL_GROUPS = ("derived", "gains")


@dataclass(frozen=True)
class Output:
    """One model output: `name` (units in it where it has one), `unit` as the docs show it,
    `kind` (see `KINDS`), `non_negative` (the model checks assert it never goes below 0),
    `label` (short, for charts and KPI cards), `group`, `description` (one line), and
    `optional` (the kernel group computed only when recorded, or "")."""

    name: str
    unit: str
    kind: Kind
    non_negative: bool
    label: str
    group: str
    description: str
    optional: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"output {self.name}: kind {self.kind!r} is not one of {list(KINDS)}")
        if self.group not in GROUPS:
            raise ValueError(f"output {self.name}: group {self.group!r} is not one of {GROUPS}")
        if self.optional and self.optional not in OPTIONAL_GROUPS:
            raise ValueError(
                f"output {self.name}: optional {self.optional!r} is not one of {OPTIONAL_GROUPS}"
            )

    @property
    def lower_is_better(self) -> bool:
        """Whether a lower value is the better one (`LOWER_IS_BETTER`): a KPI card shows its
        fall green and its rise red."""
        return self.name in LOWER_IS_BETTER

    @property
    def yearly(self) -> Literal["sum", "mean", "last"]:
        """How a year of this output is aggregated: 'sum', 'mean' or 'last' (week)."""
        return YEARLY[self.kind]

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict (what `flywheel describe --outputs --json` prints)."""
        return asdict(self)


def _row(
    name: str,
    unit: str,
    kind: Kind,
    label: str,
    group: str,
    description: str,
    *,
    non_negative: bool = True,
    optional: str = "",
) -> Output:
    return Output(name, unit, kind, non_negative, label, group, description, optional)


C, D, F, S = "customers", "demand", "finance", "sellers"
P, FC, SV = "prices and costs", "fulfillment", "service"
# fmt: off
OUTPUT_TABLE: tuple[Output, ...] = (
    _row("market", "people", "level", "Market", C, "addressable online shoppers"),
    _row("potential", "people", "level", "Potential customers", C,
         "shoppers who are not (and never were) customers"),
    _row("customers", "people", "level", "Active customers", C, "active customers"),
    _row("lapsed", "people", "level", "Lapsed customers", C,
         "former customers who may be won back"),
    _row("prime_members", "people", "level", "Prime members", C,
         "Prime members (a subset of customers)"),
    _row("adoption", "people/week", "flow", "New customers", C, "new customers (Bass)"),
    _row("word_of_mouth_per_week", "1/week", "rate", "Word of mouth", C,
         "imitation pressure q·C/M·(CX multiplier) (held with R1 cut)"),
    _row("churn", "people/week", "flow", "Churn", C, "customers lapsing"),
    _row("winback", "people/week", "flow", "Win-back", C, "lapsed customers returning"),
    _row("prime_joins", "people/week", "flow", "Prime joins", C, "customers joining Prime"),
    _row("visits", "visits/week", "flow", "Visits", D, "store visits"),
    _row("conversion", "orders/visit", "rate", "Conversion", D, "orders per visit"),
    _row("orders", "orders/week", "flow", "Orders", D, "orders placed"),
    _row("orders_delivered", "orders/week", "flow", "Orders delivered", D,
         "orders shipped through the FCs plus those sellers ship themselves"),
    _row("orders_unfilled", "orders/week", "flow", "Orders cancelled", D,
         "back-orders cancelled for want of FC capacity (lost sales)"),
    _row("gmv_usd", "USD/week", "flow", "GMV", D,
         "gross merchandise value delivered (1P + 3P)"),
    _row("gmv_3p_usd", "USD/week", "flow", "Third-party GMV", D, "third-party GMV delivered"),
    _row("revenue_usd", "USD/week", "flow", "Revenue", F,
         "net sales: 1P sales + 3P fees + Prime fees + advertising"),
    _row("prime_fees_usd", "USD/week", "flow", "Prime fees", F, "membership fees"),
    _row("advertising_revenue_usd", "USD/week", "flow", "Advertising revenue", F,
         "sponsored placement sold to sellers (inside revenue)"),
    _row("advertising_cost_usd", "USD/week", "flow", "Advertising cost", F,
         "cost of serving the ads"),
    _row("cogs_usd", "USD/week", "flow", "Cost of goods", F, "cost of 1P goods"),
    _row("fulfillment_cost_usd", "USD/week", "flow", "Fulfillment cost", F,
         "variable fulfillment + FC fixed costs"),
    _row("shipping_cost_usd", "USD/week", "flow", "Shipping cost", F,
         "outbound shipping incl. Prime free shipping"),
    _row("service_cost_usd", "USD/week", "flow", "Service cost", F, "customer-service agents"),
    _row("marketing_usd", "USD/week", "flow", "Marketing", F, "marketing spend"),
    _row("technology_usd", "USD/week", "flow", "Technology", F, "technology and content"),
    _row("operating_income_usd", "USD/week", "flow", "Operating income", F, "operating income",
         non_negative=False),
    # A year's margin is its income over its revenue (`results.annual`), not a mean of weeks.
    _row("operating_margin_share", "share", "rate", "Operating margin", F,
         "operating income / revenue", non_negative=False),
    _row("capex_usd", "USD/week", "flow", "Capital spending", F,
         "FC capital spending (paid at order)"),
    _row("depreciation_usd", "USD/week", "flow", "FC depreciation", F,
         "FC capex charged over its life (in fulfillment cost; non-cash)"),
    _row("cash_usd", "USD", "level", "Cash", F,
         "cash (never below minus the credit limit)", non_negative=False),
    _row("insolvent", "0/1", "flag", "Insolvent", F,
         "1 from the week cash would have passed the credit limit (stays 1)"),
    _row("unfunded_loss_usd", "USD/week", "flow", "Unfunded loss", F,
         "loss beyond the credit limit, recorded apart from cash (0 while solvent)"),
    _row("sellers", "sellers", "level", "Sellers", S, "active third-party sellers"),
    _row("sellers_onboarding", "sellers", "level", "Sellers onboarding", S,
         "signed up, not yet listing"),
    _row("seller_joins", "sellers/week", "flow", "Seller sign-ups", S, "sign-ups"),
    _row("seller_exits", "sellers/week", "flow", "Seller exits", S, "sellers leaving"),
    _row("seller_attractiveness", "index", "index", "Seller attractiveness", S,
         "1 at the reference sales per seller"),
    _row("sales_per_seller_usd", "USD/seller/week", "rate", "Sales per seller", S,
         "net sales one seller expects"),
    _row("skus", "SKUs", "level", "Selection (SKUs)", S, "total selection"),
    # A share of two stocks (sales-weighted 3P SKUs over all): read at the year's end, like them.
    _row("share_3p", "share", "level", "Third-party share", S,
         "third-party share of GMV (of sales-weighted SKUs)"),
    _row("selection_index", "index", "index", "Selection index", S,
         "selection relative to week 0"),
    _row("price_index", "index", "index", "Price index", P, "own price level, 1 at week 0"),
    _row("price_target_index", "index", "index", "Price target", P,
         "the price policy's target"),
    _row("competitor_price_index", "index", "index", "Competitor prices", P,
         "competitors' price level"),
    _row("unit_cost_usd", "USD/order", "rate", "Unit cost", P,
         "all-in cost of an average order"),
    _row("learning_factor", "ratio", "index", "Learning factor", P,
         "Wright learning multiplier on variable costs"),
    _row("fc_capacity_orders", "orders/week", "flow", "FC capacity", FC,
         "orders the open FCs can ship this week, surge allowance included"),
    _row("fc_orders_shipped", "orders/week", "flow", "FC orders shipped", FC,
         "orders shipped through the FCs (back-orders first; at most the capacity)"),
    _row("fc_backlog_orders", "orders", "level", "FC back-orders", FC,
         "orders waiting for FC shipping at the week's start"),
    _row("utilisation", "share", "rate", "FC utilisation", FC,
         "(back-orders + new FC orders) / rated FC capacity, at most 10"),
    _row("delivery_days", "days", "rate", "Delivery time", FC, "delivery time this week"),
    _row("perceived_delivery_days", "days", "rate", "Perceived delivery time", FC,
         "delivery time as customers perceive it (stock)"),
    _row("fulfillment_centers", "FCs", "level", "Fulfillment centres", FC,
         "open (built) fulfillment centres"),
    _row("fc_under_construction", "FCs", "level", "FCs under construction", FC,
         "ordered, not yet open"),
    _row("fc_out_of_service", "FCs", "level", "FCs out of service", FC,
         "down because of an outage"),
    _row("fc_orders", "FCs/week", "flow", "FC orders", FC, "FCs ordered this week"),
    _row("contacts", "contacts/week", "flow", "Service contacts", SV,
         "customer-service contacts"),
    # Filled in after the kernel, from the week's Erlang C queue (`engine.clock`).
    _row("queue_wait_hours", "hours", "rate", "Service queue wait", SV,
         "mean wait in the service queue"),
    _row("service_backlog", "contacts", "level", "Service backlog", SV,
         "contacts carried to next week"),
    _row("agent_occupancy", "share", "rate", "Agent occupancy", SV,
         "share of on-duty agent time spent on contacts"),
    _row("agents", "agents", "level", "Agents", SV, "customer-service agents"),
    _row("cx", "index", "index", "Customer experience", "cx", "customer experience this week"),
    _row("perceived_cx", "index", "index", "Perceived CX", "cx",
         "customer experience as customers perceive it (stock)"),
    _row("expected_cx", "index", "index", "Expected CX", "cx",
         "the CX customers expect: market benchmark and experience (stock)"),
    _row("market_cx", "index", "index", "Market CX", "cx",
         "the market benchmark's CX on the scale of the retailer's CX"),
    _row("score_price", "index", "index", "Price score", "cx", "price score of CX"),
    _row("score_selection", "index", "index", "Selection score", "cx",
         "selection score of CX"),
    _row("score_speed", "index", "index", "Speed score", "cx", "delivery-speed score of CX"),
    _row("score_service", "index", "index", "Service score", "cx", "service score of CX"),
    _row("score_reliability", "index", "index", "Reliability score", "cx",
         "reliability score of CX"),
    _row("reviews", "reviews", "level", "Reviews", D, "cumulative product reviews"),
    _row("review_index", "index", "index", "Review index", D,
         "conversion lift from reviews relative to week 0"),
    _row("experiment_index", "index", "index", "Experiment index", D,
         "conversion lift from A/B tests"),
    _row("spend_index", "index", "index", "Spend index", C,
         "visits per customer relative to week 0 (online share of shopping)"),
    _row("prime_value_usd_per_year", "USD/member/year", "rate", "Prime value", C,
         "perceived value of membership"),
    _row("fc_sqft", "sq ft", "level", "FC floor area", FC, "floor area of built FCs",
         optional="derived"),
    _row("nps_proxy", "points", "index", "NPS proxy", "cx", "net-promoter proxy (−100 to 100)",
         non_negative=False, optional="derived"),
    _row("customer_lifetime_value_usd", "USD/customer", "rate", "Customer lifetime value", C,
         "discounted contribution per customer", non_negative=False, optional="derived"),
    _row("is_marketplace_open", "0/1", "flag", "Marketplace open", "conditions",
         "marketplace open", optional="derived"),
    _row("is_prime_launched", "0/1", "flag", "Prime launched", "conditions", "Prime offered",
         optional="derived"),
    *(
        _row(f"gain_{loop}", "log factor", "index", f"Gain {loop}", "loop gains",
             f"loop gain of {loop} {LOOP_NAMES[loop]} (> 0 amplifies, < 0 damps)",
             non_negative=False, optional="gains")
        for loop in LOOP_IDS
    ),
)
# fmt: on
OUTPUT_NAMES: tuple[str, ...] = tuple(row.name for row in OUTPUT_TABLE)
_BY_NAME: dict[str, Output] = {row.name: row for row in OUTPUT_TABLE}


def output(name: str) -> Output:
    """The registry row of output `name`; ValueError naming the known outputs if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(
            f"{name!r} is not a model output (known: {', '.join(OUTPUT_NAMES)})"
        ) from None


def is_output(name: str) -> bool:
    """Whether `name` is a model output."""
    return name in _BY_NAME


def names_where(
    *, kind: str | None = None, group: str | None = None, non_negative: bool | None = None
) -> tuple[str, ...]:
    """Names of the outputs (in registry order) with the given kind, group and/or sign."""
    return tuple(
        row.name
        for row in OUTPUT_TABLE
        if (kind is None or row.kind == kind)
        and (group is None or row.group == group)
        and (non_negative is None or row.non_negative == non_negative)
    )


# Display scales (a divisor) and how a unit reads once divided: "million", "USD million/week".
SCALES = {1e9: "billion", 1e6: "million", 1e3: "thousand"}
CONVERSIONS = {("hours", 1 / 60): "minutes"}  # divisors that change the unit itself


def display_unit(name: str, divisor: float = 1.0) -> str:
    """The unit of output `name` once divided by `divisor`, as a chart shows it: people / 1e6
    -> "million", orders/week / 1e6 -> "million/week", USD/week / 1e6 -> "USD million/week",
    hours / (1/60) -> "minutes"; ValueError for a divisor with no name."""
    unit = output(name).unit
    if divisor == 1.0:
        return unit
    if (unit, divisor) in CONVERSIONS:
        return CONVERSIONS[(unit, divisor)]
    if divisor not in SCALES:
        raise ValueError(f"divisor {divisor!r} of {name}: allowed 1 or one of {list(SCALES)}")
    if unit.startswith("USD"):
        return f"USD {SCALES[divisor]}{unit.removeprefix('USD')}"
    _count, slash, per = unit.partition("/")
    return SCALES[divisor] + slash + per


def kpi_label(name: str) -> str:
    """A KPI card's label over the last simulated year: "Revenue, last year" for a flow (its
    year summed), "Active customers, end" for anything else (its last week)."""
    row = output(name)
    return f"{row.label}, {'last year' if row.kind == 'flow' else 'end'}"


def last_year_label(name: str) -> str:
    """An outcome over the last simulated year as it reads: a flow summed in its unit,
    "Revenue (USD, last year)", anything else at the year's end, "Active customers (end of
    last year)"."""
    row = output(name)
    if row.kind == "flow":
        return f"{row.label} ({row.unit.removesuffix('/week')}, last year)"
    return f"{row.label} (end of last year)"


def yearly_how(name: str) -> Literal["sum", "mean", "last"]:
    """How a year of output `name` is aggregated, from its kind: 'sum', 'mean' or 'last'."""
    return output(name).yearly
