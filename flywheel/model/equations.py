"""The model's equations: pure functions of numpy arrays (axis 0 = replication) and floats.

Each equation is defined once, here or, for the price policy, the FC depreciation, the
advertising revenue, the network's delivery speed, paid acquisition, discovery and the
reviewed SKUs, in `equations_price.py`, `equations_finance.py`, `equations_network.py`,
`equations_acquisition.py`, `equations_adoption.py` and `equations_marketplace.py`
(re-exported, so `equations.costplus_price_index` is the same
function). Those the compiled week uses are compiled from this very source (`parts`); the five
that only the week uses (`bass_adoption`, `service_desk_flows`, `erlang_c_wait_hours`,
`customer_experience`, `poisson_count_from_uniform`) are written for one replication's scalars.

No state, no I/O, no randomness, no simpy. Each docstring names the unit, the MODEL.md loop and
the `docs/model.md` section. A loop knockout is an argument (`is_cut`) that holds the cut link
at its held value (model.md#loop-knockouts).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import gammaincc, gammaln

from flywheel.model.equations_acquisition import (  # noqa: F401  (re-exported)
    PAID_RATE_MAX_PER_WEEK,
    funded_marketing_usd,
    indexed_acquisition_cost_usd,
    paid_innovation_per_week,
    paid_winback_per_week,
    shipping_offer_budget_usd,
)
from flywheel.model.equations_adoption import discovery_factor  # noqa: F401  (re-exported)
from flywheel.model.equations_finance import (  # noqa: F401  (re-exported: one namespace)
    ANNUAL_DISCOUNT_RATE,
    advertising_revenue_usd,
    customer_lifetime_value_usd,
    fc_depreciation_usd,
    prime_content_cost_usd,
)
from flywheel.model.equations_marketplace import (  # noqa: F401  (re-exported)
    reviewed_skus,
    selection_level,
)
from flywheel.model.equations_network import (  # noqa: F401
    loaded_centers,
    network_base_days,
    network_speed_factor,
)
from flywheel.model.equations_price import (  # noqa: F401  (re-exported: one namespace)
    CASH_SQUEEZE_WEEKS,
    COSTPLUS_PRICE_BOUNDS,
    MARGIN_HEADROOM_MIN,
    capped_price_goal_index,
    costplus_price_index,
    price_goal_index,
    unpriced_advertising_usd,
)

Array = npt.NDArray[np.float64]

WEEKS_PER_YEAR = 52.0
PAID_HOURS_PER_AGENT_WEEK = 40.0  # assumption: full-time week (BLS OEWS basis)
MARKETING_SHARE_REFERENCE = 0.04  # marketing effect = 1 at this share (FY2012 10-K level)
SERVICE_SCORE_SLOPE = 0.25  # how fast the service score falls beyond the market's wait
RELIABILITY_SENSITIVITY = 5.0  # score = exp(-5 * (defect share - 5 %)): assumption
DEFECT_RATE_REFERENCE = 0.05  # reliability score = 1 at a 5 % order defect rate
MAX_QUEUE_OCCUPANCY = 0.98  # above this the desk is overloaded and a backlog builds
MAX_QUEUE_WAIT_HOURS = 24.0 * 28  # a month: waits are capped there (zero agents)
ERLANG_NEGLIGIBLE_SPARE = 10.0  # Halfin-Whitt beta above which P(wait) < 1e-22 (wait ~ 0)
MAX_OVERLOAD_MULTIPLE = 1.0  # congestion saturates when utilisation reaches 100 %
MAX_UTILISATION = 10.0  # finite with no FC open; congestion saturates at 100 % anyway
DAYS_PER_WEEK = 7.0  # a back-ordered order ships at least a week late
POISSON_MAX_COUNT = 20  # outages a week per replication at most (P(more) < 1e-12 at mean 2)


def per_week(rate_per_year: float | Array) -> float | Array:
    """A continuous-time rate per year as a rate per week."""
    return rate_per_year / WEEKS_PER_YEAR


def logistic_market_growth(market: Array, ceiling: Array, growth_per_week: Array) -> Array:
    """People added to the addressable market this week (logistic). Loop B3, model.md#market."""
    return growth_per_week * market * np.maximum(1.0 - market / ceiling, 0.0)


def logistic_increase(level: Array, ceiling: Array, growth_per_week: Array) -> Array:
    """This week's logistic increase of an index (same units as `level`); model.md#spend."""
    return growth_per_week * level * np.maximum(1.0 - level / ceiling, 0.0)


def bass_adoption(
    customers: float,
    potential: float,
    market: float,
    innovation_per_week: float,
    imitation_per_week: float,
) -> float:
    """People adopting this week: the exact one-week solution of the Bass equation.

    dC/dt = (p + q C / M)(N - C) with N = potential + customers, p, q, M held for the week, is a
    Riccati equation; with y = (N - C)/(p + q C / M), y(t) = y(0) e^{-(p + q N / M) t}. Using the
    exact solution instead of an Euler step makes the all-loops-cut case match Bass (1969)'s
    closed form to rounding. Loops R1, B3; model.md#adoption. Unit: people/week. One
    replication (scalars; compiled into the week as `parts.bass_adoption`).

    Solved for the week's adoption C(1) - C(0) = u d (1 - e) / (d + s u e), with u = N - C,
    d = p + s C, s = q / M and e = e^{-(p + s N)}: the same value as going through y, but y
    overflows when d is tiny (p = 0 and a few customers), which gave inf - inf = NaN.
    """
    slope = imitation_per_week / market
    rate = innovation_per_week + slope * (potential + customers)
    drive = innovation_per_week + slope * customers
    remaining = np.exp(-rate)
    denominator = drive + slope * potential * remaining
    adoption = potential * drive * -np.expm1(-rate) / denominator if denominator > 0 else 0.0
    return np.minimum(np.maximum(adoption, 0.0), potential)


def hazard_to_share(hazard_per_week: Array) -> Array:
    """Share of a stock leaving in one week at a constant hazard (keeps stocks non-negative)."""
    return -np.expm1(-np.maximum(hazard_per_week, 0.0))


def churn_hazard(
    perceived_cx: Array, expected_cx: Array, churn_base: Array, cx_exponent: Array
) -> Array:
    """Non-member churn hazard per week: rises as perceived CX falls below the expected CX.
    Loop R4/B3, model.md#churn."""
    return churn_base * (expected_cx / np.maximum(perceived_cx, 1e-9)) ** cx_exponent


def innovation_attractiveness(perceived_cx: Array, market_cx: Array, exponent: Array) -> Array:
    """Multiplier of Bass innovation: the retailer's perceived CX over the market's, to the
    power `exponent` (1 at parity; exponent 0 gives 1 exactly). model.md#adoption."""
    return (np.maximum(perceived_cx, 1e-9) / np.maximum(market_cx, 1e-9)) ** exponent


def review_effect(reviews: Array, skus: Array, effect_max: Array, saturation: Array) -> Array:
    """Conversion multiplier from reviews: 1 + (max - 1)(1 - exp(-reviews per SKU / k)). R5."""
    per_sku = reviews / np.maximum(skus, 1.0)
    return 1.0 + (effect_max - 1.0) * -np.expm1(-per_sku / saturation)


def conversion_share(
    base: Array,
    selection_index: Array,
    price_relative: Array,
    speed_index: Array,
    learning_multiplier: Array,
    demand_multiplier: Array,
    selection_elasticity: Array,
    price_elasticity: Array,
    speed_elasticity: Array,
) -> Array:
    """Orders per visit, capped at 1. Loops R2, R3, R5, B1; model.md#conversion."""
    conversion = (
        base
        * selection_index**selection_elasticity
        * price_relative ** (-price_elasticity)
        * speed_index**speed_elasticity
        * learning_multiplier
        * demand_multiplier
    )
    return np.minimum(conversion, 1.0)


def delivery_days(
    utilisation: Array, base_days: Array, comfortable: Array, scale: Array, exponent: Array
) -> Array:
    """Delivery time in days: flat below the comfortable utilisation, steep above. Loop B1."""
    overload = np.minimum(
        np.maximum((utilisation - comfortable) / (1.0 - comfortable), 0.0), MAX_OVERLOAD_MULTIPLE
    )
    return base_days * (1.0 + scale * overload**exponent)


def fc_utilisation(load_orders: Array, capacity_orders: Array) -> Array:
    """FC utilisation: orders waiting for FC shipping this week (back-orders plus new FC
    orders, orders/week) over what the open FCs can ship (orders/week), capped at
    `MAX_UTILISATION` (also its value with orders and no FC open; 0 with no orders). Loop B1."""
    return np.minimum(load_orders / np.maximum(capacity_orders, 1e-9), MAX_UTILISATION)


def fc_shipping(
    backlog_orders: Array, new_orders: Array, capacity_orders: Array, cancel_share: Array
) -> tuple[Array, Array, Array, Array]:
    """One week of FC shipping (orders/week; loop B1): back-orders ship first, then this
    week's FC orders, up to the capacity; of the orders left waiting, `cancel_share` are
    cancelled (lost sales) and the rest are back-ordered to next week. Returns (shipped,
    shipped from the back-orders, cancelled, back-orders carried to next week)."""
    load = backlog_orders + new_orders
    shipped = np.minimum(load, capacity_orders)
    from_backlog = np.minimum(backlog_orders, shipped)
    waiting = load - shipped
    cancelled = waiting * cancel_share
    return shipped, from_backlog, cancelled, waiting - cancelled


def late_delivery_days(days: Array, from_backlog: Array, shipped: Array) -> Array:
    """Mean delivery days of the orders shipped this week: the congestion curve's `days` plus
    a week for the share that waited as back-orders. Loop B1."""
    return days + DAYS_PER_WEEK * from_backlog / np.maximum(shipped, 1e-9)


def erlang_c_wait_hours(arrivals_per_hour: float, servers: float, service_per_hour: float) -> float:
    """Mean wait in queue (hours) of an M/M/c queue: Erlang C, W_q = C(c, a) / (c mu - lambda),
    for one replication's scalars.

    Erlang B is written with the Poisson pmf and cdf via the regularised incomplete gamma
    function, B = pmf(c; a) / cdf(c; a), which is exact for integer c, smooth in between, and
    stable for tens of thousands of servers. Requires a < c; NaN or +inf (overflowing or
    degenerate terms) is the longest wait, and waits are clipped to [0, MAX_QUEUE_WAIT_HOURS].
    Loop B2; model.md#service. Compiled into the week (scipy's `gammaln` and `gammaincc`
    called from machine code, `special`): call `parts.erlang_c_wait_hours`; in Python, pass
    numpy floats (a division by zero then gives inf, as compiled).

    Speed: where the Halfin-Whitt spare capacity beta = (c - a) / sqrt(a) exceeds 10, the chance
    of waiting at all is below 1e-22 and the mean wait far below a nanosecond, so it is returned
    as 0 without evaluating the incomplete gamma function (the costliest part of the wait).
    """
    a = arrivals_per_hour / service_per_hour  # offered load
    c = np.maximum(servers, 1e-9)
    if not a > 0 or (c - a) / np.sqrt(a) > ERLANG_NEGLIGIBLE_SPARE:
        return 0.0
    log_pmf = c * np.log(np.maximum(a, 1e-300)) - a - gammaln(c + 1.0)
    cdf = gammaincc(c + 1.0, a)
    erlang_b = np.exp(log_pmf) / cdf if cdf > 0 else 1.0
    erlang_c = c * erlang_b / (c - a * (1.0 - erlang_b))
    exact = erlang_c / (c * service_per_hour - arrivals_per_hour)
    if np.isnan(exact):
        return MAX_QUEUE_WAIT_HOURS
    return np.minimum(np.maximum(exact, 0.0), MAX_QUEUE_WAIT_HOURS)


def service_desk_flows(
    contacts: float,
    backlog: float,
    agents: float,
    open_hours: float,
    productive_share: float,
    handle_time_minutes: float,
) -> tuple[float, float, float, float, float, float]:
    """One week of the service desk but for its Erlang C wait, for one replication: (backlog
    carried over, occupancy, backlog wait hours, arrivals per hour, agents on duty, contacts
    per agent-hour). The caller adds `erlang_c_wait_hours(arrivals, servers, per hour)` to the
    backlog wait and caps the sum at `MAX_QUEUE_WAIT_HOURS` (`step.LockstepWeek`).

    Within a week the queue relaxes in minutes, so its mean wait is the stationary M/M/c
    (Erlang C) wait at this week's arrival rate and on-duty agents. Demand above 98 % occupancy
    cannot be served: it is carried to next week as a backlog (a stock), whose contacts wait on
    average half the time needed to clear it. Loop B2; model.md#service. Compiled (division by
    zero gives inf, as numpy's): call `parts.service_desk_flows`.
    """
    service_per_hour = 60.0 / handle_time_minutes
    servers = agents * productive_share * PAID_HOURS_PER_AGENT_WEEK / open_hours
    capacity = servers * service_per_hour * open_hours * MAX_QUEUE_OCCUPANCY
    demand = contacts + backlog
    served = np.minimum(demand, capacity)
    backlog_next = demand - served
    arrivals_per_hour = served / open_hours
    backlog_wait = 0.5 * backlog_next / (servers * service_per_hour) if backlog_next > 0 else 0.0
    occupancy = arrivals_per_hour / (servers * service_per_hour) if servers > 0 else 1.0
    # NaN -> 0, +inf -> the cap (as np.nan_to_num(backlog_wait, posinf=MAX_QUEUE_WAIT_HOURS))
    backlog_wait = 0.0 if np.isnan(backlog_wait) else np.minimum(backlog_wait, MAX_QUEUE_WAIT_HOURS)
    return (
        backlog_next,
        np.minimum(occupancy, 1.0),
        backlog_wait,
        arrivals_per_hour,
        servers,
        service_per_hour,
    )


def agents_needed(
    contacts: Array,
    open_hours: Array,
    productive_share: Array,
    handle_time_minutes: Array,
    target_occupancy: Array,
) -> Array:
    """Agents on the payroll that serve `contacts` at the target occupancy. Loop B2."""
    offered_servers = contacts / open_hours * handle_time_minutes / 60.0
    return (
        offered_servers
        / target_occupancy
        * open_hours
        / (PAID_HOURS_PER_AGENT_WEEK * productive_share)
    )


def service_score(wait_hours: Array, reference_seconds: Array) -> Array:
    """Service score: 1 (the market's, the benchmark) at or below the market's mean wait
    `reference_seconds`, falling beyond it; an idle desk does not beat the market. Loop B2."""
    wait_ratio = np.maximum(wait_hours * 3600.0 / reference_seconds, 1.0)
    return (1.0 + SERVICE_SCORE_SLOPE) / (1.0 + SERVICE_SCORE_SLOPE * wait_ratio)


def reliability_score(defect_share_effective: Array) -> Array:
    """Reliability score: 1 at a 5 % defect rate, higher when defects are pulled. Loop B2."""
    return np.exp(-RELIABILITY_SENSITIVITY * (defect_share_effective - DEFECT_RATE_REFERENCE))


def customer_experience(
    price: float,
    selection: float,
    speed: float,
    service: float,
    reliability: float,
    weight_price: float,
    weight_selection: float,
    weight_speed: float,
    weight_service: float,
    weight_reliability: float,
    total: float,
) -> float:
    """CX index: weighted geometric mean of the five scores of one replication, weights
    normalised by `total`, their sum (a lever-only term). model.md#customer-experience."""
    log_cx = weight_price * np.log(np.maximum(price, 1e-12))
    log_cx = log_cx + weight_selection * np.log(np.maximum(selection, 1e-12))
    log_cx = log_cx + weight_speed * np.log(np.maximum(speed, 1e-12))
    log_cx = log_cx + weight_service * np.log(np.maximum(service, 1e-12))
    log_cx = log_cx + weight_reliability * np.log(np.maximum(reliability, 1e-12))
    return np.exp(log_cx / total)


def expectation_target(perceived_cx: Array, market_cx: Array, anchor_share: Array) -> Array:
    """The CX customers come to expect (index): the market benchmark's CX with weight
    `anchor_share`, the CX they perceive with the rest ("divine discontent": expectations rise
    with experience, but stay anchored to the market). model.md#expectations."""
    return anchor_share * market_cx + (1.0 - anchor_share) * perceived_cx


def learning_factor(
    cumulative_orders: Array, cumulative_initial: Array, learning_rate: Array
) -> Array:
    """Wright's learning curve: (Q / Q0)^(-b), b = -log2(1 - rate). Loop R3; model.md#costs."""
    exponent = -np.log2(1.0 - learning_rate)
    return (cumulative_orders / cumulative_initial) ** (-exponent)


def seller_sales_usd_per_week(
    gmv_usd: Array, skus_per_seller: Array, skus: Array, take_rate: Array
) -> Array:
    """Net 3P sales one seller can expect per week: GMV per SKU x SKUs per seller x (1 - take).

    Equal to net 3P GMV / sellers when orders spread over SKUs evenly, and defined for the
    first seller of a new marketplace. Loops R2 (traffic) and B4 (crowding, via skus).
    """
    return gmv_usd * skus_per_seller / np.maximum(skus, 1.0) * (1.0 - take_rate)


def seller_attractiveness(sales_per_seller: Array, reference: Array, elasticity: Array) -> Array:
    """Attractiveness of selling here (1 at the reference sales per seller). Loops R2, B4."""
    return np.minimum(np.maximum(sales_per_seller / reference, 0.0), 100.0) ** elasticity


def prime_join_hazard(
    value_usd_per_year: Array,
    fee_usd_per_year: Array,
    join_rate: Array,
    ratio_reference: Array,
    exponent: Array,
) -> Array:
    """Weekly join hazard of non-members: base rate x (value/fee / reference)^k. Loop R4."""
    ratio = value_usd_per_year / np.maximum(fee_usd_per_year, 1.0)
    return np.minimum(join_rate * (ratio / ratio_reference) ** exponent, 0.5)


def smooth_over(stock: Array, target: Array, time_weeks_at_least_1: Array | float) -> Array:
    """First-order exponential smoothing step (one week) toward `target` over a smoothing
    time already floored at one week (model.md's `smooth`; the floors of the smoothing
    levers are lever-only terms, `terms.SMOOTHING_LEVERS`)."""
    return stock + (target - stock) / time_weeks_at_least_1


def lognormal_multiplier(standard_normal: Array, cv: Array | float) -> Array:
    """Mean-one lognormal factor with coefficient of variation `cv` from a standard normal draw."""
    sigma = lognormal_sigma(cv)
    return lognormal_from_sigma(standard_normal, sigma, lognormal_drift(sigma))


def lognormal_sigma(cv: Array | float) -> Array:
    """Log-scale standard deviation of a mean-one lognormal with coefficient of variation cv."""
    return np.sqrt(np.log1p(np.square(cv)))


def lognormal_drift(sigma: Array) -> Array:
    """The log-scale mean offset sigma^2 / 2 that makes a lognormal factor mean-one."""
    return 0.5 * sigma * sigma


def lognormal_from_sigma(standard_normal: Array, sigma: Array, drift: Array) -> Array:
    """Mean-one lognormal factor exp(sigma z - drift), drift = `lognormal_drift(sigma)`."""
    return np.exp(sigma * standard_normal - drift)


def poisson_count_from_uniform(uniform: float, mean: float) -> float:
    """A Poisson(mean) count by inverting the cdf at a pre-drawn uniform (one replication; at
    most `POISSON_MAX_COUNT`). model.md#randomness."""
    mean = np.maximum(mean, 0.0)
    term = np.exp(-mean)
    cdf = term
    count = 0.0
    for k in range(1, POISSON_MAX_COUNT + 1):
        if not uniform > cdf:
            break
        count += 1.0
        term = term * mean / k
        cdf = cdf + term
    return count


def seasonality_multiplier(month: npt.NDArray[np.int64], q4_multiplier: Array) -> Array:
    """Weekly demand seasonality: `q4` in October-December, the rest scaled to keep a mean of 1."""
    off_season = (4.0 - q4_multiplier) / 3.0
    return np.where(month >= 10, q4_multiplier, off_season)


NPS_AT_REFERENCE_POINTS = 30.0  # assumption: a well-liked retailer's NPS at the expected CX
NPS_POINTS_PER_LOG_CX = 100.0


def nps_proxy(perceived_cx: Array, expected_cx: Array) -> Array:
    """Net-promoter proxy in points (-100..100): 30 at the expected CX, +/-100 per unit of log
    CX above or below it (model.md#expectations)."""
    points = NPS_AT_REFERENCE_POINTS + NPS_POINTS_PER_LOG_CX * np.log(
        np.maximum(perceived_cx, 1e-12) / np.maximum(expected_cx, 1e-12)
    )
    return np.minimum(np.maximum(points, -100.0), 100.0)
