"""Random streams: one seed, one independent generator per (replication, noise source).

Replication k's numbers depend only on (seed, k, source), never on the batch size, the order
of replications or the executor. Nothing else in flywheel builds a generator.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import numpy.typing as npt


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
