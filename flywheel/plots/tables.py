"""Tables the app shows beside its charts, as people read them: numbers rounded like the
chart's axes, no internal columns, and blank (not "None") where a row has no value.
No Streamlit here: the app passes the styled table and `WATERFALL_HEADERS` to `st.dataframe`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from flywheel.plots.charts_more import compact_number

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

# The Why tab's waterfall table: column of `Attribution.waterfall` -> its header
WATERFALL_HEADERS = {"label": "bar", "value": "mean", "q05": "5 %", "q95": "95 %"}


def number_text(value: Any) -> str:
    """A table cell: the number as the value axes show it ("-1.25 B", "300 k"), or "" for a
    missing one (NaN or None: a total has no Monte Carlo band of its own)."""
    if value is None or not np.isfinite(value):
        return ""
    return compact_number(float(value))


def waterfall_table(waterfall: pd.DataFrame) -> Styler:
    """The Why tab's table of the attribution waterfall (`Attribution.waterfall`): label,
    value, q05, q95 (numbers kept, shown compact; headers in `WATERFALL_HEADERS`), without
    the internal `kind` column, the totals' missing band blank."""
    numbers = [column for column in WATERFALL_HEADERS if column != "label"]
    table = waterfall[list(WATERFALL_HEADERS)]
    return table.style.format(number_text, subset=numbers)
