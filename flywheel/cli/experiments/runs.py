"""`flywheel mc` and `flywheel sweep`."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from flywheel.cli.commands import (
    EXIT_OK,
    UsageError,
    _positive_int,
    check_out_path,
    extra_command,
    scenario_from_args,
)
from flywheel.cli.experiments.common import (
    _chunk_size,
    _common,
    _executor,
    _pairs,
    _progress,
    _ranges,
    _save_png,
    local_workers,
)
from flywheel.experiments.output_files import MC_FILES as OUTPUT_MC_FILES
from flywheel.results.provenance_files import FOLDER_MANIFEST
from flywheel.scenario.errors import printable
from flywheel.scenario.files import is_leftover_temporary
from flywheel.scenario.limits import (
    check_disk_bytes,
    check_memory_bytes,
    check_points,
    check_replication_weeks,
)
from flywheel.scenario.loading import Scenario, sweep_values


def _mc_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("-n", "--replications", type=_positive_int, default=1000)
    parser.add_argument("--out", type=Path, help="folder for quantiles.parquet, means.parquet")
    parser.add_argument(
        "--outputs",
        default=None,
        help="comma-separated outputs for quantiles (default key outputs; 'all')",
    )
    parser.add_argument(
        "--keep-all",
        action="store_true",
        help="also keep and write every series (series.parquet; memory!)",
    )
    parser.add_argument("--plot", type=Path, help="fan chart PNG")


MC_FILES = (*OUTPUT_MC_FILES, FOLDER_MANIFEST)


def _check_mc_paths(out: Path | None, plot: Path | None) -> None:
    """Refuse bad --out / --plot paths before simulating (exit 2), like `run --out`: a typo
    must not cost a long Monte Carlo run. `--out` folders (and their parents) are created
    after the run, so `--plot` may go into one of them. An existing `--out` folder is replaced
    as a whole, so it may hold only what `mc` writes there (its files and PNG charts)."""
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    if out is not None and out.is_dir():
        here = Path.cwd().resolve()
        if out.resolve() == here or out.resolve() in here.parents:
            raise UsageError(
                f"--out {out}: the folder is replaced as a whole, so it cannot be the current "
                f"folder or one holding it; choose a new folder"
            )
        foreign = sorted(
            entry.name
            for entry in out.iterdir()
            if not (
                entry.is_file()
                and (
                    entry.name in MC_FILES
                    or entry.suffix.lower() == ".png"
                    or is_leftover_temporary(entry)
                )
            )
        )
        if foreign:
            raise UsageError(
                f"--out {out}: the folder is replaced as a whole and holds {len(foreign)} "
                f"file(s) mc did not write (e.g. {foreign[0]!r}); choose a new or empty folder"
            )
    if plot is not None:
        made = out is not None and (plot.parent == out or plot.parent in out.parents)
        if not made:
            check_out_path(plot, (".png",), flag="--plot")
        elif plot.suffix.lower() != ".png":
            raise UsageError(f"--plot {plot}: expected a .png file")


def _check_mc_limits(args: argparse.Namespace, scenario: Scenario, outputs: Any) -> None:
    """Refuse (exit 2, before any work) a Monte Carlo run past the declared limits: too many
    replication-weeks (unless --force), or more memory or temporary disk than there is."""
    import tempfile

    from flywheel.experiments.executors import AUTO_MIN_RUNS
    from flywheel.experiments.montecarlo import DEFAULT_OUTPUTS, footprint
    from flywheel.experiments.outcomes import output_names

    n, weeks = args.replications, scenario.horizon_weeks
    workers = local_workers(args, n >= AUTO_MIN_RUNS)
    check_replication_weeks(n, weeks, f"-n {n}", workers=workers, force=args.force)
    kept = len(output_names()) if outputs == "all" else len(outputs or DEFAULT_OUTPUTS)
    estimate = footprint(
        weeks,
        n,
        kept,
        all_outputs=len(output_names()),
        keep_all=args.keep_all,
        chunk_size=args.chunk_size,
        workers=workers,
    )
    what = f"-n {n}" + (" --keep-all" if args.keep_all else "")
    check_memory_bytes(estimate.memory_bytes, what)
    check_disk_bytes(estimate.kept_file_bytes, tempfile.gettempdir(), f"{what} (kept values)")


@extra_command(
    "mc", "Monte Carlo: per-week quantiles and means over many replications", _mc_arguments
)
def _mc(args: argparse.Namespace) -> int:
    from flywheel.experiments import monte_carlo

    scenario = scenario_from_args(args)
    _check_mc_paths(args.out, args.plot)
    outputs: Any = None
    if args.outputs:
        outputs = "all" if args.outputs == "all" else [o.strip() for o in args.outputs.split(",")]
    _check_mc_limits(args, scenario, outputs)
    with _executor(args) as executor, _progress(args, "replications") as progress:
        mc = monte_carlo(
            scenario,
            args.replications,
            args.seed,
            outputs=outputs,
            chunk_size=args.chunk_size,
            executor=executor,
            keep_all=args.keep_all,
            progress=progress,
        )
    from flywheel.experiments.output_files import write_mc_folder
    from flywheel.experiments.reruns import mc_provenance

    made = mc_provenance(mc, args.chunk_size, args.keep_all)
    written = write_mc_folder(mc, args.out, made) if args.out is not None else []
    if args.plot is not None:
        from flywheel.experiments import plots

        _save_png(plots.fan_chart(mc), args.plot, made)
    last = {
        name: float(values[-1])
        for name, values in mc.means.items()
        if name in ("customers", "revenue_usd", "operating_income_usd", "sellers")
    }
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "replications": args.replications,
                    "seed": args.seed,
                    "final_week_mean": last,
                    "insolvent_share": mc.insolvent_share,
                    "out": str(args.out) if args.out else None,
                    "files": written,
                }
            )
        )
    else:
        q = mc.quantile_values.get("customers")
        print(printable(f"{scenario.name}: {args.replications} replications, seed {args.seed}"))
        if q is not None:
            print(
                f"customers at the last week: median {q[2, -1]:,.0f}, "
                f"5-95 % {q[0, -1]:,.0f} to {q[-1, -1]:,.0f}"
            )
        print(
            f"insolvent (cash would have passed the credit limit): {mc.insolvent_share:.1%} of runs"
        )
        if written:
            print(f"wrote {', '.join(written)} to {args.out}")
    return EXIT_OK


def _sweep_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="LEVER=START:STOP:COUNT",
        help="a lever axis of a full grid (or the scenario's [sweep] table)",
    )
    parser.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="LEVER=LOW:HIGH",
        help="a lever range for --sample",
    )
    parser.add_argument(
        "--sample",
        type=_positive_int,
        default=None,
        help="Latin hypercube sample of this many points over --range",
    )
    parser.add_argument("--replications", type=_positive_int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="results store folder")
    parser.add_argument("--resume", action="store_true", help="continue a killed sweep")


def _check_sweep_limits(
    args: argparse.Namespace, scenario: Scenario, points: int, levers: int, what: str
) -> None:
    """Refuse (exit 2) a sweep of more points or replication-weeks than declared (unless
    --force), or whose points would not fit in memory, before building a single point."""
    check_points(points, what, levers, force=args.force)
    check_replication_weeks(
        points * args.replications,
        scenario.horizon_weeks,
        f"{what} x --replications {args.replications}",
        workers=local_workers(args),
        force=args.force,
    )


@extra_command(
    "sweep", "sweep levers (grid or sample) x replications into a results store", _sweep_arguments
)
def _sweep(args: argparse.Namespace) -> int:
    from flywheel.experiments import grid_points, run_sweep, sample_points

    scenario = scenario_from_args(args)
    if args.sample is not None:
        if args.grid or not args.range:
            raise UsageError("--sample needs --range LEVER=LOW:HIGH (and no --grid)")
        ranges = _ranges(args.range)
        _check_sweep_limits(args, scenario, args.sample, len(ranges), f"--sample {args.sample}")
        names, points = sample_points(ranges, args.sample, args.seed)
    else:
        if args.range:
            raise UsageError("--range needs --sample N")
        axes: dict[str, Any] = _pairs(args.grid, "--grid") or dict(scenario.sweep)
        if not axes:
            raise UsageError(
                "nothing to sweep: give --grid LEVER=START:STOP:COUNT, --sample, "
                "or a [sweep] table in the scenario"
            )
        counts = [len(sweep_values(spec, where=f"--grid {name}")) for name, spec in axes.items()]
        what = "--grid" if args.grid else "[sweep]"
        _check_sweep_limits(
            args, scenario, math.prod(counts), len(axes), f"{what} {' x '.join(map(str, counts))}"
        )
        names, points = grid_points(axes)
    with _executor(args) as executor, _progress(args, "runs") as progress:
        store = run_sweep(
            scenario,
            names,
            points,
            args.replications,
            args.seed,
            out=args.out,
            chunk_size=_chunk_size(args),
            executor=executor,
            resume=args.resume,
            progress=progress,
        )
    runs = len(points) * args.replications
    frame = store.frame()
    insolvent_runs = 0
    if "insolvent" in frame.columns:  # each run's flag in its last year
        insolvent_runs = int(frame.loc[frame["year"] == frame["year"].max(), "insolvent"].sum())
    if args.json:
        print(
            json.dumps(
                {
                    "scenario": scenario.name,
                    "levers": list(names),
                    "points": len(points),
                    "replications": args.replications,
                    "runs": runs,
                    "chunks": len(store.done),
                    "insolvent_share": insolvent_runs / runs,
                    "out": str(args.out),
                }
            )
        )
    else:
        print(
            f"{runs} runs ({len(points)} points x {args.replications} replications) "
            f"in {args.out} ({len(store.done)} chunks, manifest.json); "
            f"{insolvent_runs} of {runs} runs became insolvent"
        )
    return EXIT_OK
