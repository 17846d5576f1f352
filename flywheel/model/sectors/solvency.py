"""Solvency (B5; model.md#insolvency): whether a replication still spends, and the week's
funding: cash held at minus the credit limit, insolvency from the week it would pass it."""

from __future__ import annotations

from typing import NamedTuple

from flywheel.model.layout import Lever, Loop, Stock
from flywheel.model.sectors import Array, Cuts, sector


@sector
def spending_stopped(s: Array, cut: Cuts):  # type: ignore[no-untyped-def]
    """Whether the replication is insolvent and so spends nothing on capex, hiring or
    marketing (model.md#insolvency). With B5 cut the planner sees the held cash and keeps
    spending: the cut takes cash's hold on spending away."""
    return s[Stock.insolvent] != 0.0 and not cut.on[Loop.B5]


class Funding(NamedTuple):
    """The week's funding (model.md#insolvency)."""

    cash_next_usd: float  # cash at the start of next week, never below -credit limit
    insolvent: float  # 1 from the week cash would pass the credit limit, else 0
    unfunded_loss_usd: float  # what cash would have passed the limit by, USD/week (>= 0)


@sector
def funding_week(  # type: ignore[no-untyped-def]
    s: Array, p: Array, operating_income_usd: float, depreciation_usd: float, capex_usd: float
):
    """This week's `Funding`: cash after operating income with the (non-cash) depreciation
    added back, and capex, held at minus the credit
    limit; a run whose cash would pass it becomes insolvent from this week (and stays so),
    the excess recorded apart as an unfunded loss."""
    floor_usd = -p[Lever.credit_limit_usd]
    cash_usd = s[Stock.cash_usd] + operating_income_usd + depreciation_usd - capex_usd
    unfunded_loss_usd = 0.0
    insolvent = 1.0 if s[Stock.insolvent] != 0.0 else 0.0
    if cash_usd < floor_usd:
        unfunded_loss_usd = floor_usd - cash_usd
        cash_usd = floor_usd
        insolvent = 1.0
    return Funding(cash_usd, insolvent, unfunded_loss_usd)
