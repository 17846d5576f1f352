"""The app's PNG download buttons: the figure is drawn only when the button is clicked."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from flywheel.plots import figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def png_button(label: str, key: str, file_name: str, make_figure: Callable[[], Figure]) -> None:
    """A download button for the PNG of `make_figure()` (called on click, not on every run)."""
    st.download_button(
        label,
        key=key,
        data=lambda: figures.png_bytes(make_figure()),
        file_name=file_name,
        mime="image/png",
    )
