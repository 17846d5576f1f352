"""Streaming Monte Carlo: quantiles and means agree with the all-in-memory Results."""

from __future__ import annotations

import numpy as np
import pytest

import flywheel
from flywheel.experiments import monte_carlo

OUTPUTS = ("customers", "revenue_usd", "delivery_days")


def test_exact_quantiles_equal_results_quantiles(short):
    results = flywheel.simulate(short, replications=23, seed=4)
    mc = monte_carlo(short, 23, seed=4, outputs=OUTPUTS, chunk_size=5, exact=True)
    order = ["output", "statistic", "week"]
    expected = results.quantiles(OUTPUTS).sort_values(order, ignore_index=True)
    got = mc.quantiles().sort_values(order, ignore_index=True)
    quantile_rows = expected["statistic"] != "mean"
    np.testing.assert_array_equal(got["value"][quantile_rows], expected["value"][quantile_rows])
    np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
    for name in results.outputs:  # means cover every output, not only the kept ones
        np.testing.assert_allclose(
            mc.means[name], results[name].mean(axis=0), rtol=1e-12, atol=1e-300
        )


def test_float32_quantiles_within_rounding_and_memmap_identical(short, tmp_path):
    results = flywheel.simulate(short, replications=17, seed=1)
    in_memory = monte_carlo(short, 17, seed=1, outputs=OUTPUTS, chunk_size=6)
    mapped = monte_carlo(
        short, 17, seed=1, outputs=OUTPUTS, chunk_size=6, memmap_bytes=0, work_dir=tmp_path
    )
    for name in OUTPUTS:
        np.testing.assert_array_equal(in_memory.quantile_values[name], mapped.quantile_values[name])
        exact = np.quantile(results[name], in_memory.quantile_levels, axis=0)
        np.testing.assert_allclose(in_memory.quantile_values[name], exact, rtol=2e-7)
    assert list(tmp_path.iterdir()) == []  # the temporary memmap files are gone


def test_chunking_does_not_change_numbers_and_keep_all(short):
    a = monte_carlo(short, 12, seed=2, outputs=OUTPUTS, chunk_size=12, keep_all=True)
    b = monte_carlo(short, 12, seed=2, outputs=OUTPUTS, chunk_size=12)
    c = monte_carlo(short, 12, seed=2, outputs=OUTPUTS, chunk_size=5)
    for name in OUTPUTS:
        np.testing.assert_array_equal(a.quantile_values[name], b.quantile_values[name])
        np.testing.assert_array_equal(a.quantile_values[name], c.quantile_values[name])
    assert a.results is not None and b.results is None
    direct = flywheel.simulate(short, replications=12, seed=2)
    np.testing.assert_array_equal(a.results["customers"], direct["customers"])


def test_bad_input_is_a_clear_error(short):
    with pytest.raises(ValueError, match="unknown output"):
        monte_carlo(short, 3, outputs=["customers", "nope"])
    with pytest.raises(ValueError, match="replications"):
        monte_carlo(short, 0)
    with pytest.raises(ValueError, match="quantiles"):
        monte_carlo(short, 3, quantiles=(0.5, 1.5))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sorted_row_quantiles_equal_numpy_bit_for_bit(dtype):
    """The quantile pass (sort rows, read order statistics) is np.quantile, not an estimate."""
    from flywheel.results.quantiles import row_quantiles

    rng = np.random.default_rng(7)
    for trial in range(60):
        replications, weeks = int(rng.integers(1, 40)), int(rng.integers(1, 6))
        values = (rng.standard_normal((weeks, replications)) * 10.0 ** (trial % 9 - 3)).astype(
            dtype
        )
        if trial % 4 == 0:
            values = np.round(values)  # ties
        if trial % 5 == 0:
            values[0, rng.integers(replications)] = np.nan  # NaN in, NaN out (as numpy)
        levels = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0, float(rng.random()))
        got = row_quantiles(values, levels, block_bytes=int(rng.integers(1, 400)))
        expected = np.quantile(values, levels, axis=1)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_streamed_chunks_never_hold_the_whole_series(short, monkeypatch):
    """Without keep_all a chunk is reduced week by week: no SeriesRecorder is ever built (so
    memory does not grow with the chunk's weeks x outputs), and the numbers are the same."""
    from flywheel.experiments import executors

    reference = monte_carlo(short, 10, seed=3, outputs=OUTPUTS, chunk_size=4, keep_all=True)

    class NoSeries:
        def __init__(self, *args, **kwargs):
            raise AssertionError("a Monte Carlo chunk recorded its whole series")

    monkeypatch.setattr(executors, "SeriesRecorder", NoSeries)
    streamed = monte_carlo(short, 10, seed=3, outputs=OUTPUTS, chunk_size=4)
    for name in OUTPUTS:
        np.testing.assert_array_equal(
            streamed.quantile_values[name], reference.quantile_values[name]
        )
    for name, values in reference.means.items():
        np.testing.assert_array_equal(streamed.means[name], values)
    with pytest.raises(AssertionError, match="whole series"):
        monte_carlo(short, 10, seed=3, outputs=OUTPUTS, chunk_size=4, keep_all=True)
