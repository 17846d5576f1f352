"""The causal loop diagram laid out as the napkin sketch (a wheel), each loop in its colour.

One layout and one style for every rendering: the app's animated SVG (`diagram_svg.py`), the
PNG download and `docs/` figure (`diagram_png.py`) and the Graphviz DOT download (here).
"""

from __future__ import annotations

from collections.abc import Mapping

from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

NODES = {
    "cx": "Customer\nexperience",
    "customers": "Customers",
    "traffic": "Traffic\n(visits)",
    "orders": "Growth\n(orders)",
    "sellers": "Sellers",
    "selection": "Selection",
    "cost": "Lower cost\nstructure",
    "prices": "Lower\nprices",
    "prime": "Prime\nmembers",
    "reviews": "Reviews &\nA/B tests",
    "fulfillment": "Fulfillment\nload",
    "service": "Service\nload",
    "potential": "Potential\ncustomers",
    "cash": "Margin\n& cash",
    "marketing": "Marketing\nbudget",
}
# (from, to, loop): the napkin sketch plus the balancing loops (MODEL.md); "" = shared link
EDGES = (
    ("cx", "customers", "R1"),
    ("customers", "traffic", "R1"),
    ("traffic", "orders", ""),
    ("traffic", "sellers", "R2"),
    ("sellers", "selection", "R2"),
    ("selection", "cx", "R2"),
    ("orders", "cost", "R3"),
    ("cost", "prices", "R3"),
    ("prices", "cx", "R3"),
    ("cx", "prime", "R4"),
    ("prime", "orders", "R4"),
    ("orders", "reviews", "R5"),
    ("reviews", "cx", "R5"),
    ("orders", "marketing", "R6"),  # revenue funds the marketing budget
    ("marketing", "customers", "R6"),
    ("orders", "fulfillment", "B1"),
    ("fulfillment", "cx", "B1"),
    ("orders", "service", "B2"),
    ("service", "cx", "B2"),
    ("customers", "potential", "B3"),
    ("potential", "customers", "B3"),
    ("sellers", "sellers", "B4"),
    ("prices", "cash", "B5"),
    ("cash", "fulfillment", "B5"),
)
# (x, y) of each node on a 100 x 84 canvas, y up. The wheel (radius `WHEEL_RADIUS` around
# `WHEEL_CENTRE`), clockwise as on the napkin: customer experience (left) -> customers ->
# traffic (top) -> sellers (right) -> selection (bottom) -> customer experience; inside it
# growth -> lower cost structure -> lower prices -> customer experience, with Prime and
# reviews; the balancing loops' own nodes sit outside the wheel.
CANVAS = (100.0, 84.0)
WHEEL_CENTRE, WHEEL_RADIUS = (50.0, 44.0), 31.0
RING = ("cx", "customers", "traffic", "sellers", "selection")  # drawn as arcs of the wheel
POSITIONS: dict[str, tuple[float, float]] = {
    "cx": (19.0, 44.0),
    "customers": (28.1, 65.9),
    "traffic": (50.0, 75.0),
    "sellers": (81.0, 44.0),
    "selection": (50.0, 13.0),
    "orders": (55.0, 51.0),
    "cost": (66.0, 31.0),
    "prices": (41.0, 27.0),
    "prime": (42.0, 64.0),
    "reviews": (40.0, 42.0),
    "fulfillment": (7.0, 27.0),
    "service": (8.0, 60.0),
    "potential": (9.0, 79.0),
    "cash": (16.0, 6.0),
    "marketing": (33.0, 80.0),  # R6: above customers, funded by orders (revenue)
}
MAX_PEN_WIDTH = 8.0
IDLE_GAIN = 1e-3  # |gain| below this: the loop is idle (drawn thin, its gain shown as 0.00)
SHARED, CUT = "#636363", "#bdbdbd"
# Reinforcing loops warm, balancing loops cool; each list ordered so that neighbours differ in
# hue and lightness (R2 and R3 once were orange and yellow). A loop numbered past the end of
# its list takes the colours again from the start.
WARM = ("#c62828", "#ef6c00", "#795548", "#b8860b", "#d81b60", "#ff8a65")
COOL = ("#1565c0", "#00695c", "#6a1b9a", "#2e7d32", "#26a0da", "#5c6bc0")
LEGEND = (
    "colour: the loop (warm = reinforcing R, cool = balancing B) · solid line: a reinforcing "
    "loop's link, dashed: a balancing loop's · width: the loop's strength now (|gain|) · "
    "label: its gain (> 0 amplifies, < 0 damps) · dotted grey: cut"
)


def loop_kind(loop: str) -> str:
    """'reinforcing' for a loop id R<n>, 'balancing' for B<n> (MODEL.md's naming), else ''."""
    return {"R": "reinforcing", "B": "balancing"}.get(loop[:1], "")


def loop_colour(loop: str) -> str:
    """A loop's colour, from its id: R<n> the n-th warm colour, B<n> the n-th cool one (a new
    loop R6 gets one too); grey for an id of neither kind."""
    palette = {"reinforcing": WARM, "balancing": COOL}.get(loop_kind(loop))
    number = loop[1:]
    if palette is None or not number.isdigit():
        return SHARED
    return palette[(int(number) - 1) % len(palette)]


def loop_colours(loops: tuple[str, ...] = LOOP_IDS) -> dict[str, str]:
    """Loop id -> colour, for a chart's colour scale."""
    return {loop: loop_colour(loop) for loop in loops}


def pen_width(gain: float, scale: float) -> float:
    """Line width (points) of a loop's links: 1 for an idle loop up to `MAX_PEN_WIDTH` for
    |gain| at `scale` (the largest |gain| over the run, so widths compare across weeks)."""
    strength = min(abs(gain) / scale, 1.0) if scale > 0 else 0.0
    return 1 + (MAX_PEN_WIDTH - 1) * strength


def loop_style(loop: str, gain: float, scale: float, is_cut: bool) -> dict[str, str]:
    """Line attributes of a loop's link: its colour, dashed when the loop is balancing, width
    from |gain| / scale (`pen_width`); light grey dotted when the loop is cut."""
    if is_cut:
        return {"color": CUT, "style": "dotted", "penwidth": "1"}
    style = "dashed" if loop_kind(loop) == "balancing" else "solid"
    return {"color": loop_colour(loop), "style": style, "penwidth": f"{pen_width(gain, scale):.2f}"}


def edge_label(loop: str, gain: float, is_cut: bool) -> str:
    """'R2 +1.84', 'B2 0.00' (idle) or 'R2 cut'."""
    return f"{loop} cut" if is_cut else f"{loop} {signed(gain, 2)}"


def strongest_loops(gains: Mapping[str, float]) -> list[str]:
    """The active loops (|gain| of at least `IDLE_GAIN`), the strongest first."""
    active = [loop for loop in LOOP_IDS if abs(gains.get(loop, 0.0)) >= IDLE_GAIN]
    return sorted(active, key=lambda loop: -abs(gains[loop]))


def loop_dot(
    gains: Mapping[str, float], scale: float, knockouts: tuple[str, ...] = (), title: str = ""
) -> str:
    """DOT source of the loop diagram; `gains` maps loop id -> log-multiplier at one week and
    `scale` is the largest |gain| over the run (so widths compare across weeks). Nodes are
    pinned to `POSITIONS` (render with `neato -n` or any engine that keeps `pos`)."""
    lines = [
        "digraph flywheel {",
        '  graph [layout=neato, splines=curved, bgcolor="transparent", fontsize=12,'
        f' labelloc=t, label="{_escape(title)}"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", fontsize=11,'
        ' fontname="Helvetica"];',
        '  edge [fontsize=10, fontname="Helvetica"];',
    ]
    for node, label in NODES.items():
        x, y = POSITIONS[node]
        position = f"{x / 10:.2f},{y / 10:.2f}!"  # inches: the canvas is 10 x 8.4
        lines.append(f'  {node} [label="{_escape(label)}", pos="{position}"];')
    for source, target, loop in EDGES:
        if not loop:
            lines.append(f'  {source} -> {target} [color="{SHARED}", penwidth=2];')
            continue
        gain = float(gains.get(loop, 0.0))
        style = loop_style(loop, gain, scale, loop in knockouts)
        attributes = ", ".join(f'{k}="{v}"' for k, v in style.items())
        tooltip = _escape(f"{loop} {LOOP_NAMES[loop]}: gain {signed(gain, 3)}")
        lines.append(
            f"  {source} -> {target} [{attributes}, "
            f'label="{edge_label(loop, gain, loop in knockouts)}", '
            f'fontcolor="{style["color"]}", tooltip="{tooltip}"];'
        )
    lines.append(f'  legend [shape=plaintext, label="{_escape(LEGEND)}", pos="5,-0.4!"];')
    lines.append("}")
    return "\n".join(lines)


def signed(value: float, digits: int) -> str:
    """`value` with its sign to `digits` decimals; a value that rounds to 0 is "0.00", not
    "-0.00" or "+0.00"."""
    return f"{value:+.{digits}f}" if round(value, digits) else f"{0:.{digits}f}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
