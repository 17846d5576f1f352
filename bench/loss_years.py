"""Retail operating income, model against record, year by year (issue 19, the retail loss years
2014, 2017, 2022; docs/calibration.md "Retail loss years").

    PYTHONPATH=. python bench/loss_years.py FITTED.toml [--from-year 2012] [--out table.md]

Runs the scenario once with noise off, as the calibration report does, and prints (or writes,
atomically) a Markdown table of the model's and the record's retail operating income (USD
million, the like-with-like series of docs/calibration.md) and whether the signs agree, then the
count of agreeing signs over the record's non-`memory` rows of 1997-2024 (as the report).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

import flywheel
from flywheel.calibration.comparable import load_record
from flywheel.calibration.data import BUNDLED_HISTORY
from flywheel.calibration.objective import NOISE_LEVERS
from flywheel.scenario.files import write_text_atomic

COLUMN = "retail_operating_income_usd_million"
LOSS_YEARS = (2014, 2017, 2022)


FIT_YEARS = (1997, 2024)  # the calibration's --years


def noise_off_run(scenario: flywheel.Scenario) -> flywheel.Results:
    """One run of `scenario` with every noise source off, as the fit."""
    noise_off = {name: np.zeros(1) for name in NOISE_LEVERS}
    return flywheel.simulate(scenario, 1, 0, lever_overrides=noise_off)


def noise_off_annual(scenario: flywheel.Scenario) -> Any:
    """`Results.annual()` of one run of `scenario` with every noise source off, as the fit."""
    return noise_off_run(scenario).annual()


def record_pairs(annual: Any, column: str) -> list[tuple[int, float, float]]:
    """(year, model, record) of the annual `column` for every like-with-like record year of
    `FIT_YEARS` the run covers in full."""
    model = dict(zip(annual["year"].astype(int), annual[column], strict=True))
    record = load_record(BUNDLED_HISTORY).series(column, FIT_YEARS)
    return [(o.year, float(model[o.year]), o.value) for o in record if o.year in model]


def model_and_record(scenario: flywheel.Scenario) -> list[tuple[int, float, float]]:
    """(year, model, record) of retail operating income, USD million, for every record year
    of `FIT_YEARS` the run covers in full."""
    return record_pairs(noise_off_annual(scenario), COLUMN)


def table(rows: list[tuple[int, float, float]], from_year: int) -> str:
    """Markdown: the years from `from_year`, then the sign count over all rows."""
    lines = [
        "| year | model | record | sign |",
        "|---|---|---|---|",
    ]
    for year, model, record in rows:
        if year >= from_year:
            mark = "right" if np.sign(model) == np.sign(record) else "**wrong**"
            lines.append(f"| {year} | {model:,.0f} | {record:,.0f} | {mark} |")
    right = [year for year, model, record in rows if np.sign(model) == np.sign(record)]
    wrong = [year for year, _, _ in rows if year not in right]
    losses = [year for year in LOSS_YEARS if year in right]
    lines.append("")
    lines.append(
        f"Signs right in {len(right)} of {len(rows)} years ({100 * len(right) / len(rows):.0f} %); "
        f"wrong in {', '.join(map(str, wrong)) or 'none'}; loss years right: "
        f"{', '.join(map(str, losses)) or 'none'} of {', '.join(map(str, LOSS_YEARS))}."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", help="scenario TOML (e.g. a calibrate --out file)")
    parser.add_argument("--from-year", type=int, default=2012, help="first year in the table")
    parser.add_argument("--out", help="Markdown file to write (atomic) instead of printing")
    args = parser.parse_args()
    text = table(model_and_record(flywheel.load_scenario(args.scenario)), args.from_year)
    if args.out:
        write_text_atomic(args.out, text)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
