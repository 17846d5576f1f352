"""Workshop mode: a guided story for educators (question, change, what to look for)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """One workshop step: the question to ask, the change to make, what to look for."""

    title: str
    question: str
    preset: str
    levers: dict[str, float] = field(default_factory=dict)
    knockouts: tuple[str, ...] = ()
    look_for: str = ""


STORY = (
    Step(
        "1. The flywheel at rest",
        "Before touching anything: what shape will customer growth take over ten years, and "
        "which loop do you expect to drive it?",
        "baseline",
        look_for="Customers follow an S-curve. In *Watch it turn*, R1 (word of mouth) and R2 "
        "(marketplace) are green early; B3 (saturation) and B4 (seller crowding) turn "
        "red as the market fills.",
    ),
    Step(
        "2. Give the savings back",
        "Bezos passed cost savings on as lower prices. What happens if 95 % of savings go to "
        "prices instead of 60 %?",
        "baseline",
        levers={"pass_through_share": 0.95},
        look_for="The price index falls further and perceived CX rises; compare revenue and "
        "operating income with the dashed preset line: growth for margin.",
    ),
    Step(
        "3. Cut the marketplace loop",
        "How much of the growth comes from third-party sellers adding selection?",
        "baseline",
        knockouts=("R2",),
        look_for="Selection and sellers stay flat. The KPI deltas show what R2 is worth; the "
        "*Why* tab's waterfall quantifies it with the other loops.",
    ),
    Step(
        "4. Build fulfillment too slowly",
        "What if a fulfillment centre takes three years to open instead of one?",
        "baseline",
        levers={"fc_lead_time_weeks": 156.0},
        look_for="B1 (fulfillment congestion) turns red when orders outrun capacity: delivery "
        "slows, CX dips, and growth stalls until the new FCs open.",
    ),
    Step(
        "5. Pull the andon cord",
        "Amazon let service staff pull defective listings. Is it worth the lost selection?",
        "baseline",
        levers={"andon_cord_share": 1.0},
        look_for="Fewer service contacts (B2 weakens) and higher perceived CX, against a "
        "little less selection. Check the CX and customers KPIs.",
    ),
    Step(
        "6. Harvest the margin",
        "A board asks for a 12 % operating margin now. What does it cost in ten years?",
        "baseline",
        levers={"target_operating_margin_share": 0.12},
        look_for="Prices stay high, CX and customer growth slow (B5, margin squeeze): higher "
        "early income, a smaller business later. Compare with step 2.",
    ),
)
