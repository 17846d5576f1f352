"""`flywheel growth-share`: an outcome with every reinforcing loop cut from each date, as a
share of the uncut run (docs/experiments.md "The flywheel's share")."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

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
    _progress,
    check_runs,
    cut_week,
)
from flywheel.scenario.parameters import REINFORCING_LOOP_IDS


def _growth_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--cut-from",
        required=True,
        metavar="WHEN[,WHEN...]",
        help="comma-separated starts: dates YYYY-MM-DD, years YYYY (1 January) or weekN",
    )
    parser.add_argument(
        "--output",
        default="net_sales_usd_million",
        help="an annual column (`flywheel run --annual`; default net_sales_usd_million)",
    )
    parser.add_argument(
        "--year",
        type=_positive_int,
        default=None,
        help="calendar year of the value (default the last simulated year)",
    )
    every_reinforcing = ",".join(REINFORCING_LOOP_IDS)
    parser.add_argument(
        "--loops", default=every_reinforcing, help=f"loops cut (default {every_reinforcing})"
    )
    parser.add_argument("-n", "--replications", type=_positive_int, default=20)
    parser.add_argument("--out", type=Path, help="write the table to .csv or .parquet")


@extra_command(
    "growth-share",
    "an outcome with the reinforcing loops cut from each date, as a share of the uncut run",
    _growth_arguments,
)
def _growth_share(args: argparse.Namespace) -> int:
    from flywheel.experiments.growth import check_growth_share, growth_share

    if args.out is not None:
        check_out_path(args.out, (".csv", ".parquet"))
    scenario = scenario_from_args(args)
    starts = [part for part in args.cut_from.split(",") if part.strip()]
    if not starts:
        raise UsageError("--cut-from: expected comma-separated dates, years or weekN")
    weeks = [cut_week(part, scenario) for part in starts]
    loops = [name.strip() for name in args.loops.split(",") if name.strip()]
    check_growth_share(scenario, weeks, args.output, args.year, args.replications, loops)
    check_runs(
        args,
        (1 + len(weeks)) * args.replications,
        scenario.horizon_weeks,
        f"-n {args.replications} (the uncut run and {len(weeks)} cut variants)",
    )
    with _executor(args) as executor, _progress(args, "runs") as progress:
        frame = growth_share(
            scenario,
            weeks,
            args.output,
            args.year,
            args.replications,
            args.seed,
            loops=loops,
            chunk_size=_chunk_size(args),
            executor=executor,
            progress=progress,
        )
    if args.out is not None:
        from flywheel.results.provenance import describe

        made = describe(
            scenario,
            "growth-share",
            seed=args.seed,
            replications=args.replications,
            settings={
                "output": args.output,
                "year": args.year,
                "cut_from_weeks": weeks,
                "loops": loops,
                "chunk_size": args.chunk_size,
            },
        )
        write_table(frame, args.out, made)
    year, output = frame.attrs["year"], frame.attrs["output"]
    if args.json:
        print(
            json.dumps(
                {
                    "output": output,
                    "year": year,
                    "replications": args.replications,
                    "seed": args.seed,
                    "rows": frame.to_dict(orient="records"),
                }
            )
        )
        return EXIT_OK
    print(
        f"{output} in {year} with {','.join(loops)} cut from each start, as a share of the "
        f"uncut run ({args.replications} replications, common random numbers; uncut mean "
        f"{frame['uncut_mean'].iloc[0]:,.4g})"
    )
    print(frame.drop(columns=["loops"]).to_string(index=False, float_format="%.4g"))
    return EXIT_OK
