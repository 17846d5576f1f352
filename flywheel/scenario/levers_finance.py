"""Finance levers: what a fulfillment centre's capital costs over its life (loop B5;
model.md#financials), Prime's content cost (R4; model.md#financials), and the advertising sold
to sellers (model.md#advertising)."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from flywheel.scenario.parameters import STRICT, lever


@dataclass(frozen=True, config=STRICT)
class FinanceLevers:
    """Depreciation of fulfillment capex (loop B5) and Prime's content cost (loop R4)."""

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
    prime_content_usd_per_member_per_year: float = lever(
        0.0,
        0.0,
        500.0,
        "USD/member/year",
        "video and music content cost per Prime member, charged to operating income and not "
        "priced into goods (0: no content cost)",
        loop="R4",
        source="derived: 'total video and music expense' $7.8 B 2019, $11 B 2020, $13 B 2021 "
        "(10-K, via CNBC) / 150 M (early 2020) and 200 M (early 2021) members (shareholder "
        "letters, via CNBC) = $52-65; 0 = no content cost (the default); docs/calibration.md"
        "#refit-invest",
    )


@dataclass(frozen=True, config=STRICT)
class AdvertisingLevers:
    """Advertising (sponsored placement) sold to sellers: docs/model.md#advertising. Off by
    default (share 0); a scenario turns it on with a dated policy event."""

    advertising_share_of_3p_gmv: float = lever(
        0.0,
        0.0,
        0.3,
        "share of 3P GMV",
        "advertising revenue per USD of 3P GMV at the reference seller count (0: no ads)",
        loop="R3",
        source="derived: 'other' (mainly advertising) $10.1 B in 2018 (secondary, "
        "amazon_segments.csv) / 3P GMS $160 B (filed, 2018 letter; parameters.md) = 0.063; "
        "ads up to 15% of a seller's revenue (Marketplace Pulse 2022, parameters.md); "
        "marketplace ads plateau near 0.05 of GMV (In Practise); 0 = no ads (the default)",
    )
    advertising_seller_elasticity: float = lever(
        0.0,
        0.0,
        3.0,
        "dimensionless",
        "response of the ad share to the seller count (competition for placements)",
        loop="R3",
        source="assumption: 0 = a plain share of 3P GMV; 1 = ad spend per seller independent "
        "of the seller count",
    )
    advertising_sellers_ref: float = lever(
        1e6,
        1.0,
        1e8,
        "sellers",
        "seller count at which the ad share is advertising_share_of_3p_gmv",
        loop="R3",
        source="filed: 1.9 M small and medium sellers (2020 letter); secondary: 2.8-3 M active "
        "sellers 2019-20 (Marketplace Pulse); parameters.md sellers_reference",
    )
    advertising_cost_share: float = lever(
        0.3,
        0.0,
        1.0,
        "share of advertising revenue",
        "cost of serving ads (ad tech, sales) per USD of ad revenue",
        loop="R3",
        source="secondary: a 50 %+ operating margin (B. Evans 2023), 80-90 % assumed by "
        "analysts (Kamcity 2022); 0.3 = a 70 % margin",
    )
    advertising_priced_share: float = lever(
        1.0,
        0.0,
        1.0,
        "share",
        "share of advertising's revenue and serving cost the target-margin price counts (1: ad "
        "profit lowers goods prices; 0: the margin is aimed on the goods business and ad profit "
        "falls on operating income)",
        loop="R3",
        source="assumption: 1 keeps the price policy as it was (the default); secondary for "
        "less than 1: without advertising 'Amazon's retail business is increasingly "
        "unprofitable' as ad revenue grew from 2015 (Marketplace Pulse 2022); "
        "docs/calibration.md#refit-v6-margin",
    )


@dataclass(frozen=True, config=STRICT)
class FundingLevers:
    """Marketing paid for by the capital raised rather than by the week's sales (loop R6's
    budget; model.md#financials, model.md#paid-acquisition). Off by default (floor 0)."""

    marketing_floor_usd_per_week: float = lever(
        0.0,
        0.0,
        1e9,
        "USD/week",
        "least marketing spend a week, funded by capital raised and not priced into goods: the "
        "spend is the larger of this and marketing_share_of_revenue x revenue (0: no floor)",
        loop="R6",
        source="filed: Amazon's marketing 1997-2000, $28.0 M, $82.4 M, $176 M, $180 M (FY1999 "
        "and FY2001 10-Ks), spent while its IPO (1997) and notes (1998-2000) funded the losses; "
        "set by dated events; 0 = no floor (the default); docs/calibration.md#refit-v10-launch",
    )
