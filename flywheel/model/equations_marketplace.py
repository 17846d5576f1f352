"""The marketplace's listings in the review lift (R2, R5; docs/model.md#reviews-and-experiments).
A pure function of numpy arrays (axis 0 = replication) and floats, compiled for the week from
this source (`parts`) like the rest of `equations.py`, which re-exports it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def reviewed_skus(skus: Array, skus_for_sales: Array, sales_weighting_share: Array) -> Array:
    """The SKUs (count) over which the reviews are spread for the review lift: every listing
    (`skus`) at weighting 0, the sales-weighted SKUs (`skus_for_sales`: 1P SKUs plus 3P ones
    times their relative sales) at 1, in proportion between. Loops R2, R5;
    model.md#reviews-and-experiments.

    Why: reviews are written per order, so a 3P listing that sells 4 % of a 1P one collects
    about 4 % of its reviews; counting it as a whole SKU dilutes the reviews shoppers see by
    listings they rarely buy. At the default 0 the result is `skus` exactly."""
    return skus + sales_weighting_share * (skus_for_sales - skus)
