"""Calibration report: per-metric fit statistics, a fit plot (PNG), the parameter table with
bound hits, the comparison with public figures that were not fitted, and the calibrated
scenario as TOML. Files are written atomically."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from flywheel.calibration.data import History, metric_spec
from flywheel.calibration.fit import FitResult
from flywheel.calibration.reference import (
    ReferencePoint,
    comparison_markdown,
    draw_public_figures,
    reference_comparison,
    reference_points,
)
from flywheel.scenario.files import write_text_atomic
from flywheel.scenario.loading import (
    SHIPPED_SCENARIOS_DIR,
    Scenario,
    find_base,
    load_scenario,
    with_parameters,
)
from flywheel.scenario.writer import canonical_toml, diff_toml


def metric_statistics(result: FitResult) -> list[dict[str, Any]]:
    """Per fitted metric: points, MAPE %, mean absolute error, max miss, sign agreement."""
    rows = []
    for target in result.problem.targets:
        model = result.annual[target.spec.column]
        years = _years_of(result, target.spec.column)
        picked = model[np.searchsorted(years, np.array(target.years))]
        data = np.asarray(target.values)
        error = picked - data
        with np.errstate(divide="ignore", invalid="ignore"):
            ape = np.abs(error) / np.abs(data)
        rows.append(
            {
                "metric": target.spec.column,
                "data_metric": target.spec.data_metric,
                "years": f"{target.years[0]}-{target.years[-1]}",
                "points": len(target.years),
                "mape_percent": float(np.mean(ape[np.isfinite(ape)]) * 100.0),
                "mean_abs_error": float(np.mean(np.abs(error))),
                "max_abs_error": float(np.max(np.abs(error))),
                "sign_agreement_percent": float(np.mean(np.sign(picked) == np.sign(data)) * 100.0),
            }
        )
    return rows


def parameter_table(result: FitResult) -> list[dict[str, Any]]:
    """Per fitted parameter: start value, fitted value, bounds, and the bound it hits."""
    return [
        {
            "name": spec.name,
            "group": spec.group,
            "start": float(start),
            "fitted": float(v),
            "low": spec.low,
            "high": spec.high,
            "bound_hit": hit,
        }
        for spec, start, v, hit in zip(
            result.problem.parameters,
            result.start_values,
            result.values,
            result.bound_hits(),
            strict=True,
        )
    ]


def calibrated_scenario(result: FitResult, name: str, description: str) -> Scenario:
    """The scenario with the fitted values (noise levels as in the original scenario)."""
    scenario = with_parameters(
        result.problem.scenario, result.fitted_parameters(), origin="calibration"
    )
    from dataclasses import replace

    return replace(scenario, name=name, description=description)


def calibrated_toml(
    result: FitResult, scenario_path: Path, out: Path, name: str, command: str
) -> str:
    """TOML of the calibrated scenario under a header of how it was made: `base` = the input
    scenario plus what differs from it (the fitted values, name and description) when the
    base can be found from `out`'s folder, else the full scenario."""
    stats = metric_statistics(result)
    header = [
        f"Question: how well does {result.problem.scenario.name} match the record once",
        "its free parameters are fitted? Written by `flywheel calibrate`; do not edit",
        "by hand, re-run the command instead:",
        f"  {command}",
    ]
    header += [
        f"fit: {s['metric']} MAPE {s['mape_percent']:.1f} %, mean abs error "
        f"{s['mean_abs_error']:.3g} ({s['years']}, {s['points']} points)"
        for s in stats
    ]
    hits = [
        f"{p['name']} at its {p['bound_hit']} bound"
        for p in parameter_table(result)
        if p["bound_hit"]
    ]
    header.append(f"bounds hit: {', '.join(hits) if hits else 'none'}")
    description = (
        f"{result.problem.scenario.name} with {len(result.values)} parameters "
        f"fitted to {', '.join(s['metric'] for s in stats)}."
    )
    scenario = calibrated_scenario(result, name, description)
    base = _base_reference(scenario_path, out)
    if base is None:
        return canonical_toml(scenario, "\n".join(header))
    # Against the file `base = ...` will name from out's folder (the loader's lookup).
    base_scenario = load_scenario(find_base(base, out.resolve().parent))
    return diff_toml(scenario, base_scenario, base, "\n".join(header))


def _base_reference(scenario_path: Path, out: Path) -> str | None:
    scenario_path, folder = scenario_path.resolve(), out.resolve().parent
    if scenario_path.parent == folder:
        return scenario_path.stem
    if scenario_path.parent == SHIPPED_SCENARIOS_DIR.resolve():
        return scenario_path.stem
    return None


def fit_figure(
    result: FitResult,
    history: History,
    annual: Any,
    points: tuple[ReferencePoint, ...] | None = None,
) -> Any:
    """Figure: one panel per fitted metric (data by confidence vs model) and one per
    reference column (public figures vs the model, not fitted)."""
    from matplotlib.figure import Figure

    points = reference_points() if points is None else points
    by_year = annual.groupby("year").mean(numeric_only=True)
    fitted = [t.spec for t in result.problem.targets]
    extra = sorted({p.column for p in points} - {s.column for s in fitted})
    panels = [(s.column, s.data_metric) for s in fitted] + [(c, None) for c in extra]
    columns = 3
    rows = int(np.ceil(len(panels) / columns))
    figure = Figure(figsize=(4.3 * columns, 3.0 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    markers = {"filed": "o", "secondary": "s", "memory": "x"}
    for axis, (column, data_metric) in zip(axes, panels, strict=False):
        axis.plot(by_year.index, by_year[column], color="tab:blue", label="model")
        if data_metric is not None:
            for level, marker in markers.items():
                rows_ = [o for o in history.rows.get(data_metric, ()) if o.confidence == level]
                if rows_:
                    axis.scatter(
                        [o.year for o in rows_],
                        [o.value for o in rows_],
                        s=14,
                        marker=marker,
                        color="black",
                        label=f"record ({level})",
                    )
            if metric_spec(data_metric).transform == "log":
                axis.set_yscale("log")
            title = f"{column} (fitted)"
        else:
            draw_public_figures(axis, points, column)
            title = f"{column} (not fitted)"
        axis.set_title(title, fontsize=9)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=6)
    for axis in axes[len(panels) :]:
        axis.set_visible(False)
    figure.suptitle(f"Calibration of {result.problem.scenario.name}", fontsize=11)
    return figure


def flagged_years(result: FitResult) -> list[str]:
    """Markdown bullets: per fitted metric and flag, the years that hold something the model
    does not (docs/calibration.md, "Comparing like with like"); fitted all the same."""
    lines = []
    for target in result.problem.targets:
        years_by_flag: dict[str, list[int]] = {}
        for year, flags in zip(target.years, target.flags, strict=False):
            for flag in flags:
                years_by_flag.setdefault(flag, []).append(year)
        lines += [
            f"- {target.spec.column}: {flag} in {_year_ranges(years)}"
            for flag, years in years_by_flag.items()
        ]
    return lines or ["none"]


def _year_ranges(years: list[int]) -> str:
    """ "2006-2012, 2014" for [2006, ..., 2012, 2014]."""
    spans: list[list[int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def report_markdown(
    result: FitResult, comparison: list[dict[str, Any]], png_name: str, command: str
) -> str:
    """The report as Markdown."""
    lines = [
        f"# Calibration report: {result.problem.scenario.name}",
        "",
        f"Command: `{command}`",
        "",
        f"Cost {result.start_cost:.4g} at the scenario's values -> {result.cost:.4g} "
        f"after {result.evaluations} candidate runs ({result.message}).",
        "",
        "## Fit per metric",
        "",
        "| metric | years | points | MAPE % | mean abs error | max abs error | same sign % |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {s['metric']} | {s['years']} | {s['points']} | {s['mape_percent']:.1f} | "
        f"{s['mean_abs_error']:.4g} | {s['max_abs_error']:.4g} | "
        f"{s['sign_agreement_percent']:.0f} |"
        for s in metric_statistics(result)
    ]
    lines += [
        "",
        "## Parameters",
        "",
        "| parameter | start | fitted | bounds | bound hit |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {p['name']} | {p['start']:.4g} | {p['fitted']:.4g} | [{p['low']:g}, "
        f"{p['high']:g}] | {('**' + p['bound_hit'] + '**') if p['bound_hit'] else ''} |"
        for p in parameter_table(result)
    ]
    lines += _error_model_lines(result)
    lines += ["", "## Flagged years", "", *flagged_years(result)]
    lines += [
        "",
        "## Not fitted: model vs public figures",
        "",
        comparison_markdown(comparison),
    ]
    lines += ["", f"![fit]({png_name})", ""]
    return "\n".join(lines)


def error_model_table(result: FitResult) -> list[dict[str, Any]]:
    """Per series, with estimated weights: tau, rho and the weight of the last fit."""
    weights = {t.spec.column: t.weight for t in result.problem.targets}
    return [
        {"metric": e.column, "tau": e.tau, "rho": e.rho, "weight": weights[e.column]}
        for e in result.series_errors
    ]


def _error_model_lines(result: FitResult) -> list[str]:
    if not result.series_errors:
        return []
    lines = [
        "",
        "## Estimated weights",
        "",
        "Each series' residual scale tau (log, asinh or points / 10) and year-to-year "
        "correlation rho, estimated at the fit (AR(1), maximum likelihood); the last fit "
        "weighted series k by sqrt(n_k) / tau_k.",
        "",
        "| metric | tau | rho | weight |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['metric']} | {r['tau']:.4g} | {r['rho']:.3g} | {r['weight']:.4g} |"
        for r in error_model_table(result)
    ]
    return lines


def write_report(
    result: FitResult,
    history: History,
    scenario_path: Path,
    out: Path,
    report_dir: Path,
    command: str,
) -> dict[str, Path]:
    """Write the calibrated TOML, the fit PNG, the Markdown and JSON reports (atomically)."""
    from flywheel.results.provenance import seal, with_fields
    from flywheel.results.provenance_files import bytes_sha256, sidecar_path, write_png

    name = out.stem
    text = calibrated_toml(result, scenario_path, out, name, command)
    write_text_atomic(out, text)
    made = calibration_provenance(result, history)
    sealed = seal(made, bytes_sha256(text.encode("utf-8")))
    write_text_atomic(sidecar_path(out), json.dumps(sealed, indent=1) + "\n")
    annual = _annual_at_fit(result)
    comparison = reference_comparison(annual)
    png = report_dir / f"{name}_fit.png"
    figure = fit_figure(result, history, annual)
    chart = with_fields(made, kind="plot", settings={"chart_of": "calibration", **made["settings"]})
    write_png(figure, png, chart, dpi=100)
    markdown = report_dir / f"{name}_report.md"
    write_text_atomic(markdown, report_markdown(result, comparison, png.name, command))
    payload = {
        "scenario": result.problem.scenario.name,
        "cost": result.cost,
        "start_cost": result.start_cost,
        "evaluations": result.evaluations,
        "message": result.message,
        "metrics": metric_statistics(result),
        "parameters": parameter_table(result),
        "error_model": error_model_table(result),
        "not_fitted": comparison,
        "written": dt.date.today().isoformat(),
        "provenance": sealed,  # of the calibrated TOML (also beside it: NAME.toml.provenance.json)
    }
    report_json = report_dir / f"{name}_report.json"
    write_text_atomic(report_json, json.dumps(payload, indent=1) + "\n")
    return {"scenario": out, "png": png, "markdown": markdown, "json": report_json}


def calibration_provenance(result: FitResult, history: History) -> dict[str, Any]:
    """How a calibrated scenario was made (`flywheel.results.provenance`): the input scenario
    resolved, the seed and replications of each evaluation, and as settings the fitted
    parameters with their bounds, the metrics, the record's file and its SHA-256, the fit."""
    from flywheel.results.provenance import describe
    from flywheel.results.provenance_files import file_sha256

    problem = result.problem
    record = Path(history.path)
    settings = {
        "parameters": {p.name: [p.low, p.high] for p in problem.parameters},
        "metrics": [target.spec.data_metric for target in problem.targets],
        "history": record.name,
        "history_sha256": file_sha256(record) if record.is_file() else None,
        "fitted": result.fitted_parameters(),
        "cost": result.cost,
        "evaluations": result.evaluations,
    }
    return describe(
        problem.scenario,
        "calibration",
        seed=problem.seed,
        replications=problem.replications,
        settings=settings,
    )


def _annual_at_fit(result: FitResult) -> Any:
    """Annual frame of one noise-free run at the fitted values."""
    import flywheel
    from flywheel.calibration.objective import NOISE_LEVERS

    scenario = with_parameters(result.problem.scenario, result.fitted_parameters())
    results = flywheel.simulate(
        scenario, 1, result.problem.seed, lever_overrides={n: np.zeros(1) for n in NOISE_LEVERS}
    )
    return results.annual()


def _years_of(result: FitResult, column: str) -> np.ndarray:
    years: set[int] = set()
    for target in result.problem.targets:
        if target.spec.column == column:
            years.update(target.years)
    return np.array(sorted(years))
