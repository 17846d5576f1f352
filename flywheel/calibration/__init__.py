"""Calibration of a scenario to annual public figures (docs/calibration.md).

Steps: `load_history` (long CSV; `load_record` adds the like-with-like series built with the
segment file, `comparable.py`) -> `build_targets` (metric mapping, years, confidence) ->
`Problem` (scenario + `parse_parameters` specs) -> `fit` (Sobol screen + least squares, progress
through a callback) -> `write_report` (calibrated TOML, PNG, Markdown, JSON). The library never
prints; `flywheel.cli.calibration` is the command line.
"""

from flywheel.calibration.comparable import comparable_record, load_record
from flywheel.calibration.data import CalibrationError, History, load_history, metric_spec
from flywheel.calibration.fit import FitResult, fit
from flywheel.calibration.objective import Problem, Target, build_targets
from flywheel.calibration.params import ParameterSpec, parse_parameter, parse_parameters

__all__ = [
    "CalibrationError",
    "FitResult",
    "History",
    "ParameterSpec",
    "Problem",
    "Target",
    "build_targets",
    "comparable_record",
    "fit",
    "load_history",
    "load_record",
    "metric_spec",
    "parse_parameter",
    "parse_parameters",
]
