"""Random streams: one seed, one independent generator per (replication, noise source).

Replication k's numbers depend only on (seed, k, source), never on the batch size, the order
of replications or the executor. Nothing else in flywheel builds a generator.
"""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
LEAD_TIME_DRAWS = 64  # FC orders with their own lead-time draw; later orders reuse the last
# Noise of batches up to this many replication-weeks (1000 x 520, ~13 MB) is kept for reuse.
NOISE_MEMO_MAX_VALUES = 520_000


class Noise(IntEnum):
    """The model's noise sources; each has its own stream, so adding one shifts no other."""

    DEMAND = 0
    SELLER_JOINS = 1
    OUTAGES = 2
    LEAD_TIMES = 3


def replication_rng(seed: int, replication: int, source: Noise) -> np.random.Generator:
    """Generator for one noise source of one replication, whatever the batch size or executor.

    Equal to `SeedSequence(seed).spawn(n)[replication].spawn(m)[source]` for any n, m large enough.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, source)))


def sampler_random_state(seed: int) -> tuple[str, npt.NDArray[np.uint32], int, int, float]:
    """The legacy `RandomState` state tuple emcee's ensemble sampler takes (it keeps a
    `RandomState`), from an MT19937 seeded through a `SeedSequence` of `seed`, so a posterior
    chain is reproducible from its seed without touching global state."""
    state = np.random.MT19937(seed).state["state"]
    return ("MT19937", np.asarray(state["key"], dtype=np.uint32), int(state["pos"]), 0, 0.0)


def analysis_rng(seed: int) -> np.random.Generator:
    """A fresh generator seeded with `seed` for an analysis's own resampling (SALib's Sobol
    bootstrap). SALib 1.6's `sobol.analyze` tests `if seed:`, so an int seed 0 means "no
    seed" (global numpy state: irreproducible S1_conf / ST_conf); a Generator is always taken
    as given. `default_rng(default_rng(s))` is `default_rng(s)`, so every seed but 0 draws
    exactly what the int did."""
    return np.random.default_rng(seed)


def futures_rng(seed: int, first_id: int) -> np.random.Generator:
    """The generator of a Latin-hypercube draw of deep uncertainties (`experiments.futures`)
    for futures starting at replication id `first_id`: a search's futures and the fresh
    (out-of-sample) ones get independent draws from one seed."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(first_id,)))


def standard_normals(
    seed: int, replications: npt.ArrayLike, source: Noise, count: int
) -> npt.NDArray[np.float64]:
    """(len(replications), count) standard normal draws, row k from replication k's stream."""
    return _draws(seed, replications, source, count, "standard_normal")


def uniforms(
    seed: int, replications: npt.ArrayLike, source: Noise, count: int
) -> npt.NDArray[np.float64]:
    """(len(replications), count) uniform [0, 1) draws, row k from replication k's stream."""
    return _draws(seed, replications, source, count, "random")


def _draws(
    seed: int, replications: npt.ArrayLike, source: Noise, count: int, method: str
) -> npt.NDArray[np.float64]:
    ids = np.asarray(replications, dtype=np.int64)
    out = np.empty((ids.size, count))
    for row, replication in enumerate(ids):
        out[row] = getattr(replication_rng(seed, int(replication), source), method)(count)
    return out


def batch_noise(seed: int, ids: npt.NDArray[np.int64], weeks: int) -> dict[str, Array]:
    """Every noise draw of replications `ids` over `weeks` weeks, by source: "demand",
    "seller_joins" (standard normals, (R, weeks)), "outages" (uniforms, (R, weeks)) and
    "lead_times" (standard normals, (R, LEAD_TIME_DRAWS)), each row from its replication's
    own stream (batch-size invariant). The engine pre-draws them before the first week.

    The draws depend only on (seed, ids, weeks), not on the levers, so a small batch's are
    kept for the next run with the same ones (common random numbers: the app's next lever
    change, a sweep's next point), read-only. Building ~800 generators cost ~14 ms of a
    200-replication run; batches above `NOISE_MEMO_MAX_VALUES` are drawn afresh.
    """
    if ids.size * weeks > NOISE_MEMO_MAX_VALUES:
        return _fresh_noise(seed, ids, weeks)
    return _kept_noise(seed, ids.tobytes(), weeks)


@lru_cache(maxsize=4)
def _kept_noise(seed: int, ids_bytes: bytes, weeks: int) -> dict[str, Array]:
    noise = _fresh_noise(seed, np.frombuffer(ids_bytes, dtype=np.int64), weeks)
    for values in noise.values():
        values.setflags(write=False)
    return noise


def _fresh_noise(seed: int, ids: npt.NDArray[np.int64], weeks: int) -> dict[str, Array]:
    return {
        "demand": standard_normals(seed, ids, Noise.DEMAND, weeks),
        "seller_joins": standard_normals(seed, ids, Noise.SELLER_JOINS, weeks),
        "outages": uniforms(seed, ids, Noise.OUTAGES, weeks),
        "lead_times": standard_normals(seed, ids, Noise.LEAD_TIMES, LEAD_TIME_DRAWS),
    }
