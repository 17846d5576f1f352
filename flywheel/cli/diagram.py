"""`flywheel diagram`: the loop diagram (the napkin sketch's wheel) at one week, to a file.

    flywheel diagram scenarios/baseline.toml --week 260 --out wheel.png

The same drawing as the app's Watch it turn (docs/app.md): each loop in its colour (warm
reinforcing, cool balancing), dashed when balancing, a link's width its loop's strength at
that week (median gain over the replications, relative to its largest over the run), a key
below. `.png` (matplotlib, with provenance), `.svg` or `.dot` (Graphviz, nodes pinned).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from flywheel.cli.commands import (
    EXIT_OK,
    UsageError,
    _non_negative_int,
    _positive_int,
    add_scenario_arguments,
    check_memory,
    check_out_path,
    extra_command,
    scenario_from_args,
)
from flywheel.scenario.schema import LOOP_IDS

SUFFIXES = (".png", ".svg", ".dot")
DEFAULT_REPLICATIONS = 20


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_scenario_arguments(parser)
    parser.add_argument(
        "--week",
        type=_non_negative_int,
        default=None,
        help="the week drawn (default: the last week of the run)",
    )
    parser.add_argument(
        "--replications",
        type=_positive_int,
        default=DEFAULT_REPLICATIONS,
        help=f"runs whose median gain sets each loop's width (default {DEFAULT_REPLICATIONS})",
    )
    parser.add_argument("--out", type=Path, required=True, help="output .png, .svg or .dot")


@extra_command(
    "diagram", "draw the loop diagram (a wheel) at one week to .png/.svg/.dot", _add_arguments
)
def _diagram(args: argparse.Namespace) -> int:
    import flywheel
    from flywheel.plots import diagram, diagram_png, diagram_svg
    from flywheel.results.provenance import with_fields
    from flywheel.results.provenance_files import write_png
    from flywheel.scenario.files import write_text_atomic

    scenario = scenario_from_args(args)
    check_out_path(args.out, SUFFIXES)
    last = scenario.horizon_weeks - 1
    week = last if args.week is None else args.week
    if week > last:
        raise UsageError(
            f"--week {week}: the scenario {scenario.name} has weeks 0 to {last} "
            f"(horizon_weeks = {scenario.horizon_weeks})"
        )
    check_memory(scenario, args.replications)
    results = flywheel.simulate(scenario, replications=args.replications, seed=args.seed)
    medians = {loop: np.median(results[f"gain_{loop}"], axis=0) for loop in LOOP_IDS}
    gains = {loop: float(median[week]) for loop, median in medians.items()}
    scale = max(float(np.max(np.abs(median))) for median in medians.values())
    title = (
        f"{scenario.name}, week {week} ({scenario.week_date(week):%b %Y}): each loop's "
        f"median gain over {args.replications} runs"
    )
    suffix = args.out.suffix.lower()
    if suffix == ".png":
        figure = diagram_png.loop_figure(gains, scale, scenario.cut_loops, title)
        settings = {"diagram_week": week}
        write_png(figure, args.out, with_fields(results.provenance, kind="plot", settings=settings))
    elif suffix == ".svg":
        write_text_atomic(args.out, diagram_svg.loop_svg(gains, scale, scenario.cut_loops))
    else:
        write_text_atomic(args.out, diagram.loop_dot(gains, scale, scenario.cut_loops, title))
    print(f"wrote {args.out}")
    return EXIT_OK
