"""A real Streamlit server for the browser tests and the screenshot script."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flywheel.ui.layout import NARROW_SCREEN_PX

APP = Path(__file__).resolve().parents[2] / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]


@contextlib.contextmanager
def streamlit_server(log_path: Path, replications: int = 20) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port; yield its URL; SIGTERM it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "FLYWHEEL_APP_REPLICATIONS": str(replications)}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={port}",
                "--server.fileWatcherType=none",
                "--browser.gatherUsageStats=false",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=APP.parent,
            env=env,
        )
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"streamlit exited rc={process.returncode}, see {log_path}")
                with contextlib.suppress(OSError):
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                        if reply.status == 200:
                            break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit not ready in 60 s, see {log_path}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def open_sidebar(page: Any) -> None:
    """On a screen narrower than `NARROW_SCREEN_PX`, wait for the app to close the sidebar
    (`flywheel.ui.layout` does it once the page has loaded), then open it as a person would
    and wait until it is open (a Playwright page). Wider: it is open already."""
    if page.viewport_size["width"] >= NARROW_SCREEN_PX:
        return
    page.wait_for_function(f"() => !({SIDEBAR_IS_OPEN})()", timeout=90_000)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.wait_for_function(f"() => ({SIDEBAR_IS_OPEN})()", timeout=90_000)


def margin_target_slider(page: Any) -> Any:
    """The sidebar's target-margin slider, once its group (B5) is open and drawn: a closed group
    has no widgets, and opening one reruns the app to draw them (a Playwright page). A higher
    target margin means higher prices (issue 18: pass-through only sets how fast savings reach
    prices, so it barely moves the price at the end)."""
    from playwright.sync_api import expect

    open_sidebar(page)
    page.get_by_test_id("stSidebar").get_by_text("B5 · margin squeeze").click()
    slider = (
        page.get_by_test_id("stSlider")
        .filter(has_text="target operating margin share")
        .get_by_role("slider")
    )
    expect(slider).to_be_visible(timeout=90_000)
    return slider


def pass_through_slider(page: Any) -> Any:
    """The sidebar's pass-through slider, once its group (R3) is open and drawn (screenshots
    show R3 open; the lever tests move `margin_target_slider`, which moves the price more)."""
    from playwright.sync_api import expect

    open_sidebar(page)
    page.get_by_test_id("stSidebar").get_by_text("R3 · scale economics").click()
    slider = (
        page.get_by_test_id("stSlider").filter(has_text="pass through share").get_by_role("slider")
    )
    expect(slider).to_be_visible(timeout=90_000)
    return slider


# --- Layout measurements (issue 22, item 2): run with `page.evaluate(JS)` -------------------

# Text cut off or spilling over in the page: each element whose text overflows its box
# (`scrollWidth > clientWidth`): hidden, or cut with "…" (Streamlit's metric labels and buttons
# use `text-overflow: ellipsis`), or drawn over its neighbour; among KPI labels, values and
# deltas, tab and button labels, headings and expander titles, in the main column and the
# open sidebar. Returns "kind: text" strings (empty: none).
TRUNCATED_TEXT = """() => {
    const kinds = {
        'KPI label': '[data-testid="stMetricLabel"] *',
        'KPI value': '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *',
        'KPI delta': '[data-testid="stMetricDelta"] *',
        'button': 'button, button *',
        'tab': '[role="tab"], [role="tab"] *',
        'tab list': '[role="tablist"]',  // tabs scrolled out of sight
        'heading': 'h1, h2, h3, h4, h1 *, h2 *, h3 *, h4 *',
        'expander': '[data-testid="stExpander"] summary, [data-testid="stExpander"] summary *',
    };
    const cut = [];
    for (const [kind, selector] of Object.entries(kinds)) {
        for (const element of document.querySelectorAll(selector)) {
            if (!element.offsetParent || !element.textContent.trim()) continue;  // hidden
            const box = element.getBoundingClientRect();
            if (box.width === 0 || box.right <= 0) continue;  // in the closed sidebar
            if (element.scrollWidth > element.clientWidth + 1) {
                cut.push(kind + ': ' + element.textContent.trim());
            }
        }
    }
    return [...new Set(cut)];
}"""

# Vega's own truncation: a title, axis or legend label longer than its `limit` is cut and
# ends with "…" in the chart's SVG text. Returns those texts (empty: none).
VEGA_ELLIPSES = """() => Array.from(
    document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text')
).map(text => text.textContent).filter(text => text.trim().endsWith('…'))"""

# JavaScript: the non-empty text elements of `svg` drawn outside `box` (a rectangle of page
# coordinates), as their texts; 3 px allow for glyph boxes wider than the ink.
TEXT_OUTSIDE = """(svg, box) => Array.from(svg.querySelectorAll('text'))
    .filter(text => text.textContent.trim())
    .filter(text => {
        const r = text.getBoundingClientRect();
        return r.left < box.left - 3 || r.right > box.right + 3
            || r.top < box.top - 3 || r.bottom > box.bottom + 3;
    })
    .map(text => text.textContent)"""

# Text of a chart drawn outside its chart (an axis title or legend entry cut off by the SVG's
# box or by the chart element around it); 3 px allow for glyph boxes wider than the ink.
# Returns those texts (empty: none).
CLIPPED_CHART_TEXT = (
    """() => Array.from(
    document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')
).flatMap(svg => {
    const own = svg.getBoundingClientRect();
    const chart = svg.closest('[data-testid="stVegaLiteChart"]').getBoundingClientRect();
    const box = {left: Math.max(own.left, chart.left), right: Math.min(own.right, chart.right),
                 top: Math.max(own.top, chart.top), bottom: Math.min(own.bottom, chart.bottom)};
    return ("""
    + TEXT_OUTSIDE
    + """)(svg, box);
})"""
)

# How far each chart runs past the main column's right edge (content box), if it does.
OVERFLOWING_CHARTS = """() => {
    const column = document.querySelector('[data-testid="stMainBlockContainer"]');
    const style = getComputedStyle(column);
    const right = column.getBoundingClientRect().right - parseFloat(style.paddingRight);
    return Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
        .map(chart => chart.getBoundingClientRect().right - right)
        .filter(overflow => overflow > 1);
}"""

# Pairs of a chart's SVG texts (axis labels, titles, legend entries) whose drawn boxes overlap
# by more than 1.5 px, as "a | b" strings (empty: none). A rotated label's box is its own
# rectangle turned as drawn (its corners through the SVG's transform), not the larger upright
# box around it, so slanted labels side by side do not count as overlapping.
OVERLAPPING_CHART_TEXT = """() => {
    const corners = text => {
        const b = text.getBBox(), m = text.getScreenCTM();
        return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
                [b.x, b.y + b.height]].map(([x, y]) => [m.a * x + m.c * y + m.e,
                                                        m.b * x + m.d * y + m.f]);
    };
    // separating axes of two convex quadrilaterals: overlapping by more than 1.5 px on each
    const overlap = (p, q) => [p, q].every(quad => quad.every((point, i) => {
        const next = quad[(i + 1) % 4];
        let nx = next[1] - point[1], ny = point[0] - next[0];
        const length = Math.hypot(nx, ny) || 1;
        nx /= length; ny /= length;
        const project = pts => pts.map(([x, y]) => x * nx + y * ny);
        const a = project(p), b = project(q);
        return Math.min(Math.max(...a), Math.max(...b))
            - Math.max(Math.min(...a), Math.min(...b)) > 1.5;
    }));
    return Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"] svg'))
        .flatMap(svg => {
            const texts = Array.from(svg.querySelectorAll('text'))
                .filter(text => text.textContent.trim() && getComputedStyle(text).opacity !== '0')
                .map(text => [text.textContent, corners(text)]);
            const pairs = [];
            for (let i = 0; i < texts.length; i++) {
                for (let j = i + 1; j < texts.length; j++) {
                    if (overlap(texts[i][1], texts[j][1])) {
                        pairs.push(texts[i][0] + ' | ' + texts[j][0]);
                    }
                }
            }
            return pairs;
        });
}"""

# Whether the sidebar is open (drawn over or beside the content) now.
SIDEBAR_IS_OPEN = """() => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    return !!bar && bar.getBoundingClientRect().right > 50;
}"""

# The computed font size (CSS pixels) of the first KPI value and of the first chart title.
FONT_SIZES = """() => {
    const size = element => element ? parseFloat(getComputedStyle(element).fontSize) : null;
    const chartTitle = document.querySelector(
        '[data-testid="stVegaLiteChart"] svg .role-title-text text');
    return {
        kpi_value: size(document.querySelector('[data-testid="stMetricValue"]')),
        body: size(document.querySelector('[data-testid="stMarkdownContainer"] p')),
        chart_title: chartTitle ? parseFloat(chartTitle.getAttribute('font-size')
            || getComputedStyle(chartTitle).fontSize) : null,
    };
}"""


def layout_problems(page: Any) -> dict[str, list[str]]:
    """Every layout problem on the page now (a Playwright page): truncated text, Vega
    ellipses, chart text outside its chart, overlapping chart text and charts running past
    the main column; only the kinds that have any."""
    found = {
        "truncated": page.evaluate(TRUNCATED_TEXT),
        "vega_ellipsis": page.evaluate(VEGA_ELLIPSES),
        "clipped_chart_text": page.evaluate(CLIPPED_CHART_TEXT),
        "overlapping_chart_text": page.evaluate(OVERLAPPING_CHART_TEXT),
        "overflowing_charts": [str(x) for x in page.evaluate(OVERFLOWING_CHARTS)],
    }
    return {kind: problems for kind, problems in found.items() if problems}
