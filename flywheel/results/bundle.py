"""The app's bundle download: one zip of the data, the scenario and how they were made.

```
NAME_bundle.zip
  README.txt                             what is inside, and how to check and re-make it
  NAME.toml                              the resolved scenario (canonical TOML)
  NAME_results.csv                       weekly bands of every output, long (the Files tab's CSV)
  NAME_results.csv.provenance.json       its provenance (`flywheel provenance NAME_results.csv`)
  NAME_results_wide.csv                  the same bands, one row per week
  NAME_results_wide.csv.provenance.json  its provenance
```
No Streamlit here: the app calls it from a download button, anyone else from Python
(`write_bundle` writes one atomically).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from flywheel.results.provenance_files import SIDECAR_SUFFIX
from flywheel.results.tables import results_tables

if TYPE_CHECKING:
    from flywheel.scenario.loading import Scenario

README = """\
{name}: {replications} replications, seed {seed}, made by flywheel {version}.

{csv}: per-week 5/25/50/75/95 % quantiles and mean of every output over the replications,
    one row per week, output and statistic (columns week, date, output, statistic, value).
{wide}: the same numbers, one row per week and one column per output and
    statistic (e.g. customers_q50, revenue_usd_mean), for a spreadsheet.
{csv}{sidecar}, {wide}{sidecar}: how each was made (the resolved
    scenario, seed, sizes, versions, platform) and the SHA-256 of its CSV;
    `flywheel provenance {csv}` checks them.
{toml}: the resolved scenario; `flywheel run {toml} --replications {replications} --seed {seed}`
    runs it again (`flywheel validate {toml}` checks it).
"""


def bundle_names(scenario_name: str) -> dict[str, str]:
    """The bundle's file names for a scenario name (characters a zip or a file system could
    misread replaced by '_'): keys toml, csv, wide."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", scenario_name) or "scenario"
    return {
        "toml": f"{name}.toml",
        "csv": f"{name}_results.csv",
        "wide": f"{name}_results_wide.csv",
    }


def bundle_zip(scenario: Scenario, replications: int, seed: int) -> bytes:
    """The bundle of `replications` runs of `scenario` with `seed` (zip bytes, built in
    memory: the long and wide results CSVs, their provenance sidecars, the resolved scenario,
    a README)."""
    tables = results_tables(scenario, replications, seed)
    names = bundle_names(scenario.name)
    provenance = tables["long"][1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        readme = README.format(
            name=names["toml"].removesuffix(".toml"),
            replications=replications,
            seed=seed,
            version=provenance["versions"]["flywheel"],
            sidecar=SIDECAR_SUFFIX,
            **names,
        )
        archive.writestr("README.txt", readme)
        archive.writestr(names["toml"], provenance["scenario_toml"])
        for shape, key in (("long", "csv"), ("wide", "wide")):
            data, made = tables[shape]
            archive.writestr(names[key], data)
            archive.writestr(names[key] + SIDECAR_SUFFIX, json.dumps(made, indent=1) + "\n")
    return buffer.getvalue()


def write_bundle(path: str | Path, scenario: Scenario, replications: int, seed: int) -> Path:
    """Write `bundle_zip(scenario, replications, seed)` to `path` atomically (a killed write
    leaves the old file or none, never half a zip)."""
    from flywheel.scenario.files import write_atomic

    data = bundle_zip(scenario, replications, seed)
    return write_atomic(Path(path), lambda handle: handle.write(data), binary=True)
