"""Customers: Bass adoption (R1, B3; model.md#adoption), churn (R4, B3; model.md#churn) and
win-back (model.md#win-back)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from flywheel.model.layout import Held, Lever, Loop, Ref, Stock, Term
from flywheel.model.parts import (
    bass_adoption,
    churn_hazard,
    discovery_factor,
    hazard_to_share,
    indexed_acquisition_cost_usd,
    innovation_attractiveness,
    paid_innovation_per_week,
    paid_winback_per_week,
)
from flywheel.model.sectors import Array, Cuts, sector
from flywheel.model.sectors.exogenous import Exogenous
from flywheel.model.sectors.experience import Experience
from flywheel.model.sectors.prices import Prices
from flywheel.model.sectors.solvency import spending_stopped


class Adoption(NamedTuple):
    """The week's adoption (people/week), the potential the Bass step saw (people), and the
    two pressures driving it (1/week)."""

    adoption: float
    potential_for_bass: float  # the potential, or with B3 cut the held share of the market
    innovation: float  # Bass innovation p (marketing, relative CX, discovery), 1/week
    word_of_mouth: float  # imitation pressure q C/M (CX), 1/week; held with R1 cut
    budget_usd: float  # R6: the marketing spend (USD/week) that bought adopters; 0 when off


class Churn(NamedTuple):
    """The week's churn and win-back (people/week), and the Prime share they used."""

    prime_share: float  # members / customers at the start of the week
    prime_share_effect: float  # the share the links see (held with R4 cut)
    churn: float  # customers lapsing, members included
    member_churn: float  # members lapsing
    winback: float  # lapsed customers returning


@sector
def adoption_week(  # type: ignore[no-untyped-def]
    t: int,
    s: Array,
    p: Array,
    k: Array,
    ref: Array,
    cut: Cuts,
    prices: Prices,
    experience: Experience,
    exogenous: Exogenous,
):
    """Adoption by the exact weekly Bass step: marketing (and, with `innovation_cx_exponent`,
    perceived CX over the market's; with `innovation_selection_elasticity`, the SKUs on offer
    over week 0's, held with R2 cut) drives innovation (with `acquisition_cost_usd_per_customer`
    > 0 last week's marketing dollars buy it, R6, instead of the Bass rate `bass_p`), word of mouth
    (customers' share of the market, scaled by perceived CX against the expected CX) imitation.
    With R1 cut the whole word-of-mouth pressure is held (its CX multiplier too) at week 0's or
    the cut's first week's, so adoption is Bass with a constant imitation rate. Nobody adopts
    who is not in the market (stocks conserved)."""
    market, potential, customers = s[Stock.market], s[Stock.potential], s[Stock.customers]
    # the recession's dent in marketing's pull; insolvent: marketing stopped, so no innovation
    spend_effect = 0.0 if spending_stopped(s, cut) else 1.0 - exogenous.recession
    # New shoppers choose among stores by attractiveness: perceived CX against the market's
    # (not held by a cut: the loops that move CX, R2, R3 and B1, B2, are cut at their own links).
    attractiveness = innovation_attractiveness(
        experience.perceived_cx, experience.market_cx, p[Lever.innovation_cx_exponent]
    )
    # Web searchers find the store through what it lists (R2: sellers -> selection -> new
    # shoppers); an R2 cut holds the SKUs this link sees, so selection reaches no new shopper.
    if cut.starts[Loop.R2]:
        cut.held[Held.discovery_skus] = prices.skus
    skus_for_discovery = cut.held[Held.discovery_skus] if cut.on[Loop.R2] else prices.skus
    discovery = discovery_factor(
        skus_for_discovery, ref[Ref.skus], p[Lever.innovation_selection_elasticity]
    )
    if p[Lever.acquisition_cost_usd_per_customer] > 0.0:  # R6: marketing dollars buy adopters
        # last week's spend; with R6 cut the one held at the cut's first week (week 0 has
        # none before it: update_acquisition_budget captures week 0's spend instead)
        budget_usd = s[Stock.marketing_usd_last_week]
        if cut.starts[Loop.R6] and budget_usd > 0.0:
            cut.held[Held.marketing_usd] = budget_usd
        if cut.on[Loop.R6]:
            budget_usd = cut.held[Held.marketing_usd]
        # the cost in this week's dollars (the media it buys get dearer; 0: week 0's cost)
        cost_usd = indexed_acquisition_cost_usd(
            p[Lever.acquisition_cost_usd_per_customer],
            p[Lever.acquisition_cost_inflation_per_year],
            t,
        )
        paid_rate = paid_innovation_per_week(budget_usd, cost_usd, market)
        innovation = paid_rate * spend_effect * attractiveness * discovery
    else:
        budget_usd = 0.0
        marketing_effect = k[Term.marketing_effect_base] * spend_effect
        innovation = k[Term.bass_p_per_week] * marketing_effect * attractiveness * discovery
    imitation = k[Term.bass_q_per_week] * experience.cx_relative_for_wom ** p[Lever.wom_cx_exponent]
    potential_for_bass = potential
    if cut.starts[Loop.B3]:
        cut.held[Held.potential_share] = potential / market
    if cut.on[Loop.B3]:  # saturation held: adoption as if the untapped share stayed as held
        potential_for_bass = cut.held[Held.potential_share] * market
    if cut.starts[Loop.R1]:  # word of mouth sees customers as a share of the market
        cut.held[Held.customer_share] = customers / market if market > 0 else 0.0
    if cut.on[Loop.R1]:  # a constant imitation rate: it adds to innovation, q C / M held
        # (with R1 cut, imitation's CX multiplier is held too: experience holds it)
        word_of_mouth = imitation * cut.held[Held.customer_share]
        bass = bass_adoption(customers, potential_for_bass, market, innovation + word_of_mouth, 0.0)
    else:
        word_of_mouth = imitation * (customers / market) if market > 0 else 0.0
        bass = bass_adoption(customers, potential_for_bass, market, innovation, imitation)
    adoption = np.minimum(bass, potential)
    return Adoption(adoption, potential_for_bass, innovation, word_of_mouth, budget_usd)


@sector
def churn_week(  # type: ignore[no-untyped-def]
    s: Array, p: Array, k: Array, cut: Cuts, experience: Experience, adoption: Adoption
):
    """Churn rises as perceived CX falls below the expected CX; Prime members churn less;
    lapsed customers come back at a rate scaled by perceived over expected CX, plus, with paid
    acquisition and `acquisition_lapsed_relative` > 0, the ones the marketing budget buys back
    (R6: `adoption.innovation` is the paid rate per untapped person, the held budget's with R6
    cut)."""
    customers, lapsed, prime_members = s[Stock.customers], s[Stock.lapsed], s[Stock.prime_members]
    perceived_cx = experience.perceived_cx
    prime_share = prime_members / np.maximum(customers, 1e-9) if customers > 0 else 0.0
    if cut.starts[Loop.R4]:
        cut.held[Held.prime_share] = prime_share
    prime_share_effect = cut.held[Held.prime_share] if cut.on[Loop.R4] else prime_share
    hazard = churn_hazard(
        perceived_cx,
        experience.expected_cx,
        p[Lever.churn_base_per_week],
        p[Lever.churn_cx_exponent],
    )
    member_hazard = hazard * k[Term.member_hazard_factor]
    member_churn = prime_members * hazard_to_share(member_hazard)
    if cut.on[Loop.R4]:
        churn = customers * hazard_to_share(
            hazard * (1.0 - prime_share_effect * p[Lever.prime_churn_cut_share])
        )
        # Churn uses the held member share, so it can exceed what non-members alone can
        # supply; the excess leaves from the members, else members outnumber customers.
        member_churn = np.minimum(
            np.maximum(member_churn, churn - (customers - prime_members)), churn
        )
    else:
        churn = member_churn + (customers - prime_members) * hazard_to_share(hazard)
    winback_hazard = p[Lever.winback_rate_per_week] * experience.cx_relative
    if (
        p[Lever.acquisition_cost_usd_per_customer] > 0.0
        and p[Lever.acquisition_lapsed_relative] > 0
    ):
        # the budget reaches the lapsed too, the easier sale (model.md#win-back)
        winback_hazard = winback_hazard + paid_winback_per_week(
            adoption.innovation, p[Lever.acquisition_lapsed_relative]
        )
    winback = lapsed * hazard_to_share(winback_hazard)
    return Churn(prime_share, prime_share_effect, churn, member_churn, winback)
