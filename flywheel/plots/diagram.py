"""The causal loop diagram as Graphviz DOT, each loop's edges drawn by its live strength."""

from __future__ import annotations

from collections.abc import Mapping

from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

NODES = {
    "cx": "Customer\nexperience",
    "customers": "Customers",
    "traffic": "Traffic\n(visits)",
    "orders": "Orders",
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
MAX_PEN_WIDTH = 8.0
REINFORCING, BALANCING, IDLE, CUT = "#1a9850", "#d73027", "#9e9e9e", "#bdbdbd"


def edge_style(gain: float, scale: float, is_cut: bool) -> dict[str, str]:
    """Graphviz attributes of a loop edge: width from |gain| / scale, green when the loop
    currently amplifies (gain > 0), red when it damps (gain < 0), grey when idle (|gain| below
    0.001), light grey dashed when cut."""
    if is_cut:
        return {"color": CUT, "style": "dashed", "penwidth": "1"}
    strength = min(abs(gain) / scale, 1.0) if scale > 0 else 0.0
    colour = IDLE if abs(gain) < 1e-3 else REINFORCING if gain > 0 else BALANCING
    return {"color": colour, "penwidth": f"{1 + (MAX_PEN_WIDTH - 1) * strength:.2f}"}


def strongest_loops(gains: Mapping[str, float]) -> list[str]:
    """The active loops (|gain| of at least 0.001), the strongest first."""
    active = [loop for loop in LOOP_IDS if abs(gains.get(loop, 0.0)) >= 1e-3]
    return sorted(active, key=lambda loop: -abs(gains[loop]))


def loop_dot(
    gains: Mapping[str, float], scale: float, knockouts: tuple[str, ...] = (), title: str = ""
) -> str:
    """DOT source of the loop diagram; `gains` maps loop id -> log-multiplier at one week and
    `scale` is the largest |gain| over the run (so widths compare across weeks)."""
    lines = [
        "digraph flywheel {",
        '  graph [rankdir=LR, bgcolor="transparent", fontsize=12,'
        f' labelloc=t, label="{_escape(title)}"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", fontsize=11,'
        ' fontname="Helvetica"];',
        '  edge [fontsize=10, fontname="Helvetica"];',
    ]
    for node, label in NODES.items():
        lines.append(f'  {node} [label="{_escape(label)}"];')
    for source, target, loop in EDGES:
        if not loop:
            lines.append(f'  {source} -> {target} [color="#636363", penwidth=2];')
            continue
        gain = float(gains.get(loop, 0.0))
        style = edge_style(gain, scale, loop in knockouts)
        label = f"{loop} cut" if loop in knockouts else f"{loop} {_signed(gain, 2)}"
        attributes = ", ".join(f'{k}="{v}"' for k, v in style.items())
        tooltip = _escape(f"{loop} {LOOP_NAMES[loop]}: gain {_signed(gain, 3)}")
        lines.append(
            f'  {source} -> {target} [{attributes}, label="{label}", '
            f'fontcolor="{style["color"]}", tooltip="{tooltip}"];'
        )
    lines.append("}")
    return "\n".join(lines)


def _signed(value: float, digits: int) -> str:
    """`value` with its sign to `digits` decimals; a value that rounds to 0 is "0.00", not
    "-0.00" or "+0.00"."""
    return f"{value:+.{digits}f}" if round(value, digits) else f"{0:.{digits}f}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
