"""The app's speed as a person sees it, in headless Chromium (Playwright, /usr/bin/chromium).

Measures, against running apps (`--url`, e.g. `make app`) or servers it starts of checkouts
(`--checkout DIR`, each its own flywheel; default this one; `tests/app/browser.py`'s
`streamlit_server`, the app's default 200 replications), one sample of each app in turn so
that the shared machine's load falls on all alike:

- lever key press -> KPI values changed, and -> page settled (every chart redrawn, the KPIs
  changed and no running indicator): a new scenario each press (a cache miss);
- first full Dashboard render after a fresh page load (a new browser context) on a warm server;
- tab switch (Dashboard -> Watch it turn, and back), until the tab's content has settled;
- Play's frame rate on Watch it turn (distinct weeks shown per second).

All times are taken in the page (`performance.now()`, a MutationObserver and the key's own
keydown event), so Playwright's polling does not add to them. "Settled" is the last change
inside a chart, a KPI value or the running indicator (`stStatusWidget`), once nothing has
changed for `QUIET_MS`. Prints a table (median, 90th percentile, targets of issue 22);
`--out FILE` also writes it as markdown.

Run: .venv/bin/python bench/app_browser.py [--repetitions 10] [--out FILE] [--url URL ...]
[--checkout DIR ...] (`make bench-app`); e.g. `--checkout ../main --checkout .` compares a
branch with main. The machine is shared: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "app"))  # browser.py: the tests' server and selectors
sys.path.insert(0, str(ROOT))  # the flywheel beside this script, for the server it starts

import app_play  # noqa: E402  (Play's frame count, beside this script)
import browser  # noqa: E402
from browser import CHROMIUM, CHROMIUM_ARGS, margin_target_slider, streamlit_server  # noqa: E402

from flywheel.ui.lever_ranking import CONTAINER_KEY  # noqa: E402

TIMEOUT_MS = 300_000  # a cold server compiles the step and starts its workers first
QUIET_MS = 600  # settled: nothing in a chart, a KPI or the status widget changed for this long
CHARTS = 9  # the Dashboard's fan grid
KPI_CARDS = 6
PLAY_SECONDS = 6.0
VIEWPORT = {"width": 1400, "height": 1000}
PRESS_TRIES = 3
# (measure, median target, 90th percentile target) in seconds or frames/s (issue 22)
TARGETS = {
    "lever key press -> KPI changed": (0.300, 0.500),
    "lever key press -> page settled": (0.700, 1.000),
    "first Dashboard render (fresh page, warm server)": (2.500, None),
    "tab switch -> Watch it turn": (1.000, None),
    "tab switch -> Dashboard": (1.000, None),
    "Play (frames/s)": (5.0, None),
    "lever key press -> lever ranking shown": (None, None),  # debounced, in the background
}
RANKING = f".st-key-{CONTAINER_KEY}"  # the lever ranking's own container (measured apart)
RANKING_CHART = f'{RANKING} [data-testid="stVegaLiteChart"] svg'
RANKING_SAMPLES = 3

# In the page: timestamps (performance.now(), ms) of what a person sees change.
MONITOR_JS = """
(() => {
  const fw = window.__fw = {t0: null, kpi: null, lastChart: null, lastKpi: null,
                            lastStatus: null, lastMain: null, chartsTouched: new Set(),
                            kpiBefore: null};
  const RANKING = 'RANKING_SELECTOR';
  const kpis = () => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
    .map(e => e.textContent).join('|');
  fw.arm = () => { fw.t0 = null; fw.kpi = null; fw.lastChart = null; fw.lastKpi = null;
                   fw.lastStatus = null; fw.lastMain = null; fw.chartsTouched = new Set();
                   fw.kpiBefore = kpis(); };
  const mark = () => { if (fw.t0 === null) fw.t0 = performance.now(); };
  document.addEventListener('keydown', mark, true);
  document.addEventListener('mousedown', mark, true);
  const observer = new MutationObserver(records => {
    const now = performance.now();
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (!node || node.closest(RANKING)) continue;  // the lever ranking: measured apart
      const chart = node.closest('[data-testid="stVegaLiteChart"]');
      if (chart) { fw.lastChart = now; fw.chartsTouched.add(chart); }
      for (const added of record.addedNodes) {
        if (added.nodeType === 1 && (added.matches('[data-testid="stVegaLiteChart"]') ||
            added.querySelector('[data-testid="stVegaLiteChart"]'))) fw.lastChart = now;
      }
      if (node.closest('[data-testid="stMetricValue"]')) fw.lastKpi = now;
      if (node.closest('[data-testid="stStatusWidget"]') ||
          Array.from(record.removedNodes).some(n => n.nodeType === 1 &&
            (n.matches('[data-testid="stStatusWidget"]') ||
             n.querySelector('[data-testid="stStatusWidget"]')))) fw.lastStatus = now;
      if (node.closest('[data-testid="stMain"]')) fw.lastMain = now;
    }
    if (fw.kpiBefore !== null && fw.kpi === null && kpis() !== fw.kpiBefore) fw.kpi = now;
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    if (status) fw.lastStatus = now;
  });
  const start = () => observer.observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.documentElement) start(); else addEventListener('DOMContentLoaded', start);
})();
""".replace("RANKING_SELECTOR", RANKING)
CHART_SIGNATURES_JS = """
() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"] svg'))
  .filter(svg => !svg.closest('RANKING_SELECTOR'))
  .map(svg => Array.from(svg.querySelectorAll('path')).map(p => p.getAttribute('d')).join(';'))
""".replace("RANKING_SELECTOR", RANKING)
STATE_JS = """
() => ({t0: __fw.t0, kpi: __fw.kpi, lastChart: __fw.lastChart, lastKpi: __fw.lastKpi,
        lastStatus: __fw.lastStatus, lastMain: __fw.lastMain, touched: __fw.chartsTouched.size,
        now: performance.now(),
        busy: document.querySelector('[data-testid="stStatusWidget"]') !== null})
"""


def wait_settled(page: Any, since: str = "t0", timeout_s: float = 300) -> dict[str, Any]:
    """Poll the monitor until the page has been quiet for `QUIET_MS` (no running indicator,
    no change in a chart, a KPI or the main area); the monitor's state, ms since navigation."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = page.evaluate(STATE_JS)
        latest = max(
            (
                state[key]
                for key in ("lastChart", "lastKpi", "lastStatus", "lastMain")
                if state[key]
            ),
            default=state[since] or 0.0,
        )
        if state[since] is not None and not state["busy"] and state["now"] - latest >= QUIET_MS:
            return state
        time.sleep(0.05)
    raise TimeoutError(f"the page did not settle in {timeout_s:.0f} s")


def settled_ms(state: dict[str, Any], keys: tuple[str, ...]) -> float:
    """The last change among `keys` (ms since navigation)."""
    return max(state[key] for key in keys if state[key] is not None)


def dashboard_ready(page: Any) -> None:
    """Wait until the Dashboard shows every KPI and every chart."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMetricValue")).to_have_count(KPI_CARDS, timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"() => ({CHART_SIGNATURES_JS})().length >= {CHARTS}", timeout=TIMEOUT_MS
    )


def lever_press(page: Any, slider: Any) -> tuple[float, float, int]:
    """Press ArrowRight on `slider` (a new scenario); seconds to the KPIs' change and to the
    settled page, and how many charts' drawings changed. A press the page lost (the slider
    redrawn under it, so no KPI changed) is pressed again, up to `PRESS_TRIES` times."""
    for _ in range(PRESS_TRIES):
        before = page.evaluate(CHART_SIGNATURES_JS)
        slider.focus()
        page.evaluate("__fw.arm()")
        slider.press("ArrowRight")
        state = wait_settled(page)
        if state["kpi"] is not None:
            break
    else:
        raise RuntimeError(f"{PRESS_TRIES} lever presses changed no KPI (the range's end?)")
    after = page.evaluate(CHART_SIGNATURES_JS)
    settled = settled_ms(state, ("kpi", "lastChart", "lastKpi", "lastStatus"))
    changed = sum(a != b for a, b in zip(before, after, strict=False))
    return (state["kpi"] - state["t0"]) / 1000, (settled - state["t0"]) / 1000, changed


def ranking_shown(page: Any, slider: Any) -> float:
    """Seconds from a lever key press to the Dashboard's lever ranking of the new scenario
    (it starts once the levers rest for a second and runs on the workers)."""
    lever_press(page, slider)
    page.wait_for_function(
        f"() => document.querySelector('{RANKING_CHART}') !== null", timeout=TIMEOUT_MS
    )
    return page.evaluate("(performance.now() - __fw.t0) / 1000")


def first_render(browser: Any, url: str) -> float:
    """Seconds from navigation to the settled Dashboard, in a fresh browser context."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(MONITOR_JS)
        page.goto(url)
        dashboard_ready(page)
        state = wait_settled(page, since="lastMain")
        return settled_ms(state, ("lastChart", "lastKpi", "lastStatus")) / 1000
    finally:
        context.close()


def tab_switch(page: Any, tab: str) -> float:
    """Seconds from a click on `tab` to its settled content."""
    page.evaluate("__fw.arm()")
    page.get_by_role("tab", name=tab).click()
    if tab == "Dashboard":
        dashboard_ready(page)
    state = wait_settled(page)
    return (settled_ms(state, ("lastMain", "lastStatus")) - state["t0"]) / 1000


def play_rate(page: Any) -> float:
    """Frames a second Watch it turn's player draws over `PLAY_SECONDS` after Play from week 0
    (`bench/app_play.py`'s count, in the component's page); then Pause and back to the
    Dashboard."""
    page.get_by_role("tab", name="Watch it turn").click()
    frames_per_second, _weeks_per_second = app_play.play_rate(page, PLAY_SECONDS)
    page.get_by_role("tab", name="Dashboard").click()
    dashboard_ready(page)
    wait_settled(page, since="lastMain")
    return frames_per_second


@contextmanager
def app_urls(urls: list[str], checkouts: list[Path], replications: int) -> Iterator[list[str]]:
    """`urls`, then a server of each checkout's app (its own flywheel) started for the run."""
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        started = []
        for number, checkout in enumerate(checkouts):
            browser.APP = checkout / "app.py"  # streamlit_server runs this script, from there
            os.environ["PYTHONPATH"] = str(checkout)  # and imports that checkout's flywheel
            log = Path(folder) / f"server{number}.log"
            started.append(stack.enter_context(streamlit_server(log, replications=replications)))
        yield urls + started


def measure(urls: list[str], repetitions: int) -> list[dict[str, list[float]]]:
    """Every measure's samples (seconds; frames/s for Play) of each app, interleaved: one
    sample of each app in turn, so that the shared machine's load falls on all alike."""
    from playwright.sync_api import sync_playwright

    samples: list[dict[str, list[float]]] = [{name: [] for name in TARGETS} for _ in urls]
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            pages = []
            for url in urls:
                page = chromium.new_page(viewport=VIEWPORT)
                page.add_init_script(MONITOR_JS)
                page.goto(url)
                dashboard_ready(page)  # a cold server: the step compiles, the workers start
                wait_settled(page, since="lastMain")
                slider = margin_target_slider(page)
                wait_settled(page, since="lastMain")  # the group's rerun drew it
                lever_press(page, slider)  # a warm-up (the workers' first fan, the group)
                pages.append((page, slider))
            for _ in range(repetitions):
                for (page, slider), got in zip(pages, samples, strict=True):
                    kpi, settled, changed = lever_press(page, slider)
                    got["lever key press -> KPI changed"].append(kpi)
                    got["lever key press -> page settled"].append(settled)
                    got.setdefault("charts changed", []).append(changed)
            for _ in range(RANKING_SAMPLES):
                for (page, slider), got in zip(pages, samples, strict=True):
                    got["lever key press -> lever ranking shown"].append(
                        ranking_shown(page, slider)
                    )
            for _ in range(max(3, repetitions // 2)):
                for (page, _slider), got in zip(pages, samples, strict=True):
                    for tab in ("Watch it turn", "Dashboard"):
                        got[f"tab switch -> {tab}"].append(tab_switch(page, tab))
            for _ in range(2):
                for (page, _slider), got in zip(pages, samples, strict=True):
                    got["Play (frames/s)"].append(play_rate(page))
            for page, _slider in pages:
                page.close()
            for _ in range(max(3, repetitions // 2)):
                for url, got in zip(urls, samples, strict=True):
                    name = "first Dashboard render (fresh page, warm server)"
                    got[name].append(first_render(chromium, url))
        finally:
            chromium.close()
    return samples


def table(samples: dict[str, list[float]]) -> str:
    """A markdown table: median, 90th percentile, n, the targets and whether they are met."""
    lines = [
        "| measure | median | p90 | n | target (median / p90) | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in samples.items():
        if name not in TARGETS:
            continue
        median, p90 = np.median(values), np.percentile(values, 90)
        goal, goal_p90 = TARGETS[name]
        rate = name.startswith("Play")
        if goal is None:  # no target: shown for what it is
            lines.append(
                f"| {name} | {median * 1000:.0f} ms | {p90 * 1000:.0f} ms | {len(values)} | "
                "none (debounced, never before the charts) | - |"
            )
            continue
        if rate:
            met = median >= goal
            shown = (f"{median:.1f}", f"{np.percentile(values, 10):.1f} (p10)")
        else:
            met = median <= goal and (goal_p90 is None or p90 <= goal_p90)
            shown = (f"{median * 1000:.0f} ms", f"{p90 * 1000:.0f} ms")
        target = f">= {goal:g}" if rate else f"<= {goal * 1000:.0f} ms"
        if goal_p90 is not None:
            target += f" / <= {goal_p90 * 1000:.0f} ms"
        lines.append(
            f"| {name} | {shown[0]} | {shown[1]} | {len(values)} | {target} | "
            f"{'yes' if met else 'no'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=10, help="lever presses (1-20)")
    parser.add_argument("--out", type=Path, help="also write the tables as markdown here")
    parser.add_argument(
        "--url", action="append", default=[], help="a running app (repeat to compare)"
    )
    parser.add_argument(
        "--checkout",
        action="append",
        type=Path,
        default=[],
        help="start the app of this checkout (repeat to compare; default: this one, "
        "unless --url is given)",
    )
    parser.add_argument("--replications", type=int, default=200, help="of the started servers")
    args = parser.parse_args()
    if not 1 <= args.repetitions <= 20:
        parser.error(f"--repetitions = {args.repetitions}: expected 1 to 20")
    checkouts = args.checkout or ([] if args.url else [ROOT])
    for checkout in checkouts:
        if not (checkout / "app.py").is_file():
            parser.error(f"--checkout = {str(checkout)!r}: no app.py there")
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)")
    load_before = os.getloadavg()
    start = dt.datetime.now(dt.UTC)
    with app_urls(args.url, checkouts, args.replications) as urls:
        samples = measure(urls, args.repetitions)
    names = args.url + [str(checkout.resolve()) for checkout in checkouts]
    header = (
        f"app_browser {start:%Y-%m-%d %H:%M}-{dt.datetime.now(dt.UTC):%H:%M} UTC, "
        f"{platform.node()} {platform.machine()} cpus={os.cpu_count()}, load average (1 min) "
        f"{load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; {args.repetitions} "
        f"lever presses each, interleaved; started servers: {args.replications} replications"
    )
    parts = [header]
    for name, got in zip(names, samples, strict=True):
        changed = got.get("charts changed", [])
        parts.append(
            f"**{name}** (charts whose drawing changed per lever press, of {CHARTS}: "
            f"{changed})\n\n{table(got)}"
        )
    text = "\n\n".join(parts) + "\n"
    print(text)
    if args.out:
        from flywheel.scenario.files import write_text_atomic

        write_text_atomic(args.out, text)


if __name__ == "__main__":
    main()
