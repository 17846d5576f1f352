"""The weekly step compiled with numba: one call advances every replication one week.

Why compiled: a lockstep week written as numpy array operations was ~550 numpy calls, each
costing ~0.4 µs however few replications there are, so a 100-replication batch spent three
quarters of its time on that fixed cost (bench/RESULTS.md). Here the week is one call that
loops over the replications in machine code; each replication's week is its sectors
(`flywheel.model.sectors`) called in order by `replication_week`, and the equations they use
are those of `equations.py`, compiled from the same source (`parts`).

The service desk's Erlang C wait is compiled too: it calls scipy's incomplete gamma function
from machine code (`special`), so a week is this one call and nothing in numpy after it.
Blocks are (rows, replications), rows named in `layout`.

Numba caches the machine code on disk: the first compile takes ~6 s, a new process's first
call from the cache 0.45–0.75 s. `kernel_cache.guard_cache` drops a cached kernel built from
other equations, parts, sectors or row layouts (numba itself only watches this file).
"""

from __future__ import annotations

import hashlib
import inspect
import pkgutil
from importlib import import_module
from types import ModuleType

import numba

from flywheel.model import equations as eq
from flywheel.model import equations_acquisition as eq_acquisition
from flywheel.model import equations_finance as eq_finance
from flywheel.model import equations_network as eq_network
from flywheel.model import equations_price as eq_price
from flywheel.model import layout, parts, sectors, special
from flywheel.model.kernel_cache import guard_cache
from flywheel.model.layout import (
    DECISIONS,
    HELD,
    OUTPUTS,
    REFERENCES,
    STOCKS,
    TERMS,
    Lever,
)
from flywheel.model.sectors import Cuts
from flywheel.model.sectors.advertising import advertising_week
from flywheel.model.sectors.customers import adoption_week, churn_week
from flywheel.model.sectors.demand import demand_week
from flywheel.model.sectors.exogenous import exogenous_week, spend_index_next
from flywheel.model.sectors.experience import experience_week
from flywheel.model.sectors.finance import finance_week, pricing_week
from flywheel.model.sectors.fulfillment import delivered_sales, fulfillment_week
from flywheel.model.sectors.gains import loop_gains
from flywheel.model.sectors.outputs import record_derived, record_outputs
from flywheel.model.sectors.planner import planner_week
from flywheel.model.sectors.prices import prices_week
from flywheel.model.sectors.prime import prime_week
from flywheel.model.sectors.sellers import sellers_week
from flywheel.model.sectors.service import service_week
from flywheel.model.sectors.solvency import funding_week
from flywheel.model.sectors.stocks import update_stocks

JIT_OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}


@numba.njit(**JIT_OPTIONS)
def week_kernel(  # type: ignore[no-untyped-def]
    week,
    is_q4,
    is_q4_ahead,
    cut_from_week,
    want_derived,
    want_gains,
    stocks,
    levers,
    terms,
    reference,
    held,
    demand_normals,
    seller_join_normals,
    outage_uniforms,
    lead_time_normals,
    is_spend_from_data,
    online_share_ratio,
    is_market_from_data,
    internet_users_people,
    outputs,
    decisions,
):
    """Advance every replication one week: outputs and decisions are written into `outputs`
    and `decisions`, the stocks updated in place. Week 0 fills `reference`.

    `cut_from_week` holds each loop's first cut week (`Loop`; a week past the horizon for a loop
    left on): from it the loop is cut, its link held at the value `held` (rows `Held`)
    captured that week. Week 0 captures every loop's, the values gains compare with. The
    weekly noise arrays are (weeks, R)
    (`lead_time_normals` (R, draws)); `is_q4` / `is_q4_ahead` say whether this week's month /
    the busiest month of the staffing look-ahead is in October-December. With
    `is_spend_from_data`, `online_share_ratio` (weeks + 1,) is the online share of retail
    relative to week 0's (`scenario.drivers.online_share_ratio`), the same for every
    replication; otherwise it is not read. With `is_market_from_data`, `internet_users_people`
    (weeks + 1,) is the market series in people (`scenario.market_drivers`), likewise.
    """
    share_ratio_next = online_share_ratio[week + 1] if is_spend_from_data else 1.0
    users_next = internet_users_people[week + 1] if is_market_from_data else 0.0
    cut_on = cut_from_week <= week
    starts = cut_from_week == week
    if week == 0:
        starts[:] = True
    for r in range(stocks.shape[1]):
        replication_week(
            week,
            is_q4,
            is_q4_ahead,
            Cuts(cut_on, starts, held[:, r]),
            want_derived,
            want_gains,
            stocks[:, r],
            levers[:, r],
            terms[:, r],
            reference[:, r],
            demand_normals[week, r],
            seller_join_normals[week, r],
            outage_uniforms[week, r],
            lead_time_normals[r],
            is_spend_from_data,
            share_ratio_next,
            is_market_from_data,
            users_next,
            outputs[:, r],
            decisions[:, r],
        )


@numba.njit(error_model="numpy")
def replication_week(  # type: ignore[no-untyped-def]
    t,
    is_q4,
    is_q4_ahead,
    cut,
    want_derived,
    want_gains,
    s,
    p,
    k,
    ref,
    demand_normal,
    seller_join_normal,
    outage_uniform,
    lead_normals,
    is_spend_from_data,
    online_share_ratio_next,
    is_market_from_data,
    internet_users_next,
    o,
    d,
):
    """One replication's week: its sectors in order (`flywheel.model.sectors`). `s, p, k, ref,
    o, d` are its columns of the stocks, levers, lever-only terms, week-0 references,
    outputs and decisions, `cut` its `Cuts` (flags and held link values); every
    stock is read at the start of the week and updated at the end."""
    ex = exogenous_week(is_q4, is_q4_ahead, s, p, k, demand_normal, seller_join_normal)
    prices = prices_week(t, s, p, k)
    experience = experience_week(t, s, p, k, ref, cut, prices)
    adoption = adoption_week(t, s, p, k, ref, cut, prices, experience, ex)
    churn = churn_week(s, p, k, cut, experience, adoption)
    demand = demand_week(s, p, cut, prices, experience, ex, churn.prime_share_effect)
    fulfillment = fulfillment_week(s, p, cut, demand.orders, prices.share_3p)
    sales = delivered_sales(demand, fulfillment, prices.share_3p)  # what was delivered
    desk = service_week(s, p, k, demand.orders)
    sellers = sellers_week(
        t,
        s,
        p,
        k,
        cut,
        sales.gmv,
        sales.demand_multiplier,
        prices.skus_for_sales,
        ex.seller_join_noise,
    )
    ads = advertising_week(s, p, sales.gmv_3p)
    money = finance_week(s, p, k, ref, cut, sales, prices.market_trend, ads)
    pricing = pricing_week(t, s, p, ref, cut, money, prices.market_trend)
    prime = prime_week(s, p, k, demand, experience.speed_relative, churn)
    plans = planner_week(
        t, s, p, k, cut, fulfillment.fc_demand, ex, desk, fulfillment.open_centers,
        lead_normals, outage_uniform, d,
    )  # fmt: skip
    funding = funding_week(s, p, money.operating_income_usd, money.depreciation_usd, plans.capex)
    record_outputs(
        o, s, prices, experience, adoption, churn, demand, sales, fulfillment, desk, sellers,
        money, pricing, prime, plans, funding,
    )  # fmt: skip
    if want_derived:  # outputs nothing else reads
        record_derived(o, s, p, ref, experience, churn, money)
    if want_gains:
        loop_gains(
            o, p, k, cut, adoption, demand, fulfillment, sellers, pricing,
            churn.prime_share_effect, s[layout.Stock.is_marketplace_open] != 0.0,
        )  # fmt: skip
    spend_next = spend_index_next(s, p, k, is_spend_from_data, online_share_ratio_next)
    update_stocks(
        s, p, k, ref, cut, experience, adoption, churn, sales, fulfillment, desk, sellers,
        money, pricing, prime, plans, funding, spend_next, is_market_from_data,
        internet_users_next,
    )  # fmt: skip


def compiled_modules() -> tuple[ModuleType, ...]:
    """The modules the compiled week is built from: the equations, their compiled forms (and
    the scipy functions they call, `special`), the row layouts, every sector and this file."""
    sector_modules = tuple(
        import_module(f"{sectors.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(sectors.__path__), key=lambda info: info.name)
    )
    own = inspect.getmodule(compiled_modules)
    assert own is not None
    return (
        eq, eq_acquisition, eq_finance, eq_network, eq_price, layout, parts, special, sectors,
        *sector_modules, own,
    )  # fmt: skip


def model_stamp() -> str:
    """A hash of what the compiled kernel is built from (`compiled_modules`) and the row
    layouts themselves (the lever order comes from the schema, the stocks from `state.py`)."""
    digest = hashlib.sha256()
    for module in compiled_modules():
        digest.update(inspect.getsource(module).encode())
    layouts = (
        STOCKS,
        tuple(Lever.__members__),
        TERMS,
        REFERENCES,
        HELD,
        OUTPUTS,
        DECISIONS,
    )
    digest.update(repr(layouts).encode())
    return digest.hexdigest()[:16]


guard_cache(week_kernel, model_stamp())
