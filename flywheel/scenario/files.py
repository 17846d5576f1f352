"""Atomic file and folder writes: a reader sees the old file (folder) or the new one, never
half of one or a mix of both."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
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
    temporary = None
    try:
        with stop_signals_held():  # a signal between creating the file and naming it would leak it
            descriptor, temporary = tempfile.mkstemp(
                prefix=f"{TEMPORARY_PREFIX}{path.name}.",
                suffix=TEMPORARY_SUFFIX,
                dir=path.parent or ".",
            )
        # a signal from here on unwinds through the cleanup below
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
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        if isinstance(error, OSError) and error.filename in (None, temporary):
            # A write error (disk full) names no file, or the hidden temporary one: name the
            # file the user asked for ("big.csv: No space left on device").
            raise OSError(error.errno, error.strerror or str(error), str(path)) from error
        raise
    return path


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM} | (
    {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()
)


_held = 0  # how many `stop_signals_held` blocks are open (in this process)
_pending: list[int] = []  # stop signals that arrived while one was open


def defer_stop_signal(signum: int) -> bool:
    """For a stop-signal handler (the CLI's): True while a temporary file or folder is being
    created and named (`stop_signals_held`), the signal then being kept and raised again when
    the block closes. A signal can reach the handler whatever the blocked mask of the main
    thread, through another thread (a progress bar's, a library's), so the mask alone does not
    close that window."""
    if _held:
        _pending.append(signum)
        return True
    return False


@contextlib.contextmanager
def stop_signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the block closes: blocked in this thread (POSIX)
    and deferred by the CLI's handler (`defer_stop_signal`); then raised again, so they unwind
    through the caller's cleanup with its temporary already named."""
    global _held
    mask = _block_stop_signals()
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        _restore_signals(mask)
        if not _held and _pending:
            signum = _pending[0]
            _pending.clear()
            signal.raise_signal(signum)


def _block_stop_signals() -> set[signal.Signals] | None:
    """Hold SIGINT, SIGTERM and SIGHUP pending in this thread (POSIX); the previous mask."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def _restore_signals(mask: set[signal.Signals] | None) -> None:
    """Put the signal mask back (a pending signal is then handled); idempotent."""
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


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


# Folder outputs (`flywheel mc --out DIR`) are written whole into `.DIR.PID.XXXX.tmp` beside
# DIR and swapped in; the fallback swap parks the old folder at `.DIR.backup` for a moment.
BACKUP_SUFFIX = ".backup"
AT_FDCWD = -100  # <fcntl.h>: paths relative to the working folder
RENAME_EXCHANGE = 2  # <linux/fs.h>: swap two existing paths atomically


@contextlib.contextmanager
def replaced_folder(path: str | Path) -> Iterator[Path]:
    """Yield a new empty folder beside `path` to write into; on success it replaces `path` as
    a unit (a reader sees the whole old folder or the whole new one, never a mix); on any
    exception (Ctrl-C, SIGTERM through the CLI's handler) it is removed and `path` is intact.

    The swap is `renameat2(RENAME_EXCHANGE)` where the platform has it (Linux 3.15+, glibc
    2.28+); elsewhere `path` is renamed to `.NAME.backup`, the new folder renamed to `path`,
    and the backup removed: a crash between the two renames leaves no `path`, and the next
    call (`recover_folder`) puts the backup back. Leftovers of killed writers (their process
    gone) are removed at the next call.
    """
    path = Path(os.path.abspath(path))  # `.` and `x/..` have no name to put beside
    if path.is_symlink():
        path = path.resolve()  # replace the folder the link points to, keep the link
    recover_folder(path)
    temporary: Path | None = None
    try:
        with stop_signals_held():  # as in write_atomic: the folder is named before a signal
            temporary = Path(
                tempfile.mkdtemp(
                    prefix=f"{TEMPORARY_PREFIX}{path.name}.{os.getpid()}.",
                    suffix=TEMPORARY_SUFFIX,
                    dir=path.parent,
                )
            )
        os.chmod(temporary, _folder_mode(path))
        yield temporary
        _fsync_folder(temporary)
        swap_folder(temporary, path)
    finally:
        if temporary is not None:  # the new folder on failure, else the old one
            shutil.rmtree(temporary, ignore_errors=True)
    _fsync_folder(path.parent)


def swap_folder(new: Path, path: Path) -> None:
    """Put folder `new` at `path`; the old `path` (if any) ends up at `new`, to be removed."""
    for _ in range(3):  # `path` may appear or vanish between the check and the rename
        if not path.exists():
            try:
                os.rename(new, path)  # replaces an empty folder too
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                continue
        if _exchange(new, path):
            return
        backup = _backup_of(path)
        os.rename(path, backup)  # window: from here to the next rename, `path` is missing
        os.rename(new, path)
        os.rename(backup, new)
        return
    raise OSError(errno.EBUSY, "folder keeps changing while being replaced", str(path))


def recover_folder(path: str | Path) -> None:
    """Undo what a killed `replaced_folder` left beside `path`: put a backup back when `path`
    is missing (else remove it), and remove temporary folders of processes that are gone."""
    path = Path(path)
    backup = _backup_of(path)
    if backup.is_dir() and not backup.is_symlink():
        if not path.exists():
            os.rename(backup, path)
        else:
            shutil.rmtree(backup, ignore_errors=True)
    prefix = f"{TEMPORARY_PREFIX}{path.name}."
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            if not (entry.name.startswith(prefix) and entry.name.endswith(TEMPORARY_SUFFIX)):
                continue
            pid = entry.name[len(prefix) :].split(".", 1)[0]
            if entry.is_dir() and not entry.is_symlink() and pid.isdigit():
                if not _process_alive(int(pid)):
                    shutil.rmtree(entry, ignore_errors=True)


def _backup_of(path: Path) -> Path:
    return path.with_name(f"{TEMPORARY_PREFIX}{path.name}{BACKUP_SUFFIX}")


def _exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths atomically with renameat2(RENAME_EXCHANGE); False where the
    platform or file system has no such call (the caller falls back)."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # glibc before 2.28, musl
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # kernel or file system lacks it
        return False
    raise OSError(code, os.strerror(code), str(second))


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _folder_mode(path: Path) -> int:
    """Permission bits for the new folder: the replaced folder's, else 0777 less the umask."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    return 0o777 & ~_umask()


def _fsync_folder(folder: Path) -> None:
    """Make a folder's entries durable (best effort: not every platform can open a folder)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
