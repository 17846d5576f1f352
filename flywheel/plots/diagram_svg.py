"""The loop diagram as SVG, the wheel of `diagram.POSITIONS`, for the app's Watch it turn.

The app's playback redraws it in the browser every frame: each loop link is a `path` and each
gain label a `text` tagged with its loop (`data-loop`), whose width and label the page sets
from that week's gains (the same `diagram.pen_width`, sent to the page as `MAX_PEN_WIDTH` and
the run's scale). Drawn here once, so the page needs no layout engine.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping

from flywheel.plots.diagram import (
    CANVAS,
    EDGES,
    LEGEND,
    NODES,
    POSITIONS,
    RING,
    SHARED,
    WHEEL_CENTRE,
    WHEEL_RADIUS,
    edge_label,
    loop_kind,
    loop_style,
)
from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

PX_PER_UNIT = 8.0  # canvas units to SVG pixels: the wheel is 800 px wide at scale 1
NODE_FONT_PX, LABEL_FONT_PX, KEY_FONT_PX = 16, 14, 14
CHARACTER_PX = 0.56 * NODE_FONT_PX  # average glyph width of the sans-serif node labels
LINE_PX = 19
CURVE = 0.18  # how far a link bends from its chord (a share of the chord's length)
KEY_ROW_PX = 24
LABEL_AT = 0.4  # where along a link (0 source, 1 target) its gain label sits, off the wheel
# ... except where that spot is taken by another link's label or crosses the wheel
LABEL_AT_LINK = {
    ("orders", "fulfillment"): 0.7,
    ("prices", "cash"): 0.65,
    ("reviews", "cx"): 0.3,
    ("marketing", "customers"): 0.2,  # above the B3 and R1 labels beside Customers
}
DASHES = {"solid": "", "dashed": "9 5", "dotted": "2 4"}
KINDS = ("reinforcing", "balancing")


def _box(node: str) -> tuple[float, float]:
    """Half width and half height (px) of a node's box."""
    lines = NODES[node].split("\n")
    return (max(map(len, lines)) * CHARACTER_PX + 18) / 2, (len(lines) * LINE_PX + 10) / 2


def _point(node: str) -> tuple[float, float]:
    """A node's centre in SVG pixels (y down)."""
    x, y = POSITIONS[node]
    return x * PX_PER_UNIT, (CANVAS[1] - y) * PX_PER_UNIT


def _exit(node: str, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from a node's centre toward `toward` leaves its box (plus a 4 px gap)."""
    (x, y), (half_w, half_h) = _point(node), _box(node)
    dx, dy = toward[0] - x, toward[1] - y
    reach = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    length = math.hypot(dx, dy)
    gap = 4 / length if length else 0.0
    return x + dx * (reach + gap), y + dy * (reach + gap)


def _control(source: str, target: str) -> tuple[float, float]:
    """The control point of a link's quadratic curve (px): on the wheel, where the tangents
    at both ends meet (the curve follows the circle); elsewhere bent off the chord."""
    (x0, y0), (x1, y1) = _point(source), _point(target)
    if source in RING and target in RING:
        centre_x, centre_y = (
            WHEEL_CENTRE[0] * PX_PER_UNIT,
            (CANVAS[1] - WHEEL_CENTRE[1]) * PX_PER_UNIT,
        )
        mid_x, mid_y = (x0 + x1) / 2 - centre_x, (y0 + y1) / 2 - centre_y
        half_angle = math.asin(
            min(math.hypot(x1 - x0, y1 - y0) / 2 / (WHEEL_RADIUS * PX_PER_UNIT), 1.0)
        )
        reach = WHEEL_RADIUS * PX_PER_UNIT / math.cos(half_angle) / math.hypot(mid_x, mid_y)
        return centre_x + mid_x * reach, centre_y + mid_y * reach
    return (x0 + x1) / 2 - CURVE * (y1 - y0), (y0 + y1) / 2 + CURVE * (x1 - x0)


def edge_geometry(source: str, target: str) -> tuple[str, tuple[float, float]]:
    """SVG path data of a link and where its label goes: an arc of the wheel between two of
    its nodes, a quadratic curve bent off its chord elsewhere; a node's link to itself (B4)
    is a loop on its right side."""
    if source == target:
        (x, y), (half_w, half_h) = _point(source), _box(source)
        x0, top, bottom = x + half_w, y - half_h / 2, y + half_h / 2
        path = f"M{x0:.1f},{top:.1f} C{x0 + 70:.1f},{top - 45:.1f} {x0 + 70:.1f},"
        path += f"{bottom + 45:.1f} {x0 + 4:.1f},{bottom:.1f}"
        return path, (x0 + 56, y)
    control = _control(source, target)
    start, end = _exit(source, control), _exit(target, control)
    # the label at the curve's middle on the wheel, nearer the source elsewhere (where a
    # link crosses the wheel, its middle often lies on the wheel's arc)
    at = 0.5 if source in RING and target in RING else LABEL_AT_LINK.get((source, target), LABEL_AT)
    weights = ((1 - at) ** 2, 2 * at * (1 - at), at**2)
    label = [
        sum(w * p[i] for w, p in zip(weights, (start, control, end), strict=True)) for i in (0, 1)
    ]
    path = f"M{start[0]:.1f},{start[1]:.1f} Q{control[0]:.1f},{control[1]:.1f} "
    return path + f"{end[0]:.1f},{end[1]:.1f}", (label[0], label[1])


def _text(x: float, y: float, text: str, size: int, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{html.escape(text)}</text>'


def _key_columns() -> list[list[str]]:
    """The loops in the legend: reinforcing ones in the left column, balancing in the right."""
    return [[loop for loop in LOOP_IDS if loop_kind(loop) == kind] for kind in KINDS]


def _legend_lines() -> list[str]:
    """`diagram.LEGEND` wrapped to the SVG's width."""
    return textwrap.wrap(LEGEND, int(CANVAS[0] * PX_PER_UNIT / (0.55 * KEY_FONT_PX)))


def _key(top: float, knockouts: tuple[str, ...]) -> list[str]:
    """The legend below the wheel: each loop's colour and line style by id and name (two
    columns, reinforcing then balancing), then what colour, line style and width mean."""
    parts = []
    columns = _key_columns()
    for column, loops in enumerate(columns):
        x = 20 + column * CANVAS[0] * PX_PER_UNIT / 2
        for row, loop in enumerate(loops):
            y = top + row * KEY_ROW_PX
            style = loop_style(loop, 1.0, 1.0, loop in knockouts)
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 5:.1f}" x2="{x + 34:.1f}" y2="{y - 5:.1f}" '
                f'stroke="{style["color"]}" stroke-width="3" '
                f'stroke-dasharray="{DASHES[style["style"]]}"/>'
            )
            cut = " (cut)" if loop in knockouts else ""
            parts.append(_text(x + 42, y, f"{loop} {LOOP_NAMES[loop]}{cut}", KEY_FONT_PX))
    y = top + max(map(len, columns)) * KEY_ROW_PX + 6
    for line in _legend_lines():
        parts.append(_text(20, y, line, KEY_FONT_PX - 1, fill="#444"))
        y += KEY_ROW_PX - 4
    return parts


def key_height() -> float:
    """Height (px) of the legend below the wheel."""
    rows = max(map(len, _key_columns()))
    return rows * KEY_ROW_PX + len(_legend_lines()) * (KEY_ROW_PX - 4) + 16


def loop_svg(gains: Mapping[str, float], scale: float, knockouts: tuple[str, ...] = ()) -> str:
    """SVG of the loop diagram at one week (`gains`, `scale` as in `diagram.loop_dot`): links
    in their loop's colour and style, width from |gain|, labelled with the gain; a legend."""
    width, wheel_height = CANVAS[0] * PX_PER_UNIT, CANVAS[1] * PX_PER_UNIT
    height = wheel_height + key_height()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'class="loop-diagram" font-family="Helvetica, Arial, sans-serif" role="img" '
        f'aria-label="flywheel loop diagram">',
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="12" '
        'markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>',
    ]
    labels = []
    for source, target, loop in EDGES:
        path, (x, y) = edge_geometry(source, target)
        if not loop:
            parts.append(
                f'<path d="{path}" fill="none" stroke="{SHARED}" stroke-width="2" '
                'marker-end="url(#arrow)"/>'
            )
            continue
        is_cut = loop in knockouts
        gain = float(gains.get(loop, 0.0))
        style = loop_style(loop, gain, scale, is_cut)
        parts.append(
            f'<path d="{path}" fill="none" stroke="{style["color"]}" '
            f'stroke-width="{style["penwidth"]}" stroke-dasharray="{DASHES[style["style"]]}" '
            f'marker-end="url(#arrow)" data-loop="{loop}" data-cut="{int(is_cut)}">'
            f"<title>{html.escape(f'{loop} {LOOP_NAMES[loop]}')}</title></path>"
        )
        labels.append(
            _text(
                x,
                y + LABEL_FONT_PX / 3,
                edge_label(loop, gain, is_cut),
                LABEL_FONT_PX,
                text_anchor="middle",
                fill=style["color"] if not is_cut else "#888",
                font_weight="bold",
                stroke="white",
                stroke_width="4",
                paint_order="stroke",
                data_label=loop,
            )
        )
    for node, label in NODES.items():
        (x, y), (half_w, half_h) = _point(node), _box(node)
        parts.append(
            f'<rect x="{x - half_w:.1f}" y="{y - half_h:.1f}" width="{2 * half_w:.1f}" '
            f'height="{2 * half_h:.1f}" rx="8" fill="#f7f7f7" stroke="#636363"/>'
        )
        lines = label.split("\n")
        for index, line in enumerate(lines):
            baseline = y + (index - (len(lines) - 1) / 2) * LINE_PX + NODE_FONT_PX / 3
            parts.append(_text(x, baseline, line, NODE_FONT_PX, text_anchor="middle"))
    parts.extend(labels)  # above the nodes and links
    parts.extend(_key(wheel_height + 24, knockouts))
    parts.append("</svg>")
    return "\n".join(parts)
