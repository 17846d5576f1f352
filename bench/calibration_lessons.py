"""The workshop's lessons on a candidate Amazon calibration (issue 19; docs/calibration.md
#lessons): would shipping this fit keep what the counterfactuals teach true?

    PYTHONPATH=. python bench/calibration_lessons.py FITTED.toml [-n 6] [--out lessons.md]

A fit can meet its error targets by switching off the links the flywheel's story runs on (a
price elasticity or a selection effect at the bottom of its range), and then the shipped
counterfactuals, built on the calibrated scenario, teach the opposite of the napkin. This
applies each shipped counterfactual's change (its `drop_events`, `[levers]` and `knockouts`, read
from the TOML files of scenarios/ and scenarios/workshop/) to FITTED, runs both with the same
seeds (noise on, `-n` replications) and reports the 2024 ratios counterfactual / fitted of
orders, GMV, net sales, operating income, customers and the price index (medians over
replications), and whether each lesson the workshop states as a direction holds (the output
moves at least 5 % the stated way; against a loss, relative to its size). Prints Markdown (or
writes it, atomically).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import tomllib
from pathlib import Path

import numpy as np

import flywheel
from flywheel.scenario.files import write_text_atomic
from flywheel.scenario.loading import with_parameters

ROOT = Path(__file__).resolve().parents[1]
WEEKS_PER_YEAR = 52
MATERIAL_SHARE = 0.05  # a lesson holds when its output moves at least 5 % the stated way
OUTPUT_TOTALS = (
    "orders",
    "gmv_usd",
    "revenue_usd",
    "operating_income_usd",
)  # summed over the last year
OUTPUT_LEVELS = ("customers", "price_index")  # the last week's value
# counterfactual file -> (output whose 2024 ratio carries the lesson, the lesson's direction
# as ratio < 1 (True) or > 1 (False), the lesson in words, as docs/amazon.md and the workshop
# state it)
LESSONS = {
    "scenarios/amazon_no_marketplace.toml": (
        "orders",
        True,
        "the marketplace adds sales (fewer orders without it)",
    ),
    "scenarios/amazon_no_prime.toml": ("revenue_usd", True, "Prime adds sales"),
    "scenarios/amazon_half_pass_through.toml": (
        "operating_income_usd",
        False,
        "keeping more of the savings raises operating income",
    ),
    "scenarios/amazon_fc_delayed.toml": (
        "orders",
        True,
        "capacity binds (fewer orders with every FC two years late)",
    ),
    "scenarios/workshop/06_no_word_of_mouth.toml": (
        "customers",
        True,
        "word of mouth brings customers (fewer with R1 cut)",
    ),
}


def counterfactual_of(fitted: flywheel.Scenario, path: Path) -> flywheel.Scenario:
    """`fitted` with the change the counterfactual file at `path` makes to its own base: the
    events it drops, the levers it sets and the loops it cuts."""
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    if spec.get("base", "").startswith("amazon_") and spec["base"] != "amazon_1996_2024_calibrated":
        base_path = (
            ROOT / "scenarios" / f"{spec['base']}.toml"
        )  # a workshop step on a counterfactual
        fitted = counterfactual_of(fitted, base_path)
    dropped = set(spec.get("drop_events", ()))
    changed = dataclasses.replace(
        fitted, events=tuple(event for event in fitted.events if event.id not in dropped)
    )
    if spec.get("knockouts"):
        changed = dataclasses.replace(changed, knockouts=tuple(spec["knockouts"]))
    return with_parameters(changed, spec.get("levers", {})) if spec.get("levers") else changed


def last_year(scenario: flywheel.Scenario, replications: int) -> dict[str, float]:
    """Median over replications of the last 52 weeks' totals and the last week's levels."""
    results = flywheel.simulate(scenario, replications, 0)
    totals = {
        name: float(np.median(results[name][:, -WEEKS_PER_YEAR:].sum(axis=1)))
        for name in OUTPUT_TOTALS
    }
    return totals | {name: float(np.median(results[name][:, -1])) for name in OUTPUT_LEVELS}


def measure(fitted_path: Path, replications: int) -> list[tuple[str, dict[str, float], str]]:
    """(counterfactual, its 2024 ratios to the fitted run, 'holds' or 'does NOT hold: ...')."""
    fitted = flywheel.load_scenario(fitted_path)
    reference = last_year(fitted, replications)
    rows = []
    for relative, (output, lower, lesson) in LESSONS.items():
        scenario = counterfactual_of(fitted, ROOT / relative)
        values = last_year(scenario, replications)
        ratios = {name: values[name] / reference[name] for name in values}
        change = (values[output] - reference[output]) / abs(reference[output])
        holds = change <= -MATERIAL_SHARE if lower else change >= MATERIAL_SHARE
        verdict = f"holds: {lesson}" if holds else f"**does NOT hold**: {lesson}"
        rows.append((Path(relative).stem, ratios, verdict))
    return rows


def links(fitted_path: Path) -> str:
    """The fitted values of the links the lessons run on, in one line."""
    levers = flywheel.load_scenario(fitted_path).levers
    selection_at_1m = 1 - math.exp(-1e6 / levers.selection_saturation_skus)
    return (
        f"price elasticity {levers.price_elasticity:.2f} (sourced 1.3, range 0.5–4); selection "
        f"elasticity {levers.selection_elasticity:.2f} (0.3, 0.1–0.7); selection index at 1 M "
        f"SKUs {selection_at_1m:.2f} (parameters.md: about 0.1)"
    )


def table(rows: list[tuple[str, dict[str, float], str]]) -> str:
    """Markdown: one row per counterfactual."""
    columns = ("orders", "GMV", "net sales", "operating income", "customers", "price index")
    head = "| counterfactual | " + " | ".join(columns) + " | lesson |\n"
    lines = [head, "|---" * (len(columns) + 2) + "|\n"]
    for name, ratios, verdict in rows:
        cells = " | ".join(f"{ratios[n]:.2f}" for n in OUTPUT_TOTALS + OUTPUT_LEVELS)
        lines.append(f"| {name} | {cells} | {verdict} |\n")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fitted", type=Path)
    parser.add_argument("-n", "--replications", type=int, default=6)
    parser.add_argument("--out", type=Path, help="Markdown file (atomic)")
    args = parser.parse_args()
    text = table(measure(args.fitted, args.replications)) + "\n" + links(args.fitted) + "\n"
    if args.out:
        write_text_atomic(args.out, text)
    print(text, end="")


if __name__ == "__main__":
    main()
