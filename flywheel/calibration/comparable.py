"""The record, like with like: Amazon's reported lines turned into what the retail model means
by them (docs/calibration.md, "Comparing like with like").

The model is one retail business in one global market (International inside), without AWS,
physical stores or digital subscriptions, and without advertising unless a scenario turns its
advertising sector on (model.md#advertising). `comparable_record` adds to a history
(`amazon_history.csv`) the series built by the rules below from it and from the segment file
(`amazon_segments.csv`), and flags every year that still holds something the model lacks:

- `retail_net_sales`: up to 2005 consolidated net sales; 2006-2012 net sales with AWS inside
  (flagged); from 2013 net sales less `aws_net_sales`. Advertising (from 2014, where the record
  gives its size) and physical stores (from 2017, Whole Foods) stay inside, flagged: Amazon's
  retail segments report them.
- `retail_operating_income`: up to 2013 consolidated (1997-2001 flagged for their non-cash GAAP
  charges, 2010-2013 for AWS inside); from 2014 operating income less `aws_operating_income`; a
  year without an AWS figure (2020) is left out.
- `advertising_revenue` (for the advertising sector, model.md#advertising): the segment file's
  "other" group 2014-2018 (mainly advertising; co-branded cards inside, flagged) and its
  advertising services 2021-2024 (2019-2020 are not in the file).
- fulfillment expense, shipping cost, subscription and seller-services revenue: the history's
  rows, flagged where their definition breaks; the 3P share of GMS: its 1999-2018 anchors.

A derived row's confidence is the weaker of its inputs'; its source names both. Which rows a fit
uses (`memory` or not, years) is decided later, as for any series (`History.series`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flywheel.calibration.data import (
    BUNDLED_HISTORY,
    BUNDLED_SEGMENTS,
    CONFIDENCE_LEVELS,
    History,
    Observation,
    load_history,
)

AWS_LAUNCH_YEAR = 2006  # AWS (S3, EC2) sells from 2006: inside net sales from then
AWS_NET_SALES_FROM_YEAR = 2013  # first year of aws_net_sales (the 2015 recast of 2013-2014)
AWS_INCOME_FROM_YEAR = 2014  # first year of aws_operating_income on the allocated basis
AWS_INCOME_FLAGGED_YEARS = range(2010, 2014)  # consolidated income, AWS no longer negligible
GAAP_CHARGES_YEARS = range(1997, 2002)  # goodwill amortisation, stock pay, impairments (README)
ADVERTISING_FROM_YEAR = 2014  # first year the record sizes advertising ("other" group)
PHYSICAL_STORES_FROM_YEAR = 2017  # Whole Foods, acquired August 2017
SHARE_3P_YEARS = (1999, 2018)  # the 2018 letter's GMS anchors (2024's unit share differs)

FLAG_AWS = "AWS inside"
FLAG_ADVERTISING = "advertising inside"
FLAG_STORES = "physical stores inside"
FLAG_GAAP_CHARGES = "non-cash GAAP charges inside"
FLAG_DIGITAL = "digital subscriptions inside"
FLAG_FULFILLMENT_FY2000 = "FY2000 basis (restated into the new fulfillment line)"
FLAG_SBC_EXCLUDED = "stock-based compensation excluded"
FLAG_SHIPPING_BROAD = "broader basis: sortation, delivery centres, own transport"
FLAG_CARDS = "co-branded credit cards inside"
# The advertising record, from the segment file: (segment metric, flags), the "other" group
# (mainly advertising, 2014-2018) first; a later metric wins a year both give.
ADVERTISING_ROWS = (
    ("other_revenue_primarily_advertising", (FLAG_CARDS,)),
    ("advertising_services_revenue", ()),
)

# Flags of the series the history gives as they are: (data metric, flag, first year, last year).
ROW_FLAGS = (
    ("fulfillment_expense", FLAG_FULFILLMENT_FY2000, 1998, 1999),
    ("fulfillment_expense", FLAG_SBC_EXCLUDED, 2001, 2002),
    ("fulfillment_expense", FLAG_STORES, PHYSICAL_STORES_FROM_YEAR, 9999),
    ("shipping_cost", FLAG_SHIPPING_BROAD, 2016, 9999),
    ("subscription_services_revenue", FLAG_DIGITAL, 0, 9999),
)


def comparable_record(history: History, segments: History | None) -> History:
    """`history` plus the like-with-like series: retail net sales and operating income (only
    with `segments`, whose AWS figures they need), the flagged rows of the money series and the
    3P share's anchors. A series `history` already holds under a derived name is kept as given.
    """
    rows = dict(history.rows)
    if segments is not None:
        for metric, build in (
            ("retail_net_sales", retail_net_sales),
            ("retail_operating_income", retail_operating_income),
            ("advertising_revenue", advertising_revenue),
        ):
            if metric not in rows:
                rows[metric] = build(history, segments)
    for metric, flag, first, last in ROW_FLAGS:
        rows[metric] = tuple(
            replace(o, flags=(*o.flags, flag)) if first <= o.year <= last else o
            for o in rows.get(metric, ())
        )
    low, high = SHARE_3P_YEARS
    share = rows.get("third_party_share_of_gms", ())
    rows["third_party_share_of_gms"] = tuple(o for o in share if low <= o.year <= high)
    return History(path=history.path, rows={k: v for k, v in rows.items() if v})


def retail_net_sales(history: History, segments: History) -> tuple[Observation, ...]:
    """Net sales less AWS from 2013, net sales (AWS inside from 2006, flagged) before; every
    year flagged for the advertising and physical stores inside."""
    aws = _by_year(segments, "aws_net_sales")
    out = []
    for sales in _sorted(history, "net_sales"):
        year, flags = sales.year, _retail_flags(sales.year)
        if year < AWS_NET_SALES_FROM_YEAR:
            if year >= AWS_LAUNCH_YEAR:
                flags = (FLAG_AWS, *flags)
            out.append(replace(sales, flags=flags))
        elif year in aws:
            out.append(_less(sales, aws[year], flags))
    return tuple(out)


def retail_operating_income(history: History, segments: History) -> tuple[Observation, ...]:
    """Operating income less AWS's from 2014 (a year without it is left out), consolidated
    before (2010-2013 flagged for AWS inside, 1997-2001 for non-cash GAAP charges)."""
    aws = _by_year(segments, "aws_operating_income")
    out = []
    for income in _sorted(history, "operating_income"):
        year, flags = income.year, _retail_flags(income.year)
        if year < AWS_INCOME_FROM_YEAR:
            if year in AWS_INCOME_FLAGGED_YEARS:
                flags = (FLAG_AWS, *flags)
            if year in GAAP_CHARGES_YEARS:
                flags = (FLAG_GAAP_CHARGES, *flags)
            out.append(replace(income, flags=flags))
        elif year in aws:
            out.append(_less(income, aws[year], flags))
    return tuple(out)


def advertising_revenue(history: History, segments: History) -> tuple[Observation, ...]:
    """Advertising revenue from the segment file (`history` is not read): the "other" group
    (mainly advertising, with co-branded credit cards, flagged) 2014-2018, advertising services
    2021-2024; the years between are not in the file and are left out."""
    del history  # the same signature as the other builders
    by_year: dict[int, Observation] = {}
    for metric, flags in ADVERTISING_ROWS:
        for o in _sorted(segments, metric):
            by_year[o.year] = replace(o, flags=(*o.flags, *flags))
    return tuple(by_year[year] for year in sorted(by_year))


def _retail_flags(year: int) -> tuple[str, ...]:
    """What the retail segments hold in `year` that the model does not sell."""
    flags = []
    if year >= ADVERTISING_FROM_YEAR:
        flags.append(FLAG_ADVERTISING)
    if year >= PHYSICAL_STORES_FROM_YEAR:
        flags.append(FLAG_STORES)
    return tuple(flags)


def _less(total: Observation, part: Observation, flags: tuple[str, ...]) -> Observation:
    """`total` minus `part`, of the weaker confidence, citing both."""
    confidence = max(total.confidence, part.confidence, key=CONFIDENCE_LEVELS.index)
    source = f"{total.source} LESS AWS: {part.source}"
    return Observation(total.year, total.value - part.value, confidence, source, flags)


def _by_year(history: History, metric: str) -> dict[int, Observation]:
    return {o.year: o for o in history.rows.get(metric, ())}


def _sorted(history: History, metric: str) -> tuple[Observation, ...]:
    return tuple(sorted(history.rows.get(metric, ()), key=lambda o: o.year))


def load_record(data: str | Path, segments: str | Path | None = None) -> History:
    """The history at `data` with its like-with-like series (`comparable_record`). `segments`
    defaults to the bundled segment file when `data` is the bundled history, and to none for
    any other history (Amazon's AWS figures would not belong to it): the retail series then come
    only from rows the file gives itself. CalibrationError on a missing or malformed file."""
    if segments is None and Path(data).resolve() == BUNDLED_HISTORY.resolve():
        segments = BUNDLED_SEGMENTS
    history = load_history(data)
    return comparable_record(history, None if segments is None else load_history(segments))
