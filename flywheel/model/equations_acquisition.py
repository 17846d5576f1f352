"""Paid acquisition (R6; docs/model.md#adoption): new customers bought with the marketing
budget that revenue funds. A pure function of numpy arrays (axis 0 = replication) and floats,
compiled for the week from this source (`parts`) like the rest of `equations.py`, which
re-exports it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from flywheel.model.equations_finance import WEEKS_PER_YEAR

Array = npt.NDArray[np.float64]
# The largest paid innovation rate (1/week): exp(-1e6) is 0 in floating point, so a week at the
# cap adopts the whole potential, as any larger rate would (assumption-free numerical bound).
PAID_RATE_MAX_PER_WEEK = 1e6


def indexed_acquisition_cost_usd(
    acquisition_cost_usd_per_customer: Array, cost_inflation_per_year: Array, week: Array
) -> Array:
    """The cost per new customer (USD/customer) in week `week`: week 0's cost times the price
    index of what it buys, `exp(cost_inflation_per_year x week / 52)` (a sourced yearly log
    growth, the CPI's in docs/calibration.md#refit-v8-filed). Loop R6 (paid acquisition);
    model.md#paid-acquisition.

    Why an index: the cost is in the dollars of week 0, while the marketing budget that pays it
    is a share of revenue in each week's dollars. With the default 0 the factor is exactly 1,
    so the cost, and every run, are unchanged bit for bit."""
    index = np.exp(cost_inflation_per_year * week / WEEKS_PER_YEAR)
    return acquisition_cost_usd_per_customer * index


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
    or a cost of 0 (the mechanism off); at most `PAID_RATE_MAX_PER_WEEK`."""
    budget_people = np.maximum(acquisition_cost_usd_per_customer, 0.0) * np.maximum(market, 0.0)
    has_budget = budget_people > 0.0
    spend_usd = np.maximum(marketing_usd_per_week, 0.0)
    # capped, not infinite: a budget over a subnormal cost x market overflows, and infinity
    # times a stopped spend (0) is NaN; at the cap the exact Bass step already takes everyone
    denominator = np.maximum(np.maximum(budget_people, 1e-300), spend_usd / PAID_RATE_MAX_PER_WEEK)
    return spend_usd * has_budget / denominator


def paid_winback_per_week(paid_innovation: Array, lapsed_relative: Array) -> Array:
    """Win-back rate (1/week, per lapsed customer) the marketing budget buys: the paid
    innovation rate per untapped person (`paid_innovation_per_week`, with its recession,
    attractiveness and discovery multipliers) times `lapsed_relative`, how many times more
    readily a reached lapsed customer buys again than a reached never-customer buys at all.
    Loop R6 (paid acquisition); model.md#win-back.

    Why: the budget's reach does not stop at people who never bought; it reaches the lapsed as
    well, and they are the easier sale (Marketing Metrics: 20-40 % against 5-20 % for a new
    prospect). 0 at `lapsed_relative` 0 (the default: only the untapped market is bought)."""
    return np.maximum(paid_innovation, 0.0) * np.maximum(lapsed_relative, 0.0)


def funded_marketing_usd(
    revenue_share_marketing_usd: Array, marketing_floor_usd_per_week: Array
) -> Array:
    """The week's marketing spend (USD/week): the marketing share of revenue, or the floor
    `marketing_floor_usd_per_week` where the share buys less. It is the budget paid
    acquisition spends next week (loop R6) and a cost in operating income; the part above the
    share is not priced into goods (model.md#price). model.md#financials.

    Why a floor: in its launch years Amazon spent on marketing what its IPO and notes raised,
    not a share of the sales it had (1997: $28 M against $148 M of sales), so a budget tied to
    the model's own revenue starves the launch. With the floor 0 the share is returned
    unchanged."""
    return np.maximum(revenue_share_marketing_usd, marketing_floor_usd_per_week)


def shipping_offer_budget_usd(
    shipping_cost_usd: Array, charged_share_of_cost: Array, offer_share: Array
) -> Array:
    """The part of paid acquisition's budget (USD/week) that the shipping offers are:
    `offer_share` of the net shipping cost, the shipping cost less the share of it customers pay
    back in shipping charges (`charged_share_of_cost`), never below 0. Loop R6 (paid
    acquisition); model.md#shipping-offers.

    Why: Amazon books free shipping outside its marketing line yet calls the offers "effective
    worldwide marketing tools" (10-K MD&A), so the budget that buys customers is larger than
    the marketing line by what the offers cost. 0 at `offer_share` 0 (the default)."""
    net_shipping_cost_usd = np.maximum(shipping_cost_usd * (1.0 - charged_share_of_cost), 0.0)
    return np.maximum(offer_share, 0.0) * net_shipping_cost_usd
