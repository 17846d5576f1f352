"""Each loop knockout cuts what it names (docs/model.md "Loop knockouts", issue 18 item 3):
with the loop cut, its whole defining link is constant at its week-0 value, nothing its
driver does reaches the link's target, and the loop's gain is 0 every week (gains are computed
from the link the flows used, so a cut that left part of its loop running would show)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR as SHIPPED
from flywheel.scenario.loading import with_parameters
from flywheel.scenario.schema import LOOP_IDS

REPLICATIONS = 2
SEED = 7


def _run(
    scenario: flywheel.Scenario, *cut: str, seed: int = SEED, **levers: float
) -> flywheel.Results:
    """`scenario` with the loops `cut` and the `levers` set, REPLICATIONS runs from `seed`
    (test_price_cap and test_innovation_attractiveness run their cuts through it too)."""
    changed = with_parameters(scenario, levers) if levers else scenario
    return flywheel.simulate(
        dataclasses.replace(changed, knockouts=cut), replications=REPLICATIONS, seed=seed
    )


def _assert_constant(series: np.ndarray, name: str) -> None:
    """Every week of every replication equals that replication's week 0, to rounding."""
    np.testing.assert_allclose(
        series, series[:, :1] * np.ones_like(series), rtol=1e-9, err_msg=name
    )


def _assert_moves(series: np.ndarray, name: str) -> None:
    """With the loop on, the same quantity changes by more than 5 % (the test means something)."""
    change = np.abs(series / series[:, :1] - 1.0).max()
    assert change > 0.05, f"{name} moves only {change:.3g} with the loop on"


# Loops whose mechanism is off at the default levers, and the levers that switch it on.
MECHANISM_ON = {  # R6 with the shipping offers in its budget too (model.md#shipping-offers)
    "R6": {"acquisition_cost_usd_per_customer": 20.0, "acquisition_shipping_offer_share": 1.0}
}


@pytest.mark.parametrize("loop", LOOP_IDS)
def test_a_cut_loops_gain_is_zero_every_week(five_years: flywheel.Scenario, loop: str) -> None:
    results = _run(five_years, loop, **MECHANISM_ON.get(loop, {}))
    np.testing.assert_array_equal(results[f"gain_{loop}"], 0.0)
    on = _run(five_years, **MECHANISM_ON.get(loop, {}))
    assert np.any(on[f"gain_{loop}"] != 0.0)  # on, the loop acts


def test_r1_cut_holds_the_whole_word_of_mouth_pressure(five_years: flywheel.Scenario) -> None:
    """Imitation q C / M with its CX multiplier: constant at week 0's q C0 / M0 (R1 on, it
    grows with the customer base)."""
    cut = _run(five_years, "R1")["word_of_mouth_per_week"]
    _assert_constant(cut, "word_of_mouth_per_week")
    lv, init = five_years.levers, five_years.initial
    w0 = lv.bass_q_per_year / eq.WEEKS_PER_YEAR * init.customers / init.market_people
    np.testing.assert_allclose(cut, w0, rtol=1e-12)
    on = _run(five_years)["word_of_mouth_per_week"]
    assert np.all(on[:, -1] > 2.0 * on[:, 0])


def test_r1_cut_costs_at_least_a_quarter_of_the_customers(baseline: flywheel.Scenario) -> None:
    """Issue 18's target: the baseline with R1 cut reaches at most 75 % of the customers at
    year 10 that it reaches with R1 on (median of 4 replications, common random numbers)."""
    on = flywheel.simulate(baseline, replications=4, seed=SEED)["customers"][:, 519]
    cut = flywheel.simulate(dataclasses.replace(baseline, knockouts=("R1",)), 4, SEED)
    assert np.median(cut["customers"][:, 519]) <= 0.75 * np.median(on)


def test_r2_cut_holds_the_traffic_sellers_see(five_years: flywheel.Scenario) -> None:
    """Sales per seller = traffic * skus_per_seller / skus * (1 - take): with R2 cut the
    traffic is week 0's GMV at today's prices, so sales * skus / price_index is constant."""

    def traffic(results: flywheel.Results) -> np.ndarray:
        return results["sales_per_seller_usd"] * results["skus"] / results["price_index"]

    _assert_constant(traffic(_run(five_years, "R2")), "traffic at week-0 prices")
    _assert_moves(traffic(_run(five_years)), "traffic at week-0 prices")


def test_r3_cut_holds_the_cost_part_of_the_price(five_years: flywheel.Scenario) -> None:
    """The price target is the market trend times the cost part times the margin factor: with
    R3 cut, target / competitor price (no price war here) is constant."""

    def cost_part(results: flywheel.Results) -> np.ndarray:
        return results["price_target_index"] / results["competitor_price_index"]

    _assert_constant(cost_part(_run(five_years, "R3")), "price target / market")
    _assert_moves(cost_part(_run(five_years)), "price target / market")


def test_r4_cut_holds_the_members_effect_on_visits(five_years: flywheel.Scenario) -> None:
    """Visits per customer = visit rate * (1 + Prime share * uplift): with R4 cut the share is
    week 0's (0 here), so visits per customer stay constant after Prime's launch."""
    assert five_years.levers.spend_growth_per_year == 0.0  # visit rate per customer constant
    cut = _run(five_years, "R4")
    assert cut["prime_members"][:, -1].min() > 0  # members there, but they change no visits
    _assert_constant(cut["visits"] / cut["customers"], "visits per customer")
    on = _run(five_years)
    _assert_moves(on["visits"] / on["customers"], "visits per customer")


def test_r5_cut_makes_orders_deaf_to_reviews(five_years: flywheel.Scenario) -> None:
    """With R5 cut reviews and experiments still accumulate, but orders do not depend on
    them: twice the reviews per order give the very same orders."""
    few = _run(five_years, "R5")
    many = _run(five_years, "R5", reviews_per_order=2 * five_years.levers.reviews_per_order)
    assert many["reviews"][0, -1] > 1.5 * few["reviews"][0, -1]
    np.testing.assert_array_equal(many["orders"], few["orders"])
    on_few = _run(five_years)
    on_many = _run(five_years, reviews_per_order=2 * five_years.levers.reviews_per_order)
    assert not np.array_equal(on_many["orders"], on_few["orders"])


def test_b1_cut_holds_the_congestion_of_delivery() -> None:
    """In a demand surge, delivery days / their base stay at week 0's (1 here) with B1 cut;
    with B1 on congestion slows delivery."""
    surge = flywheel.load_scenario(SHIPPED / "demand_surge.toml")
    surge = dataclasses.replace(surge, horizon_weeks=364)

    def congestion(results: flywheel.Results) -> np.ndarray:
        return results["delivery_days"] / surge.levers.delivery_days_base

    _assert_constant(congestion(_run(surge, "B1")), "delivery congestion")
    _assert_moves(congestion(_run(surge)), "delivery congestion")


def test_b1_cut_holds_week_0s_congestion_when_the_run_starts_congested(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    """Held at week 0's value, not at the base: a run that starts with too few FCs keeps its
    week-0 delivery time with B1 cut."""
    scenario = scenario_factory(
        initial={"fulfillment_centers": 1.0, "customers": 9e6}, horizon_weeks=52
    )
    cut = _run(scenario, "B1")
    first = cut["delivery_days"][:, :1]
    assert np.all(first > 1.5 * scenario.levers.delivery_days_base)
    _assert_constant(cut["delivery_days"], "delivery days")


def test_b2_cut_makes_perceived_cx_deaf_to_the_desk(five_years: flywheel.Scenario) -> None:
    """With B2 cut (and R3, B5, through which staffing costs reach prices and capacity) half
    the agents give longer waits but the very same perceived CX."""
    loops = ("B2", "R3", "B5")
    full = _run(five_years, *loops)
    half = _run(five_years, *loops, service_staffing_share=0.5)
    assert half["queue_wait_hours"].max() > 2.0 * full["queue_wait_hours"].max()
    np.testing.assert_array_equal(half["perceived_cx"], full["perceived_cx"])
    on = _run(five_years, "R3", "B5", service_staffing_share=0.5)
    assert not np.array_equal(on["perceived_cx"], full["perceived_cx"])


def test_b3_cut_with_r1_cut_adopts_a_constant_share_of_a_constant_market(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    """R1 and B3 cut, a constant market, no churn: each week adopts ref.potential_share * M *
    (1 - e^{-(p + w0)}) (the exact Bass step at a constant rate), until the market runs out."""
    market, customers0 = 1e8, 5e6
    scenario = scenario_factory(
        levers={
            "churn_base_per_week": 0.0,
            "winback_rate_per_week": 0.0,
            "market_growth_per_year": 0.0,
            "market_ceiling_people": market,
            "marketing_share_of_revenue": eq.MARKETING_SHARE_REFERENCE,
        },
        initial={"customers": customers0, "market_people": market, "prime_members": 0.0},
        knockouts=list(LOOP_IDS),
        horizon_weeks=260,
    )
    results = flywheel.simulate(scenario, replications=2, seed=1)
    p = scenario.levers.bass_p_per_year / eq.WEEKS_PER_YEAR
    w0 = scenario.levers.bass_q_per_year / eq.WEEKS_PER_YEAR * customers0 / market
    weekly = (market - customers0) * -np.expm1(-(p + w0))
    potential = results["potential"]
    running = potential > weekly  # before the last, capped week
    assert running[:, :100].all()
    np.testing.assert_allclose(results["adoption"][running], weekly, rtol=1e-12)


def test_b4_cut_holds_the_skus_sellers_share(five_years: flywheel.Scenario) -> None:
    """With B4 cut sales per seller divide by week 0's SKUs: sales per seller / GMV constant."""

    def per_gmv(results: flywheel.Results) -> np.ndarray:
        return results["sales_per_seller_usd"] / results["gmv_usd"]

    _assert_constant(per_gmv(_run(five_years, "B4")), "sales per seller / GMV")
    _assert_moves(per_gmv(_run(five_years)), "sales per seller / GMV")


def test_b5_cut_makes_capacity_deaf_to_cash(five_years: flywheel.Scenario) -> None:
    """With B5 cut (and R3, through which costs reach prices) an overhead that drains the cash
    past the credit limit changes neither the FCs nor the agents; with B5 on it stops them."""
    drain = {"overhead_usd_per_week": 1e8}  # past the credit limit within a year
    lean = _run(five_years, "B5", "R3")
    drained = _run(five_years, "B5", "R3", **drain)
    # the drain passes the limit: insolvent, cash held at the limit, the rest unfunded
    assert (drained["insolvent"][:, -1] == 1.0).all()
    assert (drained["cash_usd"][:, -1] == -five_years.levers.credit_limit_usd).all()
    assert (drained["unfunded_loss_usd"].sum(axis=1) > 0).all()
    for output in ("fulfillment_centers", "agents"):
        np.testing.assert_array_equal(drained[output], lean[output], err_msg=output)
    on = _run(five_years, "R3", **drain)
    assert on["fulfillment_centers"][:, -1].max() < lean["fulfillment_centers"][:, -1].min()
