"""The controlled scenario the paid-acquisition tests share (test_paid_acquisition,
test_paid_winback, test_acquisition_cost_index): the baseline's first three years with paid
acquisition on, no word of mouth and no events, and one way to run a variant of it."""

from __future__ import annotations

import dataclasses

import flywheel
from flywheel.scenario.loading import with_parameters

CAC_USD = 20.0  # about the baseline's Bass rate at week 1 (14 USD gives it exactly)
WEEKS = 156
SEED = 5


def controlled_scenario(baseline: flywheel.Scenario, **levers: float) -> flywheel.Scenario:
    """The baseline's first `WEEKS` weeks, paid acquisition on at `CAC_USD`, no word of mouth,
    innovation blind to CX, no events; `levers` set on top."""
    short = dataclasses.replace(baseline, horizon_weeks=WEEKS, events=())
    settings = {
        "acquisition_cost_usd_per_customer": CAC_USD,
        "bass_q_per_year": 0.0,
        "innovation_cx_exponent": 0.0,
    }
    return with_parameters(short, settings | levers)


def run(scenario: flywheel.Scenario, *knockouts: object, **levers: float) -> flywheel.Results:
    """`scenario` with `levers` set and `knockouts`, 2 replications, seed `SEED`."""
    changed = with_parameters(scenario, levers) if levers else scenario
    changed = dataclasses.replace(changed, knockouts=knockouts)
    return flywheel.simulate(changed, replications=2, seed=SEED)
