"""Row layout of the compiled week's blocks (`kernel.week_kernel`).

Every block the kernel reads or writes is (rows, replications); these IntEnums name the row of
each stock, lever, lever-only term, week-0 reference, held link value, output and decision.
Numba freezes them into the compiled kernel as constants, so `kernel.model_stamp` hashes
them: a change of layout recompiles.
"""

from __future__ import annotations

from enum import IntEnum

from flywheel.model.outputs import OPTIONAL_GROUPS, OUTPUT_TABLE
from flywheel.model.state import STOCKS
from flywheel.scenario.parameters import LOOP_IDS
from flywheel.scenario.schema import Levers, field_infos

Stock = IntEnum("Stock", list(STOCKS), start=0)
Lever = IntEnum("Lever", list(field_infos(Levers)), start=0)
Loop = IntEnum("Loop", list(LOOP_IDS), start=0)
TERMS = (  # lever-only terms (`terms.lever_terms`), one row each
    "season_q4",
    "season_off",
    "demand_noise_sigma",
    "seller_join_noise_sigma",
    "fc_lead_time_noise_sigma",
    "demand_noise_drift",
    "seller_join_noise_drift",
    "fc_lead_time_noise_drift",
    "cx_weight_total",
    "price_adjustment_time_weeks_at_least_1",
    "perception_delay_weeks_at_least_1",
    "delivery_perception_weeks_at_least_1",
    "expectation_adaptation_weeks_at_least_1",
    "defect_effective_share",
    "listings_kept_share",
    "score_reliability",
    "market_score_reliability",
    "marketing_effect_base",
    "bass_p_per_week",
    "bass_q_per_week",
    "member_hazard_factor",
    "prime_cancel_share",
    "prime_visit_factor",
    "contacts_kept_share",
    "onboarded_share",
    "goods_cost_base_usd",
    "variable_cost_usd_per_order",
    "market_growth_per_week",
    "spend_growth_per_week",
    "agent_attrition_share",
    "experiment_uplift_per_week",
    "has_experiment_room",
    "experiment_room_index",
    "fc_lookahead_weeks",
    "fc_orders_at_trigger_per_week",
    "fc_outage_rate_per_week",
    "fc_outage_repair_weeks",
)
Term = IntEnum("Term", list(TERMS), start=0)
REFERENCES = (  # week-0 values: the denominators of the indices that are 1 at week 0
    "selection_level",
    "visits",
    "costplus_price_index",
    "review_effect",
    "delivery_days",
    "cumulative_orders",
    "skus",
)
Ref = IntEnum("Ref", list(REFERENCES), start=0)
HELD = (  # each loop's link value a cut holds: week 0's, or the cut's first week's
    "customer_share",  # R1
    "cx_relative",  # R1
    "gmv_usd",  # R2
    "discovery_skus",  # R2 (selection -> new shoppers, with innovation_selection_elasticity)
    "price_ratio",  # R3
    "network_speed_factor",  # R3 (scale -> network density -> delivery speed)
    "prime_share",  # R4
    "learning_lift",  # R5
    "marketing_usd",  # R6 (last week's marketing spend, the acquisition budget)
    "congestion_factor",  # B1
    "service_score",  # B2
    "potential_share",  # B3
    "skus",  # B4
    "cash_usd",  # B5
)
Held = IntEnum("Held", list(HELD), start=0)
# The outputs' names and row order come from the output registry (`outputs.OUTPUT_TABLE`).
CORE_OUTPUTS = tuple(row.name for row in OUTPUT_TABLE if not row.optional)  # every week
# Outputs that no stock and no other output depends on, by group: computed only when recorded.
EXTRA_OUTPUTS = {
    group: tuple(row.name for row in OUTPUT_TABLE if row.optional == group)
    for group in OPTIONAL_GROUPS
}
OUTPUTS = CORE_OUTPUTS + EXTRA_OUTPUTS["derived"] + EXTRA_OUTPUTS["gains"]
Out = IntEnum("Out", list(OUTPUTS), start=0)
DECISIONS = ("fc_orders", "fc_lead_time_weeks", "hires", "outages")
Decision = IntEnum("Decision", list(DECISIONS), start=0)
# Outputs that are a stock's value at the start of the week, as (output row, stock row).
# Not perceived_cx (week 0 sets it to that week's CX first), service_backlog and
# queue_wait_hours and insolvent (this week's), nor the flags (derived outputs, written only
# when recorded).
STOCK_OUTPUTS = tuple(
    (int(Out[name]), int(Stock[name]))
    for name in CORE_OUTPUTS
    if name in STOCKS
    and name
    not in ("perceived_cx", "expected_cx", "service_backlog", "queue_wait_hours", "insolvent")
)
