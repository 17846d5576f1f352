"""Shipping-offer levers: free shipping as marketing that the marketing line does not hold
(loop R6, paid acquisition; model.md#shipping-offers). Off by default: at
`acquisition_shipping_offer_share` 0 paid acquisition's budget is the marketing spend alone."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from flywheel.scenario.parameters import STRICT, lever


@dataclass(frozen=True, config=STRICT)
class ShippingOfferLevers:
    """Shipping offers → paid acquisition's budget: loop R6."""

    acquisition_shipping_offer_share: float = lever(
        0.0,
        0.0,
        1.0,
        "share",
        "paid acquisition (R6): share of the net shipping cost (shipping cost less the "
        "shipping charges customers pay) that buys new customers as marketing does, on top of "
        "the marketing spend; 0 = off (the budget is marketing alone)",
        loop="R6",
        source=(
            "filed: 'While costs associated with free shipping are not included in marketing "
            "expense, we view free shipping offers and Amazon Prime as effective worldwide "
            "marketing tools' (FY2007 10-K MD&A); 1 = Amazon's own reading "
            "(calibration.md#refit-v10-ship)"
        ),
    )
    shipping_charged_share_of_cost: float = lever(
        0.5,
        0.0,
        1.0,
        "share",
        "share of the shipping cost that customers pay back in shipping charges (inside "
        "revenue: the basket is net sales); the rest is the net shipping cost, what the offers "
        "cost; used only by acquisition_shipping_offer_share",
        loop="R6",
        source=(
            "secondary: net shipping cost $2.9 B of $5.13 B in 2012 (charges 0.43) and $5.0 B of "
            "$11.54 B in 2015 (0.57), parameters.md table 5 and amazon_history.csv; 0.5 between "
            "(calibration.md#refit-v10-ship)"
        ),
    )
