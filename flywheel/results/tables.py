"""The app's results tables as files people open: the weekly bands of every output, long
(one row per week, output and statistic) or wide (one row per week, one column per output
and statistic), as plain CSV (no comment lines: how a table was made goes into its
provenance sidecar, `NAME.csv.provenance.json`).

```
long:  week, date, output, statistic, value            (weeks x outputs x 6 rows)
wide:  week, date, customers_q05, ..., customers_mean, ..., gain_B5_mean   (weeks rows)
```
No Streamlit here: the app's download buttons and bundle call it, anyone else from Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from flywheel.results.summary import STATISTICS, Summary, summarise

if TYPE_CHECKING:
    import pandas as pd

    from flywheel.scenario.loading import Scenario

Shape = Literal["long", "wide"]
SHAPES: tuple[Shape, ...] = ("long", "wide")
# The provenance's `settings.table` of each shape (the long one's name predates the wide one).
TABLE_NAMES: dict[Shape, str] = {"long": "weekly bands", "wide": "weekly bands, wide"}


def wide_column(output: str, statistic: str) -> str:
    """The wide table's column of one output's statistic, e.g. 'customers_q50'."""
    return f"{output}_{statistic}"


def wide_frame(summary: Summary, outputs: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per week: week, date, then for each output (in `summary.outputs` order) its
    `STATISTICS` (5/25/50/75/95 % quantiles over the replications and their mean), in the
    output's own unit (as the long table)."""
    import pandas as pd

    names = outputs or summary.outputs
    rows = [summary.outputs.index(name) for name in names]
    # (outputs, statistics, weeks) -> (weeks, outputs x statistics), statistics fastest
    values = summary.bands[rows].astype(np.float64).transpose(2, 0, 1).reshape(summary.weeks, -1)
    columns = [wide_column(name, statistic) for name in names for statistic in STATISTICS]
    frame = pd.DataFrame(values, columns=columns)
    frame.insert(0, "date", summary.dates())
    frame.insert(0, "week", np.arange(summary.weeks))
    return frame


def table_csv(summary: Summary, shape: Shape) -> bytes:
    """The weekly bands of `summary` as plain CSV bytes, `shape` 'long' or 'wide'."""
    if shape not in SHAPES:
        raise ValueError(f"shape = {shape!r}: allowed {list(SHAPES)}")
    frame = summary.frame() if shape == "long" else wide_frame(summary)
    return frame.to_csv(index=False).encode()


def table_provenance(summary: Summary, shape: Shape, data: bytes) -> dict[str, Any]:
    """The provenance of a `shape` table of `summary`, sealed over its bytes `data` (kind
    `app`; settings name the table and its statistics): `flywheel provenance` checks it."""
    from flywheel.results.provenance import seal, sha256_bytes, with_fields

    settings = {"table": TABLE_NAMES[shape], "statistics": list(STATISTICS)}
    made = with_fields(summary.provenance, kind="app", settings=settings)
    return seal(made, sha256_bytes(data))


def results_tables(
    scenario: Scenario, replications: int, seed: int, shapes: tuple[Shape, ...] = SHAPES
) -> dict[Shape, tuple[bytes, dict[str, Any]]]:
    """For each of `shapes`: (the CSV bytes, its sealed provenance), from one simulation of
    `replications` runs of `scenario` with `seed` (every output; run on request, as the app's
    cached Summary holds only the outputs it draws)."""
    from flywheel.results.simulation import simulate

    summary = summarise(simulate(scenario, replications, seed))
    tables = {}
    for shape in shapes:
        data = table_csv(summary, shape)
        tables[shape] = (data, table_provenance(summary, shape, data))
    return tables
