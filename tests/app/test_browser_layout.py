"""Real headless Chromium, issue 22 item 2: at 800 and 1920 pixels nothing on the Dashboard,
Watch it turn, Compare and Why is truncated or overlapping (KPI labels and values, chart
titles, button and tab labels, Vega's own "…", chart text outside its chart), the sidebar
starts closed on the narrow screen, and presentation mode sets the type larger and still fits.
The measurements are `tests/app/browser.py`'s (`layout_problems`), for other tests to reuse."""

from __future__ import annotations

import re

import pytest
import test_browser
from browser import FONT_SIZES, SIDEBAR_IS_OPEN, layout_problems
from test_browser import TIMEOUT_MS, app_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
CHECKED_TABS = ("Dashboard", "Watch it turn", "Compare", "Why")
SETTLE_TRIES = 30  # of 0.5 s: Vega lays a chart out again once its column's width settles


def open_tab(page, tab: str) -> None:
    """Open a tab (Why: and explain the scenario), wait for its charts and for the run to end."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name=tab).click()
    panel = page.get_by_role("tabpanel", name=tab)
    if tab == "Why":
        panel.get_by_role("button", name="Explain this scenario").click()
    if tab == "Watch it turn":  # its charts and wheel are the playback page's (a component)
        test_browser.playback_frame(page)
    else:
        expect(panel.get_by_test_id("stVegaLiteChart").nth(1)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT_MS)


def playback_problems(page) -> list[str]:
    """Text of Watch it turn's playback page (charts and wheel) outside its drawing, once the
    page has settled (`test_browser.CLIPPED_PLAYBACK_TEXT` in the component's frame)."""
    frame = test_browser.playback_frame(page)
    problems = frame.evaluate(test_browser.CLIPPED_PLAYBACK_TEXT)
    for _ in range(SETTLE_TRIES):
        if not problems:
            break
        page.wait_for_timeout(500)
        problems = frame.evaluate(test_browser.CLIPPED_PLAYBACK_TEXT)
    return problems


def settled_problems(page) -> dict[str, list[str]]:
    """`layout_problems` once the page has settled: asked again while it finds any, up to
    `SETTLE_TRIES` times (a chart drawn before its column took its width is redrawn)."""
    problems = layout_problems(page)
    for _ in range(SETTLE_TRIES):
        if not problems:
            break
        page.wait_for_timeout(500)
        problems = layout_problems(page)
    return problems


def sidebar_is_open(page) -> bool:
    return page.evaluate(SIDEBAR_IS_OPEN)


@pytest.mark.parametrize("width", [800, 1920])
def test_nothing_is_truncated_or_overlapping_at_800_and_1920_pixels(chromium_path, tmp_path, width):
    from playwright.sync_api import expect

    with app_page(chromium_path, tmp_path / "server.log", width=width, height=1000) as page:
        if width < 1000:  # closed by the app's script (Streamlit's own "auto": at 768 and below)
            page.wait_for_function(f"() => !({SIDEBAR_IS_OPEN})()", timeout=TIMEOUT_MS)
        assert sidebar_is_open(page) == (width >= 1000)
        for tab in CHECKED_TABS:
            open_tab(page, tab)
            assert settled_problems(page) == {}, tab
            if tab == "Watch it turn":
                assert playback_problems(page) == [], tab
            else:
                assert page.get_by_test_id("stVegaLiteChart").count() > 0
        # the Play button reads "Play" whole (it shrank to "▷ P" in an 800-pixel column)
        page.get_by_role("tab", name="Watch it turn").click()
        play = test_browser.playback_frame(page).get_by_role("button", name=re.compile("Play"))
        expect(play).to_be_visible(timeout=TIMEOUT_MS)
        box = play.bounding_box()
        assert box is not None and box["width"] >= play.evaluate("b => b.scrollWidth") - 1
        expect(page.get_by_test_id("stException")).to_have_count(0)
        if width < 1000:  # a person can still open the sidebar, and it then stays open
            page.get_by_test_id("stExpandSidebarButton").click()
            page.wait_for_function(f"() => ({SIDEBAR_IS_OPEN})()", timeout=TIMEOUT_MS)
            page.wait_for_timeout(1000)  # the script's retries would have closed it by now
            assert sidebar_is_open(page)


def test_presentation_mode_sets_larger_type_that_still_fits(chromium_path, tmp_path):
    """The sidebar's toggle: larger page type and chart text (the link gets `present=1`); at
    800 pixels the Dashboard and Watch it turn then still have nothing cut off."""
    from playwright.sync_api import expect

    with app_page(chromium_path, tmp_path / "server.log", width=1280, height=1000) as page:
        open_tab(page, "Dashboard")
        normal = page.evaluate(FONT_SIZES)
        page.get_by_test_id("stSidebar").get_by_text("Presentation mode").click()
        page.wait_for_function(
            f"() => ({FONT_SIZES})().body > {normal['body'] * 1.2}", timeout=TIMEOUT_MS
        )
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT_MS)
        page.wait_for_function(
            f"() => ({FONT_SIZES})().chart_title > {normal['chart_title'] * 1.2}",
            timeout=TIMEOUT_MS,
        )
        larger = page.evaluate(FONT_SIZES)
        assert larger["kpi_value"] > normal["kpi_value"]
        assert "present=1" in page.url
        assert settled_problems(page) == {}
        page.set_viewport_size({"width": 800, "height": 1000})
        page.wait_for_function(f"() => !({SIDEBAR_IS_OPEN})()", timeout=TIMEOUT_MS)
        for tab in ("Dashboard", "Watch it turn"):
            open_tab(page, tab)
            assert settled_problems(page) == {}, tab
        assert playback_problems(page) == []
        # a fresh page from the link opens in presentation mode
        page.goto(page.url)
        expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=TIMEOUT_MS)
        page.wait_for_function(
            f"() => ({FONT_SIZES})().body > {normal['body'] * 1.2}", timeout=TIMEOUT_MS
        )
        expect(page.get_by_test_id("stException")).to_have_count(0)
