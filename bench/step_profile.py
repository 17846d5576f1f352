"""Where a small batch's time goes: numpy calls a week, what one call costs, time against R.

The app's lever change is bound by the weekly step's fixed cost (bench/RESULTS.md). This script
prints the three numbers behind that claim, measured here and now:

1. numpy calls per simulated week, by kind, in the app's configuration (a baseline run that
   records the app's outputs, loop gains included), counted by running the engine on arrays of
   an ndarray subclass whose `__array_ufunc__` / `__array_function__` count every call; and how
   many of those calls take a Python number as an operand;
2. what one call costs on 100 float64 values (one app worker's share of a 200-replication fan):
   array with array, array with a Python float (numpy 2's weak-scalar rules cost extra), exp,
   and a `count_nonzero` of a comparison;
3. the run time of that baseline against the number of replications (best of 7), which splits
   a run into its fixed per-week cost and its per-replication cost.

Run: .venv/bin/python bench/step_profile.py
"""

from __future__ import annotations

import collections
import sys
import time
import timeit
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flywheel import engine  # noqa: E402
from flywheel.scenario import Scenario  # noqa: E402
from flywheel.simulation import simulate  # noqa: E402
from flywheel.ui.cache import SUMMARY_OUTPUTS  # noqa: E402

CALLS: collections.Counter[str] = collections.Counter()
SCALAR_OPERAND = "(with a Python number as an operand)"
REPLICATIONS_CURVE = (1, 10, 50, 100, 200, 400)


class CountingArray(np.ndarray):
    """An ndarray that counts every numpy call made on it (the results are CountingArrays too)."""

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        CALLS[ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"] += 1
        if any(isinstance(x, int | float | np.generic) and not isinstance(x, bool) for x in inputs):
            CALLS[SCALAR_OPERAND] += 1
        plain = [_plain(x) for x in inputs]
        kwargs = {
            key: tuple(map(_plain, value)) if isinstance(value, tuple) else _plain(value)
            for key, value in kwargs.items()
        }
        result = getattr(ufunc, method)(*plain, **kwargs)
        if isinstance(result, tuple):
            return tuple(_counting(x) for x in result)
        return _counting(result)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        CALLS[func.__name__] += 1
        return super().__array_function__(func, types, args, kwargs)


def _plain(value: Any) -> Any:
    return value.view(np.ndarray) if isinstance(value, CountingArray) else value


def _counting(value: Any) -> Any:
    return value.view(CountingArray) if isinstance(value, np.ndarray) else value


def calls_per_week(replications: int = 100) -> tuple[int, collections.Counter[str]]:
    """(weeks, numpy calls of the whole run by kind) of the app's baseline fan configuration."""
    initial_state, lever_arrays = engine.initial_state, engine.lever_arrays

    def counting_state(*args: Any) -> Any:
        state = initial_state(*args)
        for name, value in vars(state).items():
            setattr(state, name, _counting(value))
        return state

    def counting_levers(*args: Any) -> dict[str, Any]:
        return {name: _counting(value) for name, value in lever_arrays(*args).items()}

    scenario = Scenario()
    engine.initial_state, engine.lever_arrays = counting_state, counting_levers
    try:
        CALLS.clear()
        simulate(scenario, replications, 0, outputs=SUMMARY_OUTPUTS)
    finally:
        engine.initial_state, engine.lever_arrays = initial_state, lever_arrays
    return scenario.horizon_weeks, collections.Counter(CALLS)


def call_costs_ns(values: int = 100) -> dict[str, float]:
    """Nanoseconds per call on `values` float64 values (best of 5 x 20 000)."""
    x, y = np.random.default_rng(0).random((2, values))
    cases = {
        "x * y (array, array)": lambda: x * y,
        "x * 2.0 (array, Python float)": lambda: x * 2.0,
        "np.maximum(x, y)": lambda: np.maximum(x, y),
        "np.maximum(x, 1e-9)": lambda: np.maximum(x, 1e-9),
        "np.exp(x)": lambda: np.exp(x),
        "np.count_nonzero(x > 0)": lambda: np.count_nonzero(x > 0),
    }
    return {
        name: min(timeit.repeat(case, number=20_000, repeat=5)) / 20_000 * 1e9
        for name, case in cases.items()
    }


def run_ms(replications: int, repeats: int = 7) -> float:
    """Best-of-`repeats` milliseconds of the app's baseline fan configuration."""
    scenario = Scenario()
    simulate(scenario, replications, 0, outputs=SUMMARY_OUTPUTS)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        simulate(scenario, replications, 0, outputs=SUMMARY_OUTPUTS)
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def main() -> None:
    """Print the three measures."""
    print(f"step_profile {time.strftime('%Y-%m-%d')} numpy {np.__version__}")
    weeks, calls = calls_per_week()
    scalar = calls.pop(SCALAR_OPERAND, 0)
    total = sum(calls.values())
    print(
        f"numpy calls a week (100 replications, the app's outputs): {total / weeks:.0f}, "
        f"{scalar / weeks:.0f} of them with a Python number as an operand"
    )
    top = ", ".join(f"{name} {count / weeks:.0f}" for name, count in calls.most_common(12))
    print(f"  by kind: {top}")
    print("one call on 100 float64 values:")
    for name, nanoseconds in call_costs_ns().items():
        print(f"  {name:32s} {nanoseconds:5.0f} ns")
    curve = {replications: run_ms(replications) for replications in REPLICATIONS_CURVE}
    print(
        "run time against replications (best of 7): "
        + ", ".join(f"R={r} {ms:.0f} ms" for r, ms in curve.items())
    )


if __name__ == "__main__":
    main()
