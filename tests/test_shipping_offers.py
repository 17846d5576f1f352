"""Shipping offers as marketing, R6 (docs/model.md#shipping-offers): with paid acquisition on
and `acquisition_shipping_offer_share` > 0, the budget that buys new customers is last week's
marketing plus that share of last week's net shipping cost (the shipping cost less the share
`shipping_charged_share_of_cost` customers pay back); at 0 (the default) it is marketing alone.

The controlled case of tests/paid_acquisition_setup.py (no word of mouth, no events), so
`-log(1 - adoption / potential) x cost x market` recovers the budget each week
(tests/test_paid_acquisition.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import DatedKnockout, with_parameters
from tests.paid_acquisition_setup import CAC_USD, WEEKS, controlled_scenario
from tests.paid_acquisition_setup import run as _run

START = 60  # a dated cut's first week
CHARGED = 0.5  # the default share of the shipping cost customers pay back


@pytest.fixture(scope="module")
def controlled(baseline: flywheel.Scenario) -> flywheel.Scenario:
    """The baseline's first three years, paid acquisition on, no word of mouth, no events."""
    return controlled_scenario(baseline)


def _implied_budget_usd(results: flywheel.Results) -> np.ndarray:
    """The dollars a week that bought each week's innovators (USD/week; no word of mouth)."""
    innovation = -np.log1p(-results["adoption"] / results["potential"])
    return innovation * CAC_USD * results["market"]


def _budget_usd(results: flywheel.Results, offer_share: float) -> np.ndarray:
    """Marketing plus `offer_share` of the net shipping cost, each week (USD/week)."""
    net_shipping_usd = results["shipping_cost_usd"] * (1.0 - CHARGED)
    return results["marketing_usd"] + offer_share * net_shipping_usd


def test_the_offers_are_the_share_of_the_net_shipping_cost() -> None:
    assert eq.shipping_offer_budget_usd(100.0, 0.4, 1.0) == pytest.approx(60.0, rel=1e-15)
    assert eq.shipping_offer_budget_usd(100.0, 0.4, 0.5) == pytest.approx(30.0, rel=1e-15)
    assert eq.shipping_offer_budget_usd(100.0, 0.4, 0.0) == 0.0  # off
    assert eq.shipping_offer_budget_usd(100.0, 1.0, 1.0) == 0.0  # customers pay it all back
    assert eq.shipping_offer_budget_usd(-5.0, 0.4, 1.0) == 0.0  # never a negative budget


def test_the_default_0_keeps_the_runs_bit_for_bit(baseline: flywheel.Scenario) -> None:
    """Off (the default) with paid acquisition on, and on with paid acquisition off: the same
    bytes as without the lever (tests/reference guards every stored output)."""
    assert baseline.levers.acquisition_shipping_offer_share == 0.0
    short = dataclasses.replace(baseline, horizon_weeks=WEEKS)
    paid = with_parameters(short, {"acquisition_cost_usd_per_customer": CAC_USD})
    pairs = (
        (_run(paid), _run(paid, shipping_charged_share_of_cost=0.1)),
        (_run(short), _run(short, acquisition_shipping_offer_share=1.0)),
    )
    for plain, other in pairs:
        for name in plain.outputs:
            np.testing.assert_array_equal(other[name], plain[name], err_msg=name)


def test_the_budget_is_last_weeks_marketing_plus_the_offers(
    controlled: flywheel.Scenario,
) -> None:
    """Analytic: week t's paid innovators cost marketing(t - 1) + share x shipping(t - 1) x
    (1 - charged share), every week, at any share."""
    for share in (0.3, 1.0):
        results = _run(controlled, acquisition_shipping_offer_share=share)
        expected = _budget_usd(results, share)[:, :-1]
        np.testing.assert_allclose(_implied_budget_usd(results)[:, 1:], expected, rtol=1e-9)
        assert np.all(expected > 1.2 * results["marketing_usd"][:, :-1])  # the offers count


def test_offers_customers_pay_for_in_full_buy_nobody(controlled: flywheel.Scenario) -> None:
    """Extreme condition: when shipping charges cover the whole shipping cost the offers cost
    nothing, so they buy nothing (the run is the run without them)."""
    plain = _run(controlled)
    paid_back = _run(
        controlled, acquisition_shipping_offer_share=1.0, shipping_charged_share_of_cost=1.0
    )
    for name in plain.outputs:
        np.testing.assert_array_equal(paid_back[name], plain[name], err_msg=name)


def test_directions(controlled: flywheel.Scenario) -> None:
    """A larger offer share, more customers; customers paying more of the shipping, fewer."""
    customers = [
        _run(controlled, acquisition_shipping_offer_share=share)["customers"][:, -1]
        for share in (0.0, 0.5, 1.0)
    ]
    assert np.all(customers[1] > customers[0]) and np.all(customers[2] > customers[1])
    charged_more = _run(
        controlled, acquisition_shipping_offer_share=1.0, shipping_charged_share_of_cost=0.8
    )
    assert np.all(charged_more["customers"][:, -1] < customers[2])


def test_an_r6_cut_holds_the_offers_too(controlled: flywheel.Scenario) -> None:
    """Knockout: cut from week 0 the budget is week 0's marketing plus week 0's offers from
    week 1 on; cut from START, the week before's; R6's gain is 0 while cut."""
    cut = _run(controlled, "R6", acquisition_shipping_offer_share=1.0)
    budget = _implied_budget_usd(cut)[:, 1:]
    held = _budget_usd(cut, 1.0)[:, :1]
    np.testing.assert_allclose(budget, held * np.ones_like(budget), rtol=1e-9)
    np.testing.assert_array_equal(cut["gain_R6"], 0.0)
    dated = _run(
        controlled, DatedKnockout(loop="R6", week=START), acquisition_shipping_offer_share=1.0
    )
    budget = _implied_budget_usd(dated)[:, START:]
    held = _budget_usd(dated, 1.0)[:, START - 1 : START]
    np.testing.assert_allclose(budget, held * np.ones_like(budget), rtol=1e-9)
    np.testing.assert_array_equal(dated["gain_R6"][:, START:], 0.0)
