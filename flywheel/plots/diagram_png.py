"""The causal loop diagram drawn with matplotlib, for a PNG download without Graphviz.

`st.graphviz_chart` renders DOT in the browser, but a PNG of it would need the `dot` binary on
the server, which `make app` cannot install. This draws the same nodes and edges (same
colours and widths as `diagram.edge_style`) at fixed positions laid out like the napkin sketch.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from flywheel.plots.diagram import EDGES, NODES, edge_style
from flywheel.scenario.schema import LOOP_NAMES

# (x, y) of each node on a 10 x 10 canvas: the growth ring (CX -> customers -> traffic ->
# sellers -> selection) on top, orders and the cost loop below, balancing loops on the left.
POSITIONS: dict[str, tuple[float, float]] = {
    "potential": (0.9, 9.0),
    "customers": (3.2, 8.4),
    "traffic": (6.0, 8.4),
    "sellers": (8.8, 8.0),
    "prime": (4.6, 6.9),
    "cx": (3.2, 5.4),
    "selection": (8.8, 5.6),
    "orders": (6.0, 4.4),
    "reviews": (7.8, 3.0),
    "fulfillment": (4.2, 3.6),
    "service": (1.6, 3.4),
    "cost": (8.8, 1.4),
    "prices": (5.6, 1.0),
    "cash": (2.2, 0.9),
}
TITLE_WIDTH_CHARACTERS = 90  # of a 12-point title across the 10-inch figure
# curvature of each edge, so the two directions between a pair and crossings stay apart
CURVE_RAD = 0.18


def loop_figure(
    gains: Mapping[str, float], scale: float, knockouts: tuple[str, ...] = (), title: str = ""
) -> Any:
    """A matplotlib Figure of the loop diagram; `gains` and `scale` as in `diagram.loop_dot`."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch

    figure = Figure(figsize=(10, 7), dpi=110)
    # The headline names two loops and their gains (~110 characters): wrapped, not cut off
    title_lines = textwrap.wrap(title, TITLE_WIDTH_CHARACTERS)
    top = 1.0 - 0.04 * len(title_lines) - (0.02 if title_lines else 0.0)
    axes = figure.add_axes((0.0, 0.0, 1.0, top))
    axes.set_xlim(-0.3, 10.3)
    axes.set_ylim(0.0, 10.0)
    axes.axis("off")
    if title_lines:
        figure.suptitle("\n".join(title_lines), fontsize=12)
    box = {"boxstyle": "round,pad=0.4", "facecolor": "#f7f7f7", "edgecolor": "#636363"}
    for node, label in NODES.items():
        x, y = POSITIONS[node]
        axes.text(x, y, label, ha="center", va="center", fontsize=9, bbox=box, zorder=3)
    for source, target, loop in EDGES:
        if loop:
            gain = float(gains.get(loop, 0.0))
            style = edge_style(gain, scale, loop in knockouts)
            label = f"{loop} cut" if loop in knockouts else f"{loop} {gain:+.2f}"
        else:
            style, label = {"color": "#636363", "penwidth": "2"}, ""
        width = float(style["penwidth"])
        linestyle = "--" if style.get("style") == "dashed" else "-"
        (x0, y0), (x1, y1) = POSITIONS[source], POSITIONS[target]
        if source == target:  # a loop on one node (B4: sellers crowd sellers)
            path = {"connectionstyle": "arc3,rad=-1.8", "shrinkA": 2, "shrinkB": 2}
            x0, y0, x1, y1 = x0 - 0.3, y0 + 0.3, x0 + 0.3, y0 + 0.3
            label_xy = (x0 + 0.3, y0 + 0.75)
        else:
            path = {"connectionstyle": f"arc3,rad={CURVE_RAD}", "shrinkA": 26, "shrinkB": 26}
            # the label sits beside the midpoint, on the side the arc bends to
            mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
            label_xy = (mid_x + CURVE_RAD * (y1 - y0) / 2, mid_y - CURVE_RAD * (x1 - x0) / 2)
        arrow = FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            arrowstyle="-|>",
            mutation_scale=12 + width,
            linewidth=width,
            linestyle=linestyle,
            color=style["color"],
            zorder=2,
            **path,
        )
        arrow.set_gid(f"edge:{source}->{target}:{loop}")
        axes.add_patch(arrow)
        if label:
            axes.text(
                *label_xy,
                label,
                ha="center",
                va="center",
                fontsize=8,
                color=style["color"],
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
    legend = "green: amplifying · red: damping · grey: idle · dashed: cut"
    axes.text(5.0, 0.1, legend, ha="center", va="bottom", fontsize=8, color="#636363")
    axes.set_gid("loops:" + ",".join(sorted(LOOP_NAMES)))
    return figure
