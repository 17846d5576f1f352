"""Demand-side levers: market, adoption, churn, traffic, conversion, reviews, sellers."""

from __future__ import annotations

from pydantic.dataclasses import dataclass

from flywheel.scenario.parameters import STRICT, lever


@dataclass(frozen=True, config=STRICT)
class MarketLevers:
    """Market, adoption (Bass), churn and win-back: loops R1, B3, R4."""

    # --- market and adoption (R1, B3) ---
    market_ceiling_people: float = lever(
        200e6,
        1e3,
        5e9,
        "people",
        "upper limit of the addressable online-shopper market",
        loop="B3",
        source="secondary: Pew, ~95% of US adults online in the 2020s (parameters.md §1)",
    )
    market_growth_per_year: float = lever(
        0.25,
        0.0,
        0.6,
        "1/year",
        "logistic growth rate of the addressable market",
        loop="B3",
        source="derived: logistic through Pew points 1995-2011 (parameters.md §1)",
    )
    market_share_of_internet_users: float = lever(
        0.3,
        0.001,
        1.0,
        "share",
        "market = this x world internet users, with a data market_driver (the logistic's "
        "market_* levers and initial.market_people are then not used)",
        loop="B3",
        source=(
            "derived: the countries Amazon sells in hold about half the world's users in 1998 "
            "(US 52%, Computer Industry Almanac) and 0.15-0.35 in 2024 (its marketplaces' users "
            "without/with India, Brazil, Mexico; ITU); prior 0.1-0.6 (docs/calibration.md)"
        ),
    )
    bass_p_per_year: float = lever(
        0.03,
        0.0,
        0.1,
        "1/year",
        "Bass innovation coefficient (adoption from marketing)",
        loop="B3",
        source="paper: Sultan, Farley & Lehmann (1990) mean p",
    )
    bass_q_per_year: float = lever(
        0.38,
        0.0,
        1.0,
        "1/year",
        "Bass imitation coefficient (word of mouth)",
        loop="R1",
        source="paper: Sultan, Farley & Lehmann (1990) mean q",
    )
    marketing_share_of_revenue: float = lever(
        0.04,
        0.0,
        0.3,
        "share",
        "marketing spend as a share of revenue",
        loop="R1",
        source="filed: marketing / net sales 3.0-3.9% in 2010-2012 (FY2012 10-K)",
    )
    acquisition_cost_usd_per_customer: float = lever(
        0.0,
        0.0,
        500.0,
        "USD/customer",
        "paid acquisition (R6): marketing dollars per new customer where the whole market is "
        "untapped; > 0 replaces Bass innovation by last week's marketing spend / this cost x "
        "the untapped share of the market; 0 = off (Bass innovation)",
        loop="R6",
        source=(
            "reported: Amazon's marketing per new customer $13-$20 in Q1-Q2 1999 (analyst, "
            "2 Aug 1999), $30 in Q2 1998 (advertising / new customers), $70 (Jupiter, 1998); "
            "prior 13-70 (docs/calibration.md#refit-v6-acq)"
        ),
    )
    acquisition_lapsed_relative: float = lever(
        0.0,
        0.0,
        10.0,
        "x a never-customer",
        "paid win-back (R6): with paid acquisition on, the marketing budget also reaches lapsed "
        "customers, each this many times as likely to buy again as a reached never-customer "
        "is to buy; 0 = off (lapsed customers return only at winback_rate_per_week)",
        loop="R6",
        source=(
            "secondary: lapsed customers buy again 20-40 % of the time, prospects 5-20 % (Marketing"
            " Metrics, via Griffin & Lowenstein 2001): 1-8, 2.4 mid (calibration.md#refit-v8-diag)"
        ),
    )
    acquisition_cost_inflation_per_year: float = lever(
        0.0,
        0.0,
        0.1,
        "1/year (log)",
        "paid acquisition (R6): yearly log growth of the cost per new customer (cost x "
        "exp(rate x years since week 0), the media's price); 0 = week 0's cost",
        loop="R6",
        source=(
            "secondary: US CPI-U 160.5 (1997 average, BLS via Wyoming DOE) to 315.301 (Sep 2024,"
            " BLS): ln(315.301 / 160.5) / 27.2 years = 0.025 (calibration.md#refit-v8-filed)"
        ),
    )
    marketing_elasticity: float = lever(
        0.12,
        0.0,
        0.5,
        "dimensionless",
        "elasticity of innovation adoption to marketing spend",
        loop="R1",
        source="paper: Sethuraman, Tellis & Briesch (2011) mean short-term elasticity",
    )
    wom_cx_exponent: float = lever(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "how strongly perceived CX scales word of mouth",
        loop="R1",
        source="assumption: no published estimate; 1 = proportional",
    )
    innovation_cx_exponent: float = lever(
        0.0,
        0.0,
        3.0,
        "dimensionless",
        "how strongly perceived CX over the market's scales innovation adoption (new shoppers "
        "choose stores by relative attractiveness); 0 = innovation blind to CX",
        loop="B3",
        source=(
            "paper: multiplicative market-share attraction, share_i = A_i / sum A_j with "
            "A = prod attribute^elasticity (Cooper & Nakanishi 1988; Sterman 2000, Business "
            "Dynamics); the elasticity is an assumption: 0 keeps Bass innovation (default), "
            "1 = proportional, prior 0-3 as wom_cx_exponent"
        ),
    )
    innovation_selection_elasticity: float = lever(
        0.0,
        0.0,
        1.0,
        "dimensionless",
        "how strongly the SKUs the store offers over week 0's scale innovation adoption "
        "(web searchers land on a store in proportion to how much of what they look for it "
        "lists); 0 = innovation blind to selection",
        loop="R2",
        source=(
            "paper: rank-sales power law of Amazon's books, sales ~ rank^-0.87 (Brynjolfsson, "
            "Hu & Smith 2003; -0.855 to -0.91 in four studies), so the searches N titles answer "
            "grow as N^(1 - 0.87): elasticity about 0.13, prior 0-0.3 (docs/calibration.md)"
        ),
    )
    # --- churn and win-back (R4, B3) ---
    churn_base_per_week: float = lever(
        0.0055,
        0.0,
        0.05,
        "1/week",
        "churn hazard of active customers at reference CX",
        loop="R4",
        source="assumption: 25%/yr; no public Amazon figure (parameters.md §2)",
    )
    churn_cx_exponent: float = lever(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "how strongly poor perceived CX raises churn",
        loop="R4",
        source="assumption (parameters.md §2)",
    )
    winback_rate_per_week: float = lever(
        0.002,
        0.0,
        0.05,
        "1/week",
        "share of lapsed customers won back per week at reference CX",
        loop="R1",
        source="assumption: ~10% of lapsed return per year",
    )


@dataclass(frozen=True, config=STRICT)
class TrafficLevers:
    """Visits, conversion, reviews, experiments, selection and sellers: R2, R5, B4."""

    # --- visits and conversion (R2, R5, B1) ---
    visit_rate_per_week: float = lever(
        2.0,
        0.1,
        10.0,
        "visits/customer/week",
        "store visits per non-Prime customer per week",
        source="derived: CIRP 2017, 14 orders/yr / 13% conversion (parameters.md §3)",
    )
    spend_growth_per_year: float = lever(
        0.0,
        0.0,
        0.5,
        "1/year",
        "logistic growth rate of the online share of each customer's shopping (0: constant; "
        "spend_driver 'logistic' only)",
        source="derived: Census e-commerce share of retail / Pew adults online (model.md#spend)",
    )
    spend_index_ceiling: float = lever(
        10.0,
        1.0,
        50.0,
        "ratio to week 0",
        "limit of the logistic spend index: visits per customer at most this many times week 0's",
        source="derived: e-commerce share of retail 0.2% (1998) -> 16% (2024), per adult online",
    )
    online_share_elasticity: float = lever(
        0.4,
        0.0,
        1.5,
        "dimensionless",
        "spend index = (online share of US retail / week 0's) ^ this, with a data spend_driver",
        source=(
            "derived: Amazon spend per customer ~$100 (1997) -> $700 non-Prime (CIRP 2017) while "
            "the share rose 0.086% -> 9.0% gives 0.42; per adult online (Pew) 0.75; prior "
            "0.3-0.8 (model.md#spend)"
        ),
    )
    conversion_base_share: float = lever(
        0.05,
        0.001,
        0.5,
        "orders/visit",
        "orders per visit at the starting selection, price, speed",
        source="secondary: 2.6-13% e-commerce conversion (Monetate 2019; Millward Brown 2015)",
    )
    basket_usd: float = lever(
        50.0,
        5.0,
        500.0,
        "USD/order",
        "average order value at price index 1",
        source="derived: CIRP 2017, $1,300/25 and $700/14 orders (parameters.md §3)",
    )
    selection_elasticity: float = lever(
        0.3,
        0.0,
        1.5,
        "dimensionless",
        "elasticity of conversion to the selection index",
        loop="R2",
        source="assumption, anchored on Brynjolfsson, Hu & Smith (2003)",
    )
    price_elasticity: float = lever(
        1.3,
        0.0,
        5.0,
        "dimensionless",
        "elasticity of conversion to relative price (magnitude)",
        loop="R3",
        source="paper: Baugh, Ben-David & Park (2018), -1.2 to -1.4 at Amazon",
    )
    speed_elasticity: float = lever(
        0.1,
        0.0,
        1.0,
        "dimensionless",
        "elasticity of conversion to the delivery-speed index",
        loop="B1",
        source="derived from paper: Fisher, Gallino & Xu (2019)",
    )
    q4_demand_multiplier: float = lever(
        1.2,
        1.0,
        1.6,
        "ratio",
        "demand in October-December relative to the yearly mean",
        source="derived: Q4 2023 net sales 29.6% of the year (Q4 2023 release)",
    )
    weekly_demand_noise_cv: float = lever(
        0.05,
        0.0,
        0.5,
        "coefficient of variation",
        "weekly lognormal demand noise",
        source="assumption",
    )
    # --- reviews and experiments (R5) ---
    reviews_per_order: float = lever(
        0.02,
        0.0,
        0.2,
        "reviews/order",
        "product reviews written per order",
        loop="R5",
        source="secondary: Marketplace Pulse, 1-5% of buyers leave feedback",
    )
    review_effect_max_index: float = lever(
        1.3,
        1.0,
        3.0,
        "index",
        "conversion lift when every SKU is well reviewed",
        loop="R5",
        source="assumption, anchored on Spiegel Research Center (2017)",
    )
    review_saturation_reviews_per_sku: float = lever(
        5.0,
        0.5,
        50.0,
        "reviews/SKU",
        "reviews per SKU at which the review lift saturates",
        loop="R5",
        source="secondary: Spiegel (2017), lift mostly within the first 5 reviews",
    )
    ab_testing_intensity_share: float = lever(
        0.5,
        0.0,
        1.0,
        "share",
        "A/B-testing investment (0 none, 1 full experimentation culture)",
        loop="R5",
        source="assumption: lever",
    )
    experiment_uplift_per_year_share: float = lever(
        0.02,
        0.0,
        0.2,
        "share/year",
        "conversion gain per year at full experimentation",
        loop="R5",
        source="assumption, anchored on Kohavi & Thomke (2017, HBR)",
    )
    experiment_effect_max_index: float = lever(
        1.5,
        1.0,
        3.0,
        "index",
        "ceiling of the cumulative conversion gain from experiments",
        loop="R5",
        source="assumption: gains from many small wins flatten out",
    )
    # --- selection and sellers (R2, B4) ---
    skus_1p: float = lever(
        1e6,
        1e3,
        5e7,
        "SKUs",
        "items sold by the retailer itself (1P selection)",
        loop="R2",
        source="filed: 2005 shareholder letter, over one million items in own FCs",
    )
    skus_per_seller: float = lever(
        175.0,
        1.0,
        5000.0,
        "SKUs/seller",
        "listings per active third-party seller",
        loop="R2",
        source="derived: ~353M 3P listings / ~2M sellers (parameters.md §4)",
    )
    sales_per_3p_sku_relative: float = lever(
        1.0,
        0.001,
        10.0,
        "ratio",
        "sales of a 3P SKU relative to a 1P SKU (weights 3P SKUs in the 3P share)",
        loop="R2",
        source="derived: (0.54 / 0.46) x (12M 1P / 353M 3P listings) = 0.04, c. 2016 "
        "(ScrapeHero; 2016 letter; parameters.md §4); 1 = the 3P share is the SKU share",
    )
    selection_saturation_skus: float = lever(
        10e6,
        1e4,
        1e9,
        "SKUs",
        "scale k of selection = 1 - exp(-skus / k)",
        loop="R2",
        source="assumption (parameters.md §4)",
    )
    seller_join_rate_per_week: float = lever(
        300.0,
        0.0,
        50_000.0,
        "sellers/week",
        "new sellers per week at reference attractiveness",
        loop="R2",
        source="secondary: Marketplace Pulse 3,300/day worldwide, scaled down",
    )
    seller_exit_per_week: float = lever(
        0.0043,
        0.0,
        0.05,
        "1/week",
        "seller exit hazard at reference attractiveness",
        loop="B4",
        source="derived: Marketplace Pulse, ~20%/yr leave",
    )
    seller_onboarding_delay_weeks: float = lever(
        2.0,
        0.5,
        26.0,
        "weeks",
        "mean delay from sign-up to first listing",
        loop="R2",
        source="assumption (parameters.md §4)",
    )
    seller_attractiveness_elasticity: float = lever(
        1.0,
        0.0,
        3.0,
        "dimensionless",
        "response of joins and exits to sales per seller",
        loop="R2",
        source="assumption: 1 = proportional",
    )
    sales_per_seller_ref_usd_per_week: float = lever(
        3000.0,
        100.0,
        100_000.0,
        "USD/seller/week",
        "net 3P sales per seller that makes joining attractive",
        loop="B4",
        source="derived: 3P GMV 2020 / 1.9M sellers / 52 (parameters.md §4)",
    )
    seller_take_rate_share: float = lever(
        0.15,
        0.0,
        0.6,
        "share of 3P GMV",
        "fees kept from third-party sales (referral + services)",
        loop="R2",
        source="secondary: 15% referral fee (Seller Central); 27% all-in 2018 (derived)",
    )
    seller_join_noise_cv: float = lever(
        0.1,
        0.0,
        1.0,
        "coefficient of variation",
        "weekly lognormal noise on seller sign-ups",
        loop="R2",
        source="assumption",
    )
