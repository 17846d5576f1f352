"""The marketplace's listings in the review lift and the selection level (R2, R5;
docs/model.md#reviews-and-experiments, #selection). Pure functions of numpy arrays (axis 0 =
replication) and floats, compiled for the week from this source (`parts`) like the rest of
`equations.py`, which re-exports them.
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


def selection_level(skus: Array, saturation_skus: Array, log_form_share: Array) -> Array:
    """Unnormalised selection level (dimensionless): `1 - exp(-skus / k)` at log form 0, in
    [0, 1); `log(1 + skus / k)` at 1, unbounded; in proportion between. Loop R2;
    model.md#selection.

    Why a log form: the exponential is full within a few k, so with k set from the 1P
    catalogue (about 0.1 at 1 M SKUs, parameters.md §4) the tens to hundreds of millions of 3P
    listings of the 2010s add nothing once the first few tens of millions are listed; the log
    adds as much for each tenfold of listings. Both are about skus / k for a small catalogue.
    At the default 0 the result is the exponential form exactly."""
    exponential = -np.expm1(-skus / saturation_skus)
    return exponential + log_form_share * (np.log1p(skus / saturation_skus) - exponential)
