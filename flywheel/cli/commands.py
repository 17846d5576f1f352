"""Command line: `flywheel run | validate | describe | plot` (also `python -m flywheel`).

Exit codes: 0 success, 2 invalid input (one clear message, no traceback), 1 unexpected error,
141 when the reader of stdout went away (`flywheel describe | head`), silently; 130 after
Ctrl-C (SIGINT), 143 after SIGTERM, 129 after SIGHUP, each once temporary files are removed
and worker processes stopped (docs/reliability.md, "Signals").
Only this module maps errors to exit codes; the library raises typed errors.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flywheel.cli.messages import (
    UsageError,
    check_out_path,
    describe_os_error,
    print_error,
    printable,
    scenario_warnings_on_stderr,
)
from flywheel.cli.signals import Terminated, handle_termination
from flywheel.results.provenance import recorded_command, with_fields
from flywheel.results.provenance_files import TABLE_SUFFIXES, require_netcdf, write_png
from flywheel.scenario.knockouts import knockout_label
from flywheel.scenario.limits import available_memory_bytes
from flywheel.scenario.loading import Scenario, ScenarioError, load_scenario, with_parameters
from flywheel.scenario.schema import Initial, Levers, field_infos

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # as if killed by SIGPIPE, like other Unix tools
EXIT_INTERRUPTED = 128 + 2  # SIGINT; SIGTERM gives 143 and SIGHUP 129 (cli.signals)
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too, but we want one clean line
        raise UsageError(f"{self.prog}: {message}")


def command(
    name: str,
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register a sub-command handler."""

    def register(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
        COMMANDS[name] = handler
        return handler

    return register


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = _Parser(prog="flywheel", description="Simulate a business flywheel.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="simulate a scenario and print or write the results")
    _scenario_args(run)
    run.add_argument(
        "--out",
        type=Path,
        help="write Results.frame() to .csv, .parquet or .nc (netCDF: the netcdf extra), "
        "with its provenance",
    )
    run.add_argument("--annual", action="store_true", help="write one row per calendar year")
    run.add_argument("--json", action="store_true", help="print a JSON summary")
    validate = sub.add_parser("validate", help="check a scenario file")
    validate.add_argument("scenario", type=Path)
    validate.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE"
    )
    validate.add_argument(
        "--resolved",
        action="store_true",
        help="print the resolved scenario (base, drop_events, --set applied) as full TOML",
    )
    describe = sub.add_parser(
        "describe", help="list every parameter with unit, default, range (or every output)"
    )
    describe.add_argument("--json", action="store_true")
    describe.add_argument(
        "--outputs",
        action="store_true",
        help="list every output (name, unit, kind, group, meaning) instead of the parameters",
    )
    plot = sub.add_parser("plot", help="draw a dashboard of the key outputs to a PNG")
    _scenario_args(plot)
    plot.add_argument("--out", type=Path, required=True, help="output .png")
    plot.add_argument("--mc", action="store_true", help="fan chart of Monte Carlo bands")
    for name, add in _EXTRA_PARSERS.items():
        add(sub.add_parser(name, help=_EXTRA_HELP[name]))
    return parser


_EXTRA_PARSERS: dict[str, Callable[[argparse.ArgumentParser], None]] = {}
_EXTRA_HELP: dict[str, str] = {}


def extra_command(
    name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[..., int]]:
    """Register a sub-command defined in another module (experiments, calibration)."""
    _EXTRA_PARSERS[name] = add_arguments
    _EXTRA_HELP[name] = help_text
    return command(name)


def _scenario_args(parser: argparse.ArgumentParser) -> None:
    add_scenario_arguments(parser)
    parser.add_argument("--replications", type=_positive_int, default=1)


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    """SCENARIO, --seed and --set: the arguments every scenario command takes."""
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value}")
    return value


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """`name=value` strings into typed values (numbers, or true/false for flags)."""
    known = {**field_infos(Levers), **field_infos(Initial)}
    changes: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--set {item!r}: expected NAME=VALUE")
        if name not in known:
            raise UsageError(f"--set {name}: unknown parameter (see `flywheel describe`)")
        if known[name].annotation is bool:
            if text.strip().lower() not in ("true", "false"):
                raise UsageError(f"--set {name}={text}: expected true or false")
            changes[name] = text.strip().lower() == "true"
            continue
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"--set {name}={text!r}: expected a number") from None
        if not math.isfinite(value):
            raise UsageError(f"--set {name}={text}: expected a finite number")
        changes[name] = value
    return changes


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """Load the scenario file and apply `--set` overrides (validated again)."""
    scenario = load_scenario(args.scenario)
    changes = parse_overrides(args.overrides)
    if changes:
        scenario = with_parameters(scenario, changes, origin=f"{args.scenario} --set")
    return scenario


@command("run")
def _run(args: argparse.Namespace) -> int:
    import flywheel

    scenario = scenario_from_args(args)
    if args.out is not None:
        check_out_path(args.out, TABLE_SUFFIXES)
        if args.out.suffix.lower() == ".nc":
            require_netcdf()
    check_memory(scenario, args.replications)
    results = flywheel.simulate(scenario, replications=args.replications, seed=args.seed)
    table = results.annual() if args.annual else results.frame()
    if args.out is not None:
        results.write(args.out, annual=args.annual)
    if args.json:
        last = results.series
        summary = {
            "scenario": scenario.name,
            "replications": args.replications,
            "seed": args.seed,
            "weeks": scenario.horizon_weeks,
            "final_week_mean": {
                name: float(last[name][:, -1].mean())
                for name in (
                    "customers",
                    "sellers",
                    "orders",
                    "revenue_usd",
                    "operating_income_usd",
                    "price_index",
                    "cx",
                    "fulfillment_centers",
                )
            },
            "out": str(args.out) if args.out else None,
        }
        print(json.dumps(summary))
    elif args.out is None:
        print(table.to_string(max_rows=30))
    else:
        print(f"wrote {len(table)} rows to {args.out}")
    return EXIT_OK


@command("validate")
def _validate(args: argparse.Namespace) -> int:
    scenario = scenario_from_args(args)
    if args.resolved:
        from flywheel.scenario.writer import canonical_toml

        sets = "".join(f" --set {item}" for item in args.overrides)
        header = f"{args.scenario}{sets}, resolved by `flywheel validate --resolved`"
        sys.stdout.write(canonical_toml(scenario, header))
        return EXIT_OK
    print(
        printable(
            f"{args.scenario}: ok ({scenario.name}, {scenario.horizon_weeks} weeks, "
            f"{len(scenario.events)} events, knockouts {_knockout_labels(scenario) or 'none'})"
        )
    )
    return EXIT_OK


def _knockout_labels(scenario: Scenario) -> list[str]:
    """The scenario's knockouts as they read: 'R2', or 'R5 from 2005-01-01' for a dated one."""
    return [knockout_label(entry) for entry in scenario.knockouts]


@command("describe")
def _describe(args: argparse.Namespace) -> int:
    from flywheel.scenario.catalogue import parameter_table

    if args.outputs:
        return _describe_outputs(as_json=args.json)
    rows = parameter_table()
    if args.json:
        print(json.dumps(rows, indent=1))
        return EXIT_OK
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        print(
            f"{row['name']:<{width}}  {row['group']:<7}  {row['default']!s:>12}  "
            f"[{row['min']}, {row['max']}]  {row['unit']}  {row['description']}"
        )
    return EXIT_OK


def _describe_outputs(*, as_json: bool) -> int:
    """Print the output registry: a JSON list of rows, or one aligned line per output."""
    from flywheel.model.outputs import OUTPUT_TABLE

    rows = [row.as_dict() for row in OUTPUT_TABLE]
    if as_json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return EXIT_OK
    name_width = max(len(row["name"]) for row in rows)
    unit_width = max(len(row["unit"]) for row in rows)
    for row in rows:
        sign = ">= 0" if row["non_negative"] else "any"
        print(
            f"{row['name']:<{name_width}}  {row['unit']:<{unit_width}}  {row['kind']:<5}  "
            f"{sign:<4}  {row['group']:<16}  {row['description']}"
        )
    return EXIT_OK


@command("plot")
def _plot(args: argparse.Namespace) -> int:
    import flywheel
    from flywheel.plots import dashboard as plots

    scenario = scenario_from_args(args)
    check_out_path(args.out, (".png",))
    replications = max(args.replications, 50) if args.mc else args.replications
    check_memory(scenario, replications)
    results = flywheel.simulate(scenario, replications=replications, seed=args.seed)
    figure = plots.fan_chart(results) if args.mc else plots.dashboard(results)
    made = with_fields(results.provenance, kind="plot", settings={"mc": bool(args.mc)})
    write_png(figure, args.out, made, dpi=110)
    print(f"wrote {args.out}")
    return EXIT_OK


# Peak memory of `run` per replication-week: ~80 float64 series, the tidy frame built from
# them and the CSV formatting buffers (measured ~1.9 KB on the baseline, 200 to 800 reps).
BYTES_PER_REPLICATION_WEEK = 2048


def check_memory(scenario: Scenario, replications: int) -> None:
    """Refuse (exit 2) a run whose weekly results cannot fit in the memory available now.

    Without this, `--replications 100000` ends in a MemoryError traceback or the OOM killer;
    `flywheel mc` streams quantiles over any number of replications instead."""
    available = available_memory_bytes()
    needed = replications * scenario.horizon_weeks * BYTES_PER_REPLICATION_WEEK
    if available is not None and needed > available:
        most = available // (scenario.horizon_weeks * BYTES_PER_REPLICATION_WEEK)
        raise UsageError(
            f"--replications {replications}: {scenario.horizon_weeks} weeks of every output "
            f"need about {needed / 2**30:.1f} GiB, more than the {available / 2**30:.1f} GiB "
            f"available (allowed here: up to {most}; `flywheel mc` streams quantiles over more)"
        )


def write_table(table: Any, path: Path, provenance: dict[str, Any]) -> None:
    """Write a DataFrame to .csv (with a `NAME.csv.provenance.json` sidecar) or .parquet
    (provenance in its metadata) atomically."""
    from flywheel.results.provenance_files import write_table as write_with_provenance

    if path.suffix.lower() not in (".csv", ".parquet"):
        raise UsageError(f"--out {path}: expected a .csv or .parquet file")
    write_with_provenance(table, path, provenance)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `flywheel` console script."""
    _load_extra_commands()
    command = ["flywheel", *(sys.argv[1:] if argv is None else argv)]
    try:
        with handle_termination(), scenario_warnings_on_stderr(), recorded_command(command):
            args = build_parser().parse_args(argv)
            status = COMMANDS[args.command](args)
            sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return status
    except BrokenPipeError:  # `flywheel describe | head`: the reader left; not a user error
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (UsageError, ScenarioError) as error:
        print_error(error)
        return EXIT_USAGE
    except ValueError as error:  # library input checks (replications, seed, lever values)
        print_error(error)
        return EXIT_USAGE
    except OSError as error:
        print_error(describe_os_error(error))
        return EXIT_USAGE
    except MemoryError:
        print(
            "error: out of memory (try fewer --replications, or `flywheel mc` for quantiles)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated as error:  # SIGTERM, SIGHUP: unwound like Ctrl-C (flywheel.cli.signals)
        print(f"stopped by {error}", file=sys.stderr)
        return error.exit_status


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _load_extra_commands() -> None:
    """Import modules that register more sub-commands (they stay optional)."""
    import importlib

    for module in (
        "flywheel.cli.experiments",
        "flywheel.cli.calibration",
        "flywheel.cli.uncertainty",
        "flywheel.cli.provenance",
        "flywheel.cli.diagram",
        "flywheel.cli.bundle",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name is None or not module.startswith(error.name):
                raise
