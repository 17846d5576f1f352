"""Numba's disk cache of the compiled week, guarded against stale builds.

Numba invalidates a cached function when its own file changes, not when a function it calls
(the sectors, the equations compiled in `parts`) or a global it froze in (the row layouts)
does; a stale kernel would compute with yesterday's equations. `guard_cache` keeps a marker
file beside the cache naming the `kernel.model_stamp` the cache was built from, and empties the
cache when it differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def guard_cache(dispatcher: Any, stamp: str) -> None:
    """Empty numba's cache of `dispatcher` unless its marker names `stamp`. An unwritable
    cache only means compiling in every process."""
    cache = getattr(dispatcher, "_cache", None)
    folder = getattr(cache, "cache_path", None)
    if cache is None or folder is None:
        return
    marker = Path(folder) / f"flywheel-kernel-{stamp}.stamp"
    if marker.exists():
        return
    try:
        cache.flush()
        for old in Path(folder).glob("flywheel-kernel-*.stamp"):
            old.unlink(missing_ok=True)
        marker.touch()
    except OSError:
        pass
