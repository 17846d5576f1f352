"""AppTest: the Decide tab runs a short robust search, shows the best policy against the
current levers with bands, applies it to the sidebar, and shows the shipped stall boxes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from flywheel.plots.charts import PANELS
from flywheel.ui.tabs_decide import STALL_BOXES


def charts(at) -> list[str]:
    return [json.loads(chart.proto.spec)["description"] for chart in at.get("vega_lite_chart")]


def test_the_shipped_stall_boxes_name_levers_inside_their_ranges():
    from flywheel.scenario.lever_groups import lever_specs_by_name

    table = pd.read_csv(STALL_BOXES)
    specs = lever_specs_by_name()
    assert len(table) >= 1 and (table["density"] > table["mass"]).all()
    for row in table.itertuples():
        spec = specs[row.lever]
        assert spec.low <= row.range_low <= row.low < row.high <= row.range_high <= spec.high


def test_decide_tab_searches_compares_and_applies(make_app):
    at = make_app()
    at.session_state["tab"] = "Decide"
    at.run()
    assert not at.exception
    assert any("Where the baseline stalls" in h.value for h in at.subheader)
    assert charts(at) == []  # nothing searched yet
    at.session_state["decide_levers"] = ["pass_through_share", "marketing_share_of_revenue"]
    at.session_state["decide_futures"] = 5
    at.session_state["decide_gens"] = 1
    at.run()
    at.button(key="decide_run").click().run()
    assert not at.exception
    assert charts(at) == ["compare A/B"] * len(PANELS)  # current vs best, with bands
    best = at.dataframe[0].value.set_index("lever")["best policy"]
    assert set(best.index) == {"pass_through_share", "marketing_share_of_revenue"}
    fresh = at.dataframe[1].value
    assert "metric: npv_operating_income_usd" in set(fresh["row"])
    at.button(key="decide_apply").click().run()
    assert not at.exception
    for name, value in best.items():
        assert at.session_state[f"lever:{name}"] == pytest.approx(value)
