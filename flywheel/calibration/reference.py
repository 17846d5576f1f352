"""Public figures for series the calibration does not fit (customers, Prime, footage, sellers).

They are compared with the model after the fit, never used in the objective: these series
should come out of the model's structure. Each point names its source (as quoted in
flywheel/data, a copy of shared/data) and its basis tag.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferencePoint:
    """One public figure in the unit of an annual column."""

    column: str
    year: int
    value: float
    source: str


REFERENCE_POINTS = (
    ReferencePoint(
        "active_customers_million",
        1997,
        1.5,
        "secondary: 1.5M customer accounts by 1997, 2020 shareholder letter "
        "(amazon_events.csv, 1995-07-16 row)",
    ),
    ReferencePoint(
        "active_customers_million",
        1999,
        14.0,
        "filed: 2000 letter to shareholders, 14M customers in 1999 "
        "(amazon_history.csv, 2000 net_sales source)",
    ),
    ReferencePoint(
        "active_customers_million",
        2000,
        20.0,
        "filed: 2000 letter to shareholders, 20M customers "
        "(amazon_history.csv, 2000 net_sales source)",
    ),
    ReferencePoint(
        "prime_members_million",
        2020,
        200.0,
        "filed: 2020 shareholder letter (April 2021), more than 200M Prime members "
        "(parameters.md sections 4 and 9)",
    ),
    ReferencePoint(
        "sellers_thousand",
        2020,
        1900.0,
        "filed: 2020 shareholder letter, more than 1.9M small and medium sellers "
        "(parameters.md section 4)",
    ),
    ReferencePoint(
        "fc_sqft_million",
        1999,
        4.0,
        "filed: Form 10-K FY1999, eight new DCs in 1999, about 4M sq ft "
        "(amazon_events.csv 1999-12-31)",
    ),
    ReferencePoint(
        "fc_sqft_million",
        2008,
        12.0,
        "secondary: about 12M sq ft leased for North American DCs at end-2008, "
        "The Register 2009-03-27 (North America only)",
    ),
    ReferencePoint(
        "fc_sqft_million",
        2021,
        370.0,
        "secondary: about 370M sq ft of US industrial space, twice end-2019 "
        "(Bloomberg via amazon_events.csv 2021-12-31)",
    ),
)
