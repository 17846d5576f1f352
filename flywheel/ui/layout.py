"""The page's layout from a 768-pixel tablet to a 1920-pixel monitor, and presentation mode.

- `page_style`: CSS that keeps KPI labels and values, button labels and tabs whole at any
  width (they wrap or shrink instead of ending in "…"), and, in presentation mode, sets the
  page's type larger for a workshop room.
- `collapse_sidebar_on_narrow_screens`: the sidebar starts closed below
  `NARROW_SCREEN_PX` (Streamlit's own "auto" closes it only at 768 pixels and below).
- `presentation_toggle`: the sidebar's switch, also set by the link parameter `?present=1`.
- `chart_spec`: a chart's Vega-Lite spec as the page draws it (`flywheel.plots.layout`:
  no text cut by Vega, larger type when presenting); `grid_columns`: charts a row (fewer
  when presenting).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from flywheel.plots.charts import PANEL_COLUMNS
from flywheel.plots.layout import PRESENTATION_SCALE, readable

PRESENT_KEY = "present"  # session state key of the toggle, and the link parameter
PRESENT_ON = ("1", "true", "yes", "on")  # `?present=` values that switch it on
# Below this viewport width (CSS pixels) the sidebar starts closed: at 800-1000 px an open
# sidebar leaves the charts ~500 px, and on a tablet it is drawn over the content.
NARROW_SCREEN_PX = 1000
# Presentation mode: two charts a row in the grids, not three: with type 1.4 times larger, a
# third of a 1024-pixel page with the sidebar open (~165 px a chart) cut the panel titles.
PRESENTATION_PANEL_COLUMNS = 2
# Presentation mode: the page's root font size (CSS pixels; Streamlit sizes its type and
# spacing in rem, 16 px by default), the same factor as the charts' type.
PRESENTATION_ROOT_FONT_PX = round(16 * PRESENTATION_SCALE)

# Always: nothing cut off with "…" at any width.
BASE_CSS = """
/* KPI labels wrap onto a second line instead of ending in "…" */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; height: auto !important;
}
/* KPI values shrink with their card (a container query): never wider than it */
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div {
    font-size: min(2.25rem, 16cqi) !important; overflow: visible !important;
    text-overflow: clip !important;
}
/* a column holding a button is never narrower than the button's label ("▷ P" at 800 px) */
[data-testid="stColumn"]:has([data-testid="stButton"]) { min-width: fit-content; }
[data-testid="stButton"] button, [data-testid="stDownloadButton"] button {
    max-width: 100%; height: auto;
}
[data-testid="stButton"] button *, [data-testid="stDownloadButton"] button * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important;
}
/* the tabs wrap onto a second row rather than scrolling out of sight */
[data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; overflow-x: visible; row-gap: 0.25rem; }
"""
PRESENTATION_CSS = f"""
html {{ font-size: {PRESENTATION_ROOT_FONT_PX}px !important; }}
/* the page's side margins (5 rem in Streamlit's wide layout) would grow with the type too */
[data-testid="stMainBlockContainer"] {{
    padding-left: 2rem !important; padding-right: 2rem !important;
}}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] > div {{
    font-size: min(2.6rem, 16cqi) !important;
}}
"""

# Runs once per browser window (st.html does not iframe it): below NARROW_SCREEN_PX, and unless
# the person opened or closed the sidebar themselves (Streamlit keeps that choice in
# localStorage as "stSidebarCollapsed-..."), close the sidebar, at the start and after a
# resize. The click makes Streamlit store a choice too: removed, so a wider screen later
# starts with the sidebar open again.
COLLAPSE_SCRIPT = f"""<script>
(() => {{
    if (window.flywheelNarrowSidebar) return;
    window.flywheelNarrowSidebar = true;
    const CHOICE = 'stSidebarCollapsed-';
    const choices = () => Object.keys(window.localStorage).filter(k => k.startsWith(CHOICE));
    const collapse = () => {{
        if (window.innerWidth >= {NARROW_SCREEN_PX} || choices().length) return true;
        const bar = document.querySelector('[data-testid="stSidebar"]');
        const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
        if (!bar || !button) return false;
        const isOpen = button.getAttribute('aria-expanded') !== 'false'
            && bar.getBoundingClientRect().right > 50;
        if (isOpen) {{
            button.click();
            choices().forEach(key => window.localStorage.removeItem(key));
        }}
        return true;
    }};
    const retry = () => {{
        let tries = 0;
        const timer = setInterval(() => {{
            if (collapse() || ++tries > 100) clearInterval(timer);
        }}, 100);
    }};
    retry();
    let pending;
    window.addEventListener('resize', () => {{
        clearTimeout(pending);
        pending = setTimeout(retry, 200);
    }});
}})();
</script>"""


def is_presenting() -> bool:
    """Whether presentation mode is on in this session."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def presentation_toggle() -> bool:
    """The sidebar's presentation switch (on at the start when the link has `?present=1`);
    keeps the link's `present` parameter in step, so a reload or a copied address keeps it.
    Returns whether it is on."""
    state = st.session_state
    if PRESENT_KEY not in state:
        state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY, "").lower() in PRESENT_ON
    st.sidebar.toggle(
        "Presentation mode",
        key=PRESENT_KEY,
        on_change=_on_toggle,
        help="Larger type on the page and in the charts, for a projector or a workshop "
        "room (a link with ?present=1 opens with it on).",
    )
    return is_presenting()


def _on_toggle() -> None:
    if st.session_state[PRESENT_KEY]:
        st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def page_style(presenting: bool) -> None:
    """The page's CSS (`BASE_CSS`, plus `PRESENTATION_CSS` when presenting); takes no room."""
    st.html(f"<style>{BASE_CSS}{PRESENTATION_CSS if presenting else ''}</style>")


def collapse_sidebar_on_narrow_screens() -> None:
    """Close the sidebar below `NARROW_SCREEN_PX` (`COLLAPSE_SCRIPT`, at the sidebar's end)."""
    st.sidebar.html(COLLAPSE_SCRIPT, unsafe_allow_javascript=True)


def grid_columns() -> int:
    """Charts a row in the app's chart grids: `PANEL_COLUMNS`, or
    `PRESENTATION_PANEL_COLUMNS` in presentation mode."""
    return PRESENTATION_PANEL_COLUMNS if is_presenting() else PANEL_COLUMNS


def chart_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` as the page draws it: no text cut with "…", years on date axes, and larger type
    in presentation mode (`flywheel.plots.layout.readable`)."""
    return readable(spec, presenting=is_presenting())
