"""What scenario discovery writes: the boxes as tables, a figure, and a TOML of a box's centre.

Files in the output folder (each written atomically, CSVs with a provenance sidecar, the PNG
with its provenance in a text chunk, the TOML with a sidecar; kind `discovery`):
`boxes.csv` (restricted lever limits per box), `stats.csv` (coverage, density, mass...),
`features.csv` (feature scores), `trajectory.csv` (PRIM's peeling trajectory), `boxes.png`
and `centre.toml` (the store's scenario with box 0's levers at their midpoints).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from flywheel.experiments.decide_outputs import policy_toml
from flywheel.experiments.discovery import Discovery
from flywheel.scenario.errors import printable
from flywheel.scenario.files import write_text_atomic


def discovery_figure(result: Discovery) -> Any:
    """Figure: the coverage / density trade-off (PRIM's trajectory, or CART's leaves) with
    the chosen boxes marked, and each box's lever limits within the sampled ranges."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 4.5))
    left, right = figure.subplots(1, 2)
    if len(result.trajectory):
        path = result.trajectory
        points = left.scatter(path["coverage"], path["density"], c=path["res_dim"], s=14)
        figure.colorbar(points, ax=left, label="restricted dimensions")
        chosen = path[path["chosen"]]
        left.scatter(
            chosen["coverage"], chosen["density"], s=90, facecolors="none", edgecolors="red"
        )
        left.set_title(f"PRIM peeling trajectory ({len(result.stats)} box(es) circled)")
    else:
        left.scatter(
            result.stats["coverage"], result.stats["density"], s=20 + 300 * result.stats["mass"]
        )
        left.set_title("CART leaves (size: mass)")
    left.set_xlabel("coverage (share of cases inside)")
    left.set_ylabel("density (share of the box that are cases)")
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1.02)
    shown = result.boxes.head(12)
    for row, item in enumerate(shown.itertuples()):
        width = item.range_high - item.range_low
        low = (item.low - item.range_low) / width
        high = (item.high - item.range_low) / width
        right.barh(row, high - low, left=low, height=0.5, color=f"C{item.box % 10}")
        right.text(1.01, row, f"{item.low:.3g} to {item.high:.3g}", va="center", fontsize=8)
    right.set_yticks(
        range(len(shown)),
        [f"box {b}: {n}" for b, n in zip(shown["box"], shown["lever"], strict=True)],
    )
    right.set_xlim(0, 1)
    right.set_ylim(max(len(shown), 4) - 0.5, -0.5)  # top to bottom; thin bars for few levers
    right.set_xlabel("share of the sampled range")
    right.set_title(printable(f"case: {result.case}"))
    figure.tight_layout()
    return figure


def discovery_provenance(
    result: Discovery, store: Path, settings: dict[str, Any]
) -> dict[str, Any]:
    """The provenance of discovery outputs: the store's scenario, the runs and the settings."""
    from flywheel.results.provenance import describe

    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    return describe(
        result.scenario,
        "discovery",
        seed=int(manifest["spec"].get("seed", 0)),
        replications=len(result.runs),
        outputs=None,
        settings={
            "store": store.name,
            "store_kind": manifest.get("kind"),
            "store_fingerprint": manifest.get("fingerprint"),
            "case": result.case,
            "method": result.method,
            **settings,
        },
    )


def write_discovery(
    result: Discovery, folder: str | Path, provenance: dict[str, Any], box: int = 0
) -> list[str]:
    """Write the discovery files into `folder` (see the module docstring); returns their
    names. `box` is the box whose centre becomes centre.toml."""
    from flywheel.results.provenance import seal, with_fields
    from flywheel.results.provenance_files import bytes_sha256, sidecar_path, write_png, write_table

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"boxes.csv": result.boxes, "stats.csv": result.stats, "features.csv": result.features}
    if len(result.trajectory):
        tables["trajectory.csv"] = result.trajectory
    for name, table in tables.items():
        write_table(table.reset_index(drop=True), folder / name, provenance)
    figure = discovery_figure(result)
    plot = with_fields(
        provenance, kind="plot", settings={"chart_of": "discovery", **provenance["settings"]}
    )
    write_png(figure, folder / "boxes.png", plot, dpi=110)
    names = [*tables, "boxes.png"]
    if box in set(result.boxes["box"]):
        stats = result.stats[result.stats["box"] == box].iloc[0]
        header = (
            f"Question: what does the flywheel look like inside the box where "
            f"'{result.case}' concentrates? Box {box} centre, {result.method.upper()}: "
            f"coverage {stats['coverage']:.2f}, density {stats['density']:.2f}. "
            "Written by `flywheel discover`."
        )
        centre = result.centre_scenario(box)
        text = policy_toml(centre, result.scenario, folder / "centre.toml", None, header)
        write_text_atomic(folder / "centre.toml", text)
        sealed = seal(provenance, bytes_sha256(text.encode()))
        write_text_atomic(sidecar_path(folder / "centre.toml"), json.dumps(sealed, indent=1) + "\n")
        names.append("centre.toml")
    return names


def summary_lines(result: Discovery) -> list[str]:
    """A few lines for the terminal: cases, each box's statistics and limits, top features."""
    lines = [
        printable(
            f"case {result.case!r}: {int(result.mask.sum())} of {len(result.mask)} runs "
            f"({result.mask.mean():.1%}); {result.method.upper()}"
        )
    ]
    for stats in result.stats.head(5).itertuples():
        limits = result.boxes[result.boxes["box"] == stats.box]
        where = ", ".join(f"{r.lever} {r.low:.4g} to {r.high:.4g}" for r in limits.itertuples())
        lines.append(
            f"box {stats.box}: coverage {stats.coverage:.2f}, density {stats.density:.2f}, "
            f"mass {stats.mass:.2f}: {where or 'no restriction'}"
        )
    top = ", ".join(f"{r.lever} {r.score:.2f}" for r in result.features.head(5).itertuples())
    lines.append(f"feature scores (extra trees): {top}")
    if not np.isfinite(result.stats["coverage"]).all():
        lines.append("warning: a box has undefined statistics")
    return lines
