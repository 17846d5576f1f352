"""The selection level's log form (docs/model.md#selection, lever `selection_log_form_share`):
`1 - exp(-skus / k)` at 0 (the default, bit for bit), `log(1 + skus / k)` at 1, in proportion
between. Analytic identities, the off switch, the extreme of a huge catalogue and the
direction the docs claim (docs/calibration.md#refit-v10-market)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.scenario.loading import with_parameters

WEEKS = 416  # eight years: the marketplace's listings grow well past the 1P catalogue
SEED = 5
SCALE_SKUS = 1e6  # small beside the baseline's listings, so the two forms part


@pytest.fixture(scope="module")
def eight_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    scenario = dataclasses.replace(baseline, horizon_weeks=WEEKS)
    return with_parameters(scenario, {"selection_saturation_skus": SCALE_SKUS})


def _run(scenario: flywheel.Scenario, **levers: float) -> flywheel.Results:
    return flywheel.simulate(with_parameters(scenario, levers) if levers else scenario, 2, SEED)


def test_the_two_forms_and_the_blend() -> None:
    """Analytic: the exponential exactly at 0, log(1 + skus / k) at 1, linear between; both
    about skus / k for a small catalogue."""
    skus, k = np.array([1e4, 1e6, 1e8]), 1e7
    exponential = -np.expm1(-skus / k)
    np.testing.assert_array_equal(eq.selection_level(skus, k, 0.0), exponential)
    np.testing.assert_allclose(eq.selection_level(skus, k, 1.0), np.log1p(skus / k), rtol=1e-15)
    np.testing.assert_allclose(
        eq.selection_level(skus, k, 0.5), 0.5 * exponential + 0.5 * np.log1p(skus / k), rtol=1e-15
    )
    for share in (0.0, 1.0):
        assert eq.selection_level(1e4, k, share) == pytest.approx(1e-3, rel=1e-3)


def test_a_huge_catalogue_still_adds_selection_in_the_log_form() -> None:
    """Extreme condition: at 10 and 100 times k the exponential is full (a tenfold of SKUs adds
    under 0.01 %), the log adds log(101) / log(11) = 1.92 times."""
    k = 1e7
    exponential = eq.selection_level(1e9, k, 0.0) / eq.selection_level(1e8, k, 0.0)
    logarithmic = eq.selection_level(1e9, k, 1.0) / eq.selection_level(1e8, k, 1.0)
    assert exponential == pytest.approx(1.0, abs=1e-4)
    assert logarithmic == pytest.approx(np.log(101) / np.log(11), rel=1e-12)


def test_the_default_0_changes_nothing(eight_years: flywheel.Scenario) -> None:
    """Off switch: the default is 0, and setting it gives the same runs bit for bit."""
    assert eight_years.levers.selection_log_form_share == 0.0
    plain = _run(eight_years)
    explicit = _run(eight_years, selection_log_form_share=0.0)
    for name in plain.outputs:
        np.testing.assert_array_equal(explicit[name], plain[name], err_msg=name)


def test_the_selection_index_is_the_log_level_over_week_0s(eight_years: flywheel.Scenario) -> None:
    """Analytic, in a run: selection_index = log(1 + skus / k) / log(1 + skus(week 0) / k)."""
    run = _run(eight_years, selection_log_form_share=1.0)
    level = np.log1p(run["skus"] / SCALE_SKUS)
    assert run["skus"].max() > 10 * SCALE_SKUS  # far past the scale
    np.testing.assert_allclose(run["selection_index"], level / level[:, :1], rtol=1e-9)


def test_the_log_form_gives_more_selection_and_orders_as_listings_grow(
    eight_years: flywheel.Scenario,
) -> None:
    """Direction: with listings far past k, the log form's selection index and orders in the
    last year are higher than the exponential's, more so the higher the share."""
    runs = {share: _run(eight_years, selection_log_form_share=share) for share in (0.0, 0.5, 1.0)}
    last = slice(-52, None)
    selection = [runs[share]["selection_index"][:, last].mean() for share in (0.0, 0.5, 1.0)]
    orders = [runs[share]["orders"][:, last].sum() for share in (0.0, 0.5, 1.0)]
    assert selection[0] < selection[1] < selection[2]
    assert orders[0] < orders[1] < orders[2]
