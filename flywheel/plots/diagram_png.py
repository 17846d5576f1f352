"""The causal loop diagram drawn with matplotlib, for a PNG download without Graphviz.

`st.graphviz_chart` renders DOT in the browser, but a PNG of it would need the `dot` binary on
the server, which `make app` cannot install. This draws the same wheel as the app
(`diagram.POSITIONS`, each loop in its colour and line style, `diagram.loop_style`) with
the loops' key and what the line styles mean.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from flywheel.plots.diagram import (
    CANVAS,
    EDGES,
    LEGEND,
    NODES,
    POSITIONS,
    RING,
    SHARED,
    edge_label,
    loop_kind,
    loop_style,
)
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

LINE_STYLES = {"solid": "-", "dashed": "--", "dotted": ":"}
KINDS = ("reinforcing", "balancing")  # the key's two columns
KEY_ROW_HEIGHT = 2.6  # canvas units a loop's line takes in the key
TITLE_WIDTH_CHARACTERS = 90  # of a 12-point title across the 10-inch figure
# curvature of each edge, so the two directions between a pair and crossings stay apart
CURVE_RAD = 0.18


def loop_figure(
    gains: Mapping[str, float], scale: float, knockouts: tuple[str, ...] = (), title: str = ""
) -> Any:
    """A matplotlib Figure of the loop diagram; `gains` and `scale` as in `diagram.loop_dot`."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch

    figure = Figure(figsize=(10, 9.6), dpi=110)
    # The headline names two loops and their gains (~110 characters): wrapped, not cut off
    title_lines = textwrap.wrap(title, TITLE_WIDTH_CHARACTERS)
    top = 1.0 - 0.03 * len(title_lines) - (0.015 if title_lines else 0.0)
    axes = figure.add_axes((0.0, 0.0, 1.0, top))
    width, height = CANVAS
    # below the wheel: the loops' key (a row a loop of the longer kind) and the legend's lines
    key_rows = max(sum(loop_kind(loop) == kind for loop in LOOP_IDS) for kind in KINDS)
    key_height = KEY_ROW_HEIGHT * key_rows + 9.5
    axes.set_xlim(-2.0, width + 2.0)
    axes.set_ylim(-key_height, height + 1.0)
    axes.axis("off")
    if title_lines:
        figure.suptitle("\n".join(title_lines), fontsize=12)
    box = {"boxstyle": "round,pad=0.4", "facecolor": "#f7f7f7", "edgecolor": "#636363"}
    for node, label in NODES.items():
        x, y = POSITIONS[node]
        axes.text(x, y, label, ha="center", va="center", fontsize=11, bbox=box, zorder=3)
    for source, target, loop in EDGES:
        if loop:
            gain = float(gains.get(loop, 0.0))
            style = loop_style(loop, gain, scale, loop in knockouts)
            label = edge_label(loop, gain, loop in knockouts)
        else:
            style, label = {"color": SHARED, "penwidth": "2", "style": "solid"}, ""
        line_width = float(style["penwidth"])
        linestyle = LINE_STYLES[style["style"]]
        (x0, y0), (x1, y1) = POSITIONS[source], POSITIONS[target]
        if source == target:  # a loop on one node (B4: sellers crowd sellers)
            path = {"connectionstyle": "arc3,rad=-1.4", "shrinkA": 2, "shrinkB": 2}
            x0, y0, x1, y1 = x0 + 4.5, y0 + 2.0, x0 + 4.5, y0 - 2.0
            label_xy = (x0 + 10.5, y0 - 2.0)
        else:
            # arcs of the wheel bend outward (clockwise), other links a little to one side
            rad = -0.35 if source in RING and target in RING else CURVE_RAD
            path = {"connectionstyle": f"arc3,rad={rad}", "shrinkA": 30, "shrinkB": 30}
            # the label sits beside the midpoint, on the side the arc bends to
            mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
            label_xy = (mid_x + rad * (y1 - y0) / 2, mid_y - rad * (x1 - x0) / 2)
        arrow = FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            arrowstyle="-|>",
            mutation_scale=12 + line_width,
            linewidth=line_width,
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
                fontsize=10,
                fontweight="bold",
                color=style["color"],
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
    _key(axes, knockouts, key_height)
    axes.set_gid("loops:" + ",".join(sorted(LOOP_NAMES)))
    return figure


def _key(axes: Any, knockouts: tuple[str, ...], key_height: float) -> None:
    """Below the wheel: each loop's colour and line style by id and name (reinforcing left,
    balancing right), then what colour, line style and width mean (`diagram.LEGEND`)."""
    for column, kind in enumerate(KINDS):
        x = 2.0 + column * CANVAS[0] / 2
        loops = [loop for loop in LOOP_IDS if loop_kind(loop) == kind]
        for row, loop in enumerate(loops):
            y = -2.5 - row * KEY_ROW_HEIGHT
            style = loop_style(loop, 1.0, 1.0, loop in knockouts)
            axes.plot(
                [x, x + 4.0],
                [y, y],
                color=style["color"],
                linewidth=2.5,
                linestyle=LINE_STYLES[style["style"]],
            )
            cut = " (cut)" if loop in knockouts else ""
            axes.text(x + 5.0, y, f"{loop} {LOOP_NAMES[loop]}{cut}", va="center", fontsize=10)
    legend = "\n".join(textwrap.wrap(LEGEND, 110))
    axes.text(2.0, -key_height + 0.5, legend, va="bottom", fontsize=9.5, color="#444444")
