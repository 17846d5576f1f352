"""Command line of the experiments: `flywheel mc | sweep | sensitivity | attribute | importance
| growth-share` and `flywheel check`.

Registered with `flywheel.cli.commands.extra_command` when imported; rich progress bars on
every run; bad input is one message and exit 2 (mapped in `flywheel.cli.commands.main`). Ctrl-C
leaves a sweep store resumable.
"""

from flywheel.cli.experiments import analysis, checks, growth, importance, runs

__all__ = ["analysis", "checks", "growth", "importance", "runs"]
