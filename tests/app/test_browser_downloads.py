"""Real headless Chromium at two widths (issue 22 items 6 and 7): a lower price index shows a
green down arrow, the Files tab's wide CSV downloads with one row per week, and *Delete picked
event* is disabled until an event is picked."""

from __future__ import annotations

import csv
import re

import pytest
from browser import margin_target_slider
from test_browser import TIMEOUT_MS, app_page

from flywheel import load_scenario

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _rgb(colour: str) -> tuple[int, ...]:
    """(r, g, b) of a CSS colour as the browser computes it ("rgb(33, 195, 84)")."""
    return tuple(int(part) for part in re.findall(r"\d+", colour)[:3])


@pytest.mark.parametrize("width", [800, 1280])
def test_price_colour_wide_csv_and_delete_in_a_real_browser(
    chromium_path,
    tmp_path,
    width,
):
    from playwright.sync_api import expect

    weeks = load_scenario("scenarios/baseline.toml").horizon_weeks
    with app_page(chromium_path, tmp_path / "server.log", width=width) as page:
        price = page.get_by_test_id("stMetric").filter(has_text="Price index, end")
        slider = margin_target_slider(page)
        slider.focus()
        slider.press("Home")  # the lowest target margin: lower prices than the preset's
        delta = price.get_by_test_id("stMetricDelta")
        expect(delta).to_have_text(re.compile(r"^-0\.\d{3}$"), timeout=TIMEOUT_MS)
        red, green, _blue = _rgb(delta.evaluate("e => getComputedStyle(e).color"))
        assert green > red, "a lower price index is good news: green, not red"
        expect(delta.locator("svg")).to_have_count(1)  # its arrow

        page.get_by_role("tab", name="Files").click()
        button = page.get_by_role("button", name=re.compile(r"CSV, wide"))
        expect(button).to_be_visible(timeout=TIMEOUT_MS)
        assert button.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # label not cut
        with page.expect_download(timeout=TIMEOUT_MS) as download:
            button.click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.name == "baseline_results_wide.csv"
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][:3] == ["week", "date", "market_q05"]
        assert len(rows) == 1 + weeks and not rows[1][0].startswith("#")

        page.get_by_role("tab", name="Events").click()
        delete = page.get_by_role("button", name="Delete picked event")
        expect(delete).to_be_disabled(timeout=TIMEOUT_MS)
        expect(page.get_by_text(re.compile(r"^Pick an event in the Event list"))).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
