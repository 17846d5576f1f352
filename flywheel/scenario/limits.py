"""Declared limits of one command, checked before any work starts (docs/reliability.md).

Each limit has its value here and in the docs. The count limits (`MAX_POINTS`,
`MAX_REPLICATION_WEEKS`) guard against a typo costing days of machine time and may be lifted
with `--force`; the machine's limits (memory, disk, cores) may not: work that cannot fit is
refused, whatever the flags. A refusal is a `LimitError` (a `ValueError`): the command line
prints it as one line and exits 2.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Lever settings of one experiment: grid points (`--grid`, a scenario's [sweep]), Latin
# hypercube points (`--sample`), Sobol or Morris sample points, calibration start points.
# A sweep's manifest lists every point and is rewritten after each chunk, so 100 000 points of
# three levers are ~6 MB rewritten per chunk; lifted by --force (memory still checked).
MAX_POINTS = 100_000
# Simulated replication-weeks of one command (runs x horizon weeks). At ~0.4 M
# replication-weeks per second per core (baseline, measured 2026-12-07), 1e11 is about
# 35 hours on two cores: more is most likely a typo. Lifted by --force.
MAX_REPLICATION_WEEKS = 10**11
# Worker processes per core: more only adds memory and start-up time (issue 21: 100 000
# workers forked thousands of processes and never finished). Not liftable.
MAX_WORKERS_PER_CORE = 4
# Bytes of memory per (point, lever) of a sweep: the float64 grid, its JSON copy in the
# manifest and the Python floats built on the way (measured ~70).
BYTES_PER_POINT_LEVER = 100
FORCE_HINT = "--force lifts this limit"


class LimitError(ValueError):
    """Work refused before it starts because it exceeds a declared limit."""


def usable_cores() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """The most worker processes one command may start: `MAX_WORKERS_PER_CORE` per core."""
    return MAX_WORKERS_PER_CORE * usable_cores()


def check_workers(workers: int | None, flag: str = "--workers") -> None:
    """Refuse more worker processes than `max_workers()` (None: the default, one per core)."""
    if workers is not None and workers > max_workers():
        raise LimitError(
            f"{flag} {workers}: at most {max_workers()} allowed here "
            f"({MAX_WORKERS_PER_CORE} per core, {usable_cores()} cores)"
        )


def check_points(points: int, what: str, levers: int = 1, *, force: bool = False) -> None:
    """Refuse more than `MAX_POINTS` lever settings (unless `force`), and always a set of
    points whose arrays (`levers` values each) would not fit in the memory available."""
    if points > MAX_POINTS and not force:
        raise LimitError(
            f"{what}: {points:,} points, more than the {MAX_POINTS:,} allowed ({FORCE_HINT})"
        )
    check_memory_bytes(
        points * max(1, levers) * BYTES_PER_POINT_LEVER, f"{what} ({points:,} points)"
    )


def check_replication_weeks(
    runs: int, weeks: int, what: str, *, workers: int = 1, force: bool = False
) -> None:
    """Refuse more than `MAX_REPLICATION_WEEKS` simulated replication-weeks (unless `force`):
    a run that would take days. The message gives the estimated duration."""
    total = runs * weeks
    if total > MAX_REPLICATION_WEEKS and not force:
        hours = total / (REPLICATION_WEEKS_PER_SECOND * max(1, workers)) / 3600
        raise LimitError(
            f"{what}: {runs:,} runs x {weeks} weeks = {total:.3g} replication-weeks, more than "
            f"the {MAX_REPLICATION_WEEKS:.0e} allowed (about {_duration(hours)} on "
            f"{max(1, workers)} worker(s); {FORCE_HINT})"
        )


# Optimistic engine speed for the duration in messages (a 520-week baseline ran ~0.4 M).
REPLICATION_WEEKS_PER_SECOND = 400_000


def _duration(hours: float) -> str:
    if hours >= 48:
        days = hours / 24
        return f"{days:,.0f} days" if days < 365 * 10 else f"{days / 365:,.0f} years"
    return f"{hours:,.0f} hours"


def check_memory_bytes(needed: int, what: str) -> None:
    """Refuse work estimated to need more memory than is available now (not liftable)."""
    available = available_memory_bytes()
    if available is not None and needed > available:
        raise LimitError(
            f"{what}: needs about {_size(needed)} of memory, more than the "
            f"{_size(available)} available"
        )


def check_disk_bytes(needed: int, folder: str | Path, what: str) -> None:
    """Refuse work estimated to write more than the free space of `folder` (not liftable)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if needed > free:
        raise LimitError(
            f"{what}: needs about {_size(needed)} of disk in {folder}, more than the "
            f"{_size(free)} free"
        )


def _size(count: int | float) -> str:
    for unit, scale in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count / 2**10:,.1f} KiB"


def available_memory_bytes() -> int | None:
    """MemAvailable from /proc/meminfo (Linux), else free physical pages, else None."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
