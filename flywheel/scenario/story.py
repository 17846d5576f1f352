"""Workshop mode: guided stories for educators (question, change, what to look for).

Two stories ship: `STORY`, ten years of the baseline marketplace retailer (built in), and the
60-minute Amazon 1996-2024 session of `scenarios/workshop/story.toml` (docs/workshop.md is its
facilitator's guide), read by `load_story`. Pure: no streamlit here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORKSHOP_PRESET_PREFIX = "workshop/"  # presets from scenarios/workshop/ are named workshop/<stem>


@dataclass(frozen=True)
class Step:
    """One workshop step: the question to ask, the change to make, what to look for.

    `preset` is a preset name of the app; `compare_with` (optional) another preset to set as
    scenario B of the Compare tab; `outputs` the annual columns (`Results.annual()` names) the
    step looks at; `minutes` its time box (0: none given)."""

    title: str
    question: str
    preset: str
    levers: dict[str, float] = field(default_factory=dict)
    knockouts: tuple[str, ...] = ()
    look_for: str = ""
    compare_with: str = ""
    outputs: tuple[str, ...] = ()
    minutes: int = 0


@dataclass(frozen=True)
class Story:
    """A workshop: its title, total minutes (0: not given), steps in order, and the minutes
    before the first step (an introduction; 0: none)."""

    title: str
    steps: tuple[Step, ...]
    minutes: int = 0
    intro_minutes: int = 0


class StoryError(ValueError):
    """A story file that cannot be read: the message names the file and the field."""


def preset_name(scenario_file: str) -> str:
    """The app's preset name of a scenario file of scenarios/workshop/ ('01_the_record.toml'
    -> 'workshop/01_the_record')."""
    return WORKSHOP_PRESET_PREFIX + Path(scenario_file).stem


def load_story(path: Path) -> Story:
    """The story of a story.toml (format in its header comment); scenarios are named as the
    app's presets of the same folder. Raises StoryError naming the file and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise StoryError(f"{path}: {error}") from None
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise StoryError(f"{path}: [[steps]] = {steps!r} (expected at least one step table)")
    return Story(
        title=_text(path, data, "title"),
        minutes=_whole(path, data, "minutes"),
        intro_minutes=_whole(path, data, "intro_minutes"),
        steps=tuple(_step(path, index, table) for index, table in enumerate(steps)),
    )


def _step(path: Path, index: int, table: Any) -> Step:
    where = f"steps[{index}]"
    if not isinstance(table, dict):
        raise StoryError(f"{path}: {where} = {table!r} (expected a table)")
    outputs = table.get("outputs", [])
    if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
        raise StoryError(f"{path}: {where}.outputs = {outputs!r} (expected a list of names)")
    compare = table.get("compare_with", "")
    return Step(
        title=_text(path, table, "title", where),
        question=_text(path, table, "question", where),
        preset=preset_name(_text(path, table, "scenario", where)),
        look_for=_text(path, table, "look_for", where),
        compare_with=preset_name(compare) if compare else "",
        outputs=tuple(outputs),
        minutes=_whole(path, table, "minutes", where),
    )


def _text(path: Path, table: dict[str, Any], key: str, where: str = "") -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        name = f"{where}.{key}" if where else key
        raise StoryError(f"{path}: {name} = {value!r} (expected a non-empty string)")
    return value


def _whole(path: Path, table: dict[str, Any], key: str, where: str = "") -> int:
    value = table.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        name = f"{where}.{key}" if where else key
        raise StoryError(f"{path}: {name} = {value!r} (expected a whole number of minutes)")
    return value


def minutes_window(story: Story, index: int) -> tuple[int, int]:
    """The minutes of the session step `index` takes, from the start: (15, 25) for a 10-minute
    step after a 5-minute introduction and a 10-minute step."""
    start = story.intro_minutes + sum(step.minutes for step in story.steps[:index])
    return start, start + story.steps[index].minutes


def step_scenario(step: Step, presets: dict[str, Any]) -> Any:
    """The scenario a step runs: its preset (a Scenario from `presets`, by name) with the
    step's levers changed and its loops cut from week 0, validated; what "Apply this step"
    puts in the sidebar. KeyError if the preset is not in `presets`."""
    from flywheel.scenario.loading import scenario_from_dict, scenario_to_dict, with_parameters

    scenario = presets[step.preset]
    if step.levers:
        scenario = with_parameters(scenario, dict(step.levers), origin=f"step {step.title!r}")
    if not step.knockouts:
        return scenario
    data = scenario_to_dict(scenario)
    data["knockouts"] = [*data.get("knockouts", []), *step.knockouts]
    return scenario_from_dict(data, origin=f"step {step.title!r}")


STORY = (
    Step(
        "1. The flywheel at rest",
        "Before touching anything: what shape will customer growth take over ten years, and "
        "which loop do you expect to drive it?",
        "baseline",
        look_for="Customers follow an S-curve. In *Watch it turn*, play the first two years: "
        "at first seller crowding (B4, red) outweighs the marketplace's pull (R2, green); in "
        "year 2 R2 takes over for good. Word of mouth (R1) is green from the start and keeps "
        "growing: every new customer recruits more, even while CX dips. Saturation (B3) "
        "deepens as the market fills.",
        outputs=("active_customers_million", "net_sales_usd_million", "sellers_thousand"),
    ),
    Step(
        "2. Give the savings back",
        "Bezos passed cost savings on as lower prices. What happens if 95 % of savings go to "
        "prices instead of 60 %?",
        "baseline",
        levers={"pass_through_share": 0.95},
        look_for="Almost nothing changes: pass-through says how fast cost savings reach "
        "prices, not where the margin ends up. The price policy aims for the target margin "
        "either way (the rest of a saving reaches prices within a year), so prices, customers "
        "and revenue end within about 2 % of the dashed preset line. To give savings back for "
        "good, lower the target margin instead.",
        outputs=(
            "net_sales_usd_million",
            "operating_income_usd_million",
            "active_customers_million",
        ),
        compare_with="baseline",
    ),
    Step(
        "3. Cut the marketplace loop",
        "How much of the growth comes from third-party sellers adding selection?",
        "baseline",
        knockouts=("R2",),
        look_for="Sellers and selection stay nearly flat, and customers fall well short. GMV "
        "ends about two thirds lower but revenue barely moves: a third-party sale counts only "
        "as its commission, so without sellers more of the same demand is booked as "
        "first-party sales (all of it through the platform's own fulfillment centres), and "
        "the price policy earns its margin on it: operating income ends only a little lower. "
        "The *Why* "
        "tab's waterfall (outcome GMV or customers) shows what R2 is worth next to the other "
        "loops.",
        outputs=("sellers_thousand", "gmv_usd_million", "operating_income_usd_million"),
        compare_with="baseline",
    ),
    Step(
        "4. Build fulfillment too slowly",
        "What if a fulfillment centre takes three years to open instead of one?",
        "baseline",
        levers={"fc_lead_time_weeks": 156.0},
        look_for="B1 (fulfillment congestion) turns red when orders outrun capacity: delivery "
        "slows, CX dips, and growth stalls until the new FCs open.",
        outputs=("fc_sqft_million", "active_customers_million", "net_sales_usd_million"),
        compare_with="baseline",
    ),
    Step(
        "5. Pull the andon cord",
        "Amazon let service staff pull defective listings. Is it worth the lost selection?",
        "baseline",
        levers={"andon_cord_share": 1.0},
        look_for="Fewer service contacts (B2 weakens) and higher perceived CX, against a "
        "little less selection. Check the CX and customers KPIs.",
        outputs=(
            "active_customers_million",
            "net_sales_usd_million",
            "operating_income_usd_million",
        ),
        compare_with="baseline",
    ),
    Step(
        "6. Harvest the margin",
        "A board asks for a 12 % operating margin now. What does it cost in ten years?",
        "baseline",
        levers={"target_operating_margin_share": 0.12},
        look_for="Prices end about 20 % higher, so CX stays below the preset's (R3's price "
        "link weakens): about 6 % fewer customers and 14 % less revenue in the last year, for "
        "about twice the operating income. Fewer orders need fewer fulfillment centres, and "
        "delivery is faster; the 4 % preset spends up to its $5 B credit limit on centres "
        "(B5), so a margin much thinner than 4 % would under-build them. A thin margin buys "
        "growth while capital lasts. Compare with step 2.",
        outputs=(
            "active_customers_million",
            "net_sales_usd_million",
            "operating_income_usd_million",
        ),
        compare_with="baseline",
    ),
)


BASELINE_STORY = Story("Ten years of a marketplace retailer (baseline)", STORY)
