"""Scenario discovery: which lever and uncertainty ranges explain a case of interest.

Over the runs of a store (a `flywheel sweep` store, Latin-hypercube or grid, or a `flywheel
optimize` store), a **case** marks each run (e.g. `customers@year10 < 0.5*median`: customers
in model year 10 below half the median over all runs). EMA Workbench's analysis modules then
find boxes of lever ranges where the case is concentrated:

- **PRIM** (`ema_workbench.analysis.prim`): peels the space one small slice at a time; its
  trajectory trades coverage (share of all cases inside the box) against density (share of
  the box's runs that are cases). The box chosen on it is the densest one with coverage at
  least `min_coverage`; its statistics: coverage, density, mass (share of runs inside),
  restricted dimensions and, per limit, the quasi-p-value EMA computes.
- **CART** (`ema_workbench.analysis.cart`, scikit-learn's tree, seeded): the leaves as boxes.
- **Feature scoring** (`ema_workbench.analysis.feature_scoring`, extra trees, seeded): how much
  each lever helps to tell cases from the rest *in the stored sample*. This is a different
  quantity from `experiments.importance.lever_importance` (the library's one lever-importance
  function: one lever at a time around one scenario, new runs, in the outcome's unit), which
  is why it is not called here: feature scoring ranks association with a case over the
  whole sampled space without running the model.

Case grammar: `METRIC (<|<=|>|>=) REFERENCE`, REFERENCE a number or `[FACTOR*](median|mean|
qNN)` of the metric over all runs; or `insolvent` (insolvent at the last stored week). A
METRIC is `OUTPUT` (the last stored model year) or `OUTPUT@yearN` in a sweep store, or one of
the stored metrics in an optimize store.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.experiments.search import require
from flywheel.experiments.store import ResultsStore, StoreError
from flywheel.scenario.errors import printable
from flywheel.scenario.loading import Scenario, scenario_from_dict

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("prim", "cart")
DEFAULT_MIN_COVERAGE = 0.8
_NUMBER = r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"
_CASE = re.compile(
    rf"^\s*(?P<metric>[A-Za-z_][A-Za-z_0-9]*(@year\d+)?)\s*(?P<op><=|>=|<|>)\s*"
    rf"((?P<factor>{_NUMBER})\s*\*\s*)?(?P<reference>median|mean|q\d{{1,2}}|{_NUMBER})\s*$"
)
CASE_FORM = (
    "METRIC < REFERENCE (or <=, >, >=; REFERENCE a number or [F*]median|mean|qNN), or insolvent"
)


@dataclass(frozen=True)
class Case:
    """Runs whose metric compares with a reference (a number, or a statistic over all runs)."""

    text: str

    def mask(self, runs: pd.DataFrame) -> npt.NDArray[np.bool_]:
        """(runs,) True for the runs of interest; ValueError naming the case if the metric
        is not in the runs table."""
        if self.text.strip() == "insolvent":
            if "insolvent" not in runs.columns:
                raise ValueError("--case insolvent: the store has no insolvent output")
            return runs["insolvent"].to_numpy() > 0
        match = _CASE.match(self.text)
        where = f"--case {printable(self.text)!r}"
        if not match:
            raise ValueError(f"{where}: expected {CASE_FORM}")
        metric = match["metric"]
        if metric not in runs.columns:
            allowed = ", ".join(c for c in runs.columns if c not in runs.attrs.get("features", ()))
            raise ValueError(f"{where}: {metric} is not stored (allowed {allowed})")
        values = runs[metric].to_numpy(dtype=np.float64)
        reference = match["reference"]
        if reference == "median":
            bound = float(np.median(values))
        elif reference == "mean":
            bound = float(values.mean())
        elif reference.startswith("q"):
            bound = float(np.quantile(values, int(reference[1:]) / 100))
        else:
            bound = float(reference)
        bound *= float(match["factor"] or 1.0)
        compare = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
        return compare[match["op"]](values, bound)


def runs_table(store: ResultsStore) -> tuple[pd.DataFrame, tuple[str, ...], Scenario]:
    """(one row per run: features then metrics, feature names, the store's scenario) of a
    sweep or optimize store. Sweep metrics: each output at the last stored year (`OUTPUT`)
    and at every year (`OUTPUT@yearN`)."""
    import pandas as pd

    kind, spec = store.manifest.get("kind"), store.manifest["spec"]
    frame = store.frame()
    scenario = scenario_from_dict(spec["scenario"], origin=f"{store.folder} (manifest)")
    if kind == "sweep":
        features = tuple(spec["levers"])
        last = int(frame["year"].max())
        runs = frame[frame["year"] == last].set_index("run")[[*features, *spec["outputs"]]]
        columns = {name: runs[name] for name in (*features, *spec["outputs"])}
        for year, block in frame.groupby("year"):
            indexed = block.set_index("run")
            for name in spec["outputs"]:
                columns[f"{name}@year{int(year)}"] = indexed[name]
        table = pd.DataFrame(columns).reset_index(drop=True)
    elif kind == "optimize":
        names = [text.split("[")[0] for text in spec["levers"] + spec["uncertainties"]]
        features = tuple(names)
        metrics = [c for c in frame.columns if c not in (*features, "generation", "candidate")]
        metrics = [c for c in metrics if c not in ("future", "replication")]
        table = frame[[*features, *metrics]].reset_index(drop=True)
    else:
        raise StoreError(
            f"{store.folder}: a {kind!r} store; discover reads sweep and optimize stores"
        )
    varied = tuple(name for name in features if table[name].nunique() > 1)
    if not varied:
        raise StoreError(f"{store.folder}: no lever varies across the stored runs")
    table.attrs["features"] = varied
    return table, varied, scenario


@dataclass
class Discovery:
    """Boxes found for a case: `boxes` (box, lever, low, high, qp_low, qp_high, range_low,
    range_high: restricted levers only), `stats` (box, coverage, density, mass, res_dim,
    cases, runs), `trajectory` (PRIM's peeling trajectory of each box), `features`
    (lever, score: feature scoring), and the runs and case mask they came from."""

    method: str
    case: str
    runs: pd.DataFrame
    mask: npt.NDArray[np.bool_]
    boxes: pd.DataFrame
    stats: pd.DataFrame
    trajectory: pd.DataFrame
    features: pd.DataFrame
    scenario: Scenario

    def centre(self, box: int = 0) -> dict[str, float]:
        """Midpoint of each restricted lever's range in `box`."""
        rows = self.boxes[self.boxes["box"] == box]
        return {row.lever: (row.low + row.high) / 2 for row in rows.itertuples()}

    def centre_scenario(self, box: int = 0) -> Scenario:
        """The store's scenario with the box's restricted levers at their midpoints (an
        uncertainty of an optimize store becomes a lever value too: the box's future)."""
        from flywheel.scenario.loading import with_parameters

        return with_parameters(self.scenario, self.centre(box), origin=f"box {box} centre")


def _quiet_import(module: str) -> Any:
    """Import an EMA Workbench module without its import-time warnings (optional backends)."""
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(module)


@contextlib.contextmanager
def _library_deprecations_hidden() -> Iterator[None]:
    """EMA Workbench's own deprecated pandas calls (e.g. `drop(inplace=True)`): its business,
    not the user's, so not shown on every discovery."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        yield


def _limits(
    x: pd.DataFrame, limits: pd.DataFrame, box: int, qp: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Rows of the restricted levers of one box (limits: row 0 min, row 1 max per lever)."""
    rows = []
    for name in x.columns:
        low, high = float(limits[name].iloc[0]), float(limits[name].iloc[1])
        range_low, range_high = float(x[name].min()), float(x[name].max())
        if low <= range_low and high >= range_high:
            continue
        pair = (qp or {}).get(name, [np.nan, np.nan])
        rows.append(
            {
                "box": box,
                "lever": name,
                "low": max(low, range_low),
                "high": min(high, range_high),
                "qp_low": float(pair[0]) if pair[0] not in (None, -1) else np.nan,
                "qp_high": float(pair[1]) if pair[1] not in (None, -1) else np.nan,
                "range_low": range_low,
                "range_high": range_high,
            }
        )
    return rows


def _prim(x: pd.DataFrame, y: Any, boxes: int, min_coverage: float) -> tuple[list, list, list]:
    prim = _quiet_import("ema_workbench.analysis.prim")
    # EMA counts y >= threshold as a case and keeps a box whose density reaches it: a tiny
    # threshold counts exactly the marked runs and keeps every box (the choice on the
    # trajectory is ours, `min_coverage`).
    algorithm = prim.Prim(x, y, threshold=1e-9, peel_alpha=0.05, mass_min=0.05)
    limits, stats, trajectories = [], [], []
    for index in range(boxes):
        box = algorithm.find_box()
        if box is None or len(box.peeling_trajectory) < 2:
            break
        path = box.peeling_trajectory
        eligible = path[path["coverage"] >= min_coverage]
        chosen = (
            int(eligible.sort_values(["density", "coverage"]).index[-1]) if len(eligible) else 0
        )
        box.select(chosen)
        qp = {name: list(values) for name, values in box.qp[chosen].items()}
        limits += _limits(x, box.box_lims[chosen], index, qp)
        row = path.iloc[chosen]
        stats.append(
            {
                "box": index,
                "coverage": float(row["coverage"]),
                "density": float(row["density"]),
                "mass": float(row["mass"]),
                "res_dim": int(row["res_dim"]),
                "cases": int(row["k"]),
                "runs": int(row["n"]),
                "trajectory_point": chosen,
            }
        )
        trajectories.append(path.assign(box=index, chosen=path.index == chosen))
    return limits, stats, trajectories


def _cart(x: pd.DataFrame, y: Any, seed: int) -> tuple[list, list]:
    cart = _quiet_import("ema_workbench.analysis.cart")
    from sklearn import tree

    algorithm = cart.CART(x, y, mass_min=0.05)
    # As CART.build_tree, with a seed: scikit-learn breaks ties between splits at random.
    algorithm.clf = tree.DecisionTreeClassifier(
        min_samples_leaf=int(0.05 * x.shape[0]), random_state=seed
    ).fit(algorithm._x, algorithm.y)
    limits, stats = [], []
    leaves = sorted(
        zip(algorithm.boxes, algorithm.stats, strict=True), key=lambda pair: -pair[1]["density"]
    )
    for index, (box, figures) in enumerate(leaves):
        limits += _limits(x, box, index)
        inside = figures["mass"] * len(y)
        stats.append(
            {
                "box": index,
                "coverage": float(figures["coverage"]),
                "density": float(figures["density"]),
                "mass": float(figures["mass"]),
                "res_dim": int(figures["res dim"]),
                "cases": int(round(figures["density"] * inside)),
                "runs": int(round(inside)),
            }
        )
    return limits, stats


def discover(
    store: str | Path | ResultsStore,
    case: str,
    *,
    method: str = "prim",
    boxes: int = 1,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    seed: int = 0,
) -> Discovery:
    """Scenario discovery over a store's runs for `case` (see the module docstring):
    PRIM (`boxes` boxes, each the densest point of its trajectory with coverage >=
    `min_coverage`) or CART (every leaf, densest first), and extra-trees feature scores."""
    import pandas as pd

    require("ema_workbench", "scenario discovery")
    if method not in METHODS:
        raise ValueError(f"--method {printable(method)!r} is not one of {', '.join(METHODS)}")
    if isinstance(boxes, bool) or not isinstance(boxes, int) or not 1 <= boxes <= 20:
        raise ValueError(f"--boxes {boxes!r}: expected a whole number from 1 to 20")
    if not 0.0 < float(min_coverage) <= 1.0:
        raise ValueError(f"--min-coverage {min_coverage!r}: expected a share above 0 and at most 1")
    found = store if isinstance(store, ResultsStore) else ResultsStore.read(store)
    runs, features, scenario = runs_table(found)
    mask = Case(case).mask(runs)
    if mask.all() or not mask.any():
        raise ValueError(
            f"--case {printable(case)!r}: {int(mask.sum())} of {len(mask)} runs are cases; "
            "discovery needs some runs inside the case and some outside"
        )
    x = runs[list(features)].astype(np.float64)
    with _library_deprecations_hidden():
        if method == "prim":
            limits, stats, paths = _prim(x, mask.astype(int), boxes, float(min_coverage))
        else:
            limits, stats = _cart(x, mask.astype(int), seed)
            paths = []
        scoring = _quiet_import("ema_workbench.analysis.feature_scoring")
        scores, _ = scoring.get_ex_feature_scores(
            x, mask.astype(int), mode=scoring.RuleInductionType.CLASSIFICATION, random_state=seed
        )
    columns = ["box", "lever", "low", "high", "qp_low", "qp_high", "range_low", "range_high"]
    return Discovery(
        method,
        case,
        runs,
        mask,
        pd.DataFrame(limits, columns=columns),
        pd.DataFrame(stats),
        pd.concat(paths, ignore_index=True) if paths else pd.DataFrame(),
        pd.DataFrame({"lever": scores.index.astype(str), "score": scores.iloc[:, 0].to_numpy()}),
        scenario,
    )
