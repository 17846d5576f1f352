"""The app's PNG download buttons: the chart is exported only when the button is clicked,
with the provenance of the results it draws in a PNG text chunk (`flywheel provenance`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from flywheel.plots import export
from flywheel.results.provenance import with_fields
from flywheel.results.provenance_files import png_with_provenance


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
