"""The app's bundle download: one zip of the data, the scenario and how they were made.

```
NAME_bundle.zip
  README.txt                        what is inside, and how to check and re-make it
  NAME.toml                         the resolved scenario (canonical TOML)
  NAME_results.csv                  weekly bands of every output (the Files tab's CSV)
  NAME_results.csv.provenance.json  its provenance (`flywheel provenance NAME_results.csv`)
```
No Streamlit here: the app calls it from a download button, anyone else from Python.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import TYPE_CHECKING

from flywheel.results.provenance_files import SIDECAR_SUFFIX
from flywheel.results.summary import results_csv_and_provenance

if TYPE_CHECKING:
    from flywheel.scenario.loading import Scenario

README = """\
{name}: {replications} replications, seed {seed}, made by flywheel {version}.

{csv}: per-week 5/25/50/75/95 % quantiles and mean of every output over the replications.
{csv}{sidecar}: how it was made (the resolved scenario, seed, sizes, versions,
    platform) and the SHA-256 of the CSV; `flywheel provenance {csv}` checks them.
{toml}: the resolved scenario; `flywheel run {toml} --replications {replications} --seed {seed}`
    runs it again (`flywheel validate {toml}` checks it).
"""


def bundle_zip(scenario: Scenario, replications: int, seed: int) -> bytes:
    """The bundle of `replications` runs of `scenario` with `seed` (zip bytes, built in
    memory: the results CSV, its provenance sidecar, the resolved scenario, a README)."""
    data, provenance = results_csv_and_provenance(scenario, replications, seed)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", scenario.name) or "scenario"  # safe in a zip
    csv, toml = f"{name}_results.csv", f"{name}.toml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        readme = README.format(
            name=name,
            replications=replications,
            seed=seed,
            version=provenance["versions"]["flywheel"],
            csv=csv,
            toml=toml,
            sidecar=SIDECAR_SUFFIX,
        )
        archive.writestr("README.txt", readme)
        archive.writestr(toml, provenance["scenario_toml"])
        archive.writestr(csv, data)
        archive.writestr(csv + SIDECAR_SUFFIX, json.dumps(provenance, indent=1) + "\n")
    return buffer.getvalue()
