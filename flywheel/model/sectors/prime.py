"""Prime (R4; model.md#prime): what membership is worth, joins and cancellations."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Lever, Stock, Term
from flywheel.model.parts import WEEKS_PER_YEAR, hazard_to_share, prime_join_hazard
from flywheel.model.sectors import Array, sector
from flywheel.model.sectors.customers import Churn
from flywheel.model.sectors.demand import Demand


class Prime(NamedTuple):
    """The week's Prime flows."""

    prime_value: float  # a member's yearly value of fast free shipping, USD/year
    prime_joins: float  # members/week (0 before the launch)
    prime_cancels: float  # members/week who cancel but stay customers


@sector
def prime_week(  # type: ignore[no-untyped-def]
    s: Array, p: Array, k: Array, demand: Demand, speed_relative: float, churn: Churn
):
    """This week's `Prime`: members value fast free shipping on the orders they would place;
    eligible non-members who did not churn join at a hazard that rises with value over fee
    (members never exceed `prime_eligible_share` of the staying customers through joins)."""
    customers, prime_members = s[Stock.customers], s[Stock.prime_members]
    member_orders_per_year = (
        demand.visit_rate * k[Term.prime_visit_factor] * demand.conversion * WEEKS_PER_YEAR
    )
    prime_value = (
        member_orders_per_year * p[Lever.prime_shipping_value_usd_per_order] * speed_relative
    )
    join_hazard = prime_join_hazard(
        prime_value,
        p[Lever.prime_fee_usd_per_year],
        p[Lever.prime_join_rate_per_week],
        p[Lever.prime_value_ratio_reference],
        p[Lever.prime_value_exponent],
    )
    # Only `prime_eligible_share` of the customers who stay would ever join: the others are
    # taken off the staying non-members (0 at the default share 1, so joins are unchanged).
    never_joining = (1.0 - p[Lever.prime_eligible_share]) * (customers - churn.churn)
    prime_joins = 0.0
    if s[Stock.is_prime_launched] != 0.0:
        prime_joins = np.maximum(
            customers - prime_members - (churn.churn - churn.member_churn) - never_joining, 0.0
        ) * hazard_to_share(join_hazard)
    prime_cancels = (prime_members - churn.member_churn) * k[Term.prime_cancel_share]
    return Prime(prime_value, prime_joins, prime_cancels)
