"""Watch it turn's Play in a real browser: frames a second, as a person sees them (issue 22).

Run: .venv/bin/python bench/app_play.py [seconds]   (default 6 s of playing per width)
Starts `streamlit run app.py` (20 replications: the frame rate does not depend on them),
opens headless Chromium (/usr/bin/chromium) at 1280 and 1920 px, opens Watch it turn, presses
Play and counts the frames the page draws (`window.playback.frames`, incremented when every
chart and the diagram show the new week) over the page's own clock. The issue's target:
Play >= 5 frames a second. Prints one line per width and the load average, for
bench/RESULTS.md. Measures only: the tests (tests/app/test_browser.py) assert that frames
advance, never how fast.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's flywheel, not an installed one
sys.path.insert(0, str(ROOT / "tests" / "app"))
from browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

WIDTHS = (1280, 1920)
TARGET_FRAMES_PER_SECOND = 5.0
FRAME = '[data-testid="stCustomComponentV1"]'
SAMPLE = "() => [window.playback.frames, performance.now(), window.playback.week]"


def seconds_argument() -> float:
    text = sys.argv[1] if len(sys.argv) > 1 else "6"
    try:
        seconds = float(text)
    except ValueError:
        sys.exit(f"seconds = {text!r}: expected a number from 1 to 60")
    if not 1 <= seconds <= 60:
        sys.exit(f"seconds = {text!r}: expected a number from 1 to 60")
    return seconds


def play_rate(page, seconds: float) -> tuple[float, float]:
    """(frames a second, weeks a second) while playing for `seconds` from week 0."""
    page.get_by_role("tab", name="Watch it turn").click()
    element = page.locator(FRAME)
    element.wait_for(timeout=120_000)
    frame = element.element_handle().content_frame()
    frame.wait_for_function("() => window.playback && window.playback.frames >= 1", timeout=120_000)
    frame.get_by_role("button", name="Play").click()
    frame.wait_for_function("() => window.playback.frames >= 3", timeout=120_000)
    frames0, clock0, week0 = frame.evaluate(SAMPLE)
    time.sleep(seconds)  # a bench, not a test: it measures a rate over a stretch of time
    frames1, clock1, week1 = frame.evaluate(SAMPLE)
    elapsed = (clock1 - clock0) / 1000
    frame.get_by_role("button", name="Pause").click()
    return (frames1 - frames0) / elapsed, (week1 - week0) / elapsed


def main() -> None:
    from playwright.sync_api import sync_playwright

    seconds = seconds_argument()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium)")
    load = os.getloadavg()[0]
    print(
        f"app_play {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC {platform.machine()} "
        f"cpus={os.cpu_count()} load={load:.2f}, {seconds:g} s of Play per width"
    )
    with (
        streamlit_server(Path("/tmp") / f"app_play_{os.getpid()}.log") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 1000})
                page.goto(url)
                page.get_by_test_id("stMetricValue").first.wait_for(timeout=120_000)
                frames, weeks = play_rate(page, seconds)
                verdict = "meets" if frames >= TARGET_FRAMES_PER_SECOND else "misses"
                print(
                    f"  {width} px: {frames:.1f} frames/s ({weeks:.0f} weeks/s); {verdict} "
                    f"the target of {TARGET_FRAMES_PER_SECOND:g} frames/s"
                )
                page.close()
        finally:
            browser.close()
    print(f"  load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
