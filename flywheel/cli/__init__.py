"""The `flywheel` command line (`main`)."""

from flywheel.cli.commands import main

__all__ = ["main"]
