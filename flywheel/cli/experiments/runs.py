"""`flywheel mc` and `flywheel sweep`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from flywheel.cli.commands import (
    EXIT_OK,
    UsageError,
    _positive_int,
    check_out_path,
    extra_command,
    scenario_from_args,
    write_table,
)
from flywheel.cli.experiments.common import (
    _chunk_size,
    _common,
    _executor,
    _pairs,
    _progress,
    _ranges,
    _save_png,
)
from flywheel.scenario.errors import printable


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


def _check_mc_paths(out: Path | None, plot: Path | None) -> None:
    """Refuse bad --out / --plot paths before simulating (exit 2), like `run --out`: a typo
    must not cost a long Monte Carlo run. `--out` folders (and their parents) are created
    after the run, so `--plot` may go into one of them."""
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    if plot is not None:
        made = out is not None and (plot.parent == out or plot.parent in out.parents)
        if not made:
            check_out_path(plot, (".png",), flag="--plot")
        elif plot.suffix.lower() != ".png":
            raise UsageError(f"--plot {plot}: expected a .png file")


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
    written = []
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        write_table(mc.quantiles(), args.out / "quantiles.parquet")
        write_table(mc.mean_frame(), args.out / "means.parquet")
        written += ["quantiles.parquet", "means.parquet"]
        if mc.results is not None:
            write_table(mc.results.frame(), args.out / "series.parquet")
            written.append("series.parquet")
    if args.plot is not None:
        from flywheel.experiments import plots

        _save_png(plots.fan_chart(mc), args.plot)
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


@extra_command(
    "sweep", "sweep levers (grid or sample) x replications into a results store", _sweep_arguments
)
def _sweep(args: argparse.Namespace) -> int:
    from flywheel.experiments import grid_points, run_sweep, sample_points

    scenario = scenario_from_args(args)
    if args.sample is not None:
        if args.grid or not args.range:
            raise UsageError("--sample needs --range LEVER=LOW:HIGH (and no --grid)")
        names, points = sample_points(_ranges(args.range), args.sample, args.seed)
    else:
        if args.range:
            raise UsageError("--range needs --sample N")
        axes: dict[str, Any] = _pairs(args.grid, "--grid") or dict(scenario.sweep)
        if not axes:
            raise UsageError(
                "nothing to sweep: give --grid LEVER=START:STOP:COUNT, --sample, "
                "or a [sweep] table in the scenario"
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
                    "out": str(args.out),
                }
            )
        )
    else:
        print(
            f"{runs} runs ({len(points)} points x {args.replications} replications) "
            f"in {args.out} ({len(store.done)} chunks, manifest.json)"
        )
    return EXIT_OK
