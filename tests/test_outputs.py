"""The output registry: one row for every output the model records, no extra rows, valid facts,
and the kernel's layout and the yearly aggregation follow it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import flywheel
from flywheel.experiments.outcomes import Outcome, yearly
from flywheel.model import layout
from flywheel.model.outputs import (
    GROUPS,
    KINDS,
    OUTPUT_NAMES,
    OUTPUT_TABLE,
    YEARLY,
    Output,
    names_where,
    output,
    yearly_how,
)
from flywheel.scenario.parameters import LOOP_IDS


@pytest.fixture(scope="module")
def results() -> flywheel.Results:
    scenario = dataclasses.replace(flywheel.Scenario(), horizon_weeks=110)
    return flywheel.simulate(scenario, replications=2, seed=3)


def test_every_recorded_output_has_exactly_one_row_in_order(results: flywheel.Results) -> None:
    assert results.outputs == OUTPUT_NAMES
    assert len(set(OUTPUT_NAMES)) == len(OUTPUT_NAMES)


def test_the_kernel_layout_is_the_registry(results: flywheel.Results) -> None:
    assert layout.OUTPUTS == OUTPUT_NAMES
    assert [member.name for member in layout.Out] == list(OUTPUT_NAMES)
    assert layout.EXTRA_OUTPUTS["gains"] == tuple(f"gain_{loop}" for loop in LOOP_IDS)
    assert "fc_sqft" in layout.EXTRA_OUTPUTS["derived"]
    assert "fc_sqft" not in layout.CORE_OUTPUTS and "customers" in layout.CORE_OUTPUTS
    # every optional output comes after the core ones (the kernel's block order)
    optional = [row.optional != "" for row in OUTPUT_TABLE]
    assert optional == sorted(optional)


def test_every_row_has_valid_facts() -> None:
    for row in OUTPUT_TABLE:
        assert row.kind in KINDS and row.group in GROUPS, row
        assert row.unit and row.label and row.description, row
        assert row.label[0].isupper(), row
    assert set(KINDS) == set(YEARLY) == {"level", "flow", "rate", "index", "flag"}
    assert {row.group for row in OUTPUT_TABLE} == set(GROUPS)  # no unused group


def test_kinds_match_units() -> None:
    """A flow is per week; a flag is 0/1; money levels and flows are in USD."""
    # USD/seller/week and a hazard (1/week): ratios, not amounts
    per_week_rates = {"sales_per_seller_usd", "word_of_mouth_per_week"}
    for row in OUTPUT_TABLE:
        if row.name not in per_week_rates:
            assert (row.kind == "flow") == row.unit.endswith("/week"), row
        assert (row.kind == "flag") == (row.unit == "0/1"), row
        if row.name.endswith("_usd"):
            assert row.unit.startswith("USD"), row
    assert output("sales_per_seller_usd").kind == "rate"


def test_a_bad_row_is_refused_with_its_name_and_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="output x: kind 'stock' is not one of"):
        Output("x", "people", "stock", True, "X", "customers", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="output x: group 'misc'"):
        Output("x", "people", "level", True, "X", "misc", "x")
    with pytest.raises(ValueError, match="'custmers' is not a model output"):
        output("custmers")


def test_lookups() -> None:
    assert output("revenue_usd").unit == "USD/week"
    assert yearly_how("revenue_usd") == "sum"
    assert yearly_how("customers") == "last"
    assert yearly_how("cx") == yearly_how("gain_B2") == "mean"
    assert yearly_how("is_prime_launched") == "last"
    assert names_where(group="loop gains") == tuple(f"gain_{loop}" for loop in LOOP_IDS)
    assert "cash_usd" in names_where(non_negative=False)
    assert "customers" in names_where(kind="level", non_negative=True)


def test_non_negative_outputs_are_never_negative(results: flywheel.Results) -> None:
    for name in names_where(non_negative=True):
        assert (results[name] >= 0).all(), name


def test_model_year_outcomes_follow_the_kind(results: flywheel.Results) -> None:
    """Outcome years: flows summed, levels and flags at the year's last week, rates and indices
    averaged; the same rule as `Results.annual()`."""
    for name, how in (
        ("orders", "sum"),
        ("customers", "last"),
        ("cx", "mean"),
        ("gain_R1", "mean"),
    ):
        data = results[name]
        first = data[:, :52]
        expected = {"sum": first.sum(axis=1), "last": first[:, -1], "mean": first.mean(axis=1)}
        np.testing.assert_allclose(yearly(data, name)[:, 0], expected[how], rtol=1e-12)
        np.testing.assert_allclose(
            Outcome(name, year=1).values(results.series), expected[how], rtol=1e-12
        )
    assert yearly(results["orders"], "orders").shape == (2, 3)  # 110 weeks: a partial 3rd year


def test_annual_aggregation_follows_the_kind(results: flywheel.Results) -> None:
    annual = results.annual()
    weekly = results.frame()
    weekly["year"] = weekly["date"].dt.year
    grouped = weekly.groupby(["replication", "year"])
    for row in OUTPUT_TABLE:
        if row.name == "operating_margin_share":  # the year's income over its revenue
            continue
        expected = getattr(grouped[row.name], row.yearly)()  # "sum", "mean" or "last"
        np.testing.assert_allclose(
            annual[row.name].to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-300,
            err_msg=row.name,
        )  # fmt: skip


def test_display_units_and_labels_come_from_the_registry() -> None:
    from flywheel.model.outputs import display_unit, kpi_label, last_year_label

    assert display_unit("customers", 1e6) == "million"
    assert display_unit("orders", 1e6) == "million/week"
    assert display_unit("revenue_usd", 1e6) == "USD million/week"
    assert display_unit("queue_wait_hours", 1 / 60) == "minutes"
    assert display_unit("unit_cost_usd") == "USD/order"
    with pytest.raises(ValueError, match="divisor 7 of customers: allowed 1 or one of"):
        display_unit("customers", 7)
    assert kpi_label("revenue_usd") == "Revenue, last year"
    assert kpi_label("price_index") == "Price index, end"  # what the app's KPI card shows
    assert last_year_label("gmv_usd") == "GMV (USD, last year)"
    assert last_year_label("customers") == "Active customers (end of last year)"


def test_charts_and_kpi_cards_read_the_registry() -> None:
    from flywheel.plots.charts import CHART_OUTPUTS, GAIN_OUTPUTS, PANELS
    from flywheel.plots.dashboard import KEY_OUTPUTS
    from flywheel.results.summary import KPIS

    for name, title, divisor, unit in (*CHART_OUTPUTS, *KEY_OUTPUTS):
        assert title == output(name).label
        assert unit.endswith(output(name).unit) or divisor != 1.0, (name, unit)
    assert PANELS[0] == "Active customers (million)"
    assert GAIN_OUTPUTS == tuple(f"gain_{loop}" for loop in LOOP_IDS)
    for _key, label, name, how, _divisor, _fmt in KPIS:
        assert label.startswith(output(name).label)
        assert how == ("sum" if output(name).kind == "flow" else "last")
