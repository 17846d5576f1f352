"""Arguments, executors and progress bars shared by the experiment commands."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flywheel.cli.commands import UsageError, _positive_int, add_scenario_arguments
from flywheel.scenario.limits import (
    MAX_POINTS,
    MAX_REPLICATION_WEEKS,
    check_points,
    check_replication_weeks,
    check_workers,
    usable_cores,
)


def _common(parser: argparse.ArgumentParser) -> None:
    add_scenario_arguments(parser)
    parser.add_argument(
        "--executor",
        choices=("auto", "local", "processes", "dask"),
        default="auto",
        help="where batches run; auto (default): local processes for runs of 4000 or more, "
        "else this process",
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="worker processes (processes, dask LocalCluster)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --executor dask)",
    )
    parser.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=None,
        help="replications (runs) per lockstep batch (default: about 2500 for mc, 2000 for "
        "mc --keep-all and sensitivity, 4000 for importance, else 1000)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_force_argument(parser)


def add_force_argument(parser: argparse.ArgumentParser) -> None:
    """--force: lift the count limits (points, replication-weeks; docs/reliability.md)."""
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"run beyond the declared limits of {MAX_POINTS:,} points and "
        f"{MAX_REPLICATION_WEEKS:.0e} replication-weeks (memory, disk and workers stay checked)",
    )


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Any]:
    """The executor the arguments ask for; interrupted (Ctrl-C, SIGTERM) or failed, its
    workers are stopped at once and a Dask scheduler's tasks cancelled, else closed."""
    from flywheel.experiments import make_executor
    from flywheel.experiments.executors import abort_executor

    if args.scheduler and args.executor in ("local", "processes"):
        raise UsageError("--scheduler needs --executor dask (or no --executor)")
    check_workers(args.workers)
    kind = "dask" if args.scheduler else args.executor
    executor = make_executor(kind, args.workers, args.scheduler)
    try:
        yield executor
    except BaseException:
        abort_executor(executor)
        raise
    executor.close()


def local_workers(args: argparse.Namespace, large: bool = True) -> int:
    """Worker processes this command will run on this machine (for memory estimates): 1 in
    this process (`local`, or `auto` below its threshold, `large` False) or on a remote Dask
    scheduler, else --workers or one per core. Refuses too many --workers (exit 2)."""
    check_workers(args.workers)
    if args.scheduler or args.executor == "local" or (args.executor == "auto" and not large):
        return 1
    return max(1, args.workers or usable_cores())


def check_runs(
    args: argparse.Namespace, runs: int, weeks: int, what: str, points: int = 0, levers: int = 1
) -> None:
    """The declared limits of an experiment of `runs` runs of `weeks` weeks over `points`
    lever settings (exit 2 before any work; --force lifts the count limits)."""
    if points:
        check_points(points, what, levers, force=args.force)
    check_replication_weeks(runs, weeks, what, workers=local_workers(args), force=args.force)


@contextlib.contextmanager
def _progress(args: argparse.Namespace, label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, driven by (done, total) callbacks."""
    if args.no_progress or args.json:
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    # Redrawn at each callback (a finished batch), not by a refresh thread: with no thread
    # running, local worker processes can be forked instead of spawned (~1 s sooner).
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task(label, total=None)
        bar.refresh()

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, refresh=True)

        yield update


def _chunk_size(args: argparse.Namespace) -> int:
    """--chunk-size, or 1000 runs per batch (sweeps keep it in their store's fingerprint)."""
    return int(args.chunk_size or 1000)


def _save_png(figure: Any, path: Path, provenance: dict[str, Any]) -> None:
    """Write a chart atomically, its provenance in a PNG text chunk (kind `plot`, `settings`
    naming the chart and the result it draws)."""
    from flywheel.results.provenance import with_fields
    from flywheel.results.provenance_files import write_png

    if path.suffix.lower() != ".png":
        raise UsageError(f"--plot {path}: expected a .png file")
    settings = {"chart_of": provenance["kind"], **provenance["settings"]}
    write_png(figure, path, with_fields(provenance, kind="plot", settings=settings), dpi=110)


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"{flag} {item!r}: expected NAME=VALUE")
        pairs[name.strip()] = value.strip()
    return pairs


def _ranges(items: list[str]) -> dict[str, tuple[float, float]]:
    ranges = {}
    for name, text in _pairs(items, "--range").items():
        low, sep, high = text.partition(":")
        try:
            ranges[name] = (float(low), float(high))
        except ValueError:
            raise UsageError(f"--range {name}={text}: expected LOW:HIGH") from None
        if not sep:
            raise UsageError(f"--range {name}={text}: expected LOW:HIGH")
    return ranges


def cut_week(text: str, scenario: Any, option: str = "--cut-from") -> int:
    """The first cut week a command-line start names: a date YYYY-MM-DD or a year YYYY (its
    1 January, or the start date in the start's year; both the week holding the day) or weekN.
    UsageError naming `option`, the value and what is allowed unless it is inside the
    scenario's horizon."""
    value = text.strip()
    last = scenario.horizon_weeks - 1
    allowed = (
        f"allowed a date YYYY-MM-DD or a year YYYY from {scenario.start_date} to "
        f"{scenario.week_date(last) + dt.timedelta(days=6)}, or week0 to week{last}"
    )
    if re.fullmatch(r"week\d{1,6}", value):
        week = int(value.removeprefix("week"))
        if week > last:
            raise UsageError(f"{option} {value}: outside the horizon ({allowed})")
        return week
    try:
        if re.fullmatch(r"\d{4}", value):
            day = max(dt.date(int(value), 1, 1), scenario.start_date)
            if day.year != int(value):  # a year before the start's
                day = dt.date(int(value), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
        else:
            raise ValueError(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: not a date, a year or weekN ({allowed})") from None
    week = (day - scenario.start_date).days // 7
    if not 0 <= week <= last:
        raise UsageError(f"{option} {value}: {day} is week {week}, outside the horizon ({allowed})")
    return week
