"""Command line of the experiments: `flywheel mc | sweep | sensitivity | attribute | importance
| growth-share | optimize | discover` and `flywheel check`.

Registered with `flywheel.cli.commands.extra_command` when imported; rich progress bars on
every run; bad input is one message and exit 2 (mapped in `flywheel.cli.commands.main`). Ctrl-C
leaves a sweep store resumable.
"""

from flywheel.cli.experiments import analysis, checks, decide, growth, importance, runs

__all__ = ["analysis", "checks", "decide", "growth", "importance", "runs"]
