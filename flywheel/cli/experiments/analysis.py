"""`flywheel sensitivity` and `flywheel attribute`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from flywheel.cli.commands import (
    EXIT_OK,
    _positive_int,
    extra_command,
    scenario_from_args,
    write_table,
)
from flywheel.cli.experiments.attribution_text import attribution_report
from flywheel.cli.experiments.common import (
    _chunk_size,
    _common,
    _executor,
    _progress,
    _ranges,
    _save_png,
    check_runs,
    cut_week,
)
from flywheel.experiments.outcomes import Outcome
from flywheel.experiments.reruns import sensitivity_provenance
from flywheel.experiments.sensitivity import DEFAULT_SENSITIVITY_LEVERS
from flywheel.results.provenance import describe
from flywheel.scenario.schema import LOOP_IDS


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
    per_sample = (
        len(levers) + 1
        if args.method == "morris"
        else 2 * len(levers) + 2
        if args.second_order
        else len(levers) + 2
    )
    points = args.samples * per_sample
    check_runs(
        args,
        points * args.replications,
        scenario.horizon_weeks,
        f"-N {args.samples} ({points:,} sample points x {args.replications} replications)",
        points,
        len(levers),
    )
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
    made = sensitivity_provenance(
        scenario,
        frame,
        levers=levers,
        outcome=args.outcome,
        method=args.method,
        n=args.samples,
        ranges=_ranges(args.range),
        second_order=args.second_order,
        chunk_size=args.chunk_size,
    )
    if args.out is not None:
        write_table(frame, args.out, made)
    if args.plot is not None:
        from flywheel.experiments import plots

        _save_png(plots.tornado(frame), args.plot, made)
        _save_png(
            plots.index_over_time(frame),
            args.plot.with_name(args.plot.stem + "_over_time.png"),
            made,
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
    parser.add_argument(
        "--cut-from",
        default=None,
        metavar="DATE|YEAR|weekN",
        help="cut each loop from this date (YYYY-MM-DD), year (YYYY: 1 January) or week on, "
        "its link held at its value then (default: from week 0)",
    )
    parser.add_argument("--out", type=Path, help="write the table to .csv or .parquet")
    parser.add_argument("--plot", type=Path, help="waterfall PNG")


@extra_command(
    "attribute", "attribute an outcome to each feedback loop (knockouts)", _attribute_arguments
)
def _attribute(args: argparse.Namespace) -> int:
    from flywheel.experiments import attribute

    scenario = scenario_from_args(args)
    start = 0 if args.cut_from is None else cut_week(args.cut_from, scenario)
    loops = len(LOOP_IDS) - len(scenario.knockouts)  # variants: all on, each cut, all cut
    variants = 2**loops if args.shapley else loops + 2
    check_runs(
        args,
        variants * args.replications,
        scenario.horizon_weeks,
        f"-n {args.replications} ({variants} knockout variants)",
    )
    with _executor(args) as executor, _progress(args, "runs") as progress:
        result = attribute(
            scenario,
            args.outcome,
            args.replications,
            args.seed,
            shapley=args.shapley,
            cut_from_week=start,
            chunk_size=_chunk_size(args),
            executor=executor,
            progress=progress,
        )
    table = result.table()
    made = describe(
        scenario,
        "attribution",
        seed=args.seed,
        replications=args.replications,
        settings={
            "outcome": args.outcome,
            "shapley": args.shapley,
            "chunk_size": args.chunk_size,
            "cut_from_week": start,
        },
    )
    if args.out is not None:
        write_table(table, args.out, made)
    if args.plot is not None:
        from flywheel.experiments import plots

        _save_png(plots.waterfall(table), args.plot, made)
    if args.json:
        print(
            json.dumps(
                {
                    "outcome": table.attrs["outcome"],
                    "replications": args.replications,
                    "all_on_mean": table.attrs["all_on_mean"],
                    "cut_from_week": start,
                    "cut_from": scenario.week_date(start).isoformat(),
                    "components": table.to_dict(orient="records"),
                }
            )
        )
    else:
        since = f", loops cut from {scenario.week_date(start)} (week {start})" if start else ""
        outcome = Outcome.parse(args.outcome)
        weeks = scenario.horizon_weeks
        print(attribution_report(table, outcome, weeks, args.replications, since))
    return EXIT_OK
