"""Command line of the experiments: `flywheel mc | sweep | sensitivity | attribute`.

Registered with `flywheel.cli.extra_command`; rich progress bars on every run; bad input is
one message and exit 2 (mapped in `flywheel.cli.main`). Ctrl-C leaves a sweep store resumable.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flywheel.cli import (
    EXIT_OK,
    UsageError,
    _non_negative_int,
    _positive_int,
    extra_command,
    scenario_from_args,
    write_table,
)
from flywheel.files import write_atomic

DEFAULT_SENSITIVITY_LEVERS = (
    "pass_through_share",
    "marketing_share_of_revenue",
    "seller_take_rate_share",
    "prime_fee_usd_per_year",
    "fc_build_trigger_utilisation_share",
    "fc_lead_time_weeks",
    "service_staffing_share",
    "defect_rate_share",
    "ab_testing_intensity_share",
    "competitor_price_trend_per_year",
)


def _common(parser: argparse.ArgumentParser, replications_flag: str = "--replications") -> None:
    parser.add_argument("scenario", type=Path, help="scenario TOML file")
    parser.add_argument("--seed", type=_non_negative_int, default=0)
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (see `describe`)",
    )
    parser.add_argument("--executor", choices=("local", "processes", "dask"), default="local")
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
        default=1000,
        help="replications per lockstep batch (default 1000)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Any]:
    from flywheel.experiments import make_executor

    if args.scheduler and args.executor == "processes":
        raise UsageError("--scheduler needs --executor dask (or no --executor)")
    kind = "dask" if args.scheduler else args.executor
    executor = make_executor(kind, args.workers, args.scheduler)
    try:
        yield executor
    finally:
        executor.close()


@contextlib.contextmanager
def _progress(args: argparse.Namespace, label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, driven by (done, total) callbacks."""
    if args.no_progress or args.json:
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _save_png(figure: Any, path: Path) -> None:
    if path.suffix.lower() != ".png":
        raise UsageError(f"--plot {path}: expected a .png file")
    write_atomic(path, lambda handle: figure.savefig(handle, format="png", dpi=110), binary=True)


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


@extra_command(
    "mc", "Monte Carlo: per-week quantiles and means over many replications", _mc_arguments
)
def _mc(args: argparse.Namespace) -> int:
    from flywheel.experiments import monte_carlo

    scenario = scenario_from_args(args)
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
        print(f"{scenario.name}: {args.replications} replications, seed {args.seed}")
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
            chunk_size=args.chunk_size,
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


def _sensitivity_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    parser.add_argument(
        "--levers",
        default=",".join(DEFAULT_SENSITIVITY_LEVERS),
        help="comma-separated levers (default: ten key levers)",
    )
    parser.add_argument(
        "--range",
        action="append",
        default=[],
        metavar="LEVER=LOW:HIGH",
        help="range of a lever (default: its schema bounds)",
    )
    parser.add_argument(
        "--outcome",
        default="revenue_usd@year10",
        help="OUTPUT, OUTPUT@weekN or OUTPUT@yearN (default revenue_usd@year10)",
    )
    parser.add_argument(
        "-N",
        "--samples",
        type=_positive_int,
        default=256,
        help="Sobol base sample (power of 2) or Morris trajectories",
    )
    parser.add_argument(
        "--replications",
        type=_positive_int,
        default=1,
        help="replications averaged per sample point (common random numbers)",
    )
    parser.add_argument("--second-order", action="store_true")
    parser.add_argument("--out", type=Path, help="write indices to .csv or .parquet")
    parser.add_argument("--plot", type=Path, help="tornado PNG (index-over-time beside it)")


@extra_command(
    "sensitivity", "Sobol or Morris sensitivity (SALib), per year too", _sensitivity_arguments
)
def _sensitivity(args: argparse.Namespace) -> int:
    from flywheel.experiments import sensitivity

    scenario = scenario_from_args(args)
    levers = [name.strip() for name in args.levers.split(",") if name.strip()]
    with _executor(args) as executor, _progress(args, "runs") as progress:
        frame = sensitivity(
            scenario,
            levers,
            args.outcome,
            method=args.method,
            n=args.samples,
            ranges=_ranges(args.range),
            replications=args.replications,
            seed=args.seed,
            second_order=args.second_order,
            chunk_size=args.chunk_size,
            executor=executor,
            progress=progress,
        )
    if args.out is not None:
        write_table(frame, args.out)
    if args.plot is not None:
        from flywheel.experiments import plots

        _save_png(plots.tornado(frame), args.plot)
        _save_png(
            plots.index_over_time(frame), args.plot.with_name(args.plot.stem + "_over_time.png")
        )
    main = frame[frame["year"].isna()].drop(columns=["year"])
    if args.json:
        print(
            json.dumps(
                {
                    "method": args.method,
                    "outcome": frame.attrs["outcome"],
                    "runs": frame.attrs["runs"],
                    "indices": main.drop(columns=["target"]).to_dict(orient="records"),
                }
            )
        )
    else:
        print(
            f"{args.method} sensitivity of {frame.attrs['outcome']} ({frame.attrs['runs']} runs):"
        )
        print(main.drop(columns=["target"]).to_string(index=False, float_format="%.3f"))
    return EXIT_OK


def _attribute_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--outcome",
        default="revenue_usd@year10",
        help="OUTPUT, OUTPUT@weekN or OUTPUT@yearN (default revenue_usd@year10)",
    )
    parser.add_argument("-n", "--replications", type=_positive_int, default=20)
    parser.add_argument(
        "--shapley", action="store_true", help="also Shapley values (all 2^loops knockout subsets)"
    )
    parser.add_argument("--out", type=Path, help="write the table to .csv or .parquet")
    parser.add_argument("--plot", type=Path, help="waterfall PNG")


@extra_command(
    "attribute", "attribute an outcome to each feedback loop (knockouts)", _attribute_arguments
)
def _attribute(args: argparse.Namespace) -> int:
    from flywheel.experiments import attribute

    scenario = scenario_from_args(args)
    with _executor(args) as executor, _progress(args, "runs") as progress:
        result = attribute(
            scenario,
            args.outcome,
            args.replications,
            args.seed,
            shapley=args.shapley,
            chunk_size=args.chunk_size,
            executor=executor,
            progress=progress,
        )
    table = result.table()
    if args.out is not None:
        write_table(table, args.out)
    if args.plot is not None:
        from flywheel.experiments import plots

        _save_png(plots.waterfall(table), args.plot)
    if args.json:
        print(
            json.dumps(
                {
                    "outcome": table.attrs["outcome"],
                    "replications": args.replications,
                    "all_on_mean": table.attrs["all_on_mean"],
                    "components": table.to_dict(orient="records"),
                }
            )
        )
    else:
        print(
            f"attribution of {table.attrs['outcome']} ({args.replications} replications, "
            f"all loops on: mean {table.attrs['all_on_mean']:,.4g})"
        )
        print(table.to_string(index=False, float_format="%.4g"))
    return EXIT_OK
