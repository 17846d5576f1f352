"""Real headless Chromium: open the app, move a lever, see a KPI change, save a screenshot;
a large fan on the worker processes; Watch it turn playing in the page at two widths;
nothing cut off at 1280 px."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import (
    CHROMIUM_ARGS,
    CLIPPED_CHART_TEXT,
    OVERFLOWING_CHARTS,
    TEXT_OUTSIDE,
    margin_target_slider,
    streamlit_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
TIMEOUT_MS = 90_000


@contextlib.contextmanager
def app_page(
    chromium_path: str, log: Path, width: int = 1400, height: int = 1000, replications: int = 20
) -> Iterator[Any]:
    """A page of the app on a real server, open once its first KPI shows."""
    from playwright.sync_api import expect, sync_playwright

    with streamlit_server(log, replications=replications) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def test_moving_a_lever_changes_a_kpi(chromium_path, tmp_path):
    from playwright.sync_api import expect

    with app_page(chromium_path, tmp_path / "server.log") as page:
        # the viewer's toolbar (.streamlit/config.toml): no "Deploy" button for newcomers
        expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
        price = page.get_by_test_id("stMetric").filter(has_text="Price index, end")
        value = price.get_by_test_id("stMetricValue")
        expect(value).to_have_text(re.compile(r"^\d\.\d{3}$"), timeout=TIMEOUT_MS)
        before = value.inner_text()
        slider = margin_target_slider(page)
        slider.focus()
        slider.press("End")  # to the top of its range: a 30 % target margin
        expect(value).not_to_have_text(before, timeout=TIMEOUT_MS)
        after = value.inner_text()
        assert float(after) > float(before)  # a higher target margin -> higher prices
        # The group stays open (it once collapsed on the first change, when a rename made
        # it a new expander) and the same slider moves again without reopening it.
        expect(slider).to_be_visible()
        slider.press("Home")
        expect(value).not_to_have_text(after, timeout=TIMEOUT_MS)
        # Closed, the group draws no widgets and its title says what changed in it; opened
        # again, its slider shows the value it was left at (-0.1, the bottom of its range).
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text(re.compile(r"^B5 · margin squeeze")).click()
        expect(sidebar.get_by_text("B5 · margin squeeze · 1 changed")).to_be_visible()
        expect(slider).to_have_count(0, timeout=TIMEOUT_MS)
        # A click that lands while the closing rerun still redraws the sidebar can be lost
        # (the group's label changed, so Streamlit replaces its expander): a person clicks
        # again, and so does this test, a few times at most.
        closed = sidebar.get_by_text("B5 · margin squeeze · 1 changed")
        for _ in range(5):
            if not closed.count():  # opened (its closed-state label is gone): no more clicks
                break
            closed.click()
            try:
                expect(slider).to_have_count(1, timeout=15_000)
                break
            except AssertionError:
                continue
        expect(slider).to_have_attribute(
            "aria-valuetext", re.compile(r"^-0\.10*$"), timeout=TIMEOUT_MS
        )
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "lever_moved.png"), full_page=True)
        assert (tmp_path / "lever_moved.png").stat().st_size > 10_000


def test_a_large_fan_runs_on_the_worker_processes_of_a_real_server(
    chromium_path, tmp_path, monkeypatch
):
    """200 replications, the app's default: once the spawned workers are up, a lever move
    runs the fan on them (the Monte Carlo settings say so) and the KPIs follow."""
    from playwright.sync_api import expect

    monkeypatch.setenv("FLYWHEEL_APP_WORKERS", "2")  # whatever this machine's core count
    log = tmp_path / "server.log"
    with app_page(chromium_path, log, replications=200) as page:
        value = (
            page.get_by_test_id("stMetric")
            .filter(has_text="Price index, end")
            .get_by_test_id("stMetricValue")
        )
        expect(value).to_have_text(re.compile(r"^\d\.\d{3}$"), timeout=TIMEOUT_MS)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Monte Carlo settings").click()
        slider = margin_target_slider(page)
        on_workers = sidebar.get_by_text("Runs on 2 worker processes")

        moves = [0]

        def move() -> None:  # the group stays open: moving a lever renames nothing
            # five steps up, then five down, and so on: the target margin moves between the
            # preset and 5 points above it, never into the end of its range (where a press
            # would change nothing), and each move shifts the price index by a few percent
            slider.focus()
            key = "ArrowRight" if moves[0] % 2 == 0 else "ArrowLeft"
            moves[0] += 1
            for _ in range(5):
                slider.press(key)

        for _ in range(30):  # each move reruns the app, which reports where fans run
            before = value.inner_text()
            move()
            expect(value).not_to_have_text(before, timeout=TIMEOUT_MS)
            if on_workers.count():
                break
            page.wait_for_timeout(1000)
        expect(on_workers).to_have_count(1)
        # one more move, now surely on the workers
        before = value.inner_text()
        move()
        expect(value).not_to_have_text(before, timeout=TIMEOUT_MS)
        expect(page.get_by_test_id("stException")).to_have_count(0)
    text = log.read_text()
    assert "Traceback" not in text and "worker processes failed" not in text, text[-3000:]


WATCH_FRAME = '[data-testid="stCustomComponentV1"]'  # Watch it turn's page (flywheel.ui.playback)
# Per chart of the playback, how many of its lines and bands are drawn with a long path
# (over the whole run, not a few weeks): at week 0 none may be empty.
DRAWN_MARKS = """() => Array.from(document.querySelectorAll('.chart svg')).map(svg =>
    Array.from(svg.querySelectorAll('g.mark-area path, g.mark-line path'))
        .filter(path => (path.getAttribute('d') || '').length > 400).length)"""
# Text of the playback's charts and diagram outside its SVG (cut off), as CLIPPED_CHART_TEXT
CLIPPED_PLAYBACK_TEXT = (
    """() => Array.from(document.querySelectorAll('svg')).flatMap(svg => ("""
    + TEXT_OUTSIDE
    + """)(svg, svg.getBoundingClientRect()))"""
)
# The smallest drawn size (CSS px) of the diagram's node labels
DIAGRAM_TEXT_PX = """() => Math.min(...Array.from(document.querySelectorAll('#diagram rect + text'))
    .map(text => text.getBoundingClientRect().height))"""


def playback_frame(page: Any) -> Any:
    """The Watch it turn page's frame, once it has drawn its first week."""
    from playwright.sync_api import expect

    element = page.locator(WATCH_FRAME)
    expect(element).to_be_visible(timeout=TIMEOUT_MS)
    frame = element.element_handle().content_frame()
    frame.wait_for_function("() => +document.body.dataset.frames >= 1", timeout=TIMEOUT_MS)
    return frame


def test_watch_it_turn_plays_the_whole_run_in_the_browser(chromium_path, tmp_path):
    """Watch it turn at week 0 shows every chart over the whole run (none empty) and the
    wheel, at 1280 px and at 800 px (the sidebar closed, as on a projector) with no text cut
    off and the diagram's labels readable. Play moves the playhead in the page, frame after
    frame, with no rerun of the app; Pause holds it and hands the week to the slider; played
    near the end, it stops at the last week."""
    from playwright.sync_api import expect

    with app_page(chromium_path, tmp_path / "server.log", width=1280, height=1000) as page:
        page.get_by_role("tab", name="Watch it turn").click()
        frame = playback_frame(page)
        body = frame.locator("body")
        expect(body).to_have_attribute("data-week", "0")
        expect(frame.get_by_text(re.compile(r"^Week 0 \("))).to_be_visible()
        for width in (1280, 800):
            page.set_viewport_size({"width": width, "height": 1000})
            if width < 1000:  # the app closes the sidebar below 1000 px (flywheel.ui.layout)
                sidebar = page.get_by_test_id("stSidebar")
                expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=TIMEOUT_MS)
            # Vega lays the charts out again at the new width: wait until all ten are drawn
            frame.wait_for_function(
                f"() => ({DRAWN_MARKS})().filter(n => n >= 2).length == 10", timeout=TIMEOUT_MS
            )
            assert frame.evaluate(CLIPPED_PLAYBACK_TEXT) == [], width
            assert frame.evaluate(DIAGRAM_TEXT_PX) >= 11, width
        frames = int(body.get_attribute("data-frames"))
        frame.get_by_role("button", name="Play").click()
        expect(frame.get_by_role("button", name="Pause")).to_be_visible()
        # ten frames more, each a step of 4 weeks, by the page's own timer
        frame.wait_for_function(
            f"() => +document.body.dataset.frames >= {frames + 10}", timeout=TIMEOUT_MS
        )
        week = int(body.get_attribute("data-week"))
        assert week >= 36 and week % 4 == 0
        frame.get_by_role("button", name="Pause").click()
        expect(frame.get_by_role("button", name="Play")).to_be_visible()
        paused = int(body.get_attribute("data-week"))
        assert paused >= week
        # every chart's playhead at the paused week, those scrolled out of sight too
        frame.wait_for_function(
            "() => window.playback.views.every(view => view.signal('playhead')"
            " === window.playback.data.week_ms[window.playback.week])",
            timeout=TIMEOUT_MS,
        )
        week_slider = page.get_by_test_id("stSlider").filter(has_text="Week")
        expect(week_slider.get_by_test_id("stSliderThumbValue")).to_have_text(str(paused))
        assert int(body.get_attribute("data-week")) == paused  # paused: the week stays
        slider = week_slider.get_by_role("slider")
        slider.focus()
        slider.press("End")
        expect(body).to_have_attribute("data-week", "519", timeout=TIMEOUT_MS)
        expect(frame.get_by_text(re.compile(r"^Week 519 \("))).to_be_visible()
        slider.press("PageDown")  # a little before the end: a few frames left to play
        expect(body).not_to_have_attribute("data-week", "519", timeout=TIMEOUT_MS)
        frame.get_by_role("button", name="Play").click()  # plays on to the end and stops
        expect(body).to_have_attribute("data-week", "519", timeout=TIMEOUT_MS)
        expect(frame.get_by_role("button", name="Play")).to_be_visible(timeout=TIMEOUT_MS)
        expect(week_slider.get_by_test_id("stSliderThumbValue")).to_have_text(
            "519", timeout=TIMEOUT_MS
        )
        expect(page.get_by_test_id("stException")).to_have_count(0)


TRUNCATED_KPIS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMetricValue"] div, [data-testid="stMetricLabel"] p'
)).filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
# How far the rightmost chart stops short of the main column's right edge.
GRID_GAP_RIGHT = """() => {
    const column = document.querySelector('[data-testid="stMainBlockContainer"]');
    const right = column.getBoundingClientRect().right
        - parseFloat(getComputedStyle(column).paddingRight);
    const charts = Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'));
    return right - Math.max(...charts.map(chart => chart.getBoundingClientRect().right));
}"""


def test_nothing_is_cut_off_on_a_1280_pixel_screen(chromium_path, tmp_path):
    """With the sidebar open on a 1280-pixel-wide screen, every chart of the Dashboard, the
    Compare tab and Events fits the main column, no text of a chart lies
    outside it (an axis title or legend entry cut off), and no KPI value is truncated
    ("$20.2…")."""
    from playwright.sync_api import expect

    with app_page(chromium_path, tmp_path / "server.log", width=1280, height=900) as page:
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        page.wait_for_timeout(1500)  # Vega lays the charts out after the data arrives
        assert page.evaluate(OVERFLOWING_CHARTS) == []
        assert page.evaluate(CLIPPED_CHART_TEXT) == []
        assert page.evaluate(TRUNCATED_KPIS) == []
        page.get_by_role("tab", name="Compare").click()
        panel = page.get_by_role("tabpanel", name="Compare")
        expect(panel.get_by_test_id("stVegaLiteChart").nth(1)).to_be_visible(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        assert page.evaluate(OVERFLOWING_CHARTS) == []
        assert page.evaluate(CLIPPED_CHART_TEXT) == []
        page.get_by_role("tab", name="Events").click()  # the timeline's labels and rows
        panel = page.get_by_role("tabpanel", name="Events")
        expect(panel.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        assert page.evaluate(OVERFLOWING_CHARTS) == []
        assert page.evaluate(CLIPPED_CHART_TEXT) == []


def test_the_chart_grid_follows_the_screen_from_1024_to_1920_pixels(chromium_path, tmp_path):
    """The Dashboard's nine charts, three a row: on a 1024-pixel projector with the sidebar
    open none runs past the page and no chart text is cut off; on a 1920-pixel monitor the rows
    reach the page's right edge (a fixed-width facet filled less than half of it)."""
    from playwright.sync_api import expect

    with app_page(chromium_path, tmp_path / "server.log", width=1024, height=900) as page:
        expect(page.get_by_test_id("stVegaLiteChart").nth(8)).to_be_visible(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        assert page.evaluate(OVERFLOWING_CHARTS) == []
        assert page.evaluate(CLIPPED_CHART_TEXT) == []
        page.set_viewport_size({"width": 1920, "height": 1000})
        page.wait_for_timeout(1500)  # the charts take their columns' new width
        assert page.evaluate(OVERFLOWING_CHARTS) == []
        assert 0 <= page.evaluate(GRID_GAP_RIGHT) < 40
