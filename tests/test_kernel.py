"""The compiled week (flywheel.model.kernel): its compiled equations are the interpreted ones
and keep their properties, its row layout matches the schema and the lever-only terms, and a
cached kernel built from other sources (equations, sectors) is dropped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from flywheel.model import equations as eq
from flywheel.model import kernel, kernel_cache
from flywheel.model import parts as kernel_parts
from flywheel.model.layout import OUTPUTS, STOCKS, TERMS, Lever
from flywheel.model.state import lever_arrays
from flywheel.model.terms import lever_terms
from flywheel.scenario.schema import Levers, field_infos

positive = st.floats(min_value=0.0, max_value=1e9, allow_nan=False)
rate = st.floats(min_value=0.0, max_value=5.0)


@settings(max_examples=300, deadline=None)
@given(customers=positive, potential=positive, market=st.floats(1.0, 1e10), p=rate, q=rate)
def test_compiled_bass_adoption_is_the_equation_and_stays_within_the_potential(
    customers, potential, market, p, q
) -> None:
    """The compiled equation is the interpreted one (same source, libm vs numpy's exp) and
    never adopts more people than are left."""
    args = (customers, potential, market, p, q)
    compiled = kernel_parts.bass_adoption(*args)
    np.testing.assert_allclose(compiled, eq.bass_adoption(*args), rtol=1e-13, atol=1e-300)
    assert 0.0 <= compiled <= potential


@settings(max_examples=300, deadline=None)
@given(
    scores=st.lists(st.floats(0.01, 10.0), min_size=5, max_size=5),
    weights=st.lists(st.floats(0.01, 5.0), min_size=5, max_size=5),
)
def test_compiled_customer_experience_is_a_mean_of_the_scores(scores, weights) -> None:
    """A weighted geometric mean lies between the lowest and the highest score."""
    cx = kernel_parts.customer_experience(*scores, *weights, sum(weights))
    np.testing.assert_allclose(cx, eq.customer_experience(*scores, *weights, sum(weights)))
    assert min(scores) * (1 - 1e-12) <= cx <= max(scores) * (1 + 1e-12)


@settings(max_examples=300, deadline=None)
@given(uniform=st.floats(0.0, 1.0, exclude_max=True), mean=st.floats(-1.0, 30.0))
def test_compiled_poisson_count_inverts_the_cdf(uniform, mean) -> None:
    """The count is the smallest n with cdf(n) >= u (scipy's ppf), capped at the maximum."""
    count = kernel_parts.poisson_count_from_uniform(uniform, mean)
    assert count == eq.poisson_count_from_uniform(uniform, mean)
    expected = min(stats.poisson.ppf(uniform, max(mean, 0.0)), eq.POISSON_MAX_COUNT)
    if abs(stats.poisson.cdf(expected, max(mean, 0.0)) - uniform) > 1e-9:  # not a tie
        assert count == expected


@settings(max_examples=300, deadline=None)
@given(
    contacts=st.floats(0.0, 1e8),
    backlog=st.floats(0.0, 1e7),
    agents=st.floats(0.0, 1e5),
    open_hours=st.floats(1.0, 168.0),
    productive=st.floats(0.05, 1.0),
    handle_minutes=st.floats(0.5, 60.0),
)
def test_service_desk_flows_conserve_contacts_and_stay_in_bounds(
    contacts, backlog, agents, open_hours, productive, handle_minutes
) -> None:
    """Served plus carried over is the demand; a backlog only above 98 % occupancy; waits
    and occupancy within their bounds."""
    carried, occupancy, backlog_wait, arrivals, servers, per_hour = kernel_parts.service_desk_flows(
        contacts, backlog, agents, open_hours, productive, handle_minutes
    )
    demand = contacts + backlog
    np.testing.assert_allclose(arrivals * open_hours + carried, demand, rtol=1e-12, atol=1e-6)
    assert carried >= 0.0 and 0.0 <= occupancy <= 1.0
    assert 0.0 <= backlog_wait <= eq.MAX_QUEUE_WAIT_HOURS
    assert per_hour == 60.0 / handle_minutes
    if carried > 0 and servers > 1e-12:  # (not a denormal number of agents on duty)
        assert arrivals / (servers * per_hour) == pytest.approx(eq.MAX_QUEUE_OCCUPANCY)
    if carried == 0:
        assert backlog_wait == 0.0


def test_row_layout_matches_the_schema_the_terms_and_the_outputs(baseline) -> None:
    assert [lever.name for lever in Lever] == list(field_infos(Levers))
    levers = lever_arrays(baseline, 2)
    assert set(TERMS) == set(lever_terms(levers)), "kernel_layout.TERMS is out of date"
    assert len(set(OUTPUTS)) == len(OUTPUTS)
    assert len(STOCKS) == len(set(STOCKS))


def test_a_kernel_cached_from_other_sources_is_dropped(monkeypatch, tmp_path: Path) -> None:
    """No marker for this model_stamp: the cache is flushed and the marker written (others
    removed); with the marker present nothing is flushed."""
    flushed: list[bool] = []

    class Cache:
        cache_path = str(tmp_path)

        def flush(self) -> None:
            flushed.append(True)

    monkeypatch.setattr(kernel.week_kernel, "_cache", Cache())
    (tmp_path / "flywheel-kernel-0000000000000000.stamp").touch()
    kernel_cache.guard_cache(kernel.week_kernel, kernel.model_stamp())
    assert flushed == [True]
    markers = sorted(p.name for p in tmp_path.glob("flywheel-kernel-*.stamp"))
    assert markers == [f"flywheel-kernel-{kernel.model_stamp()}.stamp"]
    kernel_cache.guard_cache(kernel.week_kernel, kernel.model_stamp())
    assert flushed == [True]


def test_model_stamp_follows_the_equations(monkeypatch) -> None:
    before = kernel.model_stamp()
    real = kernel.inspect.getsource

    def edited(module: object) -> str:
        text = real(module)  # type: ignore[arg-type]
        return text + "\n# edited" if module is eq else text

    monkeypatch.setattr(kernel.inspect, "getsource", edited)
    assert kernel.model_stamp() != before


def test_model_stamp_hashes_every_sector() -> None:
    """An edit of any sector's file must drop a cached kernel: each is in the stamp."""
    from flywheel.model import sectors

    hashed = {module.__name__ for module in kernel.compiled_modules()}
    files = sorted(Path(sectors.__file__).parent.glob("*.py"))
    assert len(files) >= 10
    for path in files:
        name = "" if path.stem == "__init__" else f".{path.stem}"
        assert f"flywheel.model.sectors{name}" in hashed, path.name


def test_scipys_special_functions_keep_the_compiled_week_cacheable() -> None:
    """The Erlang C wait calls scipy's gammaln and gammaincc by symbol, not by an address
    frozen into the code (a ctypes pointer): numba would refuse to cache the kernel on disk
    ("dynamic globals") and every process would compile it again (~6 s). `special` is in the
    model stamp, so an edit of it drops a cached kernel."""
    from flywheel.model import special

    assert kernel_parts.erlang_c_wait_hours(170.0, 20.0, 10.0) > 0.0
    compiled = kernel_parts.erlang_c_wait_hours.overloads.values()
    assert compiled and not any(each.library.has_dynamic_globals for each in compiled)
    assert special in kernel.compiled_modules()


def test_a_scipy_special_function_of_another_signature_is_refused(monkeypatch) -> None:
    """Called through a C pointer, a function whose signature scipy changed would take the
    wrong arguments silently: `special` checks the signature it was written for."""
    import scipy.special.cython_special as cython_special

    from flywheel.model import special

    capi = cython_special.__pyx_capi__
    monkeypatch.setitem(capi, "gammaln", capi["gammaincc"])  # two arguments, not one
    with pytest.raises(ImportError, match="gammaln"):
        special._external("gammaln", 1)


@pytest.mark.parametrize("replications", [1, 7])
def test_outputs_are_rewritten_in_place_so_recorders_copy(baseline, replications) -> None:
    """`LockstepWeek.outputs` are rows of one buffer: the second week's values replace the
    first's, in the same arrays (the recorders' contract: copy what you keep)."""
    from flywheel.engine.step import LockstepWeek
    from flywheel.engine.streams import batch_noise
    from flywheel.model.state import initial_state

    ids = np.arange(replications, dtype=np.int64)
    levers = lever_arrays(baseline, replications)
    lockstep = LockstepWeek(initial_state(baseline, replications), frozenset())
    lockstep.set_levers(levers, lever_terms(levers))
    lockstep.set_noise(batch_noise(0, ids, 3))
    lockstep.advance(0, False, False)
    customers = lockstep.outputs["customers"]
    week0 = customers.copy()
    lockstep.advance(1, False, False)
    assert lockstep.outputs["customers"] is customers
    assert not np.array_equal(customers, week0)


def test_one_compiled_signature_for_small_large_and_overridden_batches() -> None:
    """Every way the engine calls the kernel passes the same argument types, so numba compiles
    (or loads) it once: a read-only or differently laid-out array would mean another ~6 s
    compile in the middle of a run (the memoised noise of small batches once did that)."""
    import flywheel
    from flywheel.engine.streams import NOISE_MEMO_MAX_VALUES

    short = flywheel.Scenario(horizon_weeks=52)
    flywheel.simulate(short, replications=2, seed=0)
    flywheel.simulate(short, replications=NOISE_MEMO_MAX_VALUES // 52 + 1, seed=0)
    flywheel.simulate(
        short, 3, 0, lever_overrides={"pass_through_share": [0.1, 0.5, 0.9]}, outputs=["orders"]
    )
    from flywheel.engine.step import LockstepWeek
    from flywheel.engine.streams import LEAD_TIME_DRAWS
    from flywheel.model.state import initial_state

    levers = lever_arrays(short, 2)
    lockstep = LockstepWeek(initial_state(short, 2), frozenset())
    lockstep.set_levers(levers, lever_terms(levers))
    writable = {name: np.zeros((2, 52)) for name in ("demand", "seller_joins", "outages")}
    lockstep.set_noise({**writable, "lead_times": np.zeros((2, LEAD_TIME_DRAWS))})
    lockstep.advance(0, False, False)  # a caller's own (writable) noise: the same types
    assert len(kernel.week_kernel.signatures) == 1, kernel.week_kernel.signatures
