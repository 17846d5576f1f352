"""The app's PNG download buttons: the chart is exported only when the button is clicked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from flywheel.plots import export


def png_button(
    label: str, key: str, file_name: str, make_spec: Callable[[], dict[str, Any]]
) -> None:
    """A download button for the PNG of the self-contained Vega-Lite spec `make_spec()`
    (`export.self_contained` or `export.grid_spec` of a chart the app shows). Streamlit calls
    it on click, not on every run: a rerun only keeps the closure (an export takes ~0.1-0.9 s,
    flywheel/plots/export.py)."""
    st.download_button(
        label,
        key=key,
        data=lambda: export.png_bytes(make_spec()),
        file_name=file_name,
        mime="image/png",
    )
