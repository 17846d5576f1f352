"""`flywheel check FILE...`: run reality checks; exit 0 when all hold, 1 when any fails, 2 on a
malformed file (docs/experiments.md, "Reality checks")."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from flywheel.cli.commands import (
    EXIT_ERROR,
    EXIT_OK,
    _non_negative_int,
    _positive_int,
    extra_command,
)


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE", help="check files (TOML)")
    parser.add_argument(
        "-n",
        "--replications",
        type=_positive_int,
        default=None,
        help="replications of every check (default: each check's own, 8 if unset)",
    )
    parser.add_argument("--seed", type=_non_negative_int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")


@extra_command(
    "check",
    "run reality checks (TOML): expectations on outputs, with common random numbers",
    _check_arguments,
)
def _check(args: argparse.Namespace) -> int:
    from flywheel.experiments.checks import load_checks, run_checks

    # Every file is validated before anything runs: a malformed one is exit 2, not a half run.
    checks = [check for path in args.files for check in load_checks(path)]
    results = run_checks(checks, seed=args.seed, replications=args.replications)
    failed = [result for result in results if not result.holds]
    if args.json:
        print(
            json.dumps(
                {
                    "seed": args.seed,
                    "holds": not failed,
                    "checks": [result.row() for result in results],
                }
            )
        )
    else:
        _print_table(results)
        print(f"{len(results) - len(failed)} of {len(results)} checks hold")
    for result in failed:
        reference = "" if result.reference is None else f", reference {_number(result.reference)}"
        change = "" if result.change is None else f", change {result.change:+.2%}"
        print(
            f"FAILED {result.file}: {result.name}: expected {result.expectation}; measured "
            f"{_number(result.measured)}{reference}{change}",
            file=sys.stderr,
        )
    return EXIT_ERROR if failed else EXIT_OK


def _print_table(results: list[Any]) -> None:
    rows = [("check", "expectation", "measured", "reference", "verdict")]
    for result in results:
        reference = "-" if result.reference is None else _number(result.reference)
        if result.change is not None:
            reference += f" ({result.change:+.1%})"
        rows.append(
            (
                result.name,
                result.expectation,
                _number(result.measured),
                reference,
                "holds" if result.holds else "FAILS",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _number(value: float) -> str:
    return f"{value:,.6g}"
