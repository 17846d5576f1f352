"""Experiments at speed: Monte Carlo, sweeps, sensitivity (SALib), loop attribution (also
from a date), the flywheel's share of an outcome, one-at-a-time lever importance, robust
policy search (`optimize`, Optuna / pymoo) and scenario discovery (`discover`, EMA Workbench).

Every experiment is cut into lockstep batches whose boundaries depend only on the experiment,
run by an executor (sequential by default, local processes, or Dask distributed), and
combined in batch order, so results are bit-identical across executors and worker counts.
Nothing here imports matplotlib, SALib, dask, optuna, pymoo or ema_workbench at import time.
"""

from flywheel.experiments.attribution import Attribution, attribute
from flywheel.experiments.decide_outputs import out_of_sample
from flywheel.experiments.discovery import Discovery, discover
from flywheel.experiments.executors import (
    AutoExecutor,
    Batch,
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SequentialExecutor,
    make_executor,
)
from flywheel.experiments.futures import LeverRange, load_uncertainties, sample_futures
from flywheel.experiments.growth import REINFORCING_LOOPS, growth_share
from flywheel.experiments.importance import ImportancePlan, importance_plan, lever_importance
from flywheel.experiments.montecarlo import MonteCarlo, monte_carlo
from flywheel.experiments.outcomes import Outcome
from flywheel.experiments.policy_search import Optimization, optimize
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
    "Discovery",
    "Executor",
    "ImportancePlan",
    "LeverRange",
    "MonteCarlo",
    "Optimization",
    "Outcome",
    "ProcessExecutor",
    "REINFORCING_LOOPS",
    "ResultsStore",
    "SequentialExecutor",
    "StoreError",
    "attribute",
    "discover",
    "grid_points",
    "growth_share",
    "importance_plan",
    "insolvent_share",
    "lever_importance",
    "lever_problem",
    "load_uncertainties",
    "make_executor",
    "monte_carlo",
    "morris_indices",
    "optimize",
    "out_of_sample",
    "run_sweep",
    "sample_futures",
    "sample_points",
    "sensitivity",
    "sobol_indices",
]
