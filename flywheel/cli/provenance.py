"""`flywheel provenance FILE` (how an output was made, and whether that matches its data) and
`flywheel rerun FILE` (make it again from its provenance and compare).

Exit codes: `provenance` 0 consistent, 1 inconsistent (reported, field by field), 2 no
provenance or not an output; `rerun` 0 identical, 1 different (the largest difference is
printed), 2 missing or inconsistent provenance, or a field that fails validation (one line).
"""

from __future__ import annotations

import argparse
import json
import shlex
import tempfile
from pathlib import Path
from typing import Any

from flywheel.cli.commands import (
    EXIT_ERROR,
    EXIT_OK,
    UsageError,
    check_memory,
    check_out_path,
    extra_command,
)
from flywheel.cli.experiments.common import (
    _executor,
    _progress,
    add_force_argument,
    local_workers,
)
from flywheel.cli.messages import printable
from flywheel.experiments.output_files import (
    Output,
    compare,
    describe_output,
    read_output,
    required,
)
from flywheel.experiments.reruns import RerunPlan, rerun_plan, run_plan
from flywheel.results.provenance import differences
from flywheel.results.provenance_files import TABLE_SUFFIXES, require_netcdf
from flywheel.scenario.limits import check_points, check_replication_weeks

OUTPUT_HELP = "an output: .parquet, .csv, .nc or .png file, an mc folder or a sweep store"


def _provenance_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="FILE", help=OUTPUT_HELP)
    parser.add_argument("--json", action="store_true", help="print it all as JSON")
    parser.add_argument(
        "--scenario", action="store_true", help="print only the resolved scenario (TOML)"
    )


@extra_command(
    "provenance",
    "show how an output was made and whether it matches its data",
    _provenance_arguments,
)
def _provenance(args: argparse.Namespace) -> int:
    output = read_output(args.path)
    found = output.provenance
    if found is None:
        raise UsageError(f"{args.path}: no provenance (nothing says how it was made)")
    if not isinstance(found, dict):
        raise UsageError(f"{args.path}: inconsistent provenance: {output.problems[0]}")
    if args.json:
        print(json.dumps(describe_output(output), indent=1, ensure_ascii=False))
    elif args.scenario:
        for line in str(found.get("scenario_toml", "")).splitlines():
            print(printable(line))
    else:
        for line in _lines(output):
            print(printable(line))
    return EXIT_ERROR if output.problems else EXIT_OK


def _lines(output: Output) -> list[str]:
    """The provenance as aligned `field  value` lines, the verdict first."""
    p: dict[str, Any] = output.provenance or {}
    found = output.problems
    verdict = "consistent with the data" if not found else "INCONSISTENT: " + "; ".join(found)
    # an inconsistent provenance may hold anything: every field is shown as text
    outputs = p.get("outputs")
    if isinstance(outputs, list):
        outputs = f"{len(outputs)}: {', '.join(map(str, outputs))}"
    versions, platform, command = p.get("versions"), p.get("platform"), p.get("command")
    if isinstance(versions, dict):
        versions = ", ".join(f"{name} {value}" for name, value in versions.items())
    if isinstance(platform, dict):
        platform = ", ".join(str(value) for value in platform.values())
    if isinstance(command, list):
        command = shlex.join(map(str, command))
    rows = [
        ("kind", p.get("kind")),
        ("scenario", f"{p.get('scenario_name')} (resolved TOML sha256 {p.get('scenario_sha256')})"),
        ("seed", p.get("seed")),
        ("replications", f"{p.get('replications')} (first id {p.get('first_replication')})"),
        ("outputs", "all" if outputs is None else outputs),
        ("settings", json.dumps(p.get("settings"), separators=(",", ":"))[:300]),
        ("versions", versions),
        ("platform", platform),
        ("git commit", p.get("git_commit") or "none (not run from a checkout)"),
        ("created", p.get("created_utc")),
        ("command", command),
        ("data sha256", p.get("data_sha256")),
        ("digest", p.get("digest")),
    ]
    return [f"{output.path}: {verdict}"] + [f"  {name:<13} {value}" for name, value in rows]


def _rerun_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="FILE", help=OUTPUT_HELP)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="keep the re-created result here (a file, or a new folder for mc and sweep); "
        "default: made in a temporary folder, compared and removed",
    )
    parser.add_argument(
        "--executor", choices=("auto", "local", "processes", "dask"), default="auto"
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler")
    parser.add_argument("--json", action="store_true", help="print a JSON verdict")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_force_argument(parser)


def _check_limits(args: argparse.Namespace, plan: RerunPlan) -> None:
    """The limits any command checks, before any work (exit 2; --force lifts the counts)."""
    what = f"rerun of {args.path.name} ({plan.kind}, {plan.runs:,} runs)"
    if plan.kind == "run":
        check_memory(plan.scenario, plan.replications)
    if plan.kind == "mc":  # its memory and temporary disk, as `flywheel mc` checks them
        from flywheel.cli.experiments.runs import _check_mc_limits

        sizes = {
            "replications": plan.replications,
            "keep_all": plan.settings["keep_all"],
            "chunk_size": plan.settings["chunk_size"],
        }
        _check_mc_limits(argparse.Namespace(**{**vars(args), **sizes}), plan.scenario, plan.outputs)
    if plan.kind in ("sweep", "sensitivity"):
        check_points(plan.points, what, len(plan.settings["levers"]), force=args.force)
    check_replication_weeks(
        plan.runs,
        plan.scenario.horizon_weeks,
        what,
        workers=local_workers(args),
        force=args.force,
    )


def _check_out(out: Path, plan: RerunPlan) -> None:
    """Refuse an --out that cannot take this kind of result, before any work."""
    if plan.kind in ("run", "sensitivity"):
        check_out_path(out, TABLE_SUFFIXES if plan.kind == "run" else (".csv", ".parquet"))
        if out.suffix.lower() == ".nc":
            require_netcdf()
    elif out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"--out {out}: expected a new or empty folder for the {plan.kind}")


@extra_command(
    "rerun",
    "make a run, mc, sweep or sensitivity result again from its provenance and compare",
    _rerun_arguments,
)
def _rerun(args: argparse.Namespace) -> int:
    original = read_output(args.path)
    provenance = required(original)
    plan = rerun_plan(provenance, str(args.path))
    _check_limits(args, plan)
    with tempfile.TemporaryDirectory(prefix="flywheel-rerun-") as scratch:
        out = args.out if args.out is not None else Path(scratch) / args.path.name
        _check_out(out, plan)
        with _executor(args) as executor, _progress(args, "runs") as progress:
            run_plan(plan, out, executor=executor, progress=progress)
        again = read_output(out)
        comparison = compare(original, again)
        changed = differences(provenance, again.provenance or {})
    if args.json:
        verdict = {
            "identical": comparison.identical,
            "difference": None if comparison.identical else comparison.summary,
            "differences_in_versions_or_platform": changed,
            "out": None if args.out is None else str(args.out),
        }
        print(json.dumps(verdict))
    else:
        print(printable(comparison.summary))
        what = "versions and platform as recorded" if not changed else "; ".join(changed)
        print(printable(f"{plan.kind} of scenario {plan.scenario.name}, seed {plan.seed}: {what}"))
        if args.out is not None:
            print(printable(f"wrote {args.out}"))
    return EXIT_OK if comparison.identical else EXIT_ERROR
