"""`flywheel calibrate-uncertainty`: the posterior of a calibration with an estimated error
model (docs/calibration.md, "Uncertainty").

    flywheel calibrate-uncertainty scenarios/amazon_1996_2024_calibrated.toml \
        --fit net_sales_usd_million --fit share_3p_percent \
        --params 'bass_q_per_year[0.1,1.0]' 'skus_per_seller[5,200]' \
        --walkers 32 --steps 400 --store runs/amazon_posterior

The scenario's own values are the centre the walkers start from (run it on a calibrated
scenario). The chain is saved in --store every 25 steps; the same command resumes it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flywheel.cli.calibration import _years, add_problem_arguments
from flywheel.cli.commands import EXIT_OK, UsageError, extra_command
from flywheel.cli.experiments.common import add_force_argument
from flywheel.scenario.limits import check_replication_weeks


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_problem_arguments(parser, "calibrated scenario TOML (the centre)")
    parser.add_argument("--walkers", type=int, default=32, help="ensemble size (default 32)")
    parser.add_argument("--steps", type=int, default=400, help="steps to store (default 400)")
    parser.add_argument(
        "--burn",
        type=float,
        default=0.5,
        help="share of the steps dropped as burn-in (default 0.5)",
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=200,
        help="posterior draws for the predictive bands (default 200)",
    )
    parser.add_argument(
        "--store", type=Path, required=True, help="folder for the chain and the report (resumable)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_force_argument(parser)


@extra_command(
    "calibrate-uncertainty",
    "posterior of calibrated parameters with an estimated error model (emcee), resumable",
    _add_arguments,
)
def _calibrate_uncertainty(args: argparse.Namespace) -> int:
    from flywheel.calibration import (
        CalibrationError,
        Problem,
        build_targets,
        parse_parameters,
    )
    from flywheel.calibration.comparable import load_record
    from flywheel.calibration.data import CONFIDENCE_LEVELS, DEFAULT_CONFIDENCE
    from flywheel.calibration.posterior import diagnostics, write_posterior_report
    from flywheel.calibration.uncertainty import sample
    from flywheel.scenario.loading import load_scenario

    if args.walkers < 2 or args.steps < 2 or args.draws < 1 or not 0.0 <= args.burn < 1.0:
        raise UsageError("--walkers >= 2, --steps >= 2, --draws >= 1 and 0 <= --burn < 1")
    if args.store.exists() and not args.store.is_dir():
        raise UsageError(f"--store {args.store}: exists and is not a folder")
    if not args.store.parent.is_dir():
        raise UsageError(f"--store {args.store}: folder {args.store.parent} does not exist")
    try:
        scenario = load_scenario(args.scenario)
        history = load_record(args.data, args.segments)
        specs = parse_parameters([p for group in args.params for p in group], scenario)
        if not specs:
            raise CalibrationError("give at least one --params NAME[MIN,MAX]")
        confidence = CONFIDENCE_LEVELS if args.include_memory else DEFAULT_CONFIDENCE
        targets = build_targets(history, args.fit, scenario, _years(args.years), confidence)
        check_replication_weeks(
            args.walkers * (args.steps + 1) + args.draws,
            scenario.horizon_weeks,
            f"--walkers {args.walkers} --steps {args.steps}",
            force=args.force,
        )
        problem = Problem(scenario, specs, targets, replications=0, seed=args.seed)
        chain = _sample(problem, args, sample)
    except CalibrationError as error:
        raise UsageError(str(error)) from None
    paths = write_posterior_report(problem, chain, args.store, args.draws, args.burn)
    checks = diagnostics(chain, args.burn)
    print(
        f"{checks.steps} steps x {checks.walkers} walkers, acceptance "
        f"{checks.acceptance_mean:.2f}, autocorrelation {checks.autocorrelation_steps:.0f} "
        f"steps, {'converged' if checks.converged else 'NOT converged: run more --steps'}"
    )
    print(paths["summary"].read_text(encoding="utf-8"))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return EXIT_OK


def _sample(problem, args: argparse.Namespace, sample):  # noqa: ANN001, ANN202 - thin wrapper
    options = dict(walkers=args.walkers, steps=args.steps, seed=args.seed)
    if args.quiet:
        return sample(problem, args.store, **options)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("sampling"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(),
    ) as bar:
        task = bar.add_task("chain", total=args.steps)
        return sample(
            problem,
            args.store,
            **options,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
