"""Issue 19's targets for one fitted Amazon scenario, in one table (docs/calibration.md#refit-v2).

    PYTHONPATH=. python bench/issue19_targets.py FITTED.toml [--out-of-sample TABLE.md] [--out T.md]

Runs the scenario once with noise off (as the calibration report does) and measures, against
the like-with-like record of docs/calibration.md (the run and the year pairs of
bench/loss_years.py): retail net sales MAPE 1997-2024; the retail operating-income signs and
the loss years 2014, 2017, 2022; the 3P anchors 1999-2018 within 5 points; the four cost and
revenue series' MAPE over their record years; the growth share with every reinforcing loop
(R1-R6) cut from 1996, 2000 and 2005 (20 replications, `flywheel growth-share`); the unfitted
figures within a factor 1.5 (the same run). The out-of-sample MAPE is read from the table
`bench/out_of_sample.py --out` wrote, when given; with `--lessons`, the workshop's lessons on
the fit (`bench/calibration_lessons.py`, docs/calibration.md#lessons) are rows too. Prints
Markdown (or writes it, atomically).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import calibration_lessons  # bench/, beside this script
import numpy as np
from loss_years import LOSS_YEARS, noise_off_annual, record_pairs  # bench/, beside this script

import flywheel
from flywheel.calibration.reference import reference_comparison
from flywheel.cli.experiments.common import cut_week
from flywheel.experiments.growth import REINFORCING_LOOPS, growth_share
from flywheel.scenario.files import write_text_atomic

MAPE_SERIES = {
    "retail net sales MAPE ≤ 10 %": "retail_net_sales_usd_million",
    "fulfillment expense MAPE ≤ 25 %": "fulfillment_expense_usd_million",
    "shipping cost MAPE ≤ 25 %": "shipping_cost_usd_million",
    "subscription revenue MAPE ≤ 25 %": "subscription_revenue_usd_million",
    "seller services revenue MAPE ≤ 25 %": "seller_services_revenue_usd_million",
    "advertising revenue MAPE (no target)": "advertising_revenue_usd_million",
}
CUT_YEARS = (1996, 2000, 2005)
CUT = (
    f"{REINFORCING_LOOPS[0]}–{REINFORCING_LOOPS[-1]} cut from 1996 / 2000 / 2005: "
    "2024 retail net sales ≤ 15 % (1996)"
)


def measure(path: Path) -> list[tuple[str, str]]:
    """(target, measured) rows for the fitted scenario at `path`."""
    scenario = flywheel.load_scenario(path)
    frame = noise_off_annual(scenario)
    rows = []
    for target, column in MAPE_SERIES.items():
        pairs = record_pairs(frame, column)
        mape = 100 * np.mean([abs(m / r - 1) for _, m, r in pairs]) if pairs else float("nan")
        rows.append((target, f"{mape:.1f} % ({len(pairs)} years)"))
    income = record_pairs(frame, "retail_operating_income_usd_million")
    right = [y for y, m, r in income if np.sign(m) == np.sign(r)]
    losses = [y for y in LOSS_YEARS if y in right]
    rows.append(
        (
            "retail operating income: sign right ≥ 90 %, ≥ 2 of 2014, 2017, 2022",
            f"{len(right)} of {len(income)} ({100 * len(right) / len(income):.0f} %); loss years "
            f"right: {', '.join(map(str, losses)) or 'none'}",
        )
    )
    share = record_pairs(frame, "share_3p_percent")
    within = [y for y, m, r in share if abs(m - r) <= 5.0 and 1999 <= y <= 2018]
    worst = max(abs(m - r) for _, m, r in share)
    rows.append(
        (
            "3P share within 5 points of every 1999–2018 anchor",
            f"{len(within)} of 20 (largest miss {worst:.1f})",
        )
    )
    weeks = [cut_week(str(year), scenario) for year in CUT_YEARS]
    cut = growth_share(scenario, weeks, output="retail_net_sales_usd_million", year=2024)
    shares = " / ".join(f"{100 * s:.1f} %" for s in cut["share_mean"])
    rows.append((CUT, shares))
    ratios = [row["ratio"] for row in reference_comparison(frame)]
    inside = sum(1 / 1.5 <= ratio <= 1.5 for ratio in ratios)
    rows.append(("unfitted figures within a factor 1.5", f"{inside} of {len(ratios)}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fitted", type=Path)
    parser.add_argument("--out-of-sample", type=Path, help="bench/out_of_sample.py's --out table")
    parser.add_argument("--out", type=Path, help="Markdown file (atomic)")
    parser.add_argument(
        "--lessons",
        action="store_true",
        help="also the workshop's lessons (bench/calibration_lessons.py, 6 replications)",
    )
    args = parser.parse_args()
    rows = measure(args.fitted)
    if args.lessons:
        for name, changes, verdict in calibration_lessons.measure(args.fitted, 6):
            moves = " / ".join(f"{100 * changes[y]:+.0f} %" for y in calibration_lessons.YEARS)
            rows.append((f"lesson: {name} (2005 / 2015 / 2024)", f"{moves}; {verdict}"))
    if args.out_of_sample:
        found = re.search(r"\(out of sample\): \*\*([0-9.]+) %", args.out_of_sample.read_text())
        rows.append(
            ("out of sample 2017–2024 ≤ 20 %", f"{found.group(1)} %" if found else "not found")
        )
    text = "| target | measured |\n|---|---|\n" + "".join(f"| {t} | {m} |\n" for t, m in rows)
    if args.out:
        write_text_atomic(args.out, text)
    print(text, end="")


if __name__ == "__main__":
    main()
