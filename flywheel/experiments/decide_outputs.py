"""What a policy search writes: the chosen policy judged on fresh futures, a Markdown report,
the trials and the Pareto set as parquet, and the policy as a scenario TOML.

Out of sample: the chosen policy and the starting one (the scenario's own lever values) are
run on `fresh` futures never used by the search (replication ids from `FRESH_FIRST_ID` and a
new Latin-hypercube draw), the same futures for both (common random numbers), so the paired
difference per future is the policy's effect; a paired t-test (scipy) gives its p-value.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.experiments.executors import Executor, Progress
from flywheel.experiments.futures import FRESH_FIRST_ID, sample_futures
from flywheel.experiments.policy_search import Optimization, evaluate
from flywheel.scenario.errors import printable
from flywheel.scenario.files import write_text_atomic
from flywheel.scenario.loading import Scenario, ScenarioError, load_scenario
from flywheel.scenario.sources import find_base
from flywheel.scenario.writer import canonical_toml, diff_toml, toml_like_source

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_FRESH_FUTURES = 200


def out_of_sample(
    result: Optimization,
    fresh: int = DEFAULT_FRESH_FUTURES,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """One row per metric: the starting and the chosen policy on `fresh` new futures
    (start_mean, best_mean, difference_mean = best - start, its 95 % confidence interval
    and the paired t-test's p_value), plus each objective's and constraint's statistic for
    both (rows `objective: ...`, `constraint: ...`)."""
    import pandas as pd
    from scipy import stats

    spec = result.spec
    futures = sample_futures(spec.uncertainties, fresh, spec.seed, first_id=FRESH_FIRST_ID)
    start = [float(getattr(spec.scenario.levers, name)) for name in spec.lever_names]
    best = [result.best_levers()[name] for name in spec.lever_names]
    values = evaluate(spec, np.array([start, best]), futures, executor, progress)
    rows = []
    for k, name in enumerate(spec.metrics):
        difference = values[1, :, k] - values[0, :, k]
        half = np.nan
        p_value = np.nan
        if fresh > 1 and difference.std() > 0:
            half = float(stats.t.ppf(0.975, fresh - 1) * stats.sem(difference))
            p_value = float(stats.ttest_rel(values[1, :, k], values[0, :, k]).pvalue)
        elif fresh > 1:
            half, p_value = 0.0, 1.0
        mean = float(difference.mean())
        rows.append(
            {
                "row": f"metric: {name}",
                "start": float(values[0, :, k].mean()),
                "best": float(values[1, :, k].mean()),
                "difference_mean": mean,
                "difference_ci95_low": mean - half,
                "difference_ci95_high": mean + half,
                "p_value": p_value,
            }
        )
    for item in [*spec.objectives, *spec.constraints]:
        column = values[:, :, spec.metrics.index(item.metric)]
        from flywheel.experiments.metrics import statistic

        pair = statistic(column, item.stat)
        kind = "objective" if item in spec.objectives else "constraint"
        rows.append(
            {
                "row": f"{kind}: {item.text}",
                "start": float(pair[0]),
                "best": float(pair[1]),
                "difference_mean": float(pair[1] - pair[0]),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs.update(fresh_futures=fresh, first_replication=FRESH_FIRST_ID)
    return table


def policy_toml(
    scenario: Scenario, start: Scenario, out: Path, source: Path | None, header: str
) -> str:
    """TOML of `scenario` through the shared writer: `base = <start's name>` and only what
    differs when that name, looked up from `out`'s folder, loads to `start` (the smallest
    diff against the input); else written like the source file (its `base` kept); else in
    full."""
    folder = out.resolve().parent
    if _loads_from(start.name, folder) == start:
        return diff_toml(scenario, start, start.name, header)
    if source is not None and source.is_file():
        # the header first, then the source's own comment block (one block: both kept)
        text = "".join(f"# {line}\n" for line in header.splitlines())
        text = toml_like_source(scenario, text + source.read_text(encoding="utf-8"), source.parent)
        base = tomllib.loads(text).get("base")
        if base is None or _loads_from(base, folder) is not None:
            return text
    return canonical_toml(scenario, header)


def _loads_from(name: str, folder: Path) -> Scenario | None:
    """The scenario `base = name` names for a file in `folder`, or None if none loads."""
    try:
        return load_scenario(find_base(name, folder))
    except ScenarioError:
        return None


def report_markdown(result: Optimization, fresh: pd.DataFrame) -> str:
    """The search's report: the question, the budget, the chosen policy against the starting
    one (in sample and on fresh futures), the front and the best candidates."""
    spec = result.spec
    trials = result.trials()
    best = result.best_index
    lines = [
        f"# Robust policy search on {printable(spec.scenario.name)}",
        "",
        f"- decision levers: {', '.join(item.text for item in spec.levers)}",
        f"- objectives: {'; '.join(item.text for item in spec.objectives)}",
        f"- constraints: {'; '.join(item.text for item in spec.constraints) or 'none'}",
        f"- deep uncertainties: {', '.join(item.text for item in spec.uncertainties) or 'none'}"
        " (Latin hypercube)",
        f"- budget: {spec.generations} generations x {spec.population} candidates x "
        f"{spec.futures} futures ({len(result.policies) * spec.futures} runs), seed {spec.seed}, "
        f"sampler {'NSGA-II (pymoo)' if len(spec.objectives) > 1 else spec.sampler + ' (Optuna)'}",
        f"- NPV discount rate: {spec.discount_rate_per_year:.1%} per year",
        "",
        "## Chosen policy",
        "",
        "| lever | starting | chosen |",
        "|---|---|---|",
    ]
    for name, value in result.best_levers().items():
        lines.append(f"| {name} | {getattr(spec.scenario.levers, name):.6g} | {value:.6g} |")
    feasible = "feasible" if result.feasible[best] else "NOT feasible (least violation)"
    lines += [
        "",
        f"Candidate {best} of {len(trials)} (generation {int(result.generation[best])}), "
        f"{feasible}.",
        "",
        f"## Out of sample: {fresh.attrs.get('fresh_futures')} fresh futures",
        "",
    ]
    if not len(fresh):
        lines.append("Skipped (`--fresh-futures 0`).")
    else:
        lines += [
            "Both policies on the same new futures (replication ids from "
            f"{fresh.attrs.get('first_replication')}, a new draw of the uncertainties).",
            "",
            "| | starting | chosen | chosen - starting | 95 % CI | paired t-test p |",
            "|---|---|---|---|---|---|",
        ]
    for row in fresh.to_dict("records"):
        ci = (
            f"{row['difference_ci95_low']:.4g} to {row['difference_ci95_high']:.4g}"
            if np.isfinite(row.get("difference_ci95_low", np.nan))
            else ""
        )
        p_value = f"{row['p_value']:.2g}" if np.isfinite(row.get("p_value", np.nan)) else ""
        lines.append(
            f"| {row['row']} | {row['start']:.6g} | {row['best']:.6g} | "
            f"{row['difference_mean']:.4g} | {ci} | {p_value} |"
        )
    shown = trials[trials["on_front"]] if len(spec.objectives) > 1 else trials
    order = spec.objectives[0]
    shown = shown.sort_values(order.column, ascending=not order.maximise).head(10)
    title = "Pareto front (feasible)" if len(spec.objectives) > 1 else "Best candidates"
    lines += ["", f"## {title} (in sample; regret against the best candidate per future)", ""]
    lines.append(markdown_table(shown) if len(shown) else "none")
    return "\n".join(lines) + "\n"


def markdown_table(frame: pd.DataFrame) -> str:
    """A small frame as a Markdown table (numbers to 5 significant digits)."""

    def cell(value: Any) -> str:
        if isinstance(value, float | np.floating):
            return f"{value:.5g}"
        return printable(value).replace("|", "\\|")

    rows = [[cell(name) for name in frame.columns], ["---"] * len(frame.columns)]
    rows += [[cell(value) for value in record] for record in frame.itertuples(index=False)]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def optimize_provenance(result: Optimization) -> dict[str, Any]:
    """The provenance of a search's outputs (kind `optimize`, its spec in `settings`)."""
    from flywheel.results.provenance import describe

    settings = {k: v for k, v in result.spec.fingerprint_data().items() if k != "scenario"}
    return describe(
        result.spec.scenario,
        "optimize",
        seed=result.spec.seed,
        replications=result.spec.futures,
        outputs=list(result.spec.metrics),
        settings=settings,
    )


def write_outputs(
    result: Optimization, fresh: pd.DataFrame, folder: str | Path, source: Path | None = None
) -> list[str]:
    """Write trials.parquet, pareto.parquet (several objectives), fresh.parquet, best.toml
    (with best.toml.provenance.json) and report.md into `folder` (atomically, each with its
    provenance), seal the store's provenance; returns the names written."""
    from flywheel.results.provenance import seal
    from flywheel.results.provenance_files import bytes_sha256, sidecar_path, write_table

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made = optimize_provenance(result)
    if result.store is not None and result.store.is_complete:
        result.store.seal_provenance(made)
    names = ["trials.parquet", "fresh.parquet"]
    trials = result.trials()
    write_table(trials, folder / "trials.parquet", made)
    write_table(fresh.reset_index(drop=True), folder / "fresh.parquet", made)
    if len(result.spec.objectives) > 1:
        write_table(
            trials[trials["on_front"]].reset_index(drop=True), folder / "pareto.parquet", made
        )
        names.append("pareto.parquet")
    header = (
        f"Question: which {', '.join(result.spec.lever_names)} do best for "
        f"{'; '.join(o.text for o in result.spec.objectives)} over "
        f"{result.spec.futures} futures? Written by `flywheel optimize` (report.md beside it)."
    )
    text = policy_toml(
        result.best_scenario(), result.spec.scenario, folder / "best.toml", source, header
    )
    write_text_atomic(folder / "best.toml", text)
    sealed = seal(made, bytes_sha256(text.encode()))
    write_text_atomic(sidecar_path(folder / "best.toml"), json.dumps(sealed, indent=1) + "\n")
    write_text_atomic(folder / "report.md", report_markdown(result, fresh))
    return [*names, "best.toml", "report.md"]
