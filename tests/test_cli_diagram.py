"""`flywheel diagram`: the app's loop diagram (the wheel) at one week, as PNG, SVG or DOT."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest

import flywheel
from flywheel.plots import diagram
from flywheel.results.provenance_files import read_png
from flywheel.scenario.loading import scenario_to_toml

Cli = Callable[..., subprocess.CompletedProcess[str]]
WEEKS = 40


@pytest.fixture
def short_toml(tmp_path: Path, scenario_factory: Callable[..., flywheel.Scenario]) -> Path:
    path = tmp_path / "short.toml"
    scenario = scenario_factory(name="short", horizon_weeks=WEEKS, knockouts=["R5"])
    path.write_text(scenario_to_toml(scenario), encoding="utf-8")
    return path


def test_diagram_writes_the_wheel_as_svg_png_and_dot(cli: Cli, short_toml: Path, tmp_path):
    svg = tmp_path / "wheel.svg"
    result = cli("diagram", short_toml, "--week", "30", "--replications", "3", "--out", svg)
    assert result.returncode == 0, result.stderr
    assert f"wrote {svg}" in result.stdout
    root = ElementTree.fromstring(svg.read_text())
    links = {p.get("data-loop"): p for p in root.iter() if p.get("data-loop")}
    assert set(links) == {loop for *_, loop in diagram.EDGES if loop}
    assert links["R2"].get("stroke") == diagram.loop_colour("R2")
    assert links["R5"].get("data-cut") == "1"  # the scenario cuts R5
    widths = [float(p.get("stroke-width")) for loop, p in links.items() if loop != "R5"]
    assert max(widths) > 1.0  # some loop has strength at week 30

    png = tmp_path / "wheel.png"
    result = cli("diagram", short_toml, "--replications", "3", "--out", png)
    assert result.returncode == 0, result.stderr
    provenance, _ = read_png(png)
    assert provenance is not None and provenance["kind"] == "plot"
    assert provenance["settings"]["diagram_week"] == WEEKS - 1  # the last week by default

    dot = tmp_path / "wheel.dot"
    result = cli("diagram", short_toml, "--week", "0", "--replications", "2", "--out", dot)
    assert result.returncode == 0, result.stderr
    text = dot.read_text()
    assert text.startswith("digraph flywheel") and "week 0" in text and 'label="R5 cut"' in text


def test_diagram_refuses_a_week_past_the_run_and_a_wrong_suffix(cli: Cli, short_toml, tmp_path):
    out = tmp_path / "wheel.png"
    result = cli("diagram", short_toml, "--week", "40", "--out", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--week 40" in result.stderr and "weeks 0 to 39" in result.stderr
    result = cli("diagram", short_toml, "--out", tmp_path / "wheel.jpg")
    assert result.returncode == 2 and ".png or .svg or .dot" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))
