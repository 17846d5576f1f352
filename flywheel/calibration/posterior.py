"""What a sampled posterior says: parameter intervals, identifiability, the error model,
convergence diagnostics, and posterior-predictive bands against the record
(docs/calibration.md, "Uncertainty").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from flywheel.calibration.data import metric_spec
from flywheel.calibration.errormodel import simulate_ar1
from flywheel.calibration.objective import ASINH_SCALE_SHARE, Problem
from flywheel.calibration.uncertainty import Chain, Posterior
from flywheel.engine.streams import analysis_rng

Array = npt.NDArray[np.float64]
QUANTILES = (0.05, 0.5, 0.95)
PINNED_WIDTH_SHARE = 0.3  # a 90 % interval under 30 % of the prior's: the data pin it down
UNIDENTIFIED_WIDTH_SHARE = 0.7  # over 70 %: the data hardly tell (prior width 90 % of range)
STRONG_CORRELATION = 0.8  # posterior pairs at least this correlated are listed (trade-offs)


def kept_samples(chain: Chain, burn_share: float = 0.5) -> Array:
    """(N, D) samples after dropping the first `burn_share` of the steps, walkers flattened."""
    if not 0.0 <= burn_share < 1.0:
        raise ValueError(f"burn_share = {burn_share}: expected 0 <= share < 1")
    first = int(chain.steps * burn_share)
    kept = chain.samples[first:]
    return kept.reshape(-1, kept.shape[-1])


def parameter_table(problem: Problem, chain: Chain, burn_share: float = 0.5) -> pd.DataFrame:
    """Per sampled coordinate: median and 90 % interval (parameter values; tau and rho of the
    error model), the interval's width as a share of the prior's, and a verdict: 'pinned',
    'weak' or 'not identified' (for fitted parameters)."""
    posterior = Posterior(problem)
    samples = kept_samples(chain, burn_share)
    units, taus, rhos = posterior.split(samples)
    values = posterior.values(units)
    rows = []
    for i, spec in enumerate(problem.parameters):
        low, mid, high = np.quantile(values[:, i], QUANTILES)
        unit_low, unit_high = np.quantile(units[:, i], (QUANTILES[0], QUANTILES[-1]))
        width = float(unit_high - unit_low) / (QUANTILES[-1] - QUANTILES[0])
        rows.append(
            {
                "name": spec.name,
                "median": mid,
                "q05": low,
                "q95": high,
                "prior_low": spec.low,
                "prior_high": spec.high,
                "width_share_of_prior": width,
                "verdict": _verdict(width),
            }
        )
    for k, target in enumerate(problem.targets):
        for label, column in (("tau", taus[:, k]), ("rho", rhos[:, k])):
            low, mid, high = np.quantile(column, QUANTILES)
            rows.append(
                {
                    "name": f"{label}:{target.spec.column}",
                    "median": mid,
                    "q05": low,
                    "q95": high,
                    "prior_low": np.nan,
                    "prior_high": np.nan,
                    "width_share_of_prior": np.nan,
                    "verdict": "error model",
                }
            )
    return pd.DataFrame(rows)


def _verdict(width_share: float) -> str:
    if width_share < PINNED_WIDTH_SHARE:
        return "pinned"
    if width_share > UNIDENTIFIED_WIDTH_SHARE:
        return "not identified"
    return "weak"


def strong_correlations(problem: Problem, chain: Chain, burn_share: float = 0.5) -> pd.DataFrame:
    """Pairs of fitted parameters whose posterior correlation (unit scale) is at least
    `STRONG_CORRELATION` in size: the data constrain their combination, not each one."""
    units = Posterior(problem).split(kept_samples(chain, burn_share))[0]
    names = [p.name for p in problem.parameters]
    if units.shape[1] < 2:
        return pd.DataFrame(columns=["first", "second", "correlation"])
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = np.corrcoef(units, rowvar=False)
    rows = [
        {"first": names[i], "second": names[j], "correlation": float(matrix[i, j])}
        for i in range(len(names))
        for j in range(i + 1, len(names))
        if np.isfinite(matrix[i, j]) and abs(matrix[i, j]) >= STRONG_CORRELATION
    ]
    return pd.DataFrame(rows, columns=["first", "second", "correlation"])


@dataclass(frozen=True)
class Diagnostics:
    """Convergence of the ensemble."""

    steps: int
    walkers: int
    acceptance_mean: float  # 0.2-0.5 is healthy for the stretch move
    autocorrelation_steps: float  # the largest integrated autocorrelation time over coordinates
    effective_samples: float  # kept walker-steps / autocorrelation time
    converged: bool  # the chain is at least 50 autocorrelation times long (emcee's rule)


def diagnostics(chain: Chain, burn_share: float = 0.5) -> Diagnostics:
    """Acceptance, autocorrelation time (emcee's estimator, `quiet`: a short chain gives a
    lower bound and `converged` False) and effective sample size."""
    import logging

    from emcee.autocorr import integrated_time

    first = int(chain.steps * burn_share)
    kept = chain.samples[first:]
    tau = np.inf
    if kept.shape[0] > 1:
        # quiet: a short chain logs a warning and gives a lower bound; we report it instead.
        # A coordinate no walker moved in (a stuck walker) has no autocorrelation (nan).
        log = logging.getLogger("emcee.autocorr")
        level, log.level = log.level, logging.ERROR
        try:
            with np.errstate(invalid="ignore", divide="ignore"):
                times = integrated_time(kept, quiet=True)
        finally:
            log.setLevel(level)
        tau = float(np.nanmax(times)) if np.isfinite(times).any() else np.inf
    tau = max(tau, 1.0)  # at least one step by definition (a 2-step chain can estimate 0)
    walkers = kept.shape[1]
    return Diagnostics(
        steps=chain.steps,
        walkers=walkers,
        acceptance_mean=float(np.mean(chain.acceptance)),
        autocorrelation_steps=tau,
        effective_samples=float(kept.shape[0] * walkers / tau) if np.isfinite(tau) else 0.0,
        converged=bool(np.isfinite(tau) and chain.steps >= 50 * tau),
    )


def predictive_bands(
    problem: Problem, chain: Chain, draws: int = 200, seed: int = 0, burn_share: float = 0.5
) -> pd.DataFrame:
    """Posterior-predictive bands per fitted series and year: `draws` posterior samples run as
    one batch, each with its error model's AR(1) noise added on the transform scale, back in
    the series' unit. Columns: metric, year, observed, q05, median, q95, fit_median (without
    the error model's noise)."""
    posterior = Posterior(problem)
    samples = kept_samples(chain, burn_share)
    rng = analysis_rng(seed)
    picked = samples[rng.choice(samples.shape[0], size=min(draws, samples.shape[0]), replace=False)]
    units, taus, rhos = posterior.split(picked)
    annual = problem.annual(posterior.values(units))
    frames = []
    for k, target in enumerate(problem.targets):
        years = np.array(target.years)
        model = target.transform(annual[target.spec.column])
        noise = np.vstack(
            [simulate_ar1(years, taus[i, k], rhos[i, k], 1, rng)[0] for i in range(len(picked))]
        )
        predicted = target.untransform(model + noise)
        low, mid, high = np.quantile(predicted, QUANTILES, axis=0)
        frames.append(
            pd.DataFrame(
                {
                    "metric": target.spec.column,
                    "year": years,
                    "observed": np.array(target.values),
                    "q05": low,
                    "median": mid,
                    "q95": high,
                    "fit_median": np.median(target.untransform(model), axis=0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def predictive_figure(bands: pd.DataFrame):  # noqa: ANN201 - a matplotlib Figure
    """One panel per fitted series: the 5-95 % posterior-predictive band, its median and the
    record's points."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = list(dict.fromkeys(bands["metric"]))
    figure, axes = plt.subplots(len(metrics), 1, figsize=(8, 3 * len(metrics)), squeeze=False)
    for axis, metric in zip(axes[:, 0], metrics, strict=True):
        rows = bands[bands["metric"] == metric]
        axis.fill_between(rows["year"], rows["q05"], rows["q95"], alpha=0.3, label="5-95 %")
        axis.plot(rows["year"], rows["median"], label="median")
        axis.plot(rows["year"], rows["observed"], "ko", markersize=3, label="record")
        transform = metric_spec(metric).transform
        if transform == "log" and (rows[["observed", "q05"]].to_numpy() > 0).all():
            axis.set_yscale("log")
        elif transform == "asinh":  # signed money: linear near 0, log beyond (as the fit sees it)
            scale = ASINH_SCALE_SHARE * float(np.median(np.abs(rows["observed"]))) or 1.0
            axis.set_yscale("symlog", linthresh=scale)
        axis.set_title(metric)
        axis.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    return figure


def write_posterior_report(
    problem: Problem, chain: Chain, store: Path, draws: int = 200, burn_share: float = 0.5
) -> dict[str, Path]:
    """posterior.csv, correlations.csv, predictive.csv, predictive.png and posterior.md in
    `store` (each written atomically)."""
    from flywheel.scenario.files import write_atomic, write_text_atomic

    table = parameter_table(problem, chain, burn_share)
    pairs = strong_correlations(problem, chain, burn_share)
    bands = predictive_bands(problem, chain, draws, burn_share=burn_share)
    checks = diagnostics(chain, burn_share)
    paths = {
        "posterior": store / "posterior.csv",
        "correlations": store / "correlations.csv",
        "predictive": store / "predictive.csv",
        "figure": store / "predictive.png",
        "summary": store / "posterior.md",
    }
    write_text_atomic(paths["posterior"], table.to_csv(index=False))
    write_text_atomic(paths["correlations"], pairs.to_csv(index=False))
    write_text_atomic(paths["predictive"], bands.to_csv(index=False))
    figure = predictive_figure(bands)
    write_atomic(paths["figure"], lambda h: figure.savefig(h, format="png", dpi=100), binary=True)
    write_text_atomic(paths["summary"], summary_markdown(table, pairs, bands, checks))
    return paths


def summary_markdown(
    table: pd.DataFrame, pairs: pd.DataFrame, bands: pd.DataFrame, checks: Diagnostics
) -> str:
    """The report's Markdown: diagnostics, parameters, error model, trade-offs, coverage."""
    inside = (bands["observed"] >= bands["q05"]) & (bands["observed"] <= bands["q95"])
    lines = [
        f"Chain: {checks.steps} steps x {checks.walkers} walkers; acceptance "
        f"{checks.acceptance_mean:.2f}; autocorrelation time {checks.autocorrelation_steps:.0f} "
        f"steps; about {checks.effective_samples:.0f} effective samples; "
        + ("converged (>= 50 autocorrelation times)." if checks.converged else
           "NOT converged (shorter than 50 autocorrelation times): intervals are indicative."),
        "",
        f"Posterior-predictive 90 % bands hold {inside.mean():.0%} of the {len(bands)} record "
        "points.",
        "",
        "| parameter | median | 90 % interval | prior | width / prior | verdict |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for row in table.itertuples():
        prior = "" if np.isnan(row.prior_low) else f"[{row.prior_low:.4g}, {row.prior_high:.4g}]"
        width = "" if np.isnan(row.width_share_of_prior) else f"{row.width_share_of_prior:.2f}"
        lines.append(
            f"| {row.name} | {row.median:.4g} | {row.q05:.4g} to {row.q95:.4g} | {prior} | "
            f"{width} | {row.verdict} |"
        )
    if len(pairs):
        lines += ["", "Strong posterior correlations (the data pin the combination):", ""]
        lines += [f"- {r.first} and {r.second}: {r.correlation:+.2f}" for r in pairs.itertuples()]
    return "\n".join(lines) + "\n"
