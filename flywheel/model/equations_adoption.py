"""The discovery equation of adoption (R2; docs/model.md#adoption): how much of what shoppers
search the web for a store lists, relative to week 0. A pure function of numpy arrays (axis 0 =
replication) and floats, compiled for the week from this source (`parts`) like the rest of
`equations.py`, which re-exports it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def discovery_factor(skus: Array, reference_skus: Array, elasticity: Array) -> Array:
    """Dimensionless multiplier of Bass innovation: the SKUs the store offers (count, 1P plus
    the 3P listings kept) over week 0's (count), to the power `elasticity`.
    Exactly 1 at elasticity 0 (the default, the model without discovery). Loop R2
    (sellers -> selection -> new shoppers); model.md#adoption.

    Why a power law: if demand over products follows a rank-sales power law, sales at rank r
    proportional to r^-b with b < 1 (Amazon's book ranks: b about 0.87, Brynjolfsson, Hu &
    Smith 2003), a store listing the N most sought products answers a share of the searches
    that grows as N^(1 - b); web searchers land on it in proportion (search engines index its
    product pages). So the elasticity is 1 - b, about 0.1-0.15; 0 for b >= 1 (a tail that
    converges). The count, not sales-weighted SKUs: the power law already weighs a listing
    further down the tail less."""
    ratio = np.maximum(skus, 1e-12) / np.maximum(reference_skus, 1e-12)
    return ratio**elasticity
