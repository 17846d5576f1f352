"""Worker processes that die with their parent, even when the parent is killed with SIGKILL.

Every local worker (`ProcessExecutor`) starts through `start_worker`, which:

- ignores SIGINT (a Ctrl-C in a terminal reaches the whole process group; the parent decides
  and stops its workers itself) and restores SIGTERM's default action (a forked worker must
  not inherit the command line's SIGTERM handler: it would raise inside a task, be sent back
  as that task's error, and the worker would live on);
- on Linux asks the kernel for SIGKILL when its parent dies (`prctl(PR_SET_PDEATHSIG)`), if
  the pool was started from the parent's main thread (the kernel sends the signal when the
  *thread* that forked the worker ends, so a pool started from a short-lived thread, such as a
  Streamlit script run, must not use it);
- elsewhere (other platforms, pools started from other threads) watches its parent id from a
  daemon thread and exits within `WATCH_SECONDS` of the parent going away (best effort: a
  worker stuck in native code without the GIL exits once it returns).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 1.0


def start_worker(
    parent_pid: int, use_death_signal: bool, initializer: Callable[[], Any] | None = None
) -> None:
    """A worker's first call (the pool's initializer): tie its life to the parent's, then run
    `initializer` if any."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not (use_death_signal and set_parent_death_signal(signal.SIGKILL)):
        _watch_parent(parent_pid)
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(1)
    if initializer is not None:
        initializer()


def set_parent_death_signal(signum: int) -> bool:
    """Ask the kernel to send `signum` to this process when its parent ends (Linux only);
    True when armed."""
    if sys.platform != "linux":
        return False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    return False


def _watch_parent(parent_pid: int) -> None:
    """Exit this process once its parent is gone (polls the parent id)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="flywheel-parent-watch", daemon=True).start()


def terminate_processes(processes: list[Any], grace_seconds: float = 2.0) -> None:
    """SIGTERM each `multiprocessing.Process`, then SIGKILL those still alive after
    `grace_seconds`; every one is joined (no zombie left)."""
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()
    deadline = time.monotonic() + grace_seconds
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(grace_seconds)
