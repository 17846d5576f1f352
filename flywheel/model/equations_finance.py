"""The finance equation that charges capital to profit (B5; docs/model.md#financials): the
FC depreciation. Pure functions of numpy arrays (axis 0 =
replication) and floats, compiled for the week from this source (`parts`) like the rest of
`equations.py`, which re-exports them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

WEEKS_PER_YEAR = 52.0


def fc_depreciation_usd(
    fulfillment_centers: Array, fc_capex_usd: Array, fc_depreciation_years: Array
) -> Array:
    """USD/week of FC capex charged to fulfillment cost: each open centre's capex spread
    straight-line over `fc_depreciation_years`. Loop B5; model.md#financials.

    A non-cash cost: operating income (and so the target-margin price) covers it, cash does not
    pay it (capex was paid at order). Centres do not wear out in the model and pay no renewal
    capex, so an open centre is charged for as long as it is open: within its life (ten years
    of a 20-year life) this is straight-line depreciation; beyond it, a capital charge.
    """
    return (
        fulfillment_centers
        * fc_capex_usd
        / (np.maximum(fc_depreciation_years, 1.0) * WEEKS_PER_YEAR)
    )
