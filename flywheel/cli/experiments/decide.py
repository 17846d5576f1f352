"""`flywheel optimize` (robust policy search) and `flywheel discover` (scenario discovery)."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from flywheel.cli.commands import (
    EXIT_OK,
    UsageError,
    _non_negative_int,
    _positive_int,
    extra_command,
    scenario_from_args,
)
from flywheel.cli.experiments.common import _common, _executor, _progress, check_runs
from flywheel.scenario.errors import printable


def _optimize_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--levers",
        nargs="+",
        action="extend",
        default=[],
        required=True,
        metavar="NAME[MIN,MAX]",
        help="decision levers and their search ranges (NAME[MIN,MAX,loguniform] for a log scale)",
    )
    parser.add_argument(
        "--objective",
        action="append",
        default=[],
        metavar="'[max|min] METRIC [mean|qNN]'",
        help="what to optimise, e.g. 'max npv_operating_income_usd', 'max customers@year10 q10', "
        "'min insolvent_share'; several give a Pareto front (NSGA-II)",
    )
    parser.add_argument(
        "--constraint",
        action="append",
        default=[],
        metavar="'METRIC [STAT] <= NUMBER'",
        help="e.g. 'insolvent_share<=0.05' (or >=)",
    )
    parser.add_argument("--futures", type=_positive_int, default=50, help="futures per candidate")
    parser.add_argument(
        "--uncertainties",
        type=Path,
        default=None,
        help="TOML uncertainty space (docs/experiments.md)",
    )
    parser.add_argument(
        "--uncertain",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME[LOW,HIGH]",
        help="deep uncertainties on the command line (instead of --uncertainties)",
    )
    parser.add_argument("--generations", type=_positive_int, default=10)
    parser.add_argument(
        "--population", type=_positive_int, default=16, help="candidates per generation"
    )
    parser.add_argument("--sampler", choices=("tpe", "random"), default="tpe", help="one objective")
    parser.add_argument(
        "--discount-rate",
        type=float,
        default=None,
        help="NPV discount rate per year (default 0.10)",
    )
    parser.add_argument(
        "--fresh-futures",
        type=_non_negative_int,
        default=200,
        help="out-of-sample futures (0: skip)",
    )
    parser.add_argument("--out", type=Path, required=True, help="store and output folder")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted search")


@extra_command(
    "optimize",
    "robust policy search: the decision levers that do best over many futures",
    _optimize_arguments,
)
def _optimize(args: argparse.Namespace) -> int:
    from flywheel.experiments.decide_outputs import out_of_sample, write_outputs
    from flywheel.experiments.metrics import DISCOUNT_RATE_PER_YEAR
    from flywheel.experiments.policy_search import run_search, search_spec

    if not args.objective:
        raise UsageError("--objective: give at least one, e.g. 'max npv_operating_income_usd'")
    if args.uncertainties is not None and args.uncertain:
        raise UsageError("give --uncertainties FILE or --uncertain NAME[LOW,HIGH], not both")
    rate = DISCOUNT_RATE_PER_YEAR if args.discount_rate is None else args.discount_rate
    if not math.isfinite(rate):
        raise UsageError(f"--discount-rate {rate}: expected a finite number")
    scenario = scenario_from_args(args)
    spec = search_spec(
        scenario,
        args.levers,
        args.objective,
        constraints=args.constraint,
        uncertainties=args.uncertainties if args.uncertainties is not None else args.uncertain,
        futures=args.futures,
        generations=args.generations,
        population=args.population,
        seed=args.seed,
        discount_rate_per_year=rate,
        sampler=args.sampler,
        chunk_size=args.chunk_size or 250,
    )
    runs = spec.generations * spec.population * spec.futures + 2 * args.fresh_futures
    check_runs(
        args,
        runs,
        scenario.horizon_weeks,
        f"--generations x --population x --futures ({runs} runs)",
    )
    with _executor(args) as executor:
        with _progress(args, "search runs") as progress:
            result = run_search(
                spec, out=args.out, resume=args.resume, executor=executor, progress=progress
            )
        fresh = None
        if args.fresh_futures:
            with _progress(args, "fresh futures") as progress:
                fresh = out_of_sample(result, args.fresh_futures, executor, progress)
    if fresh is None:
        import pandas as pd

        fresh = pd.DataFrame(columns=["row", "start", "best", "difference_mean"])
        fresh.attrs.update(fresh_futures=0, first_replication=None)
    written = write_outputs(result, fresh, args.out, source=args.scenario)
    best = result.best_levers()
    summary = {
        "scenario": scenario.name,
        "candidates": len(result.policies),
        "futures": spec.futures,
        "best": best,
        "best_objectives": result.objective_values()[result.best_index].tolist(),
        "feasible": bool(result.feasible[result.best_index]),
        "out": str(args.out),
        "files": written,
    }
    if args.json:
        print(json.dumps(summary))
        return EXIT_OK
    print(printable(f"{scenario.name}: {len(result.policies)} candidates x {spec.futures} futures"))
    for goal, value in zip(spec.objectives, summary["best_objectives"], strict=True):
        print(f"best {goal.text}: {value:,.6g}")
    print("levers: " + ", ".join(f"{name} = {value:.6g}" for name, value in best.items()))
    for row in fresh.to_dict("records"):
        if row["row"].startswith("metric:") and math.isfinite(row.get("p_value", math.nan)):
            change = row["difference_mean"]
            print(
                f"fresh futures, {row['row'][8:]}: chosen - starting = {change:,.6g} "
                f"(p = {row['p_value']:.2g})"
            )
    print(f"wrote {', '.join(written)} to {args.out}")
    return EXIT_OK


def _discover_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", type=Path, help="a sweep or optimize results store folder")
    parser.add_argument(
        "--case",
        required=True,
        help="runs of interest, e.g. 'customers@year10 < 0.5*median' or 'insolvent'",
    )
    parser.add_argument("--method", choices=("prim", "cart"), default="prim")
    parser.add_argument("--boxes", type=_positive_int, default=1, help="PRIM boxes to find")
    parser.add_argument(
        "--min-coverage",
        type=float,
        default=None,
        help="PRIM: choose the densest box with at least this coverage (default 0.8)",
    )
    parser.add_argument(
        "--seed", type=_non_negative_int, default=0, help="CART and feature scoring"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="folder for the tables, figure and centre.toml"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary")


@extra_command(
    "discover",
    "scenario discovery: the lever ranges where a case of interest concentrates",
    _discover_arguments,
)
def _discover(args: argparse.Namespace) -> int:
    from flywheel.experiments.discovery import DEFAULT_MIN_COVERAGE, discover
    from flywheel.experiments.discovery_outputs import (
        discovery_provenance,
        summary_lines,
        write_discovery,
    )

    coverage = DEFAULT_MIN_COVERAGE if args.min_coverage is None else args.min_coverage
    if not (math.isfinite(coverage) and 0.0 < coverage <= 1.0):
        raise UsageError(f"--min-coverage {coverage:g}: expected a share above 0 and at most 1")
    result = discover(
        args.store,
        args.case,
        method=args.method,
        boxes=args.boxes,
        min_coverage=coverage,
        seed=args.seed,
    )
    written = []
    if args.out is not None:
        settings = {"boxes": args.boxes, "min_coverage": coverage, "discovery_seed": args.seed}
        made = discovery_provenance(result, args.store, settings)
        written = write_discovery(result, args.out, made)
    if args.json:
        print(
            json.dumps(
                {
                    "case": args.case,
                    "cases": int(result.mask.sum()),
                    "runs": len(result.mask),
                    "stats": result.stats.to_dict("records"),
                    "boxes": result.boxes.to_dict("records"),
                    "features": result.features.to_dict("records"),
                    "files": written,
                }
            )
        )
        return EXIT_OK
    for line in summary_lines(result):
        print(line)
    if written:
        print(f"wrote {', '.join(written)} to {args.out}")
    return EXIT_OK
