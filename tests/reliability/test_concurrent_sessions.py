"""Several live browser sessions on one real `streamlit run` server keep their state apart:
each moves its own lever and sees its own KPI, unaffected by the others."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from browser import CHROMIUM, CHROMIUM_ARGS, margin_target_slider, streamlit_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SESSIONS = 3
TIMEOUT_MS = 120_000


def test_concurrent_sessions_keep_their_own_state(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    with streamlit_server(tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            # one browser context per user: separate cookies, separate Streamlit sessions,
            # all open on the server at the same time
            pages = [
                browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                for _ in range(SESSIONS)
            ]
            for page in pages:
                page.goto(url)
            values = []
            for page in pages:
                kpi = page.get_by_test_id("stMetric").filter(has_text="Price index, end")
                value = kpi.get_by_test_id("stMetricValue")
                expect(value).to_have_text(re.compile(r"^\d\.\d{3}$"), timeout=TIMEOUT_MS)
                values.append(value)
            start = [float(v.inner_text()) for v in values]
            assert len(set(start)) == 1  # same preset, same seed: same number everywhere
            # session 0 pushes the target margin to its top, session 1 to its bottom, session 2
            # leaves it alone
            for page, key in ((pages[0], "End"), (pages[1], "Home")):
                slider = margin_target_slider(page)
                slider.focus()
                slider.press(key)
            expect(values[0]).not_to_have_text(f"{start[0]:.3f}", timeout=TIMEOUT_MS)
            expect(values[1]).not_to_have_text(f"{start[1]:.3f}", timeout=TIMEOUT_MS)
            pages[2].reload()  # a rerun of the untouched session must not pick up the others
            kpi = pages[2].get_by_test_id("stMetric").filter(has_text="Price index, end")
            expect(kpi.get_by_test_id("stMetricValue")).to_have_text(
                f"{start[2]:.3f}", timeout=TIMEOUT_MS
            )
            high_margin, low_margin = float(values[0].inner_text()), float(values[1].inner_text())
            assert low_margin < start[2] < high_margin
            for page in pages:
                expect(page.get_by_test_id("stException")).to_have_count(0)
        finally:
            browser.close()
