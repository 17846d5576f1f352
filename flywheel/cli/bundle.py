"""`flywheel bundle SCENARIO --replications N --out NAME.zip`: the app's bundle download from
the command line (`flywheel.results.bundle`): the weekly bands of every output as long and
wide CSV, each with its provenance sidecar, the resolved scenario and a README, in one zip
written atomically (a killed run leaves the old file or none)."""

from __future__ import annotations

import argparse
from pathlib import Path

from flywheel.cli.commands import (
    EXIT_OK,
    _positive_int,
    add_scenario_arguments,
    check_memory,
    check_out_path,
    extra_command,
    scenario_from_args,
)

DEFAULT_REPLICATIONS = 20


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_scenario_arguments(parser)
    parser.add_argument(
        "--replications", type=_positive_int, default=DEFAULT_REPLICATIONS, help="default 20"
    )
    parser.add_argument("--out", type=Path, required=True, help="output .zip")


@extra_command(
    "bundle",
    "zip of the weekly bands (long and wide CSV), their provenance and the scenario",
    _arguments,
)
def _bundle(args: argparse.Namespace) -> int:
    from flywheel.results.bundle import bundle_names, write_bundle

    scenario = scenario_from_args(args)
    check_out_path(args.out, (".zip",))
    check_memory(scenario, args.replications)
    write_bundle(args.out, scenario, args.replications, args.seed)
    names = bundle_names(scenario.name)
    print(f"wrote {args.out}: {names['csv']}, {names['wide']}, their provenance, {names['toml']}")
    return EXIT_OK
