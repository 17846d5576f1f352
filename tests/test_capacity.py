"""Capacity that binds (issue 18, item 2; docs/model.md#fulfillment): orders that need the FCs
beyond what the open centres can ship are back-ordered and partly cancelled, and the FCs never
ship more than their capacity."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import scenario_from_dict

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.toml")) + sorted((SCENARIOS / "workshop").glob("0*.toml"))


def make_scenario(
    levers: dict[str, float], initial: dict[str, float] | None = None, **top: object
) -> flywheel.Scenario:
    """Defaults plus the given levers, initial values and top-level keys."""
    return scenario_from_dict({"levers": levers, "initial": initial or {}, **top})


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_fcs_never_ship_more_than_their_capacity_in_any_shipped_scenario(path: Path) -> None:
    """Every week and replication of every shipped scenario, noise on; and the FC orders are
    conserved: placed = delivered + cancelled + the change in back-orders."""
    results = flywheel.simulate(flywheel.load_scenario(path), replications=2, seed=5)
    shipped, capacity = results["fc_orders_shipped"], results["fc_capacity_orders"]
    assert np.all(shipped <= capacity)
    assert np.all(np.isfinite(results["utilisation"]))
    assert np.all(results["utilisation"] <= eq.MAX_UTILISATION)
    backlog = results["fc_backlog_orders"]
    placed, delivered = results["orders"], results["orders_delivered"]
    change = backlog[:, 1:] - backlog[:, :-1]
    np.testing.assert_allclose(
        placed[:, :-1],
        delivered[:, :-1] + results["orders_unfilled"][:, :-1] + change,
        rtol=1e-9,
        atol=1e-6 * placed.max(),
    )


def test_fc_shipping_ships_back_orders_first_and_cancels_a_share_of_the_rest() -> None:
    shipped, from_backlog, cancelled, backlog_next = eq.fc_shipping(
        np.array([30.0, 0.0, 5.0]),
        np.array([100.0, 50.0, 10.0]),
        np.array([80.0, 80.0, 0.0]),
        np.array([0.25, 0.25, 1.0]),
    )
    np.testing.assert_array_equal(shipped, [80.0, 50.0, 0.0])
    np.testing.assert_array_equal(from_backlog, [30.0, 0.0, 0.0])
    np.testing.assert_array_equal(cancelled, [12.5, 0.0, 15.0])
    np.testing.assert_array_equal(backlog_next, [37.5, 0.0, 0.0])


def test_utilisation_is_finite_with_no_fc_open() -> None:
    np.testing.assert_array_equal(
        eq.fc_utilisation(np.array([0.0, 5.0, 5.0]), np.array([0.0, 0.0, 10.0])), [0.0, 10.0, 0.5]
    )
    # the week: no centre and none opening; nothing ships, every FC order waits or is lost
    scenario = make_scenario(
        levers={"fc_lead_time_weeks": 260.0, "fc_lead_time_cv": 0.0, "fba_share_of_3p_orders": 1.0},
        initial={"fulfillment_centers": 0.0},
        horizon_weeks=30,
    )
    results = flywheel.simulate(scenario, replications=2, seed=1)
    assert np.all(results["fc_capacity_orders"] == 0.0)
    assert np.all(results["fc_orders_shipped"] == 0.0)
    assert np.all(results["utilisation"] == eq.MAX_UTILISATION)
    assert np.all(results["orders_delivered"] == 0.0)
    assert np.all(results["revenue_usd"] == results["prime_fees_usd"])
    assert np.all(results["orders_unfilled"][:, 1:] > 0.0)


def test_without_a_shortfall_sales_are_the_orders_placed() -> None:
    """Centres far bigger than demand: nothing waits, nothing is cancelled, and delivered
    orders and GMV are exactly what was placed."""
    scenario = make_scenario(
        levers={"fc_capacity_orders_per_week": 5e6}, initial={"fulfillment_centers": 20.0},
        horizon_weeks=156,
    )  # fmt: skip
    results = flywheel.simulate(scenario, replications=2, seed=3)
    assert np.all(results["orders_unfilled"] == 0.0)
    assert np.all(results["fc_backlog_orders"] == 0.0)
    np.testing.assert_array_equal(results["orders_delivered"], results["orders"])
    np.testing.assert_allclose(
        results["gmv_usd"],
        results["orders"] * scenario.levers.basket_usd * results["price_index"],
        rtol=1e-12,
    )


def test_seller_fulfilled_orders_bypass_the_fcs() -> None:
    """With no FBA, FCs ship only the 1P orders; with FBA on every 3P order, all orders."""
    common = {"fc_capacity_orders_per_week": 5e6}
    initial = {"fulfillment_centers": 20.0}
    none = make_scenario(levers=common | {"fba_share_of_3p_orders": 0.0}, initial=initial,
                         horizon_weeks=60)  # fmt: skip
    results = flywheel.simulate(none, replications=1, seed=0)
    share_3p = results["share_3p"]
    np.testing.assert_allclose(
        results["fc_orders_shipped"], results["orders"] * (1.0 - share_3p), rtol=1e-12
    )
    every = make_scenario(levers=common | {"fba_share_of_3p_orders": 1.0}, initial=initial,
                          horizon_weeks=60)  # fmt: skip
    results = flywheel.simulate(every, replications=1, seed=0)
    np.testing.assert_allclose(results["fc_orders_shipped"], results["orders"], rtol=1e-12)


def test_a_shortfall_loses_3p_sales_only_through_fba() -> None:
    """A network that cannot keep up: the 3P GMV sellers ship themselves is all delivered, so
    in a week that delivers fewer orders than were placed the delivered 3P share of GMV is
    above the SKU share."""
    scenario = make_scenario(
        levers={"fc_lead_time_weeks": 260.0, "fc_lead_time_cv": 0.0},
        horizon_weeks=156,
    )
    results = flywheel.simulate(scenario, replications=1, seed=0)
    short = results["orders_delivered"] < results["orders"] * (1 - 1e-9)  # fewer than placed
    assert short.sum() > 10
    delivered_3p_share = results["gmv_3p_usd"] / results["gmv_usd"]
    assert np.all(delivered_3p_share[short] > results["share_3p"][short])


def test_under_building_loses_orders_and_revenue() -> None:
    """fc_underbuild against the baseline over ten years, common random numbers."""
    totals = {}
    for name in ("baseline", "fc_underbuild"):
        results = flywheel.simulate(flywheel.load_scenario(SCENARIOS / f"{name}.toml"), 4, 0)
        totals[name] = {
            output: np.median(results[output].sum(axis=1))
            for output in ("orders", "orders_delivered", "orders_unfilled", "revenue_usd")
        }
    base, under = totals["baseline"], totals["fc_underbuild"]
    assert under["orders"] < 0.5 * base["orders"]
    assert under["revenue_usd"] < 0.5 * base["revenue_usd"]
    assert under["orders_unfilled"] > 0.05 * under["orders"]
    assert base["orders_unfilled"] < 1e-3 * base["orders"]


def test_b1_gain_is_the_delay_link_and_its_cut_keeps_the_capacity_limit() -> None:
    """gain_B1 = speed_elasticity * log(week 0's congestion / this week's), congestion =
    delivery days (lateness included) / their base; with B1 cut the delay is held but the
    capacity limit is physical: the under-built network still loses orders."""
    scenario = flywheel.load_scenario(SCENARIOS / "fc_underbuild.toml")
    results = flywheel.simulate(scenario, replications=1, seed=0)
    congestion = results["delivery_days"] / scenario.levers.delivery_days_base
    expected = scenario.levers.speed_elasticity * np.log(congestion[:, :1] / congestion)
    np.testing.assert_allclose(results["gain_B1"], expected, rtol=1e-9, atol=1e-12)
    cut = flywheel.simulate(dataclasses.replace(scenario, knockouts=("B1",)), 1, 0)
    np.testing.assert_allclose(cut["delivery_days"], cut["delivery_days"][0, 0], rtol=1e-12)
    assert cut["orders_unfilled"].sum() > 0  # the limit still binds
    assert (cut["fc_orders_shipped"] <= cut["fc_capacity_orders"] + 1e-6).all()
