"""The library's one quantile function is numpy's default method, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from flywheel.results.quantiles import quantiles_over_replications, statistic_label

LEVELS = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)


@pytest.mark.parametrize("shape", [(1,), (2,), (37,), (1, 5), (9, 1), (40, 13)])
def test_equals_numpy_over_replications(shape):
    values = np.random.default_rng(sum(shape)).lognormal(size=shape) * 1e6
    got = quantiles_over_replications(values, LEVELS)
    expected = np.quantile(values, LEVELS, axis=0)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_a_strided_view_and_float32_values_give_numpys_numbers():
    values = np.random.default_rng(3).standard_normal((11, 30)).T  # (30, 11), not contiguous
    np.testing.assert_array_equal(
        quantiles_over_replications(values, LEVELS), np.quantile(values, LEVELS, axis=0)
    )
    single = values.astype(np.float32)
    np.testing.assert_array_equal(
        quantiles_over_replications(single, LEVELS), np.quantile(single, LEVELS, axis=0)
    )


@pytest.mark.parametrize(
    ("values", "levels", "needle"),
    [
        (np.zeros((2, 3, 4)), (0.5,), "expected (R,) or (R, weeks)"),
        (np.zeros((0, 3)), (0.5,), "at least one replication"),
        (np.zeros(4), (0.5, 1.5), "must lie in [0, 1]"),
    ],
)
def test_bad_input_is_refused(values, levels, needle):
    with pytest.raises(ValueError) as error:
        quantiles_over_replications(values, levels)
    assert needle in str(error.value)


def test_statistic_labels():
    assert [statistic_label(q) for q in (0.05, 0.5, 0.95, 1.0)] == ["q05", "q50", "q95", "q100"]
