"""The finance equations outside the price policy: the FC depreciation that charges capital to
profit (B5; docs/model.md#financials), Prime's content cost (R4; docs/model.md#financials),
the advertising revenue (docs/model.md#advertising)
and the customer lifetime value (docs/model.md#financials).
Pure functions of numpy arrays (axis 0 =
replication) and floats, compiled for the week from this source (`parts`) like the rest of
`equations.py`, which re-exports them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

WEEKS_PER_YEAR = 52.0
ANNUAL_DISCOUNT_RATE = 0.10  # assumption: cost of capital for customer lifetime value


def fc_depreciation_usd(
    fulfillment_centers: Array, fc_capex_usd: Array, fc_depreciation_years: Array
) -> Array:
    """USD/week of FC capex charged to fulfillment cost: each open centre's capex spread
    straight-line over `fc_depreciation_years`. Loop B5; model.md#financials.

    A non-cash cost: operating income (and so the target-margin price) covers it, cash does not
    pay it (capex was paid at order). Centres do not wear out in the model and pay no renewal
    capex, so an open centre is charged for as long as it is open: within its life (ten years
    of a 20-year life) this is straight-line depreciation; beyond it, a capital charge.
    """
    return (
        fulfillment_centers
        * fc_capex_usd
        / (np.maximum(fc_depreciation_years, 1.0) * WEEKS_PER_YEAR)
    )


def prime_content_cost_usd(
    prime_members: Array, content_usd_per_member_per_year: Array, is_prime_launched: Array
) -> Array:
    """USD/week of video and music content offered within Prime: members x the cost per member
    per year / 52, 0 before Prime's launch. Loop R4; model.md#financials.

    Charged to operating income (and cash) but not to the costs the target-margin price marks
    up: Amazon offered the content inside a fee it set separately, so the content is paid from
    the margin, not from the price of goods (why: docs/calibration.md#refit-invest).
    """
    return is_prime_launched * prime_members * content_usd_per_member_per_year / WEEKS_PER_YEAR


def advertising_revenue_usd(
    gmv_3p_usd: Array,
    sellers: Array,
    advertising_share_of_3p_gmv: Array,
    advertising_sellers_ref: Array,
    advertising_seller_elasticity: Array,
) -> Array:
    """USD/week sellers pay for sponsored placement: a share of the week's 3P GMV (the traffic
    they sell to), raised by their competition for the placements, (sellers / the reference)
    ^ elasticity (at least one seller counted, so no seller and elasticity 0 give 1).
    docs/model.md#advertising.

    0 with a share of 0 (the default: no advertising sector). With elasticity 0 it is a plain
    share of 3P GMV; with elasticity 1 the ad spend per seller is that share of the sales of a
    seller at the reference count whatever the count (sellers bid away the extra sales).
    """
    competition = (
        np.maximum(sellers, 1.0) / np.maximum(advertising_sellers_ref, 1.0)
    ) ** advertising_seller_elasticity
    return advertising_share_of_3p_gmv * gmv_3p_usd * competition


def customer_lifetime_value_usd(
    contribution_usd_per_week: Array, customers: Array, churn_share_per_week: Array
) -> Array:
    """Customer lifetime value in USD: weekly contribution per customer / (churn + discount)."""
    per_customer = contribution_usd_per_week / np.maximum(customers, 1.0)
    discount = ANNUAL_DISCOUNT_RATE / WEEKS_PER_YEAR
    return per_customer / (np.maximum(churn_share_per_week, 0.0) + discount)
