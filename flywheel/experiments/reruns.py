"""Make a result again from its provenance: `run`, `mc`, `sweep` and `sensitivity` outputs.

A rerun reads only the resolved scenario and an allowed set of fields (`RERUN_FIELDS`: seed,
replications, first replication, outputs, the kind of result, and the kind's `settings`:
sweep levers and points, sensitivity method, levers, ranges, outcome...), each checked as any
other input is (the scenario through the same validation as a file; numbers by the same
functions the commands use); the recorded command line is never replayed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flywheel.engine.clock import check_outputs
from flywheel.experiments.executors import Executor, Progress
from flywheel.experiments.output_files import write_mc_folder
from flywheel.results.provenance import Provenance, ProvenanceError, describe
from flywheel.results.provenance_files import write_table
from flywheel.results.simulation import MAX_REPLICATIONS_PER_CALL, check_first_replication
from flywheel.scenario.loading import Scenario, parse_scenario_text

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.experiments.montecarlo import MonteCarlo

RERUNNABLE = ("run", "mc", "sweep", "sensitivity")


@dataclass(frozen=True)
class RerunPlan:
    """What a rerun will make: every field checked, nothing else taken from the provenance."""

    kind: str
    scenario: Scenario
    seed: int
    replications: int
    first_replication: int
    outputs: tuple[str, ...] | None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def points(self) -> int:
        """Lever settings run (sweep points, sensitivity sample points; 1 otherwise)."""
        if self.kind == "sweep":
            return len(self.settings["points"])
        if self.kind == "sensitivity":
            from flywheel.experiments.sensitivity import _runs

            s = self.settings
            return _runs(s["method"], s["n"], len(s["levers"]), s["second_order"])
        return 1

    @property
    def runs(self) -> int:
        """Simulated replications in all (for the limits any command checks)."""
        return self.points * self.replications


def _whole(value: Any, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"provenance {name} = {value!r:.60}: expected a whole number >= {low}")
    if high is not None and value > high:
        raise ValueError(f"provenance {name} = {value}: at most {high}")
    return value


def _typed(settings: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = settings.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
        raise ValueError(f"provenance settings.{name} = {value!r:.60}: unexpected type")
    return value


def _numbers(values: Any, count: int, where: str) -> list[float]:
    """`count` numbers (not flags) as floats, else ValueError naming `where`."""
    if not (
        isinstance(values, list)
        and len(values) == count
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    ):
        raise ValueError(f"provenance {where} = {values!r:.60}: expected {count} numbers")
    return [float(v) for v in values]


def _names(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"provenance {where} = {value!r:.60}: expected a list of names")
    return value


def _kind_settings(kind: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings the kind of result needs, type-checked (values are checked by the
    experiment functions themselves, as for any input)."""
    chunk = settings.get("chunk_size")
    if chunk is not None:
        _whole(chunk, "settings.chunk_size", 1)
    if kind == "run":
        found = {"annual": bool(_typed(settings, "annual", bool))}
        if "lever_overrides" in settings:
            found["lever_overrides"] = _typed(settings, "lever_overrides", dict)
        return found
    if kind == "mc":
        return {"keep_all": _typed(settings, "keep_all", bool), "chunk_size": chunk}
    if kind == "sweep":
        levers = _names(settings.get("levers"), "settings.levers")
        points = [
            _numbers(point, len(levers), f"settings.points[{index}]")
            for index, point in enumerate(_typed(settings, "points", list))
        ]
        if not points:
            raise ValueError("provenance settings.points = []: expected at least one point")
        return {"levers": levers, "points": points, "chunk_size": _whole(chunk, "chunk_size", 1)}
    ranges = {
        name: tuple(_numbers(bounds, 2, f"settings.ranges.{name}"))
        for name, bounds in _typed(settings, "ranges", dict).items()
    }
    return {
        "method": _typed(settings, "method", str),
        "levers": _names(settings.get("levers"), "settings.levers"),
        "ranges": ranges,
        "outcome": _typed(settings, "outcome", str),
        "n": _whole(settings.get("n"), "settings.n", 1),
        "second_order": _typed(settings, "second_order", bool),
        "chunk_size": chunk,
    }


def rerun_plan(provenance: Provenance, where: str) -> RerunPlan:
    """A checked plan from a (consistent) provenance; ValueError (ScenarioError for the
    scenario) naming the field and the value otherwise."""
    kind = provenance.get("kind")
    if kind not in RERUNNABLE:
        raise ProvenanceError(
            f"{where}: holds a result of kind {kind!s:.40}; rerun re-creates "
            f"{', '.join(RERUNNABLE)}"
        )
    scenario = parse_scenario_text(str(provenance["scenario_toml"]), origin=f"{where} (provenance)")
    # a run holds every series in memory (simulate's bound); the others stream, within the
    # declared limits the command checks next
    most = MAX_REPLICATIONS_PER_CALL if kind == "run" else None
    replications = _whole(provenance["replications"], "replications", 1, most)
    first = _whole(provenance["first_replication"], "first_replication", 0)
    check_first_replication(first, replications)
    outputs = provenance["outputs"]
    if outputs is not None:
        outputs = check_outputs(tuple(_names(outputs, "outputs")))
    settings = provenance.get("settings")
    if not isinstance(settings, dict):
        raise ValueError(f"provenance settings = {settings!r:.60}: expected an object")
    return RerunPlan(
        kind,
        scenario,
        _whole(provenance["seed"], "seed", 0),
        replications,
        first,
        outputs,
        _kind_settings(kind, settings),
    )


def run_plan(
    plan: RerunPlan,
    out: str | Path,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> None:
    """Make the result again and write it to `out` (a file, or a folder for mc and sweep),
    with its own provenance."""
    from flywheel.experiments import monte_carlo, run_sweep, sensitivity
    from flywheel.experiments.sweep import SWEEP_OUTPUTS
    from flywheel.results.simulation import simulate

    s = plan.settings
    if plan.kind == "run":
        results = simulate(
            plan.scenario,
            plan.replications,
            plan.seed,
            first_replication=plan.first_replication,
            outputs=plan.outputs,
            lever_overrides=s.get("lever_overrides"),
            progress=progress,
        )
        results.write(out, annual=s["annual"])
    elif plan.kind == "mc":
        mc = monte_carlo(
            plan.scenario,
            plan.replications,
            plan.seed,
            outputs=plan.outputs,
            chunk_size=s["chunk_size"],
            executor=executor,
            keep_all=s["keep_all"],
            first_replication=plan.first_replication,
            progress=progress,
        )
        write_mc_folder(
            mc, out, mc_provenance(mc, s["chunk_size"], s["keep_all"], plan.first_replication)
        )
    elif plan.kind == "sweep":
        run_sweep(
            plan.scenario,
            s["levers"],
            s["points"],
            plan.replications,
            plan.seed,
            out=out,
            outputs=plan.outputs or SWEEP_OUTPUTS,
            chunk_size=s["chunk_size"],
            executor=executor,
            progress=progress,
        )
    else:
        options = {key: s[key] for key in SENSITIVITY_SETTINGS}
        frame = sensitivity(
            plan.scenario,
            replications=plan.replications,
            seed=plan.seed,
            executor=executor,
            progress=progress,
            **options,
        )
        write_table(frame, out, sensitivity_provenance(plan.scenario, frame, **options))


def mc_provenance(
    mc: MonteCarlo, chunk_size: int | None, keep_all: bool, first_replication: int = 0
) -> Provenance:
    """The provenance of a Monte Carlo folder (`flywheel mc --out`)."""
    return describe(
        mc.scenario,
        "mc",
        seed=mc.seed,
        replications=mc.replications,
        first_replication=first_replication,
        outputs=list(mc.quantile_values),
        settings={
            "keep_all": keep_all,
            "chunk_size": chunk_size,
            "quantiles": list(mc.quantile_levels),
        },
    )


SENSITIVITY_SETTINGS = ("levers", "outcome", "method", "n", "ranges", "second_order", "chunk_size")


def sensitivity_provenance(
    scenario: Scenario,
    frame: pd.DataFrame,
    *,
    levers: Sequence[str],
    ranges: Mapping[str, tuple[float, float]],
    chunk_size: int | None,
    **options: Any,
) -> Provenance:
    """The provenance of a sensitivity table (`flywheel sensitivity --out`): its settings as
    given (`SENSITIVITY_SETTINGS`), seed and replications from the table's attributes."""
    settings = {
        "levers": list(levers),
        "ranges": {name: list(bounds) for name, bounds in ranges.items()},
        "chunk_size": chunk_size,
        **options,
    }
    return describe(
        scenario,
        "sensitivity",
        seed=frame.attrs["seed"],
        replications=frame.attrs["replications"],
        settings=settings,
    )
