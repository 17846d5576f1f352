"""The equations compiled for the weekly step: each is `equations.py`'s own function compiled
by numba from the same source (`_jit(eq.f)`), called with one replication's scalars by the
sectors (`flywheel.model.sectors`), which numba inlines into the week. Nothing is defined here;
importing `special` first lets numba compile the Erlang C wait's scipy calls.
"""

from __future__ import annotations

import numba

from flywheel.model import equations as eq
from flywheel.model import special  # noqa: F401  (registers scipy's gammaln, gammaincc)


def _jit(function):  # type: ignore[no-untyped-def]
    """`function` compiled for use inside the kernel (same source, scalar arguments)."""
    return numba.njit(error_model="numpy")(function)


logistic_market_growth = _jit(eq.logistic_market_growth)
logistic_increase = _jit(eq.logistic_increase)
bass_adoption = _jit(eq.bass_adoption)
hazard_to_share = _jit(eq.hazard_to_share)
churn_hazard = _jit(eq.churn_hazard)
innovation_attractiveness = _jit(eq.innovation_attractiveness)
discovery_factor = _jit(eq.discovery_factor)
paid_innovation_per_week = _jit(eq.paid_innovation_per_week)
indexed_acquisition_cost_usd = _jit(eq.indexed_acquisition_cost_usd)
paid_winback_per_week = _jit(eq.paid_winback_per_week)
funded_marketing_usd = _jit(eq.funded_marketing_usd)
shipping_offer_budget_usd = _jit(eq.shipping_offer_budget_usd)
selection_level = _jit(eq.selection_level)
review_effect = _jit(eq.review_effect)
reviewed_skus = _jit(eq.reviewed_skus)
service_score = _jit(eq.service_score)
customer_experience = _jit(eq.customer_experience)
conversion_share = _jit(eq.conversion_share)
delivery_days = _jit(eq.delivery_days)
fc_utilisation = _jit(eq.fc_utilisation)
fc_shipping = _jit(eq.fc_shipping)
late_delivery_days = _jit(eq.late_delivery_days)
network_speed_factor = _jit(eq.network_speed_factor)
network_base_days = _jit(eq.network_base_days)
loaded_centers = _jit(eq.loaded_centers)
service_desk_flows = _jit(eq.service_desk_flows)
erlang_c_wait_hours = _jit(eq.erlang_c_wait_hours)
agents_needed = _jit(eq.agents_needed)
expectation_target = _jit(eq.expectation_target)
learning_factor = _jit(eq.learning_factor)
price_goal_index = _jit(eq.price_goal_index)
costplus_price_index = _jit(eq.costplus_price_index)
capped_price_goal_index = _jit(eq.capped_price_goal_index)
unpriced_advertising_usd = _jit(eq.unpriced_advertising_usd)
fc_depreciation_usd = _jit(eq.fc_depreciation_usd)
advertising_revenue_usd = _jit(eq.advertising_revenue_usd)
prime_content_cost_usd = _jit(eq.prime_content_cost_usd)
seller_sales_usd_per_week = _jit(eq.seller_sales_usd_per_week)
seller_attractiveness = _jit(eq.seller_attractiveness)
prime_join_hazard = _jit(eq.prime_join_hazard)
smooth_over = _jit(eq.smooth_over)
lognormal_from_sigma = _jit(eq.lognormal_from_sigma)
poisson_count_from_uniform = _jit(eq.poisson_count_from_uniform)
nps_proxy = _jit(eq.nps_proxy)
customer_lifetime_value_usd = _jit(eq.customer_lifetime_value_usd)

WEEKS_PER_YEAR = eq.WEEKS_PER_YEAR
MAX_QUEUE_WAIT_HOURS = eq.MAX_QUEUE_WAIT_HOURS
