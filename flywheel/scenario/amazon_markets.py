"""Internet users in Amazon's own markets, year by year (market driver
`"amazon_markets_internet_users"`, docs/model.md#market).

The world series (`world_internet_users`) has the wrong shape for Amazon: the countries it sold
in held about half of the world's users in 1998 and a third or less by 2024. This series counts
only the users of the countries Amazon had launched a national store in, each from its launch
year: the figure for year Y (placed at the end of Y, year + 1.0) is the sum, over the countries
launched in Y or earlier (`LAUNCH_YEARS`), of that country's users at the end of Y.

A country's users come from `flywheel/data/amazon_markets_country_users.csv` (metric
`internet_users_<country>`, million people, a source per row: Computer Industry Almanac 1998,
Internet World Stats December 2000, an ITU-based list for about 2011, ITU (World Bank
IT.NET.USER.ZS x population, as Our World in Data counts it) every year 2017-2021 (the only
figures of the stores opened after 2017), Oberlo for the US and India in 2024). How they
become a value at the end of any year:

- Between two of the country's figures: log-linear in time (constant growth rate).
- Before its first figure: the country keeps its share of world users at that figure (the
  world series, `world_internet_users`, moves it back), so the US in 1995-97 follows the
  world count with the 52 % share the Computer Industry Almanac gives for 1998.
- After its last figure: held at it (2021 for all but the US and India, whose last is 2024:
  Brazil and Mexico are under-counted for 2022-2024, see the data README).

Left out: China (Joyo, bought 2004: Amazon's share of Chinese online retail stayed around 1 %
and its marketplace closed in 2019, while China's 0.1-1 billion users would dominate the sum),
Singapore (2019; its figures were not gathered), Belgium (2022; launch date not verified) and
later stores. The rule: every full national store enters from the year it opened (the
Netherlands in 2020, when its e-book store became a full one), with a sourced launch date.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from flywheel.scenario.drivers import DATA_DIR, AnnualSeries, read_annual_figures

PEOPLE_PER_MILLION = 1e6
COUNTRY_USERS_FILE = DATA_DIR / "amazon_markets_country_users.csv"
COUNTRY_METRIC_PREFIX = "internet_users_"  # + country, million people
SERIES_NAME = "amazon_markets_internet_users"
# The same series with the US's ITU counts for 1995-1997 (issue 19, early years): ITU's own
# world total was 39 M at the end of 1995, IDC's 16 M, so the world share rule put the US at
# 8 M where ITU counts 25 M (data README, "Internet users in Amazon's countries").
ITU_EARLY_SERIES_NAME = "amazon_markets_internet_users_itu_early"
ITU_EARLY_METRIC_PREFIX = "itu_early_internet_users_"  # + country, million people
ITU_EARLY_COUNTRIES = ("united_states",)
# Year each national store opened. US: amazon_events.csv (1995-07-16). UK, Germany (1998),
# France, Japan (2000), Canada (2002), Italy (2010-11-23): Forrester blog, 2010-11-23, "Amazon
# follows typical US online retailer expansion path with a new site for Italy",
# http://blogs.forrester.com/zia_daniell_wigder/10-11-23-amazon_follows_typical_us_online_retailer_expansion_path_with_a_new_site_for_italy.
# Spain 2011-09-15: El Pais, 2011-09-18, "A tide of dread meets Amazon dawn" ("opened for
# business in Spain on Thursday with a new site, www.amazon.es"),
# https://elpais.com/elpais/2011/09/18/inenglish/1316323242_850210.html. India 2013-06-05:
# YourStory, "Amazon enters the Indian e-commerce Market - So what?" ("In the wee hours of the
# 5th of June ... Amazon.in"), https://yourstory.com/2013/06/amazon-enters-the-indian-e-commerce-market-so-what.
# Mexico 2015-06-30 (Kindle e-books from 2013, physical goods from 2015): CNBC, 2017-09-14,
# https://www.cnbc.com/2017/09/14/amazon-plans-mega-warehouse-for-mexico-growth-spurt.html.
# Australia 2017-12-05: Mid-day (Xinhua), 2017-12-05, "officially launched operations in
# Australia on Tuesday", http://www.mid-day.com/articles/online-retail-giant-amazon-enters-australian-market/18799172.
# Brazil 2014: recalled (unverified); its Kindle store opened in December 2012 (PublishNews,
# 2014-01-28, http://www.publishnews.com.br/alternar?uri=materias%2F2014%2F01%2F28%2F75778-segundo-a-veja-amazon-vendeu-60-mil-kindles-no-brasil).
LAUNCH_YEARS = {
    "united_states": 1995,
    "united_kingdom": 1998,
    "germany": 1998,
    "japan": 2000,
    "france": 2000,
    "canada": 2002,
    "italy": 2010,
    "spain": 2011,
    "india": 2013,
    "brazil": 2014,
    "mexico": 2015,
    "australia": 2017,
    # Turkey 2018: Daily Sabah, "Amazon launched in Turkey back in 2018",
    # https://dailysabah.com/business/economy/amazon-to-create-over-1000-jobs-with-first-logistics-hub-in-turkey.
    # UAE 2019 (Souq.com became amazon.ae) and Saudi Arabia 2020-06-17: The New Arab, "Amazon
    # Saudi launch goes ahead despite Bezos, MbS feud",
    # https://english.alaraby.co.uk/news/bezos-riyadh-feud-sidelined-amazon-launches-saudi-site.
    # Netherlands 2020-03 (full store; e-books only before): de Volkskrant, March 2020,
    # https://www.volkskrant.nl/nieuws-achtergrond/amazon-stormt-nederland-binnen-met-100-miljoen-producten-op-amazon-nl~b9c8e81b/.
    # Sweden 2020-10-28: Startup Savant, 2020-10-30, https://startupsavant.com/news/amazon-sweden.
    # Poland 2021-03-02: Agenzia Nova, 2021-03-02,
    # https://www.agenzianova.com/a/603e060c682947.02292684/3337794/2021-03-02/polonia-amazon-apre-il-suo-portale-dedicato.
    # Egypt 2021-09-01 (Souq.com became amazon.eg): Surveillance Africa,
    # https://surveillanceafrica.com/egypt-amazon-dips-toe-in-african-e-commerce-its-not-going-well/.
    "netherlands": 2020,
    "turkey": 2018,
    "united_arab_emirates": 2019,
    "saudi_arabia": 2020,
    "sweden": 2020,
    "poland": 2021,
    "egypt": 2021,
}
FIRST_FIGURE_YEAR = 1995  # the world series' first figure (December 1995)
LAST_FIGURE_YEAR = 2024


def country_users_million(
    country: str, years: list[int], world: AnnualSeries, itu_early: bool = False
) -> dict[int, float]:
    """Users of `country` (million people) at the end of each of `years`: log-linear between
    its figures, its share of `world` (people) kept before the first, held after the last.
    `itu_early` adds the country's ITU counts before its first figure (`ITU_EARLY_COUNTRIES`)."""
    figures = read_annual_figures(COUNTRY_USERS_FILE, COUNTRY_METRIC_PREFIX + country)
    if itu_early and country in ITU_EARLY_COUNTRIES:
        early = read_annual_figures(COUNTRY_USERS_FILE, ITU_EARLY_METRIC_PREFIX + country)
        figures |= {year: value for year, value in early.items() if year < min(figures)}
    known = sorted(figures)
    logs = np.log([figures[y] for y in known])
    world_million = world.value_at([y + 1.0 for y in years]) / PEOPLE_PER_MILLION
    first_share = figures[known[0]] / float(
        world.value_at([known[0] + 1.0])[0] / PEOPLE_PER_MILLION
    )
    users = {}
    for year, world_users in zip(years, world_million, strict=True):
        if year < known[0]:
            users[year] = first_share * float(world_users)
        else:
            users[year] = float(np.exp(np.interp(year, known, logs)))  # flat after the last
    return users


@lru_cache(maxsize=2)
def amazon_markets_series(world: AnnualSeries, itu_early: bool = False) -> AnnualSeries:
    """The series in people: one figure per year end 1995-2024, the launched countries'
    users summed (`world` = the world internet users series, people); `itu_early`: the
    `ITU_EARLY_SERIES_NAME` variant (the US's ITU counts for 1995-1997)."""
    years = list(range(FIRST_FIGURE_YEAR, LAST_FIGURE_YEAR + 1))
    total_million = dict.fromkeys(years, 0.0)
    for country, launch_year in LAUNCH_YEARS.items():
        users = country_users_million(country, years, world, itu_early)
        for year in years:
            if year >= launch_year:
                total_million[year] += users[year]
    times = tuple(year + 1.0 for year in years)
    people = tuple(total_million[year] * PEOPLE_PER_MILLION for year in years)
    name = ITU_EARLY_SERIES_NAME if itu_early else SERIES_NAME
    return AnnualSeries(name, times, people, world.first_year, world.last_year)
