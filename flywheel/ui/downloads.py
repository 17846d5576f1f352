"""The app's download buttons: PNGs of its charts (exported only when the button is clicked,
with the provenance of the results they draw in a PNG text chunk, `flywheel provenance`), and
the Files tab's data: the scenario TOML, the results as long and wide CSV, and the bundle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from flywheel.plots import export
from flywheel.results.bundle import bundle_zip
from flywheel.results.provenance import with_fields
from flywheel.results.provenance_files import png_with_provenance
from flywheel.results.tables import Shape, results_tables
from flywheel.scenario.writer import canonical_toml, checked_toml_like_source

if TYPE_CHECKING:
    from flywheel.scenario.loading import Scenario


def png_button(
    label: str,
    key: str,
    file_name: str,
    make_spec: Callable[[], dict[str, Any]],
    provenance: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
) -> None:
    """A download button for the PNG of the self-contained Vega-Lite spec `make_spec()`
    (`export.self_contained` or `export.grid_spec` of a chart the app shows). Streamlit calls
    it on click, not on every run: a rerun only keeps the closure (an export takes ~0.1-0.9 s,
    flywheel/plots/export.py). `provenance` (or a function giving it, called on click): of
    the results the chart draws (a Summary's), written into the PNG as kind `plot`."""
    st.download_button(
        label,
        key=key,
        data=lambda: _with_provenance(export.png_bytes(make_spec()), file_name, provenance),
        file_name=file_name,
        mime="image/png",
    )


def _with_provenance(
    png: bytes,
    file_name: str,
    provenance: dict[str, Any] | Callable[[], dict[str, Any]] | None,
) -> bytes:
    """The PNG with the chart's provenance in a text chunk (unchanged without one)."""
    if callable(provenance):
        provenance = provenance()
    if not provenance:
        return png
    settings = {"chart_of": "app", "chart": file_name}
    made = with_fields(provenance, kind="plot", settings=settings)
    return png_with_provenance(png, made)[0]


def data_buttons(
    scenario: Scenario, replications: int, seed: int, source: tuple[str, Path] | None
) -> None:
    """The Files tab's data downloads, each made when clicked (the CSVs and the bundle
    simulate `replications` runs again, every output): the scenario TOML, written like its
    preset's file `source` (text, folder; None: every key) and validated again; the results
    as long and as wide CSV; the bundle (zip) of both, the resolved scenario and their
    provenance."""
    st.download_button(
        "Download this scenario (TOML)",
        key="dl_toml",
        data=lambda: (
            checked_toml_like_source(scenario, *source) if source else canonical_toml(scenario)
        ),
        help="Its preset's header comment and base, and only what differs from that base.",
        file_name=f"{scenario.name}.toml",
        mime="application/toml",
    )
    st.download_button(
        "Download results (CSV, long: a row per week, output and statistic)",
        key="dl_csv",
        data=lambda: _table(scenario, replications, seed, "long"),
        help="Columns week, date, output, statistic (q05 … q95, mean), value.",
        file_name=f"{scenario.name}_results.csv",
        mime="text/csv",
    )
    st.download_button(
        "Download results (CSV, wide: a row per week)",
        key="dl_csv_wide",
        data=lambda: _table(scenario, replications, seed, "wide"),
        help="Columns week, date, then one per output and statistic (customers_q50, "
        "revenue_usd_mean, …): opens as it is in a spreadsheet.",
        file_name=f"{scenario.name}_results_wide.csv",
        mime="text/csv",
    )
    st.download_button(
        "Download a bundle (zip: both CSVs, the resolved scenario and how they were made)",
        key="dl_bundle",
        data=lambda: bundle_zip(scenario, replications, seed),
        help="Each CSV's provenance (scenario, seed, replications, versions, SHA-256 of the "
        "data) sits beside it; `flywheel provenance NAME_results.csv` checks it.",
        file_name=f"{scenario.name}_bundle.zip",
        mime="application/zip",
    )


def _table(scenario: Scenario, replications: int, seed: int, shape: Shape) -> bytes:
    """One results table's CSV bytes (its provenance goes into the bundle, not the CSV)."""
    return results_tables(scenario, replications, seed, (shape,))[shape][0]
