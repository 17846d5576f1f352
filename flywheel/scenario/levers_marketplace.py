"""Marketplace levers: how third-party listings enter the review lift and the selection level
(loops R2, R5; model.md#reviews-and-experiments, #selection). Off by default: at 0 reviews are
spread over every listing and selection saturates exponentially, as before, and every run is
unchanged bit for bit."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from flywheel.scenario.parameters import STRICT, lever


@dataclass(frozen=True, config=STRICT)
class MarketplaceLevers:
    """Third-party listings in the reviews shoppers see and in selection: loops R2 and R5."""

    review_sales_weighting_share: float = lever(
        0.0,
        0.0,
        1.0,
        "share",
        "how far the review lift counts SKUs by their sales (sales_per_3p_sku_relative) "
        "rather than one per listing (0 = every listing dilutes reviews alike; 1 = reviews "
        "per sales-weighted SKU)",
        loop="R5",
        source="derived: reviews are written per order (reviews_per_order), so a 3P listing "
        "that sells sales_per_3p_sku_relative of a 1P one collects that share of its reviews; "
        "docs/calibration.md#refit-v10-market",
    )
    selection_log_form_share: float = lever(
        0.0,
        0.0,
        1.0,
        "share",
        "how far the selection level is log(1 + skus / k) rather than 1 - exp(-skus / k) "
        "(0 = exponential, full within a few k; 1 = log, each tenfold of SKUs adds alike)",
        loop="R2",
        source='parameters.md §4: scale k in selection_index = 1 - exp(-skus/k) "(or a log '
        'form)", about 0.1 with 1 M own SKUs and still rising with the hundreds of millions of '
        "3P listings of the 2010s; docs/calibration.md#refit-v10-market",
    )
