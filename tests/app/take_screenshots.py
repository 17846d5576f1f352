"""Screenshots of every tab into docs/screenshots/ (headless Chromium, 50 replications).

Run: .venv/bin/python tests/app/take_screenshots.py   (not a test; needs /usr/bin/chromium)
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import CHROMIUM, CHROMIUM_ARGS, pass_through_slider, streamlit_server  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TABS = ["Dashboard", "Watch it turn", "Compare", "Why", "Decide", "Events", "Files", "Workshop"]
TIMEOUT_MS = 240_000
VIEWPORT = {"width": 1500, "height": 1100}
# Streamlit scrolls its main area in an element of its own, so Playwright's full_page shot
# holds only the first viewport: the window is made as tall as that element's content instead.
CONTENT_HEIGHT_JS = """
() => Math.max(...Array.from(document.querySelectorAll('[data-testid="stMain"], section'))
  .map(e => e.scrollHeight + e.getBoundingClientRect().top))
"""


def whole_page_screenshot(page, path: Path) -> None:
    """A PNG of the page's whole content (the window stretched to it, then back)."""
    height = max(VIEWPORT["height"], int(page.evaluate(CONTENT_HEIGHT_JS)))
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    page.wait_for_timeout(1500)  # charts resize to the new window
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)


def main() -> None:
    """Open the app, visit each tab (running the Why analysis), save one PNG per tab."""
    from playwright.sync_api import expect, sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    log = Path(tempfile.mkdtemp()) / "server.log"
    with streamlit_server(log, replications=50) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url)
        expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=TIMEOUT_MS)
        pass_through_slider(page)  # R3 open in every screenshot
        for tab in TABS:
            page.get_by_role("tab", name=tab).click()
            panel = page.get_by_role("tabpanel", name=tab)
            if tab == "Watch it turn":
                slider = panel.get_by_test_id("stSlider").get_by_role("slider")
                slider.focus()
                for _ in range(12):
                    slider.press("PageUp")
                # the playback page (flywheel.ui.playback) draws the week the slider asks for
                frame = page.frame_locator('[data-testid="stCustomComponentV1"]')
                expect(frame.locator("body")).not_to_have_attribute(
                    "data-week", re.compile(r"^(-1|0)$"), timeout=TIMEOUT_MS
                )
            if tab == "Dashboard":  # the lever ranking, once the levers have rested
                expect(panel.get_by_text("+10 % on").first).to_be_visible(timeout=TIMEOUT_MS)
            if tab == "Why":
                panel.get_by_role("button", name="Explain this scenario").click()
                charts = panel.get_by_test_id("stVegaLiteChart")
                expect(charts.nth(1)).to_be_visible(timeout=TIMEOUT_MS)  # waterfall, tornado
            if tab == "Workshop":  # the Amazon session, its second step applied
                panel.get_by_test_id("stSelectbox").first.click()
                page.get_by_role(
                    "option", name="The Amazon flywheel, 1996-2024: what made it turn?"
                ).click()
                panel.get_by_role("button", name="Next step →").click()
                panel.get_by_role("button", name="Apply this step").click()
                expect(panel.get_by_test_id("stDataFrame").first).to_be_visible(timeout=TIMEOUT_MS)
            page.wait_for_timeout(2500)  # let Vega finish drawing
            expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=TIMEOUT_MS)
            name = tab.lower().replace(" ", "_")
            whole_page_screenshot(page, OUT / f"{name}.png")
            print(f"saved {OUT / f'{name}.png'}")
        browser.close()


if __name__ == "__main__":
    main()
