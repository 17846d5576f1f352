"""Fulfillment expense split into its parts, model against record, year by year (issue 19,
docs/calibration.md#refit-v13-v15_fulfil).

    PYTHONPATH=. python bench/fulfillment_parts.py FITTED.toml [--from-year 1997] [--to-year 2006]
        [--out table.md]

Runs the scenario once with noise off, as the calibration report does, and prints (or writes,
atomically) a Markdown table, USD million a year: the FCs' fixed running cost (open FCs x
`fc_fixed_cost_usd_per_week`, as the lever stands each week after the scenario's events), their
depreciation, the per-order remainder (per-order cost x learning), the customer-service cost, the
fulfillment expense they add up to (as `results.annual`) and the record's, with the FCs and floor
area (million sq ft) open at the year's end.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from loss_years import FIT_YEARS, noise_off_run  # bench/, beside this script

import flywheel
from flywheel.calibration.comparable import load_record
from flywheel.calibration.data import BUNDLED_HISTORY
from flywheel.scenario.files import write_text_atomic

COLUMN = "fulfillment_expense_usd_million"
LEVER = "fc_fixed_cost_usd_per_week"


def fixed_cost_per_fc(scenario: flywheel.Scenario, dates: pd.Series) -> np.ndarray:
    """USD/week per open FC each week: the lever's value, stepped by the scenario's events on
    it (in date order)."""
    value = np.full(len(dates), getattr(scenario.levers, LEVER), dtype=float)
    steps = sorted((e.date, e.value) for e in scenario.events if getattr(e, "lever", None) == LEVER)
    for date, step in steps:
        value[(dates >= pd.Timestamp(date)).to_numpy()] = step
    return value


def parts(scenario: flywheel.Scenario) -> pd.DataFrame:
    """USD million a year of each part, the record, and the year-end FCs and floor area."""
    weekly = noise_off_run(scenario).frame()
    weekly["fixed"] = weekly["fulfillment_centers"] * fixed_cost_per_fc(scenario, weekly["date"])
    weekly["year"] = weekly["date"].dt.year
    table = weekly.groupby("year").agg(
        fulfillment=("fulfillment_cost_usd", "sum"),
        depreciation=("depreciation_usd", "sum"),
        fixed=("fixed", "sum"),
        service=("service_cost_usd", "sum"),
        fcs=("fulfillment_centers", "last"),
        sqft=("fc_sqft", "last"),
    )
    table["per_order"] = table.fulfillment - table.depreciation - table.fixed
    table["expense"] = table.fulfillment + table.service
    table[["fulfillment", "depreciation", "fixed", "service", "per_order", "expense"]] /= 1e6
    table["sqft"] /= 1e6
    record = load_record(BUNDLED_HISTORY).series(COLUMN, FIT_YEARS)
    table["record"] = pd.Series({o.year: o.value for o in record})
    return table


def markdown(table: pd.DataFrame, from_year: int, to_year: int) -> str:
    """The years `from_year`-`to_year` as a Markdown table."""
    lines = [
        "| year | FC fixed | depreciation | per order | service | expense | record | × record "
        "| FCs | M sq ft |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for year, row in table.loc[from_year:to_year].iterrows():
        ratio = f"{row.expense / row.record:.2f}" if row.record > 0 else "–"
        record = f"{row.record:,.0f}" if row.record > 0 else "–"
        lines.append(
            f"| {year} | {row.fixed:,.0f} | {row.depreciation:,.0f} | {row.per_order:,.0f} "
            f"| {row.service:,.0f} | {row.expense:,.0f} | {record} | {ratio} | {row.fcs:.1f} "
            f"| {row.sqft:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", help="scenario TOML (e.g. a calibrate --out file)")
    parser.add_argument("--from-year", type=int, default=1997, help="first year in the table")
    parser.add_argument("--to-year", type=int, default=2006, help="last year in the table")
    parser.add_argument("--out", help="Markdown file to write (atomic) instead of printing")
    args = parser.parse_args()
    scenario = flywheel.load_scenario(args.scenario)
    text = markdown(parts(scenario), args.from_year, args.to_year)
    if args.out:
        write_text_atomic(args.out, text)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
