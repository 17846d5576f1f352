"""CLI messages: one escaped `error:` / `warning:` line on stderr, OSErrors named by the file
the user gave, and output folders probed before any work. Used by every command."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flywheel.scenario.errors import ScenarioWarning, printable

__all__ = [
    "UsageError",
    "check_out_path",
    "describe_os_error",
    "print_error",
    "printable",
    "probe_folder",
    "scenario_warnings_on_stderr",
]


class UsageError(Exception):
    """Invalid command-line input (exit 2)."""


def print_error(error: object) -> None:
    """`error: MESSAGE` on stderr, one line: control characters in untrusted text (scenario
    names, keys, `--set` names, notes, paths) are shown as escapes, never sent raw."""
    print(f"error: {printable(error)}", file=sys.stderr)


def describe_os_error(error: OSError) -> str:
    """'PATH: reason' for an OSError: the file it concerns (a temporary `.NAME.XXXX.tmp` is
    named as the NAME it stands for), or its reason alone when it names none."""
    reason = error.strerror or str(error)
    name = error.filename
    if name is None:
        return reason
    path = Path(os.fsdecode(name))
    if path.name.startswith(".") and path.name.endswith(".tmp") and path.name.count(".") >= 3:
        path = path.with_name(path.name[1:].rsplit(".", 2)[0])  # .big.csv.k3j2.tmp -> big.csv
    return f"{path}: {reason}"


@contextlib.contextmanager
def scenario_warnings_on_stderr() -> Iterator[None]:
    """Show each ScenarioWarning as one escaped `warning: ...` line on stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", ScenarioWarning)
        show = warnings.showwarning

        def show_scenario_warning(message: Any, category: type, *rest: Any, **kw: Any) -> None:
            if issubclass(category, ScenarioWarning):
                print(f"warning: {printable(message)}", file=sys.stderr)
            else:
                show(message, category, *rest, **kw)

        warnings.showwarning = show_scenario_warning
        yield


def check_out_path(path: Path, suffixes: tuple[str, ...], flag: str = "--out") -> None:
    """Refuse an output path with the wrong suffix or in a missing folder (exit 2).

    Checked before simulating, so a typo costs no simulation time and writes nothing."""
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{flag} {path}: expected a {' or '.join(suffixes)} file")
    if not path.parent.is_dir():
        raise UsageError(f"{flag} {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a folder (expected a file name)")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{flag} {path}: the file is read-only (not writable)")
    probe_folder(path, flag)


def probe_folder(path: Path, flag: str) -> None:
    """UsageError unless a file can be created beside `path` (what the atomic writer does):
    a read-only folder or file system is found now, not after the simulation."""
    from flywheel.scenario.files import TEMPORARY_PREFIX, TEMPORARY_SUFFIX

    try:
        descriptor, probe = tempfile.mkstemp(
            prefix=f"{TEMPORARY_PREFIX}{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent
        )
    except OSError as error:
        raise UsageError(
            f"{flag} {path}: cannot write in folder {path.parent} ({error.strerror or error})"
        ) from None
    os.close(descriptor)
    os.unlink(probe)
