"""The loop attribution of the calibrated Amazon run's 2024 revenue, by when the loops are cut
(docs/amazon.md, "Which loops made 2024, and from when"): a figure and a Markdown table.

Run: .venv/bin/python docs/make_amazon_attribution.py [REPLICATIONS]   (default 20)
Writes docs/figures/amazon_attribution_by_start.png and ..._table.md (atomically).
"""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from pathlib import Path

import numpy as np

import flywheel
from flywheel.experiments import attribute
from flywheel.scenario.files import write_atomic, write_text_atomic
from flywheel.scenario.loading import Scenario
from flywheel.scenario.parameters import LOOP_IDS, LOOP_NAMES

DOCS = Path(__file__).resolve().parent
SCENARIO = DOCS.parent / "scenarios" / "amazon_1996_2024_calibrated.toml"
OUTCOME_YEAR = 2024
STARTS = (1996, 2000, 2005, 2010)  # the loops' link held from 1 January of each year
USD_PER_BILLION = 1e9


def model_year(scenario: Scenario, calendar_year: int) -> int:
    """The model year (52-week block from week 0, 1-based) holding most of `calendar_year`."""
    middle = dt.date(calendar_year, 7, 1)
    return (middle - scenario.start_date).days // 7 // 52 + 1


def main(replications: int = 20) -> None:
    scenario = flywheel.load_scenario(SCENARIO)
    outcome = f"revenue_usd@year{model_year(scenario, OUTCOME_YEAR)}"
    tables = {}
    for year in STARTS:
        week = max((dt.date(year, 1, 1) - scenario.start_date).days // 7, 0)
        tables[year] = attribute(scenario, outcome, replications, 0, cut_from_week=week).table()
    _write_figure(tables)
    _write_table(tables, outcome, replications)


def _write_figure(tables: dict) -> None:  # noqa: ANN001
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    loops = [loop for loop in LOOP_IDS if loop != "B5"]  # B5 never binds here (credit 1e12)
    width = 0.8 / len(tables)
    figure, axis = plt.subplots(figsize=(11, 5))
    for i, (year, table) in enumerate(tables.items()):
        rows = table.set_index("component")
        values = [rows.loc[loop, "mean"] / USD_PER_BILLION for loop in loops]
        axis.bar(np.arange(len(loops)) + i * width, values, width, label=f"cut from {year}")
    axis.set_xticks(np.arange(len(loops)) + width * (len(tables) - 1) / 2)
    labels = [f"{loop}\n" + textwrap.fill(LOOP_NAMES[loop], 12) for loop in loops]
    axis.set_xticklabels(labels, fontsize=8)
    axis.axhline(0, color="black", linewidth=0.6)
    axis.set_ylabel("2024 revenue lost when the loop is cut, USD billion")
    axis.set_title("Which loops made Amazon's 2024 revenue in the model, by when they are cut")
    axis.legend(fontsize=8)
    figure.tight_layout()
    path = DOCS / "figures" / "amazon_attribution_by_start.png"
    write_atomic(path, lambda h: figure.savefig(h, format="png", dpi=100), binary=True)
    print(f"wrote {path}")


def _write_table(tables: dict, outcome: str, replications: int) -> None:  # noqa: ANN001
    header = "| loop | " + " | ".join(f"cut from {y}" for y in tables) + " |"
    lines = [header, "|---|" + "---|" * len(tables)]
    components = [*LOOP_IDS, "interaction", "total"]
    for component in components:
        cells = []
        for table in tables.values():
            rows = table.set_index("component")
            cells.append(f"{rows.loc[component, 'mean'] / USD_PER_BILLION:+.1f}")
        label = f"{component} {LOOP_NAMES.get(component, '')}".strip()
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    note = (
        f"\nUSD billion of `{outcome}` (2024), mean over {replications} replications with "
        "common random numbers: each loop's row is what the run loses when that loop alone is "
        "cut from 1 January of the year; `total` is what it loses with every loop cut; "
        "`interaction` is the total less the loops' sum.\n"
    )
    path = DOCS / "figures" / "amazon_attribution_by_start_table.md"
    write_text_atomic(path, "\n".join(lines) + "\n" + note)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
