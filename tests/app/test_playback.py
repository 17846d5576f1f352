"""Watch it turn's playback, without a browser: the component's files, its charts' specs and
the per-week headlines (the browser test plays it: tests/app/test_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flywheel.plots import charts, diagram
from flywheel.plots import playback as plots_playback
from flywheel.scenario.schema import LOOP_IDS
from flywheel.ui import playback


def test_the_component_folder_is_written_once_with_the_bundle(tmp_path, monkeypatch):
    """The page, its script and the Vega bundle land in the cache folder; a second call
    builds nothing (the bundle takes ~8 s); the page loads both scripts it finds there."""
    import vl_convert

    calls = []

    def bundle() -> str:
        calls.append(1)
        return "window.vegaEmbed = function () {};"

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(vl_convert, "javascript_bundle", bundle)
    folder = playback.asset_folder()
    assert folder.parent == tmp_path / "flywheel"
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html",
        "playback.js",
        playback.BUNDLE,
    ]
    assert playback.asset_folder() == folder and len(calls) == 1
    page = (folder / "index.html").read_text()
    for script in (playback.BUNDLE, "playback.js"):
        assert f'<script src="{script}"></script>' in page
    assert not list(folder.glob("*.tmp"))


def test_an_unwritable_cache_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    import vl_convert

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda: "// bundle")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = playback.asset_folder()
    assert folder.is_relative_to(tmp_path / "tmp") and (folder / playback.BUNDLE).exists()


def test_a_headline_is_html_with_its_bold_and_nothing_else():
    assert playback.headline_html("Week 3: **R2 <marketplace>** & more") == (
        "Week 3: <b>R2 &lt;marketplace&gt;</b> &amp; more"
    )


@pytest.fixture(scope="module")
def summary():
    import dataclasses

    import flywheel
    from flywheel.results.summary import summarise

    base = flywheel.load_scenario(Path(__file__).resolve().parents[2] / "scenarios/baseline.toml")
    return summarise(flywheel.simulate(dataclasses.replace(base, horizon_weeks=120), 3, 0))


def test_playback_charts_keep_the_whole_run_under_a_veil_after_the_playhead(summary):
    made = plots_playback.playback_charts(summary, week=10)
    assert len(made) == 1 + len(charts.PANELS)
    times = plots_playback.week_ms(summary)
    for chart in made:
        spec = chart["spec"]
        assert spec["params"] == [{"name": "playhead", "value": int(times[10])}]
        *own, veil, rule = spec["layer"]
        assert own and all("transform" not in layer for layer in own)  # drawn whole
        assert veil["encoding"]["x2"] == {"datum": int(times[-1])}
        assert veil["mark"]["color"] == "white" and 0 < veil["mark"]["opacity"] < 1
        assert rule["mark"]["type"] == "rule"
        assert chart["columns"]["date"][0] == times[0]
    gains = made[0]["spec"]["layer"][0]["encoding"]
    assert gains["color"]["scale"]["range"] == [diagram.loop_colour(loop) for loop in LOOP_IDS]
    dashes = dict(
        zip(
            gains["strokeDash"]["scale"]["domain"],
            gains["strokeDash"]["scale"]["range"],
            strict=True,
        )
    )
    assert dashes["B4 seller crowding"] != [1, 0] and dashes["R2 marketplace"] == [1, 0]
    assert "dashed: balancing" in gains["color"]["legend"]["title"]


def test_the_payload_has_every_week_of_gains_and_headlines(summary):
    import dataclasses

    import flywheel
    from flywheel.ui.tabs_main import loop_headline

    base = flywheel.load_scenario(Path(__file__).resolve().parents[2] / "scenarios/baseline.toml")
    scenario = dataclasses.replace(base, horizon_weeks=120)
    data = playback.payload(summary, scenario, loop_headline)
    assert data["weeks"] == 120 and len(data["headlines"]) == len(data["week_ms"]) == 120
    assert data["headlines"][30].startswith("Week 30 (")
    for loop in LOOP_IDS:
        assert data["gains"][loop][30] == pytest.approx(
            summary.median(f"gain_{loop}", 30), abs=1e-4
        )
    assert data["scale"] > 0 and data["diagram"].startswith("<svg")
