"""Finance with consequences (issue 18, item 5; model.md#insolvency): cash never passes minus
the credit limit; a run whose cash would pass it becomes insolvent, stays so, records the excess
as an unfunded loss and stops capex, hiring and marketing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import flywheel
from flywheel.scenario.loading import with_parameters

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
DRAIN = {"overhead_usd_per_week": 1e8}  # past the USD 5 B credit limit within a year


@pytest.fixture(scope="module")
def drained(baseline) -> flywheel.Results:
    scenario = dataclasses.replace(with_parameters(baseline, DRAIN), horizon_weeks=156)
    return flywheel.simulate(scenario, replications=3, seed=4)


def test_insolvency_is_a_flag_that_stays_set(drained: flywheel.Results) -> None:
    flag = drained["insolvent"]
    assert set(np.unique(flag)) == {0.0, 1.0}
    assert (np.diff(flag, axis=1) >= 0).all(), "insolvent went back to 0"
    assert (flag[:, 0] == 0).all() and (flag[:, -1] == 1).all()


def test_cash_is_held_at_the_limit_and_the_excess_recorded_apart(
    drained: flywheel.Results,
) -> None:
    limit = drained.scenario.levers.credit_limit_usd
    cash, unfunded = drained["cash_usd"], drained["unfunded_loss_usd"]
    assert cash.min() == -limit
    assert (unfunded >= 0).all() and (unfunded[drained["insolvent"] == 0] == 0).all()
    # cash + every unfunded loss so far = the cash the run would have had without the floor
    flows = drained["operating_income_usd"] + drained["depreciation_usd"] - drained["capex_usd"]
    unfloored = cash[:, :1] + np.cumsum(flows, axis=1)
    np.testing.assert_allclose(
        cash[:, 1:], unfloored[:, :-1] + np.cumsum(unfunded, axis=1)[:, :-1], rtol=1e-9
    )


def test_an_insolvent_run_stops_capex_hiring_and_marketing(drained: flywheel.Results) -> None:
    # a week's spending is decided on the flag at its start: the week after it is set
    stopped = np.zeros_like(drained["insolvent"], dtype=bool)
    stopped[:, 1:] = drained["insolvent"][:, :-1] == 1
    assert stopped.any()
    for output in ("capex_usd", "fc_orders", "marketing_usd"):
        assert (drained[output][stopped] == 0).all(), output
    # no hires: once the hires already in the pipeline have arrived, agents only fall
    delay = int(np.ceil(drained.scenario.levers.agent_hiring_delay_weeks)) + 2
    settled = np.zeros_like(stopped)
    settled[:, delay:] = stopped[:, :-delay]
    assert settled.any()
    assert (np.diff(drained["agents"], axis=1)[settled[:, 1:]] <= 0).all()
    # innovation (marketing-driven adoption) stops: adoption falls once stopped
    assert drained["adoption"][stopped].max() < drained["adoption"][~stopped].max()


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_cash_never_passes_the_credit_limit_in_a_shipped_scenario(path: Path) -> None:
    scenario = flywheel.load_scenario(path)
    results = flywheel.simulate(scenario, replications=2, seed=3, outputs=("cash_usd", "insolvent"))
    assert results["cash_usd"].min() >= -scenario.levers.credit_limit_usd
    assert set(np.unique(results["insolvent"])) <= {0.0, 1.0}


def test_monte_carlo_sweep_and_dashboard_report_the_insolvent_share(baseline, tmp_path) -> None:
    from flywheel.experiments import insolvent_share, monte_carlo, run_sweep
    from flywheel.results.summary import summarise
    from flywheel.ui.tabs_main import insolvency_line

    scenario = dataclasses.replace(baseline, horizon_weeks=110)
    # half of the replications drained past the limit, half not
    overhead = np.array([1e8, 1e5, 1e8, 1e5])
    results = flywheel.simulate(
        scenario, 4, seed=2, lever_overrides={"overhead_usd_per_week": overhead}
    )
    assert results["insolvent"][:, -1].tolist() == [1.0, 0.0, 1.0, 0.0]
    summary = summarise(results)
    assert summary.insolvent_share == 0.5
    assert "Insolvent: 50% of 4 runs" in insolvency_line(summary, summary)

    drained = with_parameters(scenario, DRAIN)
    assert monte_carlo(drained, 3, seed=2).insolvent_share == 1.0
    assert monte_carlo(scenario, 3, seed=2).insolvent_share == 0.0

    store = run_sweep(
        scenario, ["overhead_usd_per_week"], [[1e5], [1e8]], 2, seed=2, out=tmp_path / "s"
    )
    table = insolvent_share(store.frame())
    assert table["overhead_usd_per_week"].tolist() == [1e5, 1e8]
    assert table["insolvent_share"].tolist() == [0.0, 1.0]
    assert table["runs"].tolist() == [2, 2]
