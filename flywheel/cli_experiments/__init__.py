"""Command line of the experiments: `flywheel mc | sweep | sensitivity | attribute`.

Registered with `flywheel.cli.extra_command` when imported; rich progress bars on every run;
bad input is one message and exit 2 (mapped in `flywheel.cli.main`). Ctrl-C leaves a sweep
store resumable.
"""

from flywheel.cli_experiments import analysis, runs

__all__ = ["analysis", "runs"]
