"""Real headless Chromium, the Workshop tab: the Amazon session's first step shows its charts
against the record and its key years with nothing cut off and no table to scroll, on a
1024-pixel projector with the sidebar open and on a 1920-pixel monitor."""

from __future__ import annotations

import pytest
from browser import layout_problems
from test_browser import TIMEOUT_MS, app_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Each table's scroller (Glide data grid) against its visible box: a table that needs scrolling
# to reach its last row (2024, the year the questions ask about) or its last column.
SCROLLED_TABLES = """() => {
    const scrollers = Array.from(
        document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller'));
    const scrolled = scrollers.filter(
        s => s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1);
    return [scrollers.length, scrolled.length];
}"""


@pytest.mark.parametrize("width", [1024, 1920])
def test_an_amazon_step_shows_the_record_and_2024_without_scrolling(chromium_path, tmp_path, width):
    from playwright.sync_api import expect

    with app_page(chromium_path, tmp_path / "server.log", width=width, height=1000) as page:
        page.get_by_role("tab", name="Workshop").click()
        panel = page.get_by_role("tabpanel", name="Workshop")
        panel.get_by_test_id("stSelectbox").first.click()
        page.get_by_role(
            "option", name="The Amazon flywheel, 1996-2024: what made it turn?"
        ).click()
        expect(panel.get_by_text("time box 10 min (minutes 5–15 of 60)")).to_be_visible(
            timeout=TIMEOUT_MS
        )
        charts, tables = (
            panel.get_by_test_id("stVegaLiteChart"),
            panel.get_by_test_id("stDataFrame"),
        )
        expect(charts).to_have_count(3, timeout=TIMEOUT_MS)
        expect(tables).to_have_count(3, timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)  # Vega lays the charts out after the data arrives
        assert layout_problems(page) == {}  # nothing truncated, clipped or overlapping
        assert page.evaluate(SCROLLED_TABLES) == [3, 0]  # three tables, none scrolls
        titles = page.evaluate(
            "() => Array.from(document.querySelectorAll('.role-title-text'), t => t.textContent)"
        )
        assert "Net sales (USD million) (log scale)" in titles and len(titles) >= 3
        assert not [t for t in titles if t.endswith("…")]
