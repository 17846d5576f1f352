"""The workshop's lessons on a candidate Amazon calibration (issue 19; docs/calibration.md
#lessons): would shipping this fit keep what the counterfactuals teach true?

    PYTHONPATH=. python bench/calibration_lessons.py FITTED.toml [-n 6] [--out lessons.md]

A fit can meet its error targets by switching off the links the flywheel's story runs on (a
price elasticity or a selection effect at the bottom of its range), and then the shipped
counterfactuals, built on the calibrated scenario, teach the opposite of the napkin. This
applies each shipped counterfactual's change (its `drop_events`, `[levers]` and `knockouts`, read
from the TOML files of scenarios/ and scenarios/workshop/) to FITTED, runs both with the same
seeds (noise on, `-n` replications) and reports the change of the output that carries each
lesson (medians over replications, relative to the fitted run's, signed) in 2005, 2015 and 2024,
and whether the lesson the workshop states holds: a move of at least 5 % the stated way in one
of those years and none of 5 % the other way. Prints Markdown (or writes it, atomically).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import tomllib
from pathlib import Path

import flywheel
from flywheel.scenario.files import write_text_atomic
from flywheel.scenario.loading import with_parameters

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2005, 2015, 2024)  # a lesson is read where the workshop's plots show it: the whole run
MATERIAL_SHARE = 0.05  # a move of at least 5 % counts
# counterfactual file -> (annual column that carries the lesson, True when the lesson says the
# counterfactual is lower, the lesson in words, as docs/amazon.md and the workshop state it).
# Volumes (orders), not dollars, carry the marketplace and capacity lessons: a counterfactual
# that raises prices can raise GMV in dollars on fewer orders.
LESSONS = {
    "scenarios/amazon_no_marketplace.toml": (
        "orders",
        True,
        "the marketplace adds sales (fewer orders without it)",
    ),
    "scenarios/amazon_no_prime.toml": ("net_sales_usd_million", True, "Prime adds sales"),
    "scenarios/amazon_half_pass_through.toml": (
        "operating_income_usd_million",
        False,
        "keeping more of the savings raises operating income",
    ),
    "scenarios/amazon_fc_delayed.toml": (
        "orders",
        True,
        "capacity binds (fewer orders with every FC two years late)",
    ),
    "scenarios/workshop/06_no_word_of_mouth.toml": (
        "active_customers_million",
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


def yearly(scenario: flywheel.Scenario, column: str, replications: int) -> dict[int, float]:
    """Median over replications of the annual `column` in each of `YEARS`."""
    annual = flywheel.simulate(scenario, replications, 0).annual()
    medians = annual.groupby("year")[column].median()
    return {year: float(medians.loc[year]) for year in YEARS}


def verdict(changes: dict[int, float], lower: bool, lesson: str) -> str:
    """'holds: ...' when the output moves at least 5 % the stated way in some year of `YEARS`
    and never 5 % the other way; else '**does NOT hold**: ...' (with the reason)."""
    sign = -1.0 if lower else 1.0
    stated = [year for year, change in changes.items() if sign * change >= MATERIAL_SHARE]
    against = [year for year, change in changes.items() if -sign * change >= MATERIAL_SHARE]
    if stated and not against:
        return f"holds: {lesson}"
    why = f"the other way in {', '.join(map(str, against))}" if against else "no 5 % move"
    return f"**does NOT hold** ({why}): {lesson}"


def measure(fitted_path: Path, replications: int) -> list[tuple[str, dict[int, float], str]]:
    """(counterfactual, its relative change against the fitted run in each of `YEARS`, the
    verdict)."""
    fitted = flywheel.load_scenario(fitted_path)
    rows = []
    for relative, (column, lower, lesson) in LESSONS.items():
        reference = yearly(fitted, column, replications)
        scenario = counterfactual_of(fitted, ROOT / relative)
        values = yearly(scenario, column, replications)
        changes = {y: (values[y] - reference[y]) / abs(reference[y]) for y in YEARS}
        rows.append((Path(relative).stem, changes, verdict(changes, lower, lesson)))
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


def table(rows: list[tuple[str, dict[int, float], str]]) -> str:
    """Markdown: one row per counterfactual, its change in each year, signed percent."""
    head = "| counterfactual | " + " | ".join(map(str, YEARS)) + " | lesson |\n"
    lines = [head, "|---" * (len(YEARS) + 2) + "|\n"]
    for name, changes, said in rows:
        cells = " | ".join(f"{100 * changes[y]:+.0f} %" for y in YEARS)
        lines.append(f"| {name} | {cells} | {said} |\n")
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
