"""The review lift over sales-weighted SKUs (docs/model.md#reviews-and-experiments, lever
`review_sales_weighting_share`): reviews are spread over `skus + share x (skus_for_sales -
skus)`, every listing at 0 (the default, bit for bit), the 1P SKUs plus the 3P ones weighted by
`sales_per_3p_sku_relative` at 1. Analytic identities, the off switch, the extreme values and
the direction the docs claim (docs/calibration.md#refit-v10-market)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import with_parameters

WEEKS = 416  # eight years: the marketplace opens and its listings outnumber the 1P ones
SEED = 5
SKU_WEIGHT = 0.04  # a 3P listing sells 4 % of a 1P one (the sourced value, parameters.md §4)


@pytest.fixture(scope="module")
def eight_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    return dataclasses.replace(baseline, horizon_weeks=WEEKS)


def _run(scenario: flywheel.Scenario, **levers: float) -> flywheel.Results:
    return flywheel.simulate(with_parameters(scenario, levers) if levers else scenario, 2, SEED)


def test_the_reviewed_skus_run_from_every_listing_to_the_sales_weighted_ones() -> None:
    """Analytic: `skus` exactly at 0, `skus_for_sales` at 1, linear between."""
    skus, for_sales = np.array([2e6, 5e7]), np.array([2e6, 4e6])
    np.testing.assert_array_equal(eq.reviewed_skus(skus, for_sales, 0.0), skus)
    np.testing.assert_allclose(eq.reviewed_skus(skus, for_sales, 1.0), for_sales, rtol=1e-15)
    np.testing.assert_allclose(
        eq.reviewed_skus(skus, for_sales, 0.25), 0.75 * skus + 0.25 * for_sales, rtol=1e-15
    )


def test_the_default_0_changes_nothing(eight_years: flywheel.Scenario) -> None:
    """Off switch: the default is 0, and setting it gives the same runs bit for bit."""
    assert eight_years.levers.review_sales_weighting_share == 0.0
    plain = _run(eight_years, sales_per_3p_sku_relative=SKU_WEIGHT)
    explicit = _run(
        eight_years, sales_per_3p_sku_relative=SKU_WEIGHT, review_sales_weighting_share=0.0
    )
    for name in plain.outputs:
        np.testing.assert_array_equal(explicit[name], plain[name], err_msg=name)


def test_with_whole_3p_skus_the_weighting_is_moot(eight_years: flywheel.Scenario) -> None:
    """Extreme condition: at `sales_per_3p_sku_relative` 1 the sales-weighted SKUs are the SKUs,
    so full weighting changes nothing."""
    plain = _run(eight_years)
    weighted = _run(eight_years, review_sales_weighting_share=1.0)
    np.testing.assert_allclose(weighted["orders"], plain["orders"], rtol=1e-12)
    np.testing.assert_allclose(weighted["review_index"], plain["review_index"], rtol=1e-12)


def test_the_review_index_is_the_lift_over_the_sales_weighted_skus(
    eight_years: flywheel.Scenario,
) -> None:
    """Analytic, in a run: review_index = review_effect(reviews, skus_1p + w (skus - skus_1p))
    over week 0's lift, where `reviews` is the stock the week starts with."""
    run = _run(eight_years, sales_per_3p_sku_relative=SKU_WEIGHT, review_sales_weighting_share=1.0)
    levers = eight_years.levers
    for_sales = levers.skus_1p + SKU_WEIGHT * (run["skus"] - levers.skus_1p)
    assert (run["skus"] / for_sales).max() > 3.0  # the 3P listings would dilute 3-fold or more
    lift = eq.review_effect(
        run["reviews"],
        for_sales,
        levers.review_effect_max_index,
        levers.review_saturation_reviews_per_sku,
    )
    np.testing.assert_allclose(run["review_index"], lift / lift[:, :1], rtol=1e-9)


def test_weighting_by_sales_lifts_reviews_and_orders_once_sellers_list(
    eight_years: flywheel.Scenario,
) -> None:
    """Direction: with light 3P listings, counting them by their sales raises the review lift
    and the orders once the marketplace's listings outnumber the 1P ones, more so the higher
    the share."""
    runs = {
        share: _run(
            eight_years, sales_per_3p_sku_relative=SKU_WEIGHT, review_sales_weighting_share=share
        )
        for share in (0.0, 0.5, 1.0)
    }
    last = slice(-52, None)
    reviews = [runs[share]["review_index"][:, last].mean() for share in (0.0, 0.5, 1.0)]
    orders = [runs[share]["orders"][:, last].sum() for share in (0.0, 0.5, 1.0)]
    assert reviews[0] < reviews[1] < reviews[2]
    assert orders[0] < orders[1] < orders[2]
