"""The price policy's equations (issue 18, item 4; docs/model.md#price): the target-margin
price, the advertising it leaves out and the price goal. Pure functions of numpy arrays
(axis 0 = replication) and floats, compiled for the week from this source (`parts`) like the
rest of `equations.py`, which re-exports them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

CASH_SQUEEZE_WEEKS = 13.0  # cash plus credit below a quarter's costs: prices aim at break-even
COSTPLUS_PRICE_BOUNDS = (0.2, 5.0)  # the target-margin price index is kept within these
MARGIN_HEADROOM_MIN = 0.05  # 1 - revenue-share costs - margin floored here (no division by 0)


def costplus_price_index(
    price_index: Array,
    covered_costs_usd: Array,
    revenue_share_costs_share: Array,
    margin_share: Array,
    revenue_usd: Array,
    prime_fees_usd: Array,
) -> Array:
    """The target-margin price index: the price at which this week's orders would earn
    `margin_share` of revenue. Loop R3 (price arm), B5; model.md#price.

    Costs that do not move with the price (`covered_costs_usd`: goods, fulfillment, shipping,
    service, overhead) are marked up so that, after the costs charged as a share of revenue
    (marketing, technology), the margin is left: revenue* = covered / (1 - shares - margin),
    i.e. unit cost x (1 + margin / (1 - shares - margin)). 1P sales and 3P commissions scale
    with the price index, Prime fees do not; volumes are taken as they are (the policy does not
    anticipate the demand response). Kept within `COSTPLUS_PRICE_BOUNDS`; the current index
    without priced revenue.
    """
    headroom = np.maximum(1.0 - revenue_share_costs_share - margin_share, MARGIN_HEADROOM_MIN)
    priced_revenue_usd = revenue_usd - prime_fees_usd
    low, high = COSTPLUS_PRICE_BOUNDS
    aimed = (
        price_index
        * (covered_costs_usd / headroom - prime_fees_usd)
        / np.maximum(priced_revenue_usd, 1e-9)
    )
    has_priced_revenue = priced_revenue_usd > 0
    return (
        has_priced_revenue * np.minimum(np.maximum(aimed, low), high)
        + (1.0 - has_priced_revenue) * price_index
    )


def unpriced_advertising_usd(advertising_usd: Array, advertising_priced_share: Array) -> Array:
    """USD/week of advertising revenue (or serving cost) the target-margin price leaves out:
    the share 1 - `advertising_priced_share` of it. Loop R3 (price arm); model.md#price.

    0 at a priced share of 1 (the default: ad profit lowers the price of goods like any other
    margin). At 0 the price aims its margin at the goods business alone (1P sales, commissions,
    Prime fees and their costs) and advertising's profit, like Prime's content and the dated cost
    shocks, reaches operating income without moving the price (why:
    docs/calibration.md#refit-v6-margin).
    """
    return advertising_usd * (1.0 - advertising_priced_share)


def price_goal_index(
    price_index: Array,
    price_target: Array,
    pass_through: Array,
    price_adjustment_weeks: Array,
    margin_adjustment_weeks: Array,
) -> Array:
    """Price index the policy aims for this week. Loop R3 (price arm); model.md#price.

    Of the gap to the target-margin price `price_target`, the share `pass_through` is closed
    within the price-adjustment time (the price smooths toward this target over it); the rest
    over the margin-adjustment time, so the margin returns to its target whatever the
    pass-through.
    """
    closure = pass_through + (1.0 - pass_through) * np.minimum(
        price_adjustment_weeks / np.maximum(margin_adjustment_weeks, 1.0), 1.0
    )
    return price_index + closure * (price_target - price_index)


def capped_price_goal_index(
    price_goal: Array, price_cap_relative: Array, competitor_price_trend: Array
) -> Array:
    """The price goal under the low-price policy (issue 19; model.md#price): not above
    `price_cap_relative` x the competitors' long-run price `competitor_price_trend` (index).

    A cap of 0 (the lever's default) is no cap: the goal is returned unchanged. While the cap
    binds, the price no longer follows the retailer's unit cost: a cost saving raises the
    margin (shrinks the loss) instead of lowering the price.
    """
    capped = np.minimum(price_goal, price_cap_relative * competitor_price_trend)
    has_cap = price_cap_relative > 0.0
    return has_cap * capped + (1.0 - has_cap) * price_goal
