"""Out-of-sample test of the Amazon calibration (issue 19, item 5; docs/calibration.md).

Fits the issue-19 series of `scenarios/amazon_1996_2024.toml` on 1997-2016 only (estimated
weights, the same parameters and ranges as the refit), then runs the fitted scenario to 2024
and compares retail net sales 2017-2024 with the record. Events after 2016 stay in the run as
dated exogenous shocks (their sizes in each event's `note`); `--drop-covid` also removes the
COVID demand shock, whose size was set from Amazon's own 2020 sales, so that 2020 moves only
with the Census online share; `--with-advertising` also fits advertising revenue (2014-2016), as
the full refits since the ads variant do. Noise off, as in the fit. The table ends with the
fitted parameters of the fit to 2016 (to compare with the full fit's).

    PYTHONPATH=. python bench/out_of_sample.py --out docs/figures/amazon_out_of_sample.md
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

import flywheel
from flywheel.calibration import Problem, build_targets, parse_parameters
from flywheel.calibration.comparable import load_record
from flywheel.calibration.data import BUNDLED_HISTORY
from flywheel.calibration.objective import NOISE_LEVERS
from flywheel.calibration.report import metric_statistics
from flywheel.calibration.reweight import fit_estimated_weights
from flywheel.scenario.files import write_text_atomic
from flywheel.scenario.loading import load_scenario, with_parameters

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "amazon_1996_2024.toml"
SERIES = (
    "retail_net_sales_usd_million",
    "retail_operating_income_usd_million",
    "share_3p_percent",
    "fulfillment_expense_usd_million",
    "shipping_cost_usd_million",
    "subscription_revenue_usd_million",
    "seller_services_revenue_usd_million",
)
# The full refits since the ads variant also fit this one (2014-2016 in the fit years)
ADVERTISING = "advertising_revenue_usd_million"
# The refit's parameters and their ranges (parameters.md's plausible ranges; docs/calibration.md)
PARAMETERS_FILE = REPO / "bench" / "refit_parameters.txt"
FIT_YEARS, FORECAST_YEARS = (1997, 2016), (2017, 2024)


def forecast_table(scenario: flywheel.Scenario, values: dict[str, float]) -> list[tuple]:
    """(year, model, record, error share) of retail net sales over the forecast years."""
    fitted = with_parameters(scenario, values)
    noise_off = {name: np.zeros(1) for name in NOISE_LEVERS}
    annual = flywheel.simulate(fitted, 1, 0, lever_overrides=noise_off).annual()
    model = dict(zip(annual["year"], annual["retail_net_sales_usd_million"], strict=True))
    record = load_record(BUNDLED_HISTORY).series("retail_net_sales", FORECAST_YEARS)
    return [(o.year, model[o.year], o.value, model[o.year] / o.value - 1.0) for o in record]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=2048)
    parser.add_argument("--local-starts", type=int, default=8)
    parser.add_argument("--max-evaluations", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--drop-covid", action="store_true")
    parser.add_argument(
        "--with-advertising",
        action="store_true",
        help="also fit advertising revenue (2014-2016, FY2016 10-K), as the full refit does",
    )
    parser.add_argument(
        "--params-file",
        type=Path,
        default=PARAMETERS_FILE,
        help="NAME[MIN,MAX] specs to fit (default: the refit's, bench/refit_parameters.txt)",
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        default=SCENARIO,
        help="scenario to fit (default: scenarios/amazon_1996_2024.toml)",
    )
    parser.add_argument("--out", type=Path, default=None, help="Markdown table (atomic)")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    if args.drop_covid:
        kept = tuple(e for e in scenario.events if getattr(e, "id", None) != "covid_surge")
        scenario = dataclasses.replace(scenario, events=kept)
    specs = parse_parameters(args.params_file.read_text().split(), scenario)
    series = [*SERIES, *((ADVERTISING,) if args.with_advertising else ())]
    targets = build_targets(load_record(BUNDLED_HISTORY), series, scenario, FIT_YEARS)
    began = time.monotonic()
    result = fit_estimated_weights(
        Problem(scenario, specs, targets),
        starts=args.starts,
        max_evaluations=args.max_evaluations,
        rounds=args.rounds,
        local_starts=args.local_starts,
    )
    minutes = (time.monotonic() - began) / 60.0
    rows = forecast_table(scenario, result.fitted_parameters())
    mape = 100.0 * float(np.mean([abs(r[3]) for r in rows]))
    lines = [
        f"Fit {FIT_YEARS[0]}-{FIT_YEARS[1]} ({minutes:.1f} min, {result.evaluations} runs in the "
        f"last round), COVID shock {'dropped' if args.drop_covid else 'kept'}:",
        "",
        "| series (fit years) | MAPE in the fit % |",
        "|---|---|",
        *(f"| {s['metric']} | {s['mape_percent']:.1f} |" for s in metric_statistics(result)),
        "",
        "| year | model retail net sales $M | record $M | model / record - 1 |",
        "|---|---|---|---|",
        *(f"| {y} | {m:,.0f} | {r:,.0f} | {e:+.1%} |" for y, m, r, e in rows),
        "",
        f"Retail net sales MAPE {FORECAST_YEARS[0]}-{FORECAST_YEARS[1]} (out of sample): "
        f"**{mape:.1f} %**",
        "",
        f"Parameters of the fit to {FIT_YEARS[1]}:",
        "",
        "| parameter | fitted | range |",
        "|---|---|---|",
        *(
            f"| {s.name} | {v:.4g} | {s.low:.4g}-{s.high:.4g} |"
            for s, v in zip(specs, result.values, strict=True)
        ),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out is not None:
        write_text_atomic(args.out, text)


if __name__ == "__main__":
    main()
