"""One signal policy for every command: SIGINT, SIGTERM and SIGHUP all unwind the same way.

Python turns SIGINT into `KeyboardInterrupt`; SIGTERM and SIGHUP would end the process at
once, skipping every `finally` (temporary files of atomic writes, a Monte Carlo run's
`kept.bin`, worker processes). `handle_termination` makes them raise `Terminated` instead, a
`BaseException` like `KeyboardInterrupt`, so library code's cleanup runs and `main` exits
128 + the signal number (130 SIGINT, 143 SIGTERM, 129 SIGHUP). A second signal while cleaning
up is ignored, so the cleanup itself is not cut short.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from flywheel.scenario.files import defer_stop_signal

CAUGHT = (signal.SIGTERM, signal.SIGHUP) if hasattr(signal, "SIGHUP") else (signal.SIGTERM,)


class Terminated(BaseException):  # noqa: N818 - named like KeyboardInterrupt, its sibling
    """The process was asked to stop by a signal (SIGTERM or SIGHUP)."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        # args stay (signum,): code that copies an exception as type(error)(*error.args)
        # gets an equal one back (seen while matplotlib drew a figure)
        super().__init__(signum)
        try:
            self.signum = int(signal.Signals(signum))
        except (TypeError, ValueError):
            self.signum = int(signal.SIGTERM)

    def __str__(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        """128 + the signal number, as a shell reports a process ended by it."""
        return 128 + self.signum


@contextlib.contextmanager
def handle_termination() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise `Terminated` and SIGINT `KeyboardInterrupt` in
    the main thread, for the first signal only; the previous handlers come back on leaving.
    Does nothing outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal raised
        if raised:  # already unwinding: let the cleanup finish
            return
        if defer_stop_signal(signum):  # a temporary file is being named: raised again after
            return
        raised = True
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, *CAUGHT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
