"""The service desk (B2; model.md#service): contacts queue at the agents on duty. The Erlang C
wait needs scipy, so this sector leaves its inputs in the scratch column and the caller
finishes the wait (`step.LockstepWeek.advance`)."""

from __future__ import annotations

from typing import NamedTuple

from flywheel.model.layout import Lever, Scratch, Stock, Term
from flywheel.model.parts import service_desk_flows
from flywheel.model.sectors import Array, sector


class Desk(NamedTuple):
    """The week's service desk."""

    contacts: float  # contacts/week (defect contacts pulled by the andon cord removed)
    backlog_next: float  # contacts carried to next week
    occupancy: float  # agent occupancy (share)


@sector
def service_week(s: Array, p: Array, k: Array, orders: float, w: Array):  # type: ignore[no-untyped-def]
    """This week's `Desk`; writes the Erlang C inputs and the backlog's wait into `w`, the
    replication's scratch column."""
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
    w[Scratch.arrivals_per_hour] = arrivals_per_hour
    w[Scratch.servers] = servers
    w[Scratch.service_per_hour] = service_per_hour
    w[Scratch.backlog_wait_hours] = backlog_wait
    return Desk(contacts, backlog_next, occupancy)
