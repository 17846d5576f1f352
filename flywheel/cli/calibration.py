"""`flywheel calibrate`: fit scenario parameters to annual data (docs/calibration.md).

    flywheel calibrate scenarios/amazon_1996_2024.toml --data flywheel/data/amazon_history.csv \
        --fit net_sales_usd_million --fit share_3p_percent \
        --params 'bass_q_per_year[0.1,1.0]' --params 'skus_per_seller[5,200]' \
        --out scenarios/amazon_1996_2024_calibrated.toml

Bad input (unknown parameter or metric, malformed NAME[MIN,MAX], bounds outside the schema
range, missing data file) exits 2 with one line and no traceback.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from flywheel.calibration.data import BUNDLED_HISTORY
from flywheel.cli.commands import (
    BYTES_PER_REPLICATION_WEEK,
    EXIT_OK,
    UsageError,
    check_memory,
    extra_command,
)
from flywheel.cli.experiments.common import add_force_argument
from flywheel.scenario.errors import printable
from flywheel.scenario.limits import check_memory_bytes, check_points, check_replication_weeks

DATA_HELP = (
    "long-format history CSV (default: the bundled Amazon record, flywheel/data/amazon_history.csv)"
)
SEGMENTS_HELP = (
    "segment CSV whose AWS figures turn net sales and operating income into the retail_* series "
    "(default: flywheel/data/amazon_segments.csv with the bundled --data, none with another)"
)


def add_problem_arguments(parser: argparse.ArgumentParser, scenario_help: str) -> None:
    """The arguments that say what is fitted to what (`calibrate`, `calibrate-uncertainty`):
    scenario, --data, --segments, --fit, --params, --years, --include-memory."""
    parser.add_argument("scenario", type=Path, help=scenario_help)
    parser.add_argument("--data", type=Path, default=BUNDLED_HISTORY, help=DATA_HELP)
    parser.add_argument("--segments", type=Path, default=None, help=SEGMENTS_HELP)
    parser.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="METRIC",
        help="annual column to fit (repeat), e.g. retail_net_sales_usd_million",
    )
    parser.add_argument(
        "--params",
        action="append",
        default=[],
        nargs="+",
        metavar="NAME[MIN,MAX]",
        help="parameter and its bounds: the search range, the prior of a posterior (repeat)",
    )
    parser.add_argument(
        "--years",
        default=None,
        metavar="FIRST-LAST",
        help="years to fit, e.g. 1997-2024 (default: all simulated full years)",
    )
    parser.add_argument(
        "--include-memory",
        action="store_true",
        help="also fit rows of confidence 'memory' (unverified; default off)",
    )


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_problem_arguments(parser, "scenario TOML file to calibrate")
    parser.add_argument("--out", type=Path, required=True, help="calibrated scenario .toml")
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="folder for the PNG and reports (default: next to --out)",
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="METRIC=W",
        help="weight of a fitted metric (default 1)",
    )
    parser.add_argument(
        "--weights",
        choices=("chosen", "estimated"),
        default="chosen",
        help="chosen: --weight (default); estimated: each series weighted by its residual "
        "scale tau, estimated from the fit and refitted until it settles (no --weight)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="with --weights estimated: fits at most, the first included (default 4)",
    )
    parser.add_argument(
        "--starts",
        type=int,
        default=64,
        help="Sobol start points screened in one batch (default 64)",
    )
    parser.add_argument(
        "--max-evaluations",
        type=int,
        default=300,
        help="candidate runs allowed to least squares (default 300)",
    )
    parser.add_argument(
        "--local-starts",
        type=int,
        default=1,
        help="least-squares searches from the best screened points; the best wins (default 1)",
    )
    parser.add_argument(
        "--replications",
        type=int,
        default=0,
        help="0: noise off (default); N: average N common-random-number runs",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_force_argument(parser)


def _years(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    first, sep, last = text.partition("-")
    try:
        low, high = int(first), int(last)
    except ValueError:
        raise UsageError(f"--years {text!r}: expected FIRST-LAST, e.g. 1997-2024") from None
    if not sep or low > high:
        raise UsageError(f"--years {text!r}: expected FIRST-LAST with FIRST <= LAST")
    return low, high


def _weights(items: list[str]) -> dict[str, float]:
    weights = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--weight {item!r}: expected METRIC=NUMBER") from None
        if not sep or weights[name.strip()] < 0:
            raise UsageError(f"--weight {item!r}: expected METRIC=NUMBER >= 0")
    return weights


@extra_command(
    "calibrate", "fit scenario parameters to annual data (least squares on logs)", _add_arguments
)
def _calibrate(args: argparse.Namespace) -> int:
    from flywheel.calibration import (
        CalibrationError,
        Problem,
        build_targets,
        fit,
        parse_parameters,
    )
    from flywheel.calibration.comparable import load_record
    from flywheel.calibration.data import CONFIDENCE_LEVELS, DEFAULT_CONFIDENCE
    from flywheel.calibration.report import metric_statistics, parameter_table, write_report
    from flywheel.scenario.loading import load_scenario

    if args.starts < 0 or args.max_evaluations < 1 or args.replications < 0:
        raise UsageError("--starts >= 0, --max-evaluations >= 1, --replications >= 0")
    if args.rounds < 1 or args.local_starts < 1:
        raise UsageError(
            f"--rounds {args.rounds} --local-starts {args.local_starts}: expected >= 1"
        )
    if args.weights == "estimated" and args.weight:
        raise UsageError(
            f"--weight {args.weight[0]!r} with --weights estimated: the weights are estimated "
            "from the residuals (drop --weight, or use --weights chosen)"
        )
    if args.out.suffix.lower() != ".toml":
        raise UsageError(f"--out {args.out}: expected a .toml file")
    if not args.out.parent.is_dir():
        raise UsageError(f"--out {args.out}: folder {args.out.parent} does not exist")
    report_dir = args.report_dir or args.out.parent
    if not report_dir.is_dir():
        raise UsageError(f"--report-dir {report_dir}: folder does not exist")
    try:
        scenario = load_scenario(args.scenario)
        history = load_record(args.data, args.segments)
        specs = parse_parameters([p for group in args.params for p in group], scenario)
        confidence = CONFIDENCE_LEVELS if args.include_memory else DEFAULT_CONFIDENCE
        targets = build_targets(
            history, args.fit, scenario, _years(args.years), confidence, _weights(args.weight)
        )
    except CalibrationError as error:
        raise UsageError(str(error)) from None
    _check_limits(args, scenario.horizon_weeks)
    problem = Problem(scenario, specs, targets, replications=args.replications, seed=args.seed)
    command = "flywheel calibrate " + shlex.join(
        sys.argv[2:] if sys.argv[1:2] == ["calibrate"] else [str(args.scenario), "..."]
    )
    result = _run_fit(problem, args, fit if args.weights == "chosen" else _estimated(args))
    paths = write_report(result, history, args.scenario, args.out, report_dir, command)
    for row in metric_statistics(result):
        print(
            f"{row['metric']:<30} MAPE {row['mape_percent']:7.1f} %   mean abs error "
            f"{row['mean_abs_error']:.4g}"
        )
    for errors in result.series_errors:
        print(f"{errors.column:<30} tau {errors.tau:.4g}   rho {errors.rho:.3g}   (estimated)")
    for row in parameter_table(result):
        flag = f"  <- at {row['bound_hit']} bound" if row["bound_hit"] else ""
        print(f"{row['name']:<36} {row['fitted']:<12.5g} [{row['low']:g}, {row['high']:g}]{flag}")
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return EXIT_OK


def _estimated(args: argparse.Namespace):  # noqa: ANN202 - a fit with the same keywords
    from functools import partial

    from flywheel.calibration.reweight import fit_estimated_weights

    return partial(fit_estimated_weights, rounds=args.rounds)


def _budget(args: argparse.Namespace) -> int:
    """Candidate runs a calibration may use: the screen, then each least-squares search."""
    rounds = args.rounds if args.weights == "estimated" else 1
    return args.starts + 1 + (args.local_starts + rounds - 1) * args.max_evaluations


def _check_limits(args: argparse.Namespace, weeks: int) -> None:
    """The declared limits (exit 2 before any run): start points and runs (--force lifts
    them), and the memory of the start points' batch, which records every series."""
    per_candidate = max(1, args.replications)
    what = f"--starts {args.starts} --max-evaluations {args.max_evaluations}"
    check_points(args.starts, f"--starts {args.starts}", force=args.force)
    check_replication_weeks(
        _budget(args) * per_candidate,
        weeks,
        what,
        force=args.force,
    )
    check_memory_bytes(
        (args.starts + 1) * per_candidate * weeks * BYTES_PER_REPLICATION_WEEK,
        f"--starts {args.starts} x --replications {args.replications}",
    )


def _run_fit(problem, args: argparse.Namespace, fit):  # noqa: ANN001, ANN202 - thin wrapper
    if args.quiet:
        return fit(
            problem,
            starts=args.starts,
            max_evaluations=args.max_evaluations,
            seed=args.seed,
            local_starts=args.local_starts,
        )
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("calibrating"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} runs"),
        TextColumn("best cost {task.fields[cost]}"),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task("fit", total=_budget(args), cost="-")

        def report(done: int, total: int, cost: float) -> None:
            bar.update(task, completed=done, total=total, cost=f"{cost:.4g}")

        result = fit(
            problem,
            starts=args.starts,
            max_evaluations=args.max_evaluations,
            seed=args.seed,
            progress=report,
            local_starts=args.local_starts,
        )
        bar.update(task, completed=bar.tasks[0].total)
    return result


def _add_record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenarios", type=Path, nargs="+", help="scenario TOML files")
    parser.add_argument("--data", type=Path, default=BUNDLED_HISTORY, help=DATA_HELP)
    parser.add_argument("--segments", type=Path, default=None, help=SEGMENTS_HELP)
    parser.add_argument("--out", type=Path, required=True, help="figure .png")
    parser.add_argument("--table", type=Path, default=None, help="Markdown summary table .md")
    parser.add_argument(
        "--series",
        action="append",
        default=[],
        metavar="NAME",
        help="annual column to draw (repeat), e.g. retail_net_sales_usd_million "
        "(default: net sales, operating income, 3P share, customers, Prime, footage)",
    )
    parser.add_argument(
        "--unfitted",
        type=Path,
        default=None,
        metavar="FILE.md",
        help="also write model / public per year of the unfitted series (median over runs)",
    )
    parser.add_argument("--replications", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--posterior",
        type=Path,
        default=None,
        metavar="STORE",
        help="a calibrate-uncertainty store: each replication runs its own posterior draw, so "
        "the bands carry parameter uncertainty (levers a scenario sets itself are kept)",
    )
    parser.add_argument(
        "--burn", type=float, default=0.5, help="with --posterior: share of steps dropped"
    )


@extra_command(
    "compare-record",
    "Monte Carlo bands of scenarios against the annual record",
    _add_record_arguments,
)
def _compare_record(args: argparse.Namespace) -> int:
    from flywheel.calibration import CalibrationError
    from flywheel.calibration.comparable import load_record
    from flywheel.calibration.record import (
        annual_bands,
        median_frame,
        panels_for,
        record_figure,
        summary_table,
    )
    from flywheel.calibration.reference import comparison_markdown, reference_comparison
    from flywheel.results.provenance import describe, seal, with_fields
    from flywheel.results.provenance_files import bytes_sha256, sidecar_path, write_png
    from flywheel.scenario.files import write_text_atomic
    from flywheel.scenario.loading import load_scenario
    from flywheel.scenario.writer import canonical_toml

    if args.out.suffix.lower() != ".png" or args.replications < 1:
        raise UsageError("--out must be a .png and --replications >= 1")
    if args.unfitted is not None and args.unfitted.suffix.lower() != ".md":
        raise UsageError(f"--unfitted {args.unfitted}: expected a .md file")
    try:
        history = load_record(args.data, args.segments)
        panels = panels_for(args.series)
        draws = None
        if args.posterior is not None:
            from flywheel.calibration.uncertainty import posterior_draws

            draws = posterior_draws(args.posterior, args.replications, args.burn, args.seed)
    except CalibrationError as error:
        raise UsageError(str(error)) from None
    bands, drawn = {}, {}
    for path in args.scenarios:
        scenario = load_scenario(path)
        check_memory(scenario, args.replications)
        overrides = None if draws is None else draws.overrides_for(scenario)
        bands[scenario.name] = annual_bands(
            scenario, args.replications, args.seed, panels, overrides
        )
        drawn[scenario.name] = canonical_toml(scenario)
    figure = record_figure(bands, history, panels=panels)
    made = describe(
        scenario,
        "plot",
        seed=args.seed,
        replications=args.replications,
        # the figure draws every scenario: each one's resolved TOML (the first field holds
        # the last one's)
        settings={
            "chart_of": "compare-record",
            "scenarios_toml": drawn,
            "history": Path(history.path).name,
            "posterior": None if args.posterior is None else args.posterior.name,
        },
    )
    write_png(figure, args.out, made, dpi=100)
    table = summary_table(bands, (2000, 2010, 2024))
    if args.table is not None:
        write_text_atomic(args.table, table)
        settings = {k: v for k, v in made["settings"].items() if k != "chart_of"}
        written = with_fields(made, kind="table", settings=settings)
        sealed = seal(written, bytes_sha256(args.table.read_bytes()))
        write_text_atomic(sidecar_path(args.table), json.dumps(sealed, indent=1) + "\n")
    if args.unfitted is not None:
        sections = [
            f"## {printable(name)}\n\n"
            + comparison_markdown(reference_comparison(median_frame(frame)))
            for name, frame in bands.items()
        ]
        header = (
            "# Unfitted series: model / public figure\n\nModel: median over "
            f"{args.replications} replications (seed {args.seed}), noise on.\n\n"
        )
        write_text_atomic(args.unfitted, header + "\n".join(sections))
    # Scenario names head the table's columns: escaped line by line.
    print("\n".join(printable(line) for line in str(table).splitlines()))
    print(f"wrote {args.out}" + (f", {args.unfitted}" if args.unfitted else ""))
    return EXIT_OK
