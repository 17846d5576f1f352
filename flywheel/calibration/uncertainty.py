"""Parameter uncertainty of a calibration: a posterior sampled with emcee's affine-invariant
ensemble (Foreman-Mackey et al. 2013), the residual error model estimated with it
(`errormodel`: per-series scale and year-to-year correlation), resumable from a store.

The sampled vector is the fitted parameters in the unit cube of their bounds (log scale for
wide positive ranges, as in the fit; the prior is uniform there, so log-uniform on those), then
per fitted series log(tau) and rho (uniform priors within `errormodel.TAU_BOUNDS` and
`RHO_BOUNDS`). Every walker of a step is one candidate of a single lockstep batch
(`Problem.annual`), noise off as in the fit, so a step costs one simulation call.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from flywheel.calibration.data import CalibrationError
from flywheel.calibration.errormodel import (
    RHO_BOUNDS,
    TAU_BOUNDS,
    SeriesErrors,
    ar1_log_likelihood,
    estimate_errors,
)
from flywheel.calibration.objective import Problem
from flywheel.calibration.params import ParameterSpec, scenario_value
from flywheel.engine.streams import analysis_rng, sampler_random_state
from flywheel.scenario.files import write_atomic, write_text_atomic
from flywheel.scenario.writer import canonical_toml

Array = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]  # (steps done, steps wanted)
CHAIN_FILE = "chain.npz"
META_FILE = "meta.json"
START_SPREAD_UNIT = 0.01  # walkers start in a ball of this radius around the start point


@dataclass(frozen=True)
class Posterior:
    """The log posterior of a calibration problem over [unit parameters, log tau, rho]."""

    problem: Problem

    @property
    def names(self) -> tuple[str, ...]:
        series = [t.spec.column for t in self.problem.targets]
        return (
            tuple(p.name for p in self.problem.parameters)
            + tuple(f"tau:{c}" for c in series)
            + tuple(f"rho:{c}" for c in series)
        )

    @property
    def dimension(self) -> int:
        return len(self.problem.parameters) + 2 * len(self.problem.targets)

    def split(self, samples: Array) -> tuple[Array, Array, Array]:
        """(units (N, P), taus (N, K), rhos (N, K)) of sample rows (N, D)."""
        p, k = len(self.problem.parameters), len(self.problem.targets)
        samples = np.atleast_2d(samples)
        return samples[:, :p], np.exp(samples[:, p : p + k]), samples[:, p + k : p + 2 * k]

    def values(self, units: Array) -> Array:
        """Parameter values (N, P) of unit-cube rows."""
        return np.column_stack(
            [spec.from_unit(units[:, i]) for i, spec in enumerate(self.problem.parameters)]
        )

    def in_prior(self, samples: Array) -> Array:
        """(N,) whether each row lies inside the prior's support."""
        units, taus, rhos = self.split(samples)
        return (
            np.all((units >= 0.0) & (units <= 1.0), axis=1)
            & np.all((taus >= TAU_BOUNDS[0]) & (taus <= TAU_BOUNDS[1]), axis=1)
            & np.all((rhos >= RHO_BOUNDS[0]) & (rhos <= RHO_BOUNDS[1]), axis=1)
        )

    def __call__(self, samples: Array) -> Array:
        """Log posterior (N,) of sample rows (N, D), up to a constant; -inf outside the prior.
        Rows inside the prior run as one lockstep batch."""
        samples = np.atleast_2d(np.asarray(samples, dtype=float))
        out = np.full(samples.shape[0], -np.inf)
        inside = self.in_prior(samples)
        if not inside.any():
            return out
        units, taus, rhos = self.split(samples[inside])
        annual = self.problem.annual(self.values(units))
        total = np.zeros(units.shape[0])
        for k, target in enumerate(self.problem.targets):
            residuals = target.misses(annual[target.spec.column])
            total += ar1_log_likelihood(residuals, np.array(target.years), taus[:, k], rhos[:, k])
        out[inside] = np.where(np.isfinite(total), total, -np.inf)
        return out


def start_point(posterior: Posterior) -> tuple[Array, tuple[SeriesErrors, ...]]:
    """The sampler's centre: the scenario's own parameter values (the point fit) and, per
    series, the error model's maximum-likelihood estimate at them."""
    problem = posterior.problem
    units = np.array(
        [
            spec.to_unit(min(max(scenario_value(problem.scenario, spec), spec.low), spec.high))
            for spec in problem.parameters
        ]
    )
    annual = problem.annual(posterior.values(units[None, :]))
    errors = tuple(
        estimate_errors(t.spec.column, t.misses(annual[t.spec.column])[0], np.array(t.years))
        for t in problem.targets
    )
    vector = np.concatenate(
        [units, np.log([e.tau for e in errors]), np.array([e.rho for e in errors])]
    )
    return vector, errors


def problem_fingerprint(problem: Problem) -> str:
    """SHA-256 over what a chain depends on: the resolved scenario, the parameters and their
    bounds, the fitted series and their data, the noise setting and seed."""
    payload = {
        "scenario": canonical_toml(problem.scenario),
        "parameters": [[p.name, p.low, p.high, p.group] for p in problem.parameters],
        "targets": [[t.spec.column, list(t.years), list(t.values)] for t in problem.targets],
        "replications": problem.replications,
        "seed": problem.seed,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Chain:
    """A stored ensemble chain: samples (steps, walkers, D) and log posterior (steps,
    walkers), with the names of the D coordinates."""

    samples: Array
    log_probability: Array
    names: tuple[str, ...]
    acceptance: Array  # (walkers,) acceptance fraction

    @property
    def steps(self) -> int:
        return int(self.samples.shape[0])


def sample(
    problem: Problem,
    store: Path,
    walkers: int = 32,
    steps: int = 500,
    seed: int = 0,
    save_every: int = 25,
    progress: Progress | None = None,
) -> Chain:
    """Run (or resume) the ensemble until `steps` steps are stored in folder `store`.

    The chain is saved atomically every `save_every` steps (`chain.npz`, with the sampler's
    random state), so an interrupted run resumes where it stopped and gives the same chain
    as an uninterrupted one. A store made for a different problem is refused.
    """
    try:
        import emcee
    except ModuleNotFoundError:
        raise CalibrationError(
            "parameter uncertainty needs emcee: pip install 'flywheel[experiments]'"
        ) from None

    posterior = Posterior(problem)
    dimension = posterior.dimension
    if walkers < 2 * dimension:
        raise CalibrationError(
            f"walkers = {walkers}: emcee needs at least twice the {dimension} sampled "
            f"coordinates ({len(problem.parameters)} parameters + 2 per fitted series)"
        )
    store.mkdir(parents=True, exist_ok=True)
    fingerprint = problem_fingerprint(problem)
    stored = _load_store(store, fingerprint, walkers)
    guarded = _StopAtChunkEnd(posterior)
    sampler = emcee.EnsembleSampler(walkers, dimension, guarded, vectorize=True)
    if stored is None:
        centre, _ = start_point(posterior)
        rng = analysis_rng(seed)
        position = centre + START_SPREAD_UNIT * rng.standard_normal((walkers, dimension))
        position = _into_prior(posterior, position, centre)
        state = emcee.State(position, random_state=sampler_random_state(seed))
        history = (np.empty((0, walkers, dimension)), np.empty((0, walkers)), np.zeros(walkers))
        write_text_atomic(
            store / META_FILE,
            json.dumps(
                {"fingerprint": fingerprint, "walkers": walkers, "names": posterior.names,
                 "seed": seed, "scenario": problem.scenario.name,
                 "parameters": [[p.name, p.low, p.high, p.group] for p in problem.parameters],
                 "centre": {p.name: scenario_value(problem.scenario, p)
                            for p in problem.parameters}},
                indent=1,
            ),
        )  # fmt: skip
    else:
        state, history = stored
    done = history[0].shape[0]
    samples, log_probability, accepted = history
    accepted = accepted * done  # acceptance counts so far
    while done < steps:
        chunk = min(save_every, steps - done)
        sampler.reset()
        start = state
        for step, reached in enumerate(sampler.sample(start, iterations=chunk), start=1):
            state = reached  # the last one is where the next chunk starts
            if progress is not None and guarded.stop is None:
                progress(done + step, steps)
        if guarded.stop is not None:  # Ctrl-C or a stop signal: the chunk is not kept
            raise guarded.stop
        samples = np.concatenate([samples, sampler.get_chain()])
        log_probability = np.concatenate([log_probability, sampler.get_log_prob()])
        accepted = accepted + sampler.acceptance_fraction * chunk
        done += chunk
        _save_store(store, samples, log_probability, accepted / done, state)
    acceptance = accepted / max(done, 1)
    return Chain(samples, log_probability, posterior.names, acceptance)


class _StopAtChunkEnd:
    """The log posterior for emcee, with a stop signal held until the chunk ends.

    emcee prints a traceback for anything its likelihood call raises, KeyboardInterrupt
    included. So a stop (KeyboardInterrupt or the CLI's Terminated: any BaseException that is
    not an Exception) is caught here, the rest of the chunk returns -inf without running, and
    `sample` re-raises it before saving: the store keeps the last whole chunk and resumes from
    it as if never stopped.
    """

    def __init__(self, posterior: Posterior) -> None:
        self.posterior = posterior
        self.stop: BaseException | None = None

    def __call__(self, samples: Array) -> Array:
        if self.stop is None:
            try:
                return self.posterior(samples)
            except Exception:
                raise
            except BaseException as stop:  # noqa: BLE001 - re-raised by `sample`
                self.stop = stop
        return np.full(np.atleast_2d(samples).shape[0], -np.inf)


def _into_prior(posterior: Posterior, position: Array, centre: Array) -> Array:
    """Walkers pulled inside the prior's support (the centre may sit on a bound)."""
    p, k = len(posterior.problem.parameters), len(posterior.problem.targets)
    low = np.concatenate(
        [np.zeros(p), np.full(k, np.log(TAU_BOUNDS[0])), np.full(k, RHO_BOUNDS[0])]
    )
    high = np.concatenate(
        [np.ones(p), np.full(k, np.log(TAU_BOUNDS[1])), np.full(k, RHO_BOUNDS[1])]
    )
    margin = 1e-6
    return np.clip(position, low + margin, high - margin)


def _save_store(
    store: Path, samples: Array, log_probability: Array, acceptance: Array, state
) -> None:  # noqa: ANN001
    name, keys, position, has_gauss, cached = state.random_state
    write_atomic(
        store / CHAIN_FILE,
        lambda handle: np.savez(
            handle,
            samples=samples,
            log_probability=log_probability,
            acceptance=acceptance,
            position=state.coords,
            last_log_probability=state.log_prob,
            rng_keys=np.asarray(keys),
            rng_numbers=np.array([position, has_gauss, cached], dtype=float),
        ),
        binary=True,
    )


def _load_store(store: Path, fingerprint: str, walkers: int):  # noqa: ANN202
    """(state, (samples, log_probability, acceptance)) of a stored chain, or None."""
    import emcee

    meta_path, chain_path = store / META_FILE, store / CHAIN_FILE
    if not meta_path.exists():
        if chain_path.exists():
            raise CalibrationError(f"{store}: {CHAIN_FILE} without {META_FILE}; not a chain store")
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CalibrationError(f"{meta_path}: unreadable ({error})") from None
    if meta.get("fingerprint") != fingerprint or meta.get("walkers") != walkers:
        raise CalibrationError(
            f"{store}: holds a chain of another problem (scenario, parameters, series, "
            f"walkers or seed differ); choose a new --store folder"
        )
    if not chain_path.exists():
        return None
    with np.load(chain_path) as data:
        rng_numbers = data["rng_numbers"]
        random_state = (
            "MT19937",
            data["rng_keys"].astype(np.uint32),
            int(rng_numbers[0]),
            int(rng_numbers[1]),
            float(rng_numbers[2]),
        )
        state = emcee.State(
            data["position"], log_prob=data["last_log_probability"], random_state=random_state
        )
        return state, (data["samples"], data["log_probability"], data["acceptance"])


@dataclass(frozen=True)
class PosteriorDraws:
    """Parameter sets drawn from a chain: `values` by name (arrays of one length) and the
    values of the scenario the chain was centred on (`centre`)."""

    values: dict[str, Array]
    centre: dict[str, float]

    def overrides_for(self, scenario: Any) -> dict[str, Array]:
        """The draws as lever overrides for `scenario`, except levers the scenario sets to
        another value than the chain's centre (a counterfactual's own change stays)."""
        return {
            name: values
            for name, values in self.values.items()
            if math.isclose(float(getattr(scenario.levers, name)), self.centre[name], rel_tol=1e-12)
        }


def posterior_draws(
    store: Path, draws: int, burn_share: float = 0.5, seed: int = 0
) -> PosteriorDraws:
    """`draws` parameter sets sampled from a chain store's kept steps (after `burn_share`),
    for runs that carry parameter uncertainty (`flywheel compare-record --posterior`).
    CalibrationError when `store` holds no chain, or when a parameter is an initial value
    (those cannot vary within one batch)."""
    meta_path, chain_path = store / META_FILE, store / CHAIN_FILE
    if not (meta_path.exists() and chain_path.exists()):
        raise CalibrationError(f"{store}: not a chain store (no {META_FILE} and {CHAIN_FILE})")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        specs = [
            ParameterSpec(str(n), float(lo), float(hi), str(g))
            for n, lo, hi, g in meta["parameters"]
        ]
        centre = {str(k): float(v) for k, v in meta["centre"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CalibrationError(
            f"{meta_path}: unreadable or from an older flywheel ({error})"
        ) from None
    initial = [spec.name for spec in specs if spec.group != "levers"]
    if initial:
        raise CalibrationError(
            f"{store}: {', '.join(initial)} are initial values, which cannot vary within one "
            "batch; draw only from a chain of levers"
        )
    if not 0.0 <= burn_share < 1.0 or draws < 1:
        raise CalibrationError(f"draws = {draws}, burn = {burn_share}: need >= 1 and 0 <= burn < 1")
    with np.load(chain_path) as data:
        samples = data["samples"]
    kept = samples[int(samples.shape[0] * burn_share) :].reshape(-1, samples.shape[-1])
    rows = kept[analysis_rng(seed).choice(kept.shape[0], size=draws, replace=kept.shape[0] < draws)]
    values = {spec.name: spec.from_unit(rows[:, i]) for i, spec in enumerate(specs)}
    return PosteriorDraws(values, centre)
