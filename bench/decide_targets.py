"""Issue 20's targets: prints a Markdown block for bench/RESULTS.md.

1. Baseline, 5 decision levers, NPV of operating income at 10 %/yr, 50 futures per candidate
   (10 generations x 16): the time, and the chosen policy against the shipped levers on 200
   fresh futures (paired t-test; target p < 0.01, <= 2 minutes).
2. The same search on a Dask LocalCluster of 1 and of 2 workers (target: >= 1.6x faster).
3. Three objectives: NSGA-II's front against random search with the same budget, by
   hypervolume (pymoo; reference point: the worst value of each objective over both, minus
   1 % of its range).
4. Discovery of a planted box on a 2 000-run store (target: coverage and density >= 0.8 in
   <= 10 s).

Run: .venv/bin/python bench/decide_targets.py   (a few minutes on 2 cores)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the flywheel beside this script
ROOT = Path(__file__).resolve().parents[1]
LEVERS = [
    "pass_through_share[0.2,0.9]",
    "marketing_share_of_revenue[0.01,0.1]",
    "prime_fee_usd_per_year[49,139]",
    "seller_take_rate_share[0.08,0.25]",
    "technology_share_of_revenue[0.02,0.1]",
]
UNCERTAINTIES = ROOT / "scenarios" / "futures" / "retail_deep_uncertainties.toml"
THREE = ["max npv_operating_income_usd", "max customers@year10 q10", "max sellers@year10"]


def single_objective(scenario, executor=None):
    from flywheel.experiments import optimize

    start = time.perf_counter()
    result = optimize(
        scenario,
        LEVERS,
        "max npv_operating_income_usd",
        constraints=["insolvent_share<=0.05"],
        uncertainties=UNCERTAINTIES,
        futures=50,
        generations=10,
        population=16,
        executor=executor,
    )
    return result, time.perf_counter() - start


def dask_speedup(scenario) -> tuple[float, float]:
    from flywheel.experiments import DaskExecutor

    seconds = []
    for workers in (1, 2):
        executor = DaskExecutor(workers)
        try:
            single_objective(scenario.__class__(name="warm", horizon_weeks=10), executor)
            seconds.append(single_objective(scenario, executor)[1])
        finally:
            executor.close()
    return seconds[0], seconds[1]


def front_against_random(scenario) -> tuple[float, float]:
    from flywheel.experiments.futures import parse_range
    from flywheel.experiments.policy_search import evaluate, run_search, search_spec
    from flywheel.experiments.search import hypervolume

    spec = search_spec(
        scenario,
        LEVERS,
        THREE,
        uncertainties=UNCERTAINTIES,
        futures=20,
        generations=10,
        population=20,
    )
    nsga = run_search(spec)
    generator = np.random.default_rng(0)
    ranges = [parse_range(text) for text in LEVERS]
    count = len(nsga.policies)
    policies = np.column_stack([generator.uniform(r.low, r.high, count) for r in ranges])
    random_values = evaluate(spec, policies, nsga.futures)
    random_objectives = np.column_stack(
        [o.values(random_values[:, :, spec.metrics.index(o.metric)]) for o in spec.objectives]
    )
    both = np.vstack([nsga.objective_values(), random_objectives])
    reference = both.min(axis=0) - 0.01 * (both.max(axis=0) - both.min(axis=0))
    maximise = [True] * len(THREE)
    return (
        hypervolume(nsga.objective_values(), maximise, reference),
        hypervolume(random_objectives, maximise, reference),
    )


def planted_box() -> tuple[float, float, float]:
    import pandas as pd

    import flywheel
    from flywheel.experiments import ResultsStore, discover
    from flywheel.scenario.loading import scenario_to_dict

    generator = np.random.default_rng(7)
    runs = 2000
    a, b = generator.uniform(0.2, 0.9, runs), generator.uniform(30, 70, runs)
    inside = (a > 0.5) & (a < 0.7) & (b > 40) & (b < 55)
    with tempfile.TemporaryDirectory() as folder:
        spec = {
            "scenario": scenario_to_dict(flywheel.Scenario(name="planted", horizon_weeks=52)),
            "seed": 0,
            "levers": ["pass_through_share", "basket_usd"],
            "points": [],
            "replications": 1,
            "outputs": ["customers"],
            "chunk_size": runs,
        }
        store = ResultsStore.open(Path(folder) / "s", "sweep", spec, 1)
        frame = pd.DataFrame(
            {
                "run": np.arange(runs),
                "point": np.arange(runs),
                "replication": 0,
                "pass_through_share": a,
                "basket_usd": b,
                "year": 1,
                "customers": np.where(inside, 1.0, 10.0),
            }
        )
        store.write_chunk(0, frame, (0, runs))
        start = time.perf_counter()
        found = discover(Path(folder) / "s", "customers < 5")
        seconds = time.perf_counter() - start
    stats = found.stats.iloc[0]
    return float(stats["coverage"]), float(stats["density"]), seconds


def main() -> None:
    import flywheel
    from flywheel.experiments import out_of_sample

    scenario = flywheel.load_scenario(ROOT / "scenarios" / "baseline.toml")
    result, seconds = single_objective(scenario)
    fresh = out_of_sample(result, 200)
    row = fresh[fresh["row"] == "metric: npv_operating_income_usd"].iloc[0]
    print("## Decide (issue 20)\n")
    print(
        f"- 5-lever robust search, 50 futures x 160 candidates: {seconds:.1f} s; on 200 fresh "
        f"futures NPV {row['start'] / 1e9:.3f} -> {row['best'] / 1e9:.3f} bn USD "
        f"(+{row['difference_mean'] / 1e9:.3f} bn, paired t-test p = {row['p_value']:.2g})"
    )
    one, two = dask_speedup(scenario)
    print(f"- Dask LocalCluster: 1 worker {one:.1f} s, 2 workers {two:.1f} s ({one / two:.2f}x)")
    front, random = front_against_random(scenario)
    print(
        f"- 3 objectives, 200 candidates: hypervolume NSGA-II {front:.4g}, random {random:.4g} "
        f"({front / random:.2f}x)"
    )
    coverage, density, took = planted_box()
    print(
        f"- planted box, 2 000 runs: coverage {coverage:.2f}, density {density:.2f}, {took:.1f} s"
    )


if __name__ == "__main__":
    main()
