"""Watch it turn, animated in the browser: a small Streamlit component (no internet needed).

Streamlit reruns reach about one frame a second; this page plays at `FRAME_MS` a frame by
itself. The server gives it the whole run (`flywheel.plots.playback`: charts with a
playhead, each loop's gain and the headline of every week, the wheel diagram as SVG; ~0.4 MB,
built once per scenario and kept), which the page draws again only when it changed (its
digest); the page moves the playhead and tells the server the week only when playback
starts or stops.
Its script loads Vega, Vega-Lite and vega-embed from the bundle that `vl-convert-python`
(the app's PNG exporter) builds offline, written once into a cache folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from flywheel.plots import diagram, diagram_svg, playback
from flywheel.results.summary import Summary
from flywheel.scenario.files import write_text_atomic
from flywheel.scenario.loading import Scenario
from flywheel.scenario.schema import LOOP_IDS

FRONTEND = Path(__file__).with_name("playback_frontend")
FRONTEND_FILES = ("index.html", "playback.js")
BUNDLE = "vega-bundle.js"
STEP_WEEKS = 4  # weeks a frame: a 10-year run plays in ~13 s
FRAME_MS = 100  # 10 frames a second when the browser keeps up (it waits for each frame)
KEY = "playback"

Headline = Callable[[int, dt.date, dict[str, float]], str]


def asset_folder() -> Path:
    """The component's folder: its page and script, and the Vega bundle (built once by
    `vl_convert.javascript_bundle`, ~8 s, then kept). Under $XDG_CACHE_HOME (or ~/.cache)
    /flywheel (else the temporary folder), named by the converter's version and the page's
    files, each written atomically (a killed build leaves no half bundle)."""
    import vl_convert

    sources = {name: (FRONTEND / name).read_text() for name in FRONTEND_FILES}
    digest = hashlib.sha256(
        "\0".join([vl_convert.__version__, *sources.values()]).encode()
    ).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "flywheel" / f"playback-{digest}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # no writable home (a locked-down server): this user's temporary folder
        folder = Path(tempfile.gettempdir()) / f"flywheel-{os.getuid()}" / f"playback-{digest}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, text in sources.items():
        if not (folder / name).exists():
            write_text_atomic(folder / name, text)
    if not (folder / BUNDLE).exists():
        write_text_atomic(folder / BUNDLE, vl_convert.javascript_bundle())
    return folder


@st.cache_resource(show_spinner="Preparing the animation (once per installation)…")
def component() -> Any:
    """The declared component (one per server process)."""
    import streamlit.components.v1 as components

    return components.declare_component("playback", path=str(asset_folder()))


def headline_html(markdown: str) -> str:
    """A headline's markdown (only **bold**) as HTML."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(markdown))


def payload(current: Summary, scenario: Scenario, headline: Headline) -> dict[str, Any]:
    """Everything the page draws, for every week: charts (`playback.playback_charts`), each
    loop's median gain, the headline, the diagram's SVG and how to scale its widths."""
    gains = {loop: current.band(f"gain_{loop}")[2].astype(float) for loop in LOOP_IDS}
    scale = max(float(np.max(np.abs(current.band(f"gain_{loop}")[2]))) for loop in LOOP_IDS)
    headlines = [
        headline_html(
            headline(
                week, scenario.week_date(week), {loop: float(g[week]) for loop, g in gains.items()}
            )
        )
        for week in range(current.weeks)
    ]
    knockouts = tuple(scenario.cut_loops)
    first = {loop: float(g[0]) for loop, g in gains.items()}
    return {
        "weeks": current.weeks,
        "week_ms": playback.week_ms(current).tolist(),
        "step_weeks": STEP_WEEKS,
        "frame_ms": FRAME_MS,
        "gains": {loop: [round(v, 4) for v in g.tolist()] for loop, g in gains.items()},
        "scale": scale,
        "max_pen_width": diagram.MAX_PEN_WIDTH,
        "idle_gain": diagram.IDLE_GAIN,
        "headlines": headlines,
        "diagram": diagram_svg.loop_svg(first, scale, knockouts),
        "charts": playback.playback_charts(current, 0),
    }


@st.cache_resource(max_entries=16, show_spinner=False)
def _cached_payload(
    _current: Summary, _scenario: Scenario, _headline: Headline, key: str
) -> dict[str, Any]:
    data = payload(_current, _scenario, _headline)
    data["digest"] = hashlib.sha256(key.encode()).hexdigest()[:16]
    return data


def cached_payload(current: Summary, scenario: Scenario, headline: Headline) -> dict[str, Any]:
    """`payload`, kept per scenario, replications and seed (shared by sessions, never
    changed: the page gets it as it is)."""
    from flywheel.ui.cache import scenario_key

    key = f"{scenario_key(scenario)}|{current.replications}|{current.seed}|{current.weeks}"
    return _cached_payload(current, scenario, headline, key)


def _from_browser() -> None:
    """The page's report (Play or Pause pressed, or the run's end): its week and state."""
    value = st.session_state.get(KEY)
    if isinstance(value, dict) and isinstance(value.get("week"), int):
        last = st.session_state.get("last_week", value["week"])
        st.session_state["week"] = max(0, min(value["week"], last))
        st.session_state["playing"] = bool(value.get("playing"))


def player(current: Summary, scenario: Scenario, week: int, headline: Headline) -> None:
    """The animated view at `week`: Play/Pause, the headline, the wheel, the loop strengths
    and the nine charts (the whole run faded, a playhead at the week)."""
    component()(
        payload=cached_payload(current, scenario, headline),
        week=week,
        playing=bool(st.session_state.get("playing")),
        key=KEY,
        default=None,
        on_change=_from_browser,
    )
