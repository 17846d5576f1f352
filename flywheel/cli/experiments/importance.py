"""`flywheel importance`: one lever at a time, low and high, with common random numbers."""

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
    write_table,
)
from flywheel.cli.experiments.common import _common, _executor, _progress, check_runs
from flywheel.scenario.schema import Levers, field_infos


def _importance_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--output", default="revenue_usd", help="model output (default revenue_usd)"
    )
    parser.add_argument(
        "--year",
        type=_positive_int,
        default=None,
        help="model year of the outcome (1 = weeks 0-51; default the last simulated year)",
    )
    parser.add_argument("-n", "--replications", type=_positive_int, default=20)
    parser.add_argument(
        "--levers", default=None, help="comma-separated levers (default: every lever)"
    )
    parser.add_argument(
        "--share",
        type=float,
        default=None,
        help="move each lever by ± this share of its value, clipped to its range (default 0.25)",
    )
    parser.add_argument("--out", type=Path, help="write the table to .csv or .parquet")


@extra_command(
    "importance",
    "rank levers by how much one at a time moves an outcome (common random numbers)",
    _importance_arguments,
)
def _importance(args: argparse.Namespace) -> int:
    from flywheel.experiments.importance import (
        DEFAULT_RUNS_PER_BATCH,
        DEFAULT_SWING_SHARE,
        lever_importance,
    )
    from flywheel.experiments.outcomes import Outcome

    if args.out is not None:
        check_out_path(args.out, (".csv", ".parquet"))
    levers = None
    if args.levers is not None:
        levers = [name.strip() for name in args.levers.split(",") if name.strip()]
        if not levers:
            raise UsageError("--levers: expected comma-separated lever names")
    share = DEFAULT_SWING_SHARE if args.share is None else args.share
    if not (math.isfinite(share) and 0.0 < share <= 1.0):
        raise UsageError(f"--share {share:g}: expected a number above 0 and at most 1")
    scenario = scenario_from_args(args)
    count = len(levers) if levers is not None else len(field_infos(Levers))
    check_runs(
        args,
        (1 + 2 * count) * args.replications,
        scenario.horizon_weeks,
        f"-n {args.replications} ({count} levers low and high, and the base)",
    )
    if args.year is None:
        outcome = Outcome.last_year(args.output, scenario.horizon_weeks)
    else:
        outcome = Outcome(args.output, year=args.year)
    with _executor(args) as executor, _progress(args, "runs") as progress:
        frame = lever_importance(
            scenario,
            outcome,
            args.replications,
            args.seed,
            levers=levers,
            share=share,
            chunk_size=args.chunk_size or DEFAULT_RUNS_PER_BATCH,
            executor=executor,
            progress=progress,
        )
    if args.out is not None:
        from flywheel.results.provenance import describe

        settings = {"outcome": outcome.text, "levers": levers, "share": share}
        made = describe(
            scenario,
            "importance",
            seed=args.seed,
            replications=args.replications,
            settings={**settings, "chunk_size": args.chunk_size},
        )
        write_table(frame, args.out, made)
    if args.json:
        print(
            json.dumps(
                {
                    "outcome": frame.attrs["outcome"],
                    "replications": args.replications,
                    "seed": args.seed,
                    "base_mean": frame.attrs["base"],
                    "levers": [_finite(row) for row in frame.to_dict(orient="records")],
                }
            )
        )
    else:
        print(
            f"lever importance of {frame.attrs['label']} ({args.replications} replications "
            f"per setting, common random numbers; base mean {frame.attrs['base']:,.4g})"
        )
        print(frame.to_string(index=False, float_format="%.4g"))
    return EXIT_OK


def _finite(row: dict[str, Any]) -> dict[str, Any]:
    """NaN (a standard error of one replication) as null: JSON has no NaN."""
    return {
        key: None if isinstance(value, float) and math.isnan(value) else value
        for key, value in row.items()
    }
