"""'Dominant now' against 'largest contribution', in plain words: the one place for the texts
that reconcile the loop gains (Watch it turn's headline) with the loop attribution (the Why
tab's waterfall), for the app and anyone else who shows both.

- Dominant now: the loop whose link is strongest this week, its loop gain `gain_<loop>`: the
  log factor by which the link scales the one flow it acts on, against that link held
  (docs/model.md#loop-gains). A rate, now, on one flow.
- Largest contribution: the loop whose knockout from week 0 takes most of an outcome away
  (`experiments.attribute`): every week of its compounding, through every path, on one outcome.

They need not agree: a loop can push hard on a flow that reaches the outcome only weakly (R2
and B4 both act on seller attractiveness, and revenue counts only the commission on sellers'
sales), and a balancing loop, a brake, can add to an outcome when what it brakes also costs
something the outcome counts (`BRAKE_PROTECTS`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from flywheel.scenario.schema import LOOP_IDS, LOOP_NAMES

if TYPE_CHECKING:
    import pandas as pd

ACTIVE_GAIN = 1e-3  # below this |gain| a loop is idle (as the loop diagram reads it)

# What each loop's gain scales (docs/model.md#loop-gains, "what it scales")
GAIN_SCALES = {
    "R1": "adoption (word of mouth)",
    "R2": "seller attractiveness (traffic drawing sellers in)",
    "R3": "conversion, through prices and delivery speed",
    "R4": "visits (Prime members)",
    "R5": "conversion, through reviews and experiments",
    "B1": "conversion, through delivery time",
    "B2": "perceived CX, through the service queue",
    "B3": "adoption (the untapped market)",
    "B4": "seller attractiveness (more SKUs sharing the same sales)",
    "B5": "the margin, the cash that pays for fulfillment centres and agents",
}

# Why cutting a balancing loop can lower an outcome: what its brake also protects, in model
# terms (docs/model.md#loop-knockouts says what each cut holds).
BRAKE_PROTECTS = {
    "B1": (
        "slower deliveries hold orders back, which keeps the fulfillment centres inside their "
        "capacity (fewer back-orders and lost orders, `orders_unfilled`) and their cost down"
    ),
    "B2": (
        "a longer service queue lowers perceived CX and so orders, which keeps the contact "
        "load and the cost of service agents down"
    ),
    "B3": (
        "saturation spreads adoption over more years, which can keep fulfillment capacity and "
        "cash ahead of orders; cut, adoption keeps its early pace until the market runs out"
    ),
    "B4": (
        "crowding keeps the number of third-party sellers in check. Cut, sellers keep joining "
        "at their week-0 attractiveness: their listings take a larger share of sales "
        "(`share_3p`), first-party sales shrink, and revenue counts only the commission on "
        "third-party sales; prices also end lower (`price_index`), so GMV can fall too"
    ),
    "B5": (
        "the cash limit stops fulfillment-centre orders and hiring when cash and credit run "
        "out; cut, a run keeps spending money it does not have, so the brake protects "
        "operating income and cash"
    ),
}

# Why cutting a reinforcing loop can raise an outcome: what its growth costs
GROWTH_COSTS = {
    "R2": (
        "more sellers move sales to third parties, and revenue counts only the commission "
        "on their sales"
    ),
    "R3": "passing cost savings into lower prices wins orders but thins the margin",
}
GROWTH_COSTS_OTHERWISE = "its growth costs more than it brings to this outcome"

DOMINANT_NOW = (
    "**Dominant now** (Watch it turn) is the loop whose link is strongest this week: its gain "
    "is what cutting it would take away from the one flow it scales, at today's state."
)
LARGEST_CONTRIBUTION = (
    "**Largest contribution** (the waterfall) is the loop whose cut from the start takes "
    "most of this outcome away: every week of its compounding, through every path."
)


def loop_name(loop: str) -> str:
    """'R2 marketplace'."""
    return f"{loop} {LOOP_NAMES[loop]}"


def strongest(values: Mapping[str, float], floor: float = 0.0) -> list[str]:
    """Loop ids with |value| above `floor`, the largest |value| first (ties: MODEL.md order)."""
    active = [loop for loop in LOOP_IDS if abs(values.get(loop, 0.0)) > floor]
    return sorted(active, key=lambda loop: -abs(values[loop]))


def dominant_now(gains: Mapping[str, float]) -> str | None:
    """The loop with the largest |gain| this week, or None while every loop is idle."""
    ranked = strongest(gains, ACTIVE_GAIN)
    return ranked[0] if ranked else None


def largest_contribution(effects: Mapping[str, float]) -> str | None:
    """The loop whose cut moves the outcome most (largest |effect|), or None."""
    ranked = strongest(effects)
    return ranked[0] if ranked else None


def loop_effects(waterfall: pd.DataFrame) -> dict[str, float]:
    """Loop id -> mean effect from `Attribution.waterfall()` rows ('R1 word of mouth', ...;
    the totals and the interactions are left out)."""
    effects = {}
    for label, kind, value in zip(
        waterfall["label"], waterfall["kind"], waterfall["value"], strict=True
    ):
        loop = str(label).split(" ", 1)[0]
        if kind == "step" and loop in LOOP_IDS:
            effects[loop] = float(value)
    return effects


def watch_note(gains: Mapping[str, float], dominant_gain: float = ACTIVE_GAIN) -> str:
    """Watch it turn's line under the headline: dominant now is not the largest contribution.
    `dominant_gain`: the |gain| from which the headline calls a loop dominant."""
    top = dominant_now(gains)
    now = (
        f"{loop_name(top)} leads this week: its gain scales {GAIN_SCALES[top]}, one flow, now. "
        if top and abs(gains[top]) >= dominant_gain
        else ""
    )
    return (
        f"Dominant now is the strongest link this week, not the largest contribution. {now}"
        "How much a loop adds to revenue or customers over the whole run is the Why tab's "
        "waterfall, which cuts each loop from the start: a loop strong now can add little to "
        "one outcome, and a balancing loop can add to it."
    )


def why_reconciliation(
    gains: Mapping[str, float],
    effects: Mapping[str, float],
    outcome_label: str,
    week_text: str,
    number: Callable[[float], str] = lambda value: f"{value:+.3g}",
) -> str:
    """Markdown under the Why tab's waterfall: the largest contributions to `outcome_label`
    (`effects`: loop -> effect), the loops dominant at `week_text` (`gains`: loop -> gain),
    whether they are the same loop, and why they can differ."""
    contributions = strongest(effects)[:2]
    dominant = strongest(gains, ACTIVE_GAIN)[:2]
    lines = [
        "Largest contribution to "
        f"{outcome_label}: "
        + (
            ", then ".join(f"{loop_name(loop)} ({number(effects[loop])})" for loop in contributions)
            or "none"
        ),
        f"Dominant {week_text}, by loop gain: "
        + (
            ", then ".join(f"{loop_name(loop)} (gain {gains[loop]:+.2f})" for loop in dominant)
            or "none"
        ),
    ]
    if contributions and dominant and contributions[0] == dominant[0]:
        verdict = f"Here they agree: {loop_name(dominant[0])} leads on both counts."
    elif dominant:
        top = dominant[0]
        verdict = (
            f"They differ because they answer different questions: {top}'s gain scales "
            f"{GAIN_SCALES[top]}, one flow, at that week; over the whole run {top} adds "
            f"{number(effects.get(top, 0.0))} to {outcome_label}."
        )
        if contributions:
            first = contributions[0]
            verdict += (
                f" {first} adds most although its gain there is {gains.get(first, 0.0):+.2f}: "
                f"it scales {GAIN_SCALES[first]}, and every week of the run compounds it."
            )
    else:
        verdict = "No loop is active at that week."
    return "\n".join(
        [*(f"- {line}" for line in lines), "", f"{DOMINANT_NOW} {LARGEST_CONTRIBUTION} {verdict}"]
    )


def sign_notes(
    effects: Mapping[str, float],
    outcome_label: str,
    number: Callable[[float], str] = lambda value: f"{value:+.3g}",
) -> list[str]:
    """One sentence per loop whose effect has the 'wrong' sign: a balancing loop that adds to
    the outcome (cutting the brake lowers it: `BRAKE_PROTECTS`) or a reinforcing loop that
    takes from it (`GROWTH_COSTS`), largest first."""
    notes = []
    for loop in strongest(effects):
        value = effects[loop]
        if loop.startswith("B") and value > 0:
            notes.append(
                f"{loop_name(loop)} adds {number(value)} to {outcome_label} although it is a "
                f"brake: cutting a balancing loop lowers an outcome when its brake also "
                f"protects something. Here {BRAKE_PROTECTS[loop]}."
            )
        elif loop.startswith("R") and value < 0:
            cost = GROWTH_COSTS.get(loop, GROWTH_COSTS_OTHERWISE)
            notes.append(
                f"{loop_name(loop)} takes {number(value)} from {outcome_label} although it "
                f"reinforces growth: {cost}."
            )
    return notes
