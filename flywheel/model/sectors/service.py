"""The service desk (B2; model.md#service): contacts queue at the agents on duty; their mean
wait is the Erlang C wait plus the wait of the backlog carried over."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Lever, Stock, Term
from flywheel.model.parts import MAX_QUEUE_WAIT_HOURS, erlang_c_wait_hours, service_desk_flows
from flywheel.model.sectors import Array, sector


class Desk(NamedTuple):
    """The week's service desk."""

    contacts: float  # contacts/week (defect contacts pulled by the andon cord removed)
    backlog_next: float  # contacts carried to next week
    occupancy: float  # agent occupancy (share)
    queue_wait_hours: float  # this week's mean wait; customers remember it next week (a stock)


@sector
def service_week(s: Array, p: Array, k: Array, orders: float):  # type: ignore[no-untyped-def]
    """This week's `Desk`."""
    contacts = orders * p[Lever.contact_rate_per_order] * k[Term.contacts_kept_share]
    backlog_next, occupancy, backlog_wait, arrivals_per_hour, servers, service_per_hour = (
        service_desk_flows(
            contacts,
            s[Stock.service_backlog],
            s[Stock.agents],
            p[Lever.service_open_hours_per_week],
            p[Lever.agent_productive_share],
            p[Lever.handle_time_minutes],
        )
    )
    queue_wait_hours = np.minimum(
        erlang_c_wait_hours(arrivals_per_hour, servers, service_per_hour) + backlog_wait,
        MAX_QUEUE_WAIT_HOURS,
    )
    return Desk(contacts, backlog_next, occupancy, queue_wait_hours)
