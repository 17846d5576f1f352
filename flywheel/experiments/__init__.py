"""Experiments at speed: Monte Carlo, sweeps, sensitivity (SALib), loop attribution (also
from a date), the flywheel's share of an outcome and one-at-a-time lever importance.

Every experiment is cut into lockstep batches whose boundaries depend only on the experiment,
run by an executor (sequential by default, local processes, or Dask distributed), and
combined in batch order, so results are bit-identical across executors and worker counts.
Nothing here imports matplotlib, SALib or dask at import time.
"""

from flywheel.experiments.attribution import Attribution, attribute
from flywheel.experiments.executors import (
    AutoExecutor,
    Batch,
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SequentialExecutor,
    make_executor,
)
from flywheel.experiments.growth import REINFORCING_LOOPS, growth_share
from flywheel.experiments.importance import ImportancePlan, importance_plan, lever_importance
from flywheel.experiments.montecarlo import MonteCarlo, monte_carlo
from flywheel.experiments.outcomes import Outcome
from flywheel.experiments.sensitivity import (
    lever_problem,
    morris_indices,
    sensitivity,
    sobol_indices,
)
from flywheel.experiments.store import ResultsStore, StoreError
from flywheel.experiments.sweep import grid_points, insolvent_share, run_sweep, sample_points

__all__ = [
    "Attribution",
    "AutoExecutor",
    "Batch",
    "DaskExecutor",
    "Executor",
    "ImportancePlan",
    "MonteCarlo",
    "Outcome",
    "ProcessExecutor",
    "REINFORCING_LOOPS",
    "ResultsStore",
    "SequentialExecutor",
    "StoreError",
    "attribute",
    "grid_points",
    "growth_share",
    "importance_plan",
    "insolvent_share",
    "lever_importance",
    "lever_problem",
    "make_executor",
    "monte_carlo",
    "morris_indices",
    "run_sweep",
    "sample_points",
    "sensitivity",
    "sobol_indices",
]
