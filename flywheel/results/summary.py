"""Compact summaries of Results for the app: per-week bands of every output and KPI samples."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.model.outputs import kpi_label
from flywheel.model.outputs import output as output_row
from flywheel.results.quantiles import quantiles_over_replications

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.results.weekly import Results
    from flywheel.scenario.loading import Scenario

STATISTICS = ("q05", "q25", "q50", "q75", "q95", "mean")
_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
WEEKS_PER_YEAR = 52
PATH_EVERY_WEEKS = 4  # replication paths kept for paired A/B differences: every 4th week


def _kpi(key: str, name: str, divisor: float, fmt: str) -> tuple[str, str, str, str, float, str]:
    """A KPI card (key, label, output, how, divisor, format): over the last simulated year a
    flow is summed and anything else read at the last week; the label says which."""
    how = "sum" if output_row(name).kind == "flow" else "last"
    return key, kpi_label(name), name, how, divisor, fmt


# KPI cards: (key, label, output, how over the last year, divisor, format); labels and how
# from the output registry
KPIS = (
    _kpi("revenue", "revenue_usd", 1e9, "${:,.2f} B"),
    _kpi("operating_income", "operating_income_usd", 1e9, "${:,.2f} B"),
    _kpi("customers", "customers", 1e6, "{:,.1f} M"),
    _kpi("sellers", "sellers", 1e3, "{:,.1f} k"),
    _kpi("price_index", "price_index", 1.0, "{:.3f}"),
    _kpi("perceived_cx", "perceived_cx", 1.0, "{:.3f}"),
)

# Outputs read as a share of the runs at the last week (a 0/1 flag that stays set): the
# Dashboard's line under the KPI cards (model.md#insolvency)
SHARE_OUTPUTS = ("insolvent",)


@dataclass(frozen=True)
class Summary:
    """Bands of the summarised outputs (5/25/50/75/95 % and mean per week) plus per-replication
    KPIs and their (median, 5 %, 95 %), worked out once when summarised (and cached)."""

    scenario_name: str
    start_date: dt.date
    replications: int
    seed: int
    outputs: tuple[str, ...]
    bands: npt.NDArray[np.float32] = field(repr=False)  # (outputs, statistics, weeks)
    kpi_samples: dict[str, npt.NDArray[np.float64]] = field(repr=False)  # key -> (R,)
    kpi_bands: dict[str, tuple[float, float, float]] = field(default_factory=dict, repr=False)
    # (path outputs, replications, weeks 0, 4, 8 ...): each replication's path of a few
    # outputs, so that two Summaries of one seed give paired differences week by week
    path_outputs: tuple[str, ...] = ()
    paths: npt.NDArray[np.float32] | None = field(default=None, repr=False)
    # the summarised Results' provenance: the app's downloads carry it
    provenance: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def weeks(self) -> int:
        """Number of weeks simulated."""
        return int(self.bands.shape[2])

    def band(self, output: str) -> npt.NDArray[np.float32]:
        """(statistics, weeks) array of one output, rows in STATISTICS order."""
        return self.bands[self.outputs.index(output)]

    def median(self, output: str, week: int) -> float:
        """Median of an output at a week."""
        return float(self.band(output)[2, week])

    def kpi(self, key: str) -> tuple[float, float, float]:
        """(median, 5 %, 95 %) of a KPI over replications, in its display unit."""
        if key in self.kpi_bands:
            return self.kpi_bands[key]
        return kpi_band(self.kpi_samples[key])

    @property
    def insolvent_share(self) -> float:
        """Share of the replications insolvent at the last week (once insolvent, always)."""
        return float(self.kpi_samples["insolvent"].mean())

    def path_weeks(self) -> npt.NDArray[np.int_]:
        """The weeks `paths` holds (every `PATH_EVERY_WEEKS`-th, from week 0)."""
        return np.arange(0, self.weeks, PATH_EVERY_WEEKS)

    def dates(self) -> npt.NDArray[np.datetime64]:
        """Calendar date of the first day of each week."""
        start = np.datetime64(self.start_date, "D")
        return start + 7 * np.arange(self.weeks).astype("timedelta64[D]")

    def frame(self, outputs: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Long frame: week, date, output, statistic, value (the results CSV)."""
        import pandas as pd

        names = outputs or self.outputs
        weeks, dates = np.arange(self.weeks), self.dates()
        parts = [
            pd.DataFrame(
                {
                    "week": weeks,
                    "date": dates,
                    "output": name,
                    "statistic": stat,
                    "value": self.band(name)[row].astype(np.float64),
                }
            )
            for name in names
            for row, stat in enumerate(STATISTICS)
        ]
        return pd.concat(parts, ignore_index=True)


def quantile_rows(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """(statistics, weeks) of a (R, weeks) array: the 5/25/50/75/95 % quantiles
    (`quantiles_over_replications`, numpy's default method), then the mean."""
    return np.vstack([quantiles_over_replications(values, _QUANTILES), values.mean(axis=0)])


def kpi_band(samples: npt.NDArray[np.float64]) -> tuple[float, float, float]:
    """(median, 5 %, 95 %) of KPI samples."""
    low, mid, high = quantiles_over_replications(samples, (0.05, 0.5, 0.95))
    return float(mid), float(low), float(high)


def kpi_samples(results: Results) -> dict[str, npt.NDArray[np.float64]]:
    """Per-replication KPI values over the last simulated year, in display units."""
    samples = {}
    for key, _label, output, how, divisor, _fmt in KPIS:
        values = results[output]
        if how == "sum":
            samples[key] = values[:, -WEEKS_PER_YEAR:].sum(axis=1) / divisor
        else:
            samples[key] = values[:, -1] / divisor
    for name in SHARE_OUTPUTS:  # each replication's flag at the last week
        samples[name] = results[name][:, -1].astype(np.float64)
    return samples


def summarise(
    results: Results, outputs: tuple[str, ...] | None = None, path_outputs: tuple[str, ...] = ()
) -> Summary:
    """The compact Summary of a Results (what the app caches and plots): bands of `outputs`
    (default every output), the KPI samples, and the replications' paths of `path_outputs`
    (every `PATH_EVERY_WEEKS`-th week, float32)."""
    outputs = results.outputs if outputs is None else outputs
    bands = np.empty((len(outputs), len(STATISTICS), results.weeks), dtype=np.float32)
    for index, name in enumerate(outputs):
        bands[index] = quantile_rows(results[name])
    samples = kpi_samples(results)
    paths = None
    if path_outputs:
        paths = np.stack([results[name][:, ::PATH_EVERY_WEEKS] for name in path_outputs]).astype(
            np.float32
        )
    return Summary(
        scenario_name=results.scenario.name,
        start_date=results.scenario.start_date,
        replications=len(results.replication_ids),
        seed=results.seed,
        outputs=outputs,
        bands=bands,
        kpi_samples=samples,
        kpi_bands={key: kpi_band(samples[key]) for key, *_ in KPIS},
        path_outputs=tuple(path_outputs),
        paths=paths,
        provenance=results.provenance,
    )


def results_csv(scenario: Scenario, replications: int, seed: int) -> bytes:
    """The results CSV (weekly bands of every output): run on request, as the app's cached
    Summary holds only the outputs it draws."""
    return results_csv_and_provenance(scenario, replications, seed)[0]


def results_csv_and_provenance(
    scenario: Scenario, replications: int, seed: int
) -> tuple[bytes, dict[str, Any]]:
    """(the results CSV, its provenance sealed over the CSV's bytes): kind `app`, settings
    naming the table (weekly bands: `STATISTICS` of every output per week; the long table of
    `flywheel.results.tables`)."""
    from flywheel.results.tables import results_tables

    return results_tables(scenario, replications, seed, ("long",))["long"]
