"""Determinism: a (scenario, seed) pair gives the same numbers bit for bit, whatever the batch
size or the replication's position in it (STYLE.md section 5)."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.engine import streams
from flywheel.engine.streams import Noise, replication_rng, standard_normals, uniforms


@pytest.fixture(scope="module")
def short_baseline(baseline: flywheel.Scenario) -> flywheel.Scenario:
    """The baseline over its first three years (Prime launches in year 3)."""
    return dataclasses.replace(baseline, horizon_weeks=156)


def assert_same(left: flywheel.Results, right: flywheel.Results, row: int = 0) -> None:
    """Every output of `left` equals row `row` of `right`... bit for bit."""
    assert left.outputs == right.outputs
    for name in left.outputs:
        np.testing.assert_array_equal(left[name][0], right[name][row], err_msg=name)


def test_same_scenario_and_seed_give_identical_arrays(short_baseline: flywheel.Scenario) -> None:
    first = flywheel.simulate(short_baseline, replications=3, seed=42)
    second = flywheel.simulate(short_baseline, replications=3, seed=42)
    for name in first.outputs:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)
    assert first.frame().equals(second.frame())


def test_different_seeds_differ(short_baseline: flywheel.Scenario) -> None:
    one = flywheel.simulate(short_baseline, replications=2, seed=1)
    two = flywheel.simulate(short_baseline, replications=2, seed=2)
    assert not np.array_equal(one["orders"], two["orders"])
    assert not np.array_equal(one["sellers"], two["sellers"])


def test_replications_of_one_batch_differ(short_baseline: flywheel.Scenario) -> None:
    results = flywheel.simulate(short_baseline, replications=2, seed=1)
    assert not np.array_equal(results["orders"][0], results["orders"][1])


@pytest.mark.parametrize("replication", [0, 5, 7])
def test_replication_alone_equals_its_row_in_a_batch_of_8(
    short_baseline: flywheel.Scenario, replication: int
) -> None:
    batch = flywheel.simulate(short_baseline, replications=8, seed=9)
    alone = flywheel.simulate(short_baseline, replications=1, seed=9, first_replication=replication)
    assert alone.replication_ids.tolist() == [replication]
    assert_same(alone, batch, row=replication)


def test_replication_alone_equals_its_row_in_a_batch_of_1000(baseline: flywheel.Scenario) -> None:
    """A batch of 1000 over a year with random outages, lead times and events in force."""
    scenario = dataclasses.replace(
        baseline,
        horizon_weeks=52,
        events=(),
        levers=dataclasses.replace(baseline.levers, fc_outage_rate_per_year=5.0),
    )
    batch = flywheel.simulate(scenario, replications=1000, seed=123)
    for replication in (0, 517, 999):
        alone = flywheel.simulate(scenario, replications=1, seed=123, first_replication=replication)
        assert_same(alone, batch, row=replication)
    # the outages really are random: replications differ in FCs out of service
    assert np.unique(batch["fc_out_of_service"].sum(axis=1)).size > 10


def test_a_split_batch_equals_the_whole(short_baseline: flywheel.Scenario) -> None:
    whole = flywheel.simulate(short_baseline, replications=6, seed=4)
    first = flywheel.simulate(short_baseline, replications=2, seed=4)
    rest = flywheel.simulate(short_baseline, replications=4, seed=4, first_replication=2)
    for name in whole.outputs:
        np.testing.assert_array_equal(np.vstack([first[name], rest[name]]), whole[name])


def test_streams_do_not_depend_on_batch_or_order() -> None:
    forward = standard_normals(7, [0, 1, 2, 3], Noise.DEMAND, 10)
    backward = standard_normals(7, [3, 2, 1, 0], Noise.DEMAND, 10)
    np.testing.assert_array_equal(forward, backward[::-1])
    np.testing.assert_array_equal(
        forward[2], replication_rng(7, 2, Noise.DEMAND).standard_normal(10)
    )
    # each source has its own stream
    assert not np.array_equal(forward, standard_normals(7, [0, 1, 2, 3], Noise.SELLER_JOINS, 10))
    draws = uniforms(7, [0, 1], Noise.OUTAGES, 1000)
    assert ((draws >= 0.0) & (draws < 1.0)).all()
    # the documented equivalence with SeedSequence.spawn
    spawned = np.random.SeedSequence(7).spawn(5)[3].spawn(4)[int(Noise.LEAD_TIMES)]
    np.testing.assert_array_equal(
        replication_rng(7, 3, Noise.LEAD_TIMES).random(5),
        np.random.default_rng(spawned).random(5),
    )


def test_cli_run_twice_writes_identical_bytes(
    tmp_path: Path,
    cli: Callable[..., subprocess.CompletedProcess[str]],
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    from flywheel.scenario.loading import scenario_to_toml

    scenario_path = tmp_path / "short.toml"
    scenario_path.write_text(
        scenario_to_toml(scenario_factory(name="short", horizon_weeks=80)), encoding="utf-8"
    )
    outputs = []
    for name in ("first.csv", "second.csv"):
        result = cli(
            "run", scenario_path, "--replications", "3", "--seed", "8", "--out", tmp_path / name
        )
        assert result.returncode == 0, result.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 10_000


def test_simulate_can_record_only_some_outputs(short_baseline: flywheel.Scenario) -> None:
    """`outputs=` keeps only those series, with the very numbers of a full run; an unknown
    name is a clear error."""
    short = short_baseline
    full = flywheel.simulate(short, replications=4, seed=9)
    some = flywheel.simulate(short, replications=4, seed=9, outputs=("customers", "gain_R1"))
    assert some.outputs == ("customers", "gain_R1")
    for name in some.outputs:
        np.testing.assert_array_equal(some[name], full[name])
    with pytest.raises(ValueError, match=r"unknown output\(s\) \['nope'\]"):
        flywheel.simulate(short, replications=1, outputs=["customers", "nope"])


def test_kept_noise_is_read_only_and_keyed_by_seed_ids_and_weeks() -> None:
    ids = np.arange(3, dtype=np.int64)
    kept = streams.batch_noise(5, ids, 40)
    assert streams.batch_noise(5, ids.copy(), 40) is kept  # same key: the same draws
    assert not kept["demand"].flags.writeable
    fresh = streams._fresh_noise(5, ids, 40)
    for source, values in fresh.items():
        np.testing.assert_array_equal(kept[source], values, err_msg=source)
    for other in (streams.batch_noise(6, ids, 40), streams.batch_noise(5, ids + 1, 40)):
        assert not np.array_equal(other["demand"], kept["demand"])
    assert streams.batch_noise(5, ids, 41)["demand"].shape == (3, 41)
    many = np.arange(streams.NOISE_MEMO_MAX_VALUES // 40 + 1, dtype=np.int64)
    assert streams.batch_noise(5, many[:50], 40)["demand"].flags.writeable is False
    assert streams.batch_noise(5, many, 40)["demand"].flags.writeable  # too big to keep


@pytest.mark.parametrize(
    "outputs",
    [("customers",), ("nps_proxy", "orders"), ("gain_B5",), ("is_prime_launched", "gain_R4")],
)
def test_outputs_nothing_reads_are_skipped_only_when_not_recorded(
    short_baseline: flywheel.Scenario, outputs: tuple[str, ...]
) -> None:
    """The engine leaves out the derived outputs and the loop gains when the recorder keeps
    none of them; those it keeps have the numbers of a full run, and so does everything else."""
    from flywheel.engine.clock import stream_batch
    from flywheel.engine.recording import SeriesRecorder
    from flywheel.engine.step import EXTRA_OUTPUTS, extras_for

    full = flywheel.simulate(short_baseline, replications=3, seed=2)
    some = flywheel.simulate(short_baseline, replications=3, seed=2, outputs=outputs)
    for name in outputs:
        np.testing.assert_array_equal(some[name], full[name], err_msg=name)
    extras = extras_for(frozenset(outputs))
    assert extras == {g for g, names in EXTRA_OUTPUTS.items() if set(names) & set(outputs)}

    class Everything(SeriesRecorder):  # keeps what it is given; says nothing about outputs
        def __init__(self) -> None:
            super().__init__(short_baseline.horizon_weeks)
            del self.outputs

    series = stream_batch(short_baseline, np.arange(3), 2, Everything())
    assert set(series) == set(full.outputs)  # a recorder without `outputs` gets them all

    class Seen:
        def __init__(self) -> None:
            self.outputs, self.names = frozenset(outputs), set()

        def write(self, week: int, given: dict) -> None:
            self.names |= set(given)

        def finish(self) -> set[str]:
            return self.names

    computed = stream_batch(short_baseline, np.arange(3), 2, Seen())
    for group, names in EXTRA_OUTPUTS.items():
        assert set(names) <= computed if group in extras else not set(names) & computed
