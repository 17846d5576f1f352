"""Results of a simulation: weekly arrays over replications, as tidy frames and yearly totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from flywheel.results.annual import annual_frame
from flywheel.scenario.loading import Scenario

if TYPE_CHECKING:
    import pandas as pd

AXES = ("replication", "week")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Results:
    """Weekly outputs of `replications` runs of one scenario; arrays of shape (R, weeks)."""

    scenario: Scenario
    seed: int
    replication_ids: npt.NDArray[np.int64]
    series: dict[str, npt.NDArray[np.float64]] = field(repr=False)
    # How these results were made (flywheel.results.provenance): filled in when not given,
    # written with every export, read back by `flywheel.load_results`.
    provenance: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.provenance:
            from flywheel.results.provenance import describe

            recorded = self.outputs if len(self.series) < _all_outputs() else None
            ids = self.replication_ids
            made = describe(
                self.scenario,
                "run",
                seed=self.seed,
                replications=len(ids),
                first_replication=int(ids[0]) if len(ids) else 0,
                outputs=recorded,
            )
            object.__setattr__(self, "provenance", made)

    @property
    def weeks(self) -> int:
        """Number of weeks simulated."""
        return self.scenario.horizon_weeks

    @property
    def outputs(self) -> tuple[str, ...]:
        """Names of every output series (with units in their names)."""
        return tuple(self.series)

    def __getitem__(self, name: str) -> npt.NDArray[np.float64]:
        """The (replications, weeks) array of one output."""
        return self.series[name]

    def dates(self) -> npt.NDArray[np.datetime64]:
        """Calendar date of the first day of every week."""
        start = np.datetime64(self.scenario.start_date, "D")
        return start + 7 * np.arange(self.weeks).astype("timedelta64[D]")

    def frame(self) -> pd.DataFrame:
        """Tidy long frame: one row per (replication, week), one column per output."""
        import pandas as pd

        replications = len(self.replication_ids)
        columns: dict[str, npt.ArrayLike] = {
            "replication": np.repeat(self.replication_ids, self.weeks),
            "week": np.tile(np.arange(self.weeks), replications),
            "date": np.tile(self.dates(), replications),
        }
        for name, values in self.series.items():
            columns[name] = values.reshape(-1)
        return pd.DataFrame(columns)

    def quantiles(
        self, outputs: tuple[str, ...] | None = None, quantiles: tuple[float, ...] = QUANTILES
    ) -> pd.DataFrame:
        """Per-week quantiles and mean over replications, long: week, output, statistic, value."""
        import pandas as pd

        from flywheel.results.quantiles import quantiles_over_replications, statistic_label

        names = outputs or self.outputs
        parts = []
        for name in names:
            values = self.series[name]
            table = np.vstack([quantiles_over_replications(values, quantiles), values.mean(axis=0)])
            labels = [statistic_label(q) for q in quantiles] + ["mean"]
            for label, row in zip(labels, table, strict=True):
                parts.append(
                    pd.DataFrame(
                        {
                            "week": np.arange(self.weeks),
                            "output": name,
                            "statistic": label,
                            "value": row,
                        }
                    )
                )
        return pd.concat(parts, ignore_index=True)

    def annual(self) -> pd.DataFrame:
        """Calendar-year aggregates per replication: flows summed, levels and flags at year end,
        rates and indices averaged (each output's `kind` in `flywheel.model.outputs`); plus the
        headline columns in millions / thousands."""
        return annual_frame(self.series, self.dates(), self.replication_ids)

    def write(self, path: str | Path, *, annual: bool = False) -> dict[str, Any]:
        """Write `frame()` (or `annual()`) to .csv, .parquet or .nc (netCDF: the `netcdf`
        extra) atomically, with the provenance (Parquet metadata, netCDF attributes, a
        `NAME.csv.provenance.json` sidecar); returns the provenance as written, sealed."""
        from flywheel.results.provenance import with_fields
        from flywheel.results.provenance_files import write_table

        settings = {**(self.provenance.get("settings") or {}), "annual": bool(annual)}
        fields = with_fields(self.provenance, settings=settings)
        return write_table(self.annual() if annual else self.frame(), path, fields)


def _all_outputs() -> int:
    """How many outputs the model has (a Results with fewer recorded only some)."""
    from flywheel.model.outputs import OUTPUT_TABLE

    return len(OUTPUT_TABLE)
