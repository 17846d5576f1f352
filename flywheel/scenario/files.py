"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".", ".tmp"  # `.NAME.XXXX.tmp` beside NAME


def is_leftover_temporary(path: Path) -> bool:
    """True for a temporary file `write_atomic` leaves behind when killed before its rename
    (`.NAME.XXXX.tmp`): never a finished file, safe to delete."""
    return (
        path.is_file()
        and path.name.startswith(TEMPORARY_PREFIX)
        and path.name.endswith(TEMPORARY_SUFFIX)
    )


def write_atomic(
    path: str | Path, write: Callable[[IO[Any]], object], binary: bool = False
) -> Path:
    """Write through `write(handle)` to a temporary file in the same folder, then rename.

    The temporary file is flushed and fsynced before `os.replace`, and removed if anything
    fails, so a crash or Ctrl-C leaves either the old file or the new one.
    """
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise FileNotFoundError(2, "folder does not exist", str(path.parent))
    descriptor, temporary = tempfile.mkstemp(
        prefix=f"{TEMPORARY_PREFIX}{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent or "."
    )
    try:
        with os.fdopen(
            descriptor,
            "wb" if binary else "w",
            **({} if binary else {"encoding": "utf-8", "newline": ""}),
        ) as handle:
            # mkstemp creates the file 0600; give the result the mode a plain open() would
            # (the replaced file's mode, else 0666 less the umask), not owner-only.
            os.chmod(temporary, _target_mode(path))
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError) and error.filename in (None, temporary):
            # A write error (disk full) names no file, or the hidden temporary one: name the
            # file the user asked for ("big.csv: No space left on device").
            raise OSError(error.errno, error.strerror or str(error), str(path)) from error
        raise
    return path


def _target_mode(path: Path) -> int:
    """Permission bits for a new file at `path`: those of the file it replaces, if any, else
    0666 less the process umask (as `open(path, "w")` would give)."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where /proc allows (thread-safe)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # no /proc: read by setting and restoring it
    os.umask(mask)
    return mask


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write text atomically (UTF-8)."""
    return write_atomic(path, lambda handle: handle.write(text))
