"""Finance levers: what a fulfillment centre's capital costs over its life (loop B5;
model.md#financials)."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from flywheel.scenario.parameters import STRICT, lever


@dataclass(frozen=True, config=STRICT)
class FinanceLevers:
    """Depreciation of fulfillment capex: loop B5."""

    fc_depreciation_years: float = lever(
        20.0,
        5.0,
        50.0,
        "years",
        "mean life over which a fulfillment centre's capex is charged to fulfillment cost",
        loop="B5",
        source="assumption: a centre is a building (Amazon's 10-K: buildings up to 40 years) "
        "fitted with equipment (heavy equipment ~10 years); plausible 10-40 (not verified here)",
    )
