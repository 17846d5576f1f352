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


def margin_target_slider(page: Any) -> Any:
    """The sidebar's target-margin slider, once its group (B5) is open and drawn: a closed group
    has no widgets, and opening one reruns the app to draw them (a Playwright page). A higher
    target margin means higher prices (issue 18: pass-through only sets how fast savings reach
    prices, so it barely moves the price at the end)."""
    from playwright.sync_api import expect

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

    page.get_by_test_id("stSidebar").get_by_text("R3 · scale economics").click()
    slider = (
        page.get_by_test_id("stSlider").filter(has_text="pass through share").get_by_role("slider")
    )
    expect(slider).to_be_visible(timeout=90_000)
    return slider
