"""The residual error model of a calibration: per fitted series, residuals (model minus data on
the series' transform scale: log, asinh or points / 10) follow a stationary AR(1) process over
the years, with marginal standard deviation `tau` and year-to-year correlation `rho`.

Why AR(1): a structural model misses the record in runs of years (a miss in 2008 is followed by
a miss in 2009), so treating years as independent would over-count the information in 28
annual points and make parameter intervals too narrow. Years missing from a series (e.g.
retail operating income in 2020) are gaps: two residuals `d` years apart correlate by
`rho ** d`. The estimated scales replace hand-chosen series weights (docs/calibration.md,
"Uncertainty").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

Array = npt.NDArray[np.float64]

TAU_BOUNDS = (1e-3, 5.0)  # marginal sd on the transform scale (a log miss of 0.1 % to 500 %)
RHO_BOUNDS = (-0.5, 0.95)  # year-to-year residual correlation allowed
LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True)
class SeriesErrors:
    """The error model of one fitted series."""

    column: str  # the annual column the series is compared with
    tau: float  # marginal standard deviation of a residual (transform scale)
    rho: float  # correlation of residuals one year apart


def ar1_log_likelihood(residuals: Array, years: Array, tau: Array, rho: Array) -> Array:
    """Log-likelihood of residual rows under a stationary AR(1) with gaps.

    `residuals` (C, n) over the sorted `years` (n,); `tau` and `rho` of shape (C,) or scalars.
    The first residual is N(0, tau^2); each next one, `d` years after the previous, is
    N(rho^d * previous, tau^2 (1 - rho^(2d))). Returns (C,).
    """
    residuals = np.atleast_2d(np.asarray(residuals, dtype=float))
    tau = np.broadcast_to(np.asarray(tau, dtype=float), residuals.shape[:1])[:, None]
    rho = np.broadcast_to(np.asarray(rho, dtype=float), residuals.shape[:1])[:, None]
    gaps = np.diff(np.asarray(years, dtype=float))
    if (gaps <= 0).any():
        raise ValueError(f"years must be strictly increasing: {list(years)}")
    first = residuals[:, :1]
    carried = rho ** gaps[None, :]
    innovations = residuals[:, 1:] - carried * residuals[:, :-1]
    variances = np.concatenate(
        [np.broadcast_to(tau**2, first.shape), tau**2 * (1.0 - carried**2)], axis=1
    )
    deviations = np.concatenate([first, innovations], axis=1)
    return -0.5 * np.sum(LOG_2PI + np.log(variances) + deviations**2 / variances, axis=1)


def estimate_errors(column: str, residuals: Array, years: Array) -> SeriesErrors:
    """Maximum-likelihood `tau` and `rho` of one series' residuals (n,), within the bounds."""
    residuals = np.asarray(residuals, dtype=float)
    spread = float(np.sqrt(np.mean(residuals**2))) or TAU_BOUNDS[0]
    start = np.array([np.log(np.clip(spread, *TAU_BOUNDS)), 0.3])

    def negative(x: Array) -> float:
        return -float(ar1_log_likelihood(residuals[None, :], years, np.exp(x[0]), x[1])[0])

    bounds = [tuple(np.log(TAU_BOUNDS)), RHO_BOUNDS]
    best = minimize(negative, start, bounds=bounds, method="L-BFGS-B")
    return SeriesErrors(column, float(np.exp(best.x[0])), float(best.x[1]))


def simulate_ar1(
    years: Array, tau: float, rho: float, draws: int, rng: np.random.Generator
) -> Array:
    """(draws, n) residual paths of the AR(1) error model over `years` (posterior-predictive
    observation noise)."""
    years = np.asarray(years, dtype=float)
    paths = np.empty((draws, years.size))
    paths[:, 0] = rng.normal(0.0, tau, draws)
    for i, gap in enumerate(np.diff(years), start=1):
        carried = rho**gap
        paths[:, i] = carried * paths[:, i - 1] + rng.normal(
            0.0, tau * np.sqrt(max(1.0 - carried**2, 0.0)), draws
        )
    return paths
