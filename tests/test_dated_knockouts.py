"""Knockouts that start at a week or a date (issue 19, item 7; docs/model.md "Loop knockouts"):
before the first cut week the run is the uncut run bit for bit, from it the loop's gain is 0
and its whole defining link is held at its value in that week (not week 0's)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import flywheel
from flywheel.model import equations as eq
from flywheel.model.outputs import OUTPUT_NAMES
from flywheel.scenario.events import PolicyChange
from flywheel.scenario.loading import SHIPPED_SCENARIOS_DIR as SHIPPED
from flywheel.scenario.loading import (
    DatedKnockout,
    parse_scenario_text,
    scenario_from_dict,
    with_parameters,
)
from flywheel.scenario.schema import LOOP_IDS
from flywheel.scenario.writer import canonical_toml, minimal_toml
from tests.test_knockouts import MECHANISM_ON

WEEKS = 260  # five years of the baseline: Prime launches at week 104
START = 130  # the first cut week: marketplace and Prime running, reviews and costs moved
REPLICATIONS = 2
SEED = 7


@pytest.fixture(scope="module")
def five_years(baseline: flywheel.Scenario) -> flywheel.Scenario:
    return dataclasses.replace(baseline, horizon_weeks=WEEKS)


@pytest.fixture(scope="module")
def uncut(five_years: flywheel.Scenario) -> flywheel.Results:
    return flywheel.simulate(five_years, replications=REPLICATIONS, seed=SEED)


def _cut_from(scenario: flywheel.Scenario, week: int, *loops: str, **levers: float) -> Any:
    """`scenario` with `loops` cut from `week`, and `levers` changed from `week` on (policy
    events), run with the common seed."""
    events = tuple(
        PolicyChange(week=week, lever=name, value=value) for name, value in levers.items()
    )
    changed = dataclasses.replace(
        scenario,
        knockouts=tuple(DatedKnockout(loop=loop, week=week) for loop in loops),  # type: ignore[arg-type]
        events=scenario.events + events,
    )
    return flywheel.simulate(changed, replications=REPLICATIONS, seed=SEED)


def _assert_constant_from(series: np.ndarray, week: int, name: str) -> None:
    """From `week` on, every week equals that replication's value at `week`, to rounding."""
    held = series[:, week:]
    np.testing.assert_allclose(held, held[:, :1] * np.ones_like(held), rtol=1e-9, err_msg=name)


def _assert_moves_from(series: np.ndarray, week: int, name: str) -> None:
    """With the loop on, the same quantity changes by more than 5 % after `week`."""
    change = np.abs(series[:, week:] / series[:, week : week + 1] - 1.0).max()
    assert change > 0.05, f"{name} moves only {change:.3g} after week {week} with the loop on"


def _mechanism_on(
    five_years: flywheel.Scenario, uncut: flywheel.Results, loop: str
) -> tuple[flywheel.Scenario, flywheel.Results]:
    """The scenario with `loop`'s mechanism on (`test_knockouts.MECHANISM_ON`) and its uncut run."""
    levers = MECHANISM_ON.get(loop)
    if levers is None:
        return five_years, uncut
    scenario = with_parameters(five_years, levers)
    return scenario, flywheel.simulate(scenario, replications=REPLICATIONS, seed=SEED)


@pytest.mark.parametrize("loop", LOOP_IDS)
def test_before_the_first_cut_week_the_run_is_the_uncut_run_bit_for_bit(
    five_years: flywheel.Scenario, uncut: flywheel.Results, loop: str
) -> None:
    five_years, uncut = _mechanism_on(five_years, uncut, loop)
    cut = _cut_from(five_years, START, loop)
    for name in OUTPUT_NAMES:
        np.testing.assert_array_equal(cut[name][:, :START], uncut[name][:, :START], err_msg=name)
    assert not np.array_equal(cut["gain_" + loop][:, START:], uncut["gain_" + loop][:, START:])


@pytest.mark.parametrize("loop", LOOP_IDS)
def test_from_the_first_cut_week_the_loops_gain_is_zero(
    five_years: flywheel.Scenario, uncut: flywheel.Results, loop: str
) -> None:
    five_years, uncut = _mechanism_on(five_years, uncut, loop)
    cut = _cut_from(five_years, START, loop)
    np.testing.assert_array_equal(cut[f"gain_{loop}"][:, START:], 0.0)
    assert np.any(uncut[f"gain_{loop}"][:, START:] != 0.0)  # on, the loop acts then


def test_a_cut_from_week_0_is_the_plain_cut(five_years: flywheel.Scenario) -> None:
    plain = flywheel.simulate(dataclasses.replace(five_years, knockouts=("R2", "B1")), 2, SEED)
    dated = _cut_from(five_years, 0, "R2", "B1")
    for name in OUTPUT_NAMES:
        np.testing.assert_array_equal(dated[name], plain[name], err_msg=name)


def test_a_date_cuts_from_the_week_holding_it(five_years: flywheel.Scenario) -> None:
    """A date in the middle of week START cuts from START, as `week = START` does."""
    day = five_years.week_date(START) + dt.timedelta(days=3)
    by_date = dataclasses.replace(five_years, knockouts=(DatedKnockout(loop="R1", date=day),))
    assert by_date.knockout_weeks() == {"R1": START}
    np.testing.assert_array_equal(
        flywheel.simulate(by_date, 2, SEED)["customers"],
        _cut_from(five_years, START, "R1")["customers"],
    )


def test_r1_holds_the_word_of_mouth_pressure_of_its_first_week(
    five_years: flywheel.Scenario, uncut: flywheel.Results
) -> None:
    """Held at its value in week START (not week 0's): the uncut run's pressure that week."""
    cut = _cut_from(five_years, START, "R1")["word_of_mouth_per_week"]
    _assert_constant_from(cut, START, "word_of_mouth_per_week")
    np.testing.assert_array_equal(cut[:, START], uncut["word_of_mouth_per_week"][:, START])
    assert np.all(cut[:, START] > 1.5 * uncut["word_of_mouth_per_week"][:, 0])


def test_r2_holds_the_traffic_sellers_see(
    five_years: flywheel.Scenario, uncut: flywheel.Results
) -> None:
    def traffic(results: flywheel.Results) -> np.ndarray:
        return results["sales_per_seller_usd"] * results["skus"] / results["price_index"]

    _assert_constant_from(traffic(_cut_from(five_years, START, "R2")), START, "traffic")
    _assert_moves_from(traffic(uncut), START, "traffic")


def test_r3_holds_the_price_of_its_first_week_following_the_market(
    five_years: flywheel.Scenario, uncut: flywheel.Results
) -> None:
    """The price target is week START's price index times the competitors' drift since."""
    cut = _cut_from(five_years, START, "R3")
    ratio = cut["price_target_index"] / cut["competitor_price_index"]
    _assert_constant_from(ratio, START, "price target / market")
    at_start = uncut["price_index"][:, START] / uncut["competitor_price_index"][:, START]
    np.testing.assert_allclose(ratio[:, START], at_start, rtol=1e-12)
    assert np.all(np.abs(at_start - 1.0) > 0.01)  # not week 0's price (1)
    on = uncut["price_target_index"] / uncut["competitor_price_index"]
    _assert_moves_from(on, START, "price target / market")


def test_r4_holds_the_members_effect_on_visits(
    five_years: flywheel.Scenario, uncut: flywheel.Results
) -> None:
    """Spend growth is 0 in the baseline, so visits per customer move only through the Prime
    share: held from START at week START's (members already joined since week 104)."""
    assert five_years.levers.spend_growth_per_year == 0.0
    cut = _cut_from(five_years, START, "R4")
    per_customer = cut["visits"] / cut["customers"]
    _assert_constant_from(per_customer, START, "visits per customer")
    assert np.all(per_customer[:, START] > per_customer[:, 0])  # not week 0's (no members)
    _assert_moves_from(uncut["visits"] / uncut["customers"], START, "visits per customer")


def test_r5_makes_orders_deaf_to_later_reviews(five_years: flywheel.Scenario) -> None:
    """With R5 cut from START, twice the reviews per order from START on give the very same
    orders; with R5 on they do not."""
    more = {"reviews_per_order": 2 * five_years.levers.reviews_per_order}
    few, many = _cut_from(five_years, START, "R5"), _cut_from(five_years, START, "R5", **more)
    assert many["reviews"][0, -1] > 1.2 * few["reviews"][0, -1]
    np.testing.assert_array_equal(many["orders"], few["orders"])
    on_few, on_many = _cut_from(five_years, START), _cut_from(five_years, START, **more)
    assert not np.array_equal(on_many["orders"], on_few["orders"])


def test_b1_holds_the_congestion_of_its_first_week() -> None:
    """In a demand surge, cut from a congested week: delivery days stay at that week's."""
    surge = dataclasses.replace(
        flywheel.load_scenario(SHIPPED / "demand_surge.toml"), horizon_weeks=364
    )
    on = flywheel.simulate(surge, replications=REPLICATIONS, seed=SEED)
    congestion = on["delivery_days"] / surge.levers.delivery_days_base
    start = int(np.argmax(congestion[0] > 1.05))  # the first congested week
    assert start > 0
    cut = _cut_from(surge, start, "B1")
    _assert_constant_from(cut["delivery_days"], start, "delivery days")
    np.testing.assert_array_equal(cut["delivery_days"][:, start], on["delivery_days"][:, start])
    _assert_moves_from(congestion, start, "delivery congestion")


def test_b2_makes_perceived_cx_deaf_to_the_desk(five_years: flywheel.Scenario) -> None:
    """B2 cut from START (and R3, B5, through which staffing costs reach prices and capacity):
    half the agents from START on give longer waits but the very same perceived CX."""
    loops = ("B2", "R3", "B5")
    full = _cut_from(five_years, START, *loops)
    half = _cut_from(five_years, START, *loops, service_staffing_share=0.5)
    assert half["queue_wait_hours"].max() > 2.0 * full["queue_wait_hours"].max()
    np.testing.assert_array_equal(half["perceived_cx"], full["perceived_cx"])
    on = _cut_from(five_years, START, "R3", "B5", service_staffing_share=0.5)
    assert not np.array_equal(on["perceived_cx"], full["perceived_cx"])


def test_b3_with_r1_adopts_a_constant_number_a_week(
    scenario_factory: Callable[..., flywheel.Scenario],
) -> None:
    """R1 and B3 cut from week 60, every other loop from week 0, a constant market and no
    churn: from week 60 each week adopts the same number (held untapped share x market x
    (1 - e^-(p + w)), w the held word of mouth), where before it fell week by week."""
    start = 60
    scenario = scenario_factory(
        levers={
            "churn_base_per_week": 0.0,
            "winback_rate_per_week": 0.0,
            "market_growth_per_year": 0.0,
            "market_ceiling_people": 1e8,
            "marketing_share_of_revenue": eq.MARKETING_SHARE_REFERENCE,
        },
        initial={"customers": 5e6, "market_people": 1e8, "prime_members": 0.0},
        knockouts=[
            *(loop for loop in LOOP_IDS if loop not in ("R1", "B3")),
            {"loop": "R1", "week": start},
            {"loop": "B3", "week": start},
        ],
        horizon_weeks=160,
    )
    adoption = flywheel.simulate(scenario, replications=2, seed=1)["adoption"]
    _assert_constant_from(adoption, start, "adoption")
    assert np.all(np.diff(adoption[:, 1:start], axis=1) != 0.0)  # before: it moves


def test_b4_holds_the_skus_sellers_share(
    five_years: flywheel.Scenario, uncut: flywheel.Results
) -> None:
    def per_gmv(results: flywheel.Results) -> np.ndarray:
        return results["sales_per_seller_usd"] / results["gmv_usd"]

    cut = _cut_from(five_years, START, "B4")
    _assert_constant_from(per_gmv(cut), START, "sales per seller / GMV")
    np.testing.assert_allclose(per_gmv(cut)[:, START], per_gmv(uncut)[:, START], rtol=1e-12)
    _assert_moves_from(per_gmv(uncut), START, "sales per seller / GMV")


def test_b5_makes_capacity_deaf_to_cash(five_years: flywheel.Scenario) -> None:
    """B5 (and R3) cut from START: an overhead that drains the cash past the credit limit from
    START on changes neither the FCs nor the agents; with B5 on it stops them."""
    drain = {"overhead_usd_per_week": 1e8}
    lean = _cut_from(five_years, START, "B5", "R3")
    drained = _cut_from(five_years, START, "B5", "R3", **drain)
    assert (drained["insolvent"][:, -1] == 1.0).all()
    for output in ("fulfillment_centers", "agents"):
        np.testing.assert_array_equal(drained[output], lean[output], err_msg=output)
    on = _cut_from(five_years, START, "R3", **drain)
    assert on["fulfillment_centers"][:, -1].max() < lean["fulfillment_centers"][:, -1].min()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"loop": "R9", "week": 3}, ("knockouts[0].loop", "'R9'", "allowed R1")),
        ({"loop": "R2", "week": 520}, ("knockouts[0].week = 520", "outside", "0 to 519")),
        ({"loop": "R2", "date": "2040-01-01"}, ("knockouts[0].date = 2040-01-01", "outside")),
        ({"loop": "R2", "date": "2025-12-29"}, ("knockouts[0].date", "week -1", "2026-01-05")),
        ({"loop": "R2"}, ("knockouts[0]", "exactly one of 'week' or 'date'")),
        ({"loop": "R2", "week": 3, "date": "2027-01-04"}, ("exactly one",)),
        ({"loop": "R2", "from": "2027-01-04"}, ("knockouts[0].from", "allowed keys")),
        ({"loop": "R2", "week": -1}, ("knockouts[0].week = -1", ">= 0")),
    ],
)
def test_a_bad_dated_knockout_is_one_clear_error(entry: dict, expected: tuple[str, ...]) -> None:
    def toml(value: Any) -> str:
        return f'"{value}"' if isinstance(value, str) and "-" not in value else str(value)

    fields = ", ".join(f"{key} = {toml(value)}" for key, value in entry.items())
    text = f'name = "x"\nknockouts = [{{{fields}}}]\n'
    with pytest.raises(flywheel.ScenarioError) as error:
        parse_scenario_text(text, origin="cuts.toml")
    message = str(error.value)
    assert message.startswith("cuts.toml:2: ") and "\n" not in message
    for part in expected:
        assert part in message, (part, message)


def test_a_loop_cut_twice_is_an_error_naming_both_entries() -> None:
    with pytest.raises(flywheel.ScenarioError, match=r"twice: R2 in \['R2', 'R2 from week 5'\]"):
        scenario_from_dict({"knockouts": ["R2", {"loop": "R2", "week": 5}]}, origin="x.toml")


def test_dated_knockouts_round_trip_through_the_writer() -> None:
    scenario = scenario_from_dict(
        {
            "knockouts": [
                "B1",
                {"loop": "R2", "date": dt.date(2027, 1, 4)},
                {"loop": "R5", "week": 60},
            ]
        }
    )
    assert scenario.cut_loops == ("B1", "R2", "R5")
    assert scenario.knockout_weeks() == {"B1": 0, "R2": 52, "R5": 60}
    for text in (canonical_toml(scenario), minimal_toml(scenario)):
        assert '{loop = "R2", date = 2027-01-04}' in text
        assert parse_scenario_text(text) == scenario


def test_run_and_validate_take_dated_knockouts_from_the_file(tmp_path, capsys) -> None:
    """`flywheel run` simulates the file's dated cut (the numbers of `simulate` with it) and
    `flywheel validate` names it."""
    import json

    from flywheel.cli.commands import main

    path = tmp_path / "dated.toml"
    path.write_text(
        'name = "dated"\nhorizon_weeks = 104\nknockouts = ["B1", {loop = "R1", week = 40}]\n'
    )
    assert main(["validate", str(path)]) == 0
    assert "knockouts ['B1', 'R1 from week 40']" in capsys.readouterr().out
    assert main(["run", str(path), "--json", "--seed", "3"]) == 0
    final = json.loads(capsys.readouterr().out)["final_week_mean"]
    direct = flywheel.simulate(flywheel.load_scenario(path), replications=1, seed=3)
    assert final["customers"] == direct["customers"][0, -1]
    plain = flywheel.simulate(
        dataclasses.replace(flywheel.load_scenario(path), knockouts=("B1",)), 1, seed=3
    )
    assert final["customers"] != plain["customers"][0, -1]
