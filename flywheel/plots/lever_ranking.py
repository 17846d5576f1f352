"""Vega-Lite spec of the Dashboard's lever ranking ("which lever matters for <KPI>"): one bar
per lever, the KPI's change when the lever moves (`experiments.lever_ranking.ranking_rows`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

RANKING_SHOWN = 8  # bars: the levers with the largest swings
BAR_HEIGHT_PX = 24
RAISES, LOWERS = "raises it", "lowers it"
COLOURS = ("#3182bd", "#e6550d")  # neutral: a lower price index can be good news


def ranking_frame(rows: pd.DataFrame, shown: int = RANKING_SHOWN) -> pd.DataFrame:
    """The first `shown` rows with the bar's value (the change in % of the KPI, or in its
    unit when the KPI's mean is 0) and its direction."""
    top = rows.head(shown).copy()
    in_percent = not top["change_percent"].isna().any()
    top["bar"] = top["change_percent"] if in_percent else top["change"]
    top["direction"] = [RAISES if value >= 0 else LOWERS for value in top["bar"]]
    top.attrs.update(rows.attrs, in_percent=in_percent)
    return top


def ranking_spec(frame: pd.DataFrame) -> dict[str, Any]:
    """Horizontal bars, largest swing on top, each lever under its sidebar label; the
    tooltip reads the row as a sentence. No chart title: the app's heading names the KPI
    (a Vega title is cut with '…' on narrow screens)."""
    unit = "% of the KPI" if frame.attrs.get("in_percent", True) else "change"
    return {
        "description": "lever ranking",
        "height": {"step": BAR_HEIGHT_PX},  # a fixed number was squeezed at "stretch" width
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": list(frame["label"]),
                "title": None,
                "axis": {"labelOverlap": False, "labelLimit": 260},
            },
            "x": {"field": "bar", "type": "quantitative", "title": unit},
            "color": {
                "field": "direction",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [RAISES, LOWERS], "range": list(COLOURS)},
                "legend": {"orient": "bottom"},
            },
            "tooltip": [{"field": "sentence", "title": "effect"}],
        },
    }


def largest_changes_text(frame: pd.DataFrame, count: int = 3) -> str:
    """Markdown list of the first `count` rows' sentences."""
    return "\n".join(f"- {sentence}" for sentence in frame["sentence"].head(count))
