"""One week of the continuous part of the model, for all replications at once.

`LockstepWeek` holds a batch's buffers (levers, lever-only terms, week-0 references, held
link values, outputs, decisions) and advances its `State` one week: the compiled
`kernel.week_kernel` computes every flow and output, the service desk's Erlang C wait
included, and updates the stocks (Euler, one week), in one call. The decisions
it returns are what the engine turns into SimPy events (FC orders, hires, outages). No simpy
here: the engine owns the clock.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from flywheel.engine.due import compile_due
from flywheel.engine.recording import OutputRows, SeriesRecorder
from flywheel.engine.streams import batch_noise
from flywheel.model.kernel import week_kernel
from flywheel.model.layout import (
    DECISIONS,
    EXTRA_OUTPUTS,
    HELD,
    OUTPUTS,
    REFERENCES,
    TERMS,
    Lever,
)
from flywheel.model.state import Decisions, State, initial_state, lever_arrays
from flywheel.model.terms import lever_terms
from flywheel.scenario.loading import Scenario
from flywheel.scenario.parameters import LOOP_IDS

Array = npt.NDArray[np.float64]
EXTRAS = frozenset(EXTRA_OUTPUTS)
WEEKLY_NOISE_SOURCES = ("demand", "seller_joins", "outages")  # (R, weeks) in batch_noise
NEVER_CUT_WEEK = np.iinfo(np.int64).max  # the first cut week of a loop left on

__all__ = ["EXTRAS", "EXTRA_OUTPUTS", "OUTPUTS", "LockstepWeek", "extras_for"]


def extras_for(outputs: frozenset[str] | None) -> frozenset[str]:
    """The groups of `EXTRA_OUTPUTS` that recording `outputs` (None = all) needs."""
    if outputs is None:
        return EXTRAS
    return frozenset(g for g, names in EXTRA_OUTPUTS.items() if not outputs.isdisjoint(names))


class LockstepWeek:
    """The weekly step of one batch: its buffers and the call that advances `state`.

    `outputs` maps each output computed (all but the `EXTRA_OUTPUTS` groups not in `extras`)
    to its row of the output buffer, shape (R,): rewritten every week, so a caller copies what
    it keeps before the next `advance`. `decisions` are views of the same kind. Week 0 fills
    the week-0 references (`reference`, rows `layout.REFERENCES`) that later weeks read.

    `cut` names the loops cut: a set of loop ids (cut from week 0) or a mapping loop id ->
    first cut week. Each loop's link value is captured into `held` (rows `layout.HELD`) at
    week 0 and again at its first cut week; from that week the cut holds it.
    """

    def __init__(
        self,
        state: State,
        cut: Mapping[str, int] | frozenset[str],
        extras: frozenset[str] = EXTRAS,
    ) -> None:
        replications = state.replications
        self.state = state
        starts = cut if isinstance(cut, Mapping) else dict.fromkeys(cut, 0)
        self.cut_from_week = np.array(
            [starts.get(loop, NEVER_CUT_WEEK) for loop in LOOP_IDS], dtype=np.int64
        )
        self.want_derived = "derived" in extras
        self.want_gains = "gains" in extras
        self.reference = np.zeros((len(REFERENCES), replications))
        self.held = np.zeros((len(HELD), replications))
        self.block = np.zeros((len(OUTPUTS), replications))
        self.decision_block = np.zeros((len(DECISIONS), replications))
        skipped = {name for group in EXTRAS - extras for name in EXTRA_OUTPUTS[group]}
        self.outputs = OutputRows(
            self.block,
            {name: row for row, name in enumerate(OUTPUTS) if name not in skipped},
        )
        self.decisions = Decisions(*(self.decision_block[row] for row in range(len(DECISIONS))))
        self.levers = np.zeros((len(Lever), replications))
        self.terms = np.zeros((len(TERMS), replications))
        self.is_spend_from_data = False  # the logistic spend trend until `set_spend_driver`
        self.online_share_ratio = np.ones(1)
        self.is_market_from_data = False  # the logistic market until `set_market_driver`
        self.internet_users_people = np.ones(1)

    def set_levers(self, params: dict[str, Array], terms: dict[str, Array]) -> None:
        """Take the levers in force (`params`, each (R,)) and their `terms.lever_terms`."""
        for lever in Lever:
            self.levers[lever] = params[lever.name]
        for row, name in enumerate(TERMS):
            self.terms[row] = terms[name]

    def set_noise(self, noise: dict[str, Array]) -> None:
        """Take the batch's pre-drawn noise (`streams.batch_noise`). The weekly draws are kept
        week-major, (weeks, R): a week then reads contiguous values, where a column of the
        (R, weeks) arrays was one memory page per replication (~10 % of a 3 600-replication
        run)."""
        self.weekly_noise = tuple(
            np.array(noise[source].T, order="C") for source in WEEKLY_NOISE_SOURCES
        )
        # (copies, so the kernel's argument types never depend on the caller: numba compiles
        # once per type, ~6 s, and a read-only array is another type)
        self.lead_time_normals = np.array(noise["lead_times"], order="C")

    def set_spend_driver(self, online_share_ratio: Array | None) -> None:
        """Drive the spend index from data: `online_share_ratio` (weeks + 1,) is the online
        share of retail relative to week 0's (`scenario.drivers.online_share_ratio`); None
        keeps the logistic trend of the `spend_*` levers."""
        self.is_spend_from_data = online_share_ratio is not None
        if online_share_ratio is not None:
            # a writable C-ordered copy: the kernel compiles once per argument type
            self.online_share_ratio = np.array(online_share_ratio, dtype=np.float64, order="C")

    def set_market_driver(self, internet_users_people: Array | None) -> None:
        """Drive the market from data: `internet_users_people` (weeks + 1,) is the series in
        people (`scenario.market_drivers.internet_users_people`), times the lever
        `market_share_of_internet_users`; None keeps the logistic market."""
        self.is_market_from_data = internet_users_people is not None
        if internet_users_people is not None:
            self.internet_users_people = np.array(
                internet_users_people, dtype=np.float64, order="C"
            )

    def advance(self, week: int, is_q4: bool, is_q4_ahead: bool) -> None:
        """Advance the state one week (`is_q4` / `is_q4_ahead`: this week's month / the
        staffing look-ahead's busiest month is in October-December); `set_levers` and
        `set_noise` first."""
        demand, seller_joins, outages = self.weekly_noise
        week_kernel(
            week,
            is_q4,
            is_q4_ahead,
            self.cut_from_week,
            self.want_derived,
            self.want_gains,
            self.state.block,
            self.levers,
            self.terms,
            self.reference,
            self.held,
            demand,
            seller_joins,
            outages,
            self.lead_time_normals,
            self.is_spend_from_data,
            self.online_share_ratio,
            self.is_market_from_data,
            self.internet_users_people,
            self.block,
            self.decision_block,
        )


def compile_kernel() -> float:
    """Compile (or load from numba's disk cache) the weekly kernel by running one week of one
    replication and recording it, and the calendar's compiled bookkeeping (`due`); returns the
    seconds it took (`make` runs it once after installing, so that the app's and the tests'
    first run do not wait ~6 s for the compiler)."""
    start = time.perf_counter()
    compile_due()
    scenario = Scenario(horizon_weeks=1)
    levers = lever_arrays(scenario, 1)
    lockstep = LockstepWeek(initial_state(scenario, 1), frozenset())
    lockstep.set_levers(levers, lever_terms(levers))
    lockstep.set_noise(batch_noise(0, np.zeros(1, dtype=np.int64), 1))
    lockstep.advance(0, False, False)
    SeriesRecorder(1).write(0, lockstep.outputs)
    return time.perf_counter() - start
