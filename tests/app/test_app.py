"""AppTest: every tab and interaction of the Streamlit app (20 replications)."""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from flywheel.plots import export
from flywheel.plots.charts import PANEL_HEIGHT_PX, PANELS
from flywheel.plots.layout import readable
from flywheel.scenario.lever_groups import lever_groups
from flywheel.scenario.loading import load_scenario, parameter_bounds, parse_scenario_text
from flywheel.scenario.schema import LOOP_IDS, Levers, field_infos
from flywheel.scenario.story import STORY

TABS = ["Dashboard", "Watch it turn", "Compare", "Why", "Decide", "Events", "Files", "Workshop"]


def kpis(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def open_tab(at, label: str):
    """Switch to a tab as a click would: the tabs are lazy, only the open one runs."""
    at.session_state["tab"] = label
    return at.run()


def charts(at) -> list[str]:
    """The description of every Vega-Lite chart on the page, in order."""
    return [json.loads(chart.proto.spec)["description"] for chart in at.get("vega_lite_chart")]


def test_every_tab_renders_without_error(make_app):
    at = make_app()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == TABS
    assert len(at.metric) == 6
    assert charts(at) == ["fan bands"] * len(PANELS)  # one chart per panel, in order:
    titles = [json.loads(chart.proto.spec)["title"] for chart in at.get("vega_lite_chart")]
    assert [f"{t['text']} ({t['subtitle']})" for t in titles] == list(PANELS)
    drawn = {"Compare": []}  # Watch it turn draws its charts in its own page (playback)
    drawn["Compare"] = ["compare A/B"] * len(PANELS) + ["paired difference B - A"] * len(PANELS)
    drawn["Events"] = ["event timeline"]
    drawn["Workshop"] = ["workshop step against the record"] * len(STORY[0].outputs)
    for label in TABS[1:]:  # lazy tabs: each one runs when opened
        open_tab(at, label)
        assert not at.exception, label
        assert [tab.label for tab in at.tabs] == TABS
        assert charts(at) == drawn.get(label, []), label
        assert len(at.get("component_instance")) == (label == "Watch it turn")
    assert playback_args(open_tab(at, "Watch it turn"))["payload"]["diagram"].startswith("<svg")
    assert at.title[0].value.startswith("flywheel")
    open_tab(at, "Dashboard")
    assert len(at.metric) == 6 and not at.get("component_instance")  # hidden tabs do not run


def test_levers_come_from_the_schema_grouped_by_loop(make_app):
    at = make_app()
    titles = [expander.label for expander in at.sidebar.expander]
    for loop in LOOP_IDS:
        assert any(title.startswith(f"{loop} · ") for title in titles), loop
    assert any(title.startswith("General") for title in titles)
    infos = field_infos(Levers)
    shown = {spec.name for specs in lever_groups().values() for spec in specs}
    assert shown == set(infos)
    slider = at.slider(key="lever:pass_through_share")
    low, high = parameter_bounds(infos["pass_through_share"])
    assert (slider.min, slider.max, slider.value) == (low, high, 0.6)
    assert "share" in slider.label and "passed on" in slider.help
    wide = [spec for specs in lever_groups().values() for spec in specs if spec.is_wide]
    assert wide  # a range over orders of magnitude gets a number box, not a slider
    for spec in wide:
        assert at.number_input(key=spec.key).value == getattr(Levers(), spec.name)


def test_closed_lever_groups_draw_no_widgets_and_keep_their_values(make_app):
    """A newcomer finds every group closed, and none of their ~60 widgets is drawn (each rerun
    spares them). Opening a group draws its widgets; a lever moved there keeps its value once
    the group is closed again, whose title then says '· 1 changed'; Reset reaches the levers
    of closed groups."""

    def lever_widgets() -> list[str]:
        widgets = [*at.sidebar.slider, *at.sidebar.number_input, *at.sidebar.checkbox]
        return [w.key for w in widgets if w.key.startswith(("lever:", "cut:"))]

    at = make_app(groups_open=False)
    assert lever_widgets() == []
    # B5 holds the target margin, which moves the price at the end (pass-through barely
    # does since issue 18: it only sets how fast savings reach prices)
    at.session_state["open:B5"] = True
    at.run()
    b5 = [spec.key for spec in lever_groups()["B5"]]
    assert sorted(lever_widgets()) == sorted([*b5, "cut:B5"])
    at.slider(key="lever:target_operating_margin_share").set_value(0.12).run()
    assert at.slider(key="lever:target_operating_margin_share").value == 0.12  # still open
    assert "B5 · margin squeeze" in [e.label for e in at.sidebar.expander]  # no mark yet
    moved = kpis(at)["Price index, end"]
    at.session_state["open:B5"] = False
    at.run()
    assert lever_widgets() == []
    assert "B5 · margin squeeze · 1 changed" in [e.label for e in at.sidebar.expander]
    assert at.session_state["lever:target_operating_margin_share"] == 0.12
    assert kpis(at)["Price index, end"] == moved  # the closed group's lever still counts
    at.button(key="reset").click().run()
    assert at.session_state["lever:target_operating_margin_share"] == 0.04
    assert kpis(at)["Price index, end"] != moved


def test_lever_change_moves_kpis_against_the_preset(make_app):
    at = make_app()
    before = kpis(at)["Price index, end"]
    assert at.metric[4].delta in ("", None)  # no delta while the levers equal the preset
    at.slider(key="lever:target_operating_margin_share").set_value(0.15).run()
    assert not at.exception
    after = kpis(at)["Price index, end"]
    assert float(after) > float(before)  # a higher target margin -> higher prices (model.md)
    assert not at.metric[4].delta.startswith("-")
    at.session_state["open:B5"] = False  # a closed group's title says what changed in it
    at.run()
    assert any("1 changed" in e.label for e in at.sidebar.expander if e.label.startswith("B5"))


def test_cutting_a_loop_changes_the_outcome(make_app):
    at = make_app()
    sellers = float(kpis(at)["Sellers, end"].split()[0].replace(",", ""))
    at.checkbox(key="cut:R2").check().run()
    assert not at.exception
    cut = float(kpis(at)["Sellers, end"].split()[0].replace(",", ""))
    assert cut < sellers  # cutting R2 -> fewer sellers (MODEL.md)


def test_preset_picker_and_reset(make_app):
    at = make_app()
    at.selectbox(key="preset").select("andon_cord").run()
    assert not at.exception
    assert at.slider(key="lever:andon_cord_share").value == 1.0
    at.slider(key="lever:andon_cord_share").set_value(0.2).run()
    assert at.slider(key="lever:andon_cord_share").value == 0.2
    at.button(key="reset").click().run()
    assert at.slider(key="lever:andon_cord_share").value == 1.0
    at.selectbox(key="preset").select("baseline").run()
    assert at.slider(key="lever:andon_cord_share").value == 0.0


def test_compare_two_scenarios_side_by_side(make_app):
    at = open_tab(make_app(), "Compare")
    assert at.selectbox(key="compare_b").value == "no_marketplace"  # same period, a story
    table = at.dataframe[0].value.set_index("KPI")
    gain = table.loc["Operating income, last year", "B − A (median)"]
    # a 1P-only retailer books every sale as revenue and its price policy earns the target
    # margin on all of it (issue 18): about the same operating income, far fewer customers
    assert gain.endswith(" B") and abs(float(gain.replace("$", "")[:-2])) < 0.1, gain
    assert table.loc["Active customers, end", "B − A (median)"].startswith("-")
    at.selectbox(key="compare_b").select("andon_cord").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["KPI", "A", "B", "B − A (median)", "B − A 90 % band"]
    assert len(table) == 6
    assert not at.info  # same start, same horizon: nothing to explain
    panels = len(PANELS)
    assert charts(at) == ["compare A/B"] * panels + ["paired difference B - A"] * panels
    legend = next(m.value for m in at.markdown if "━━" in m.value)  # names A and B in colour
    assert "A: current levers" in legend and "B: andon_cord" in legend
    at.selectbox(key="compare_b").select("workshop/01_the_record").run()  # 1996-2024
    assert not at.exception
    assert "years since each one's start" in at.info[0].value
    assert charts(at) == ["compare A/B"] * panels  # other periods: no week-by-week pairs
    at.selectbox(key="compare_b").select("current levers").run()
    same = at.dataframe[0].value
    assert all(
        cell.strip("$ BMk").replace("-", "") in ("0.00", "0.0", "0.000")
        for cell in same["B − A (median)"]
    )
    open_tab(open_tab(at, "Dashboard"), "Compare")  # the picks survive a visit elsewhere
    assert at.selectbox(key="compare_b").value == "current levers"


def test_compare_picks_a_preset_over_the_same_period_first():
    from flywheel.ui.state import all_presets
    from flywheel.ui.tabs_main import default_compare_with

    presets = all_presets()
    record = presets["amazon_1996_2024_calibrated"]
    assert default_compare_with(record, presets) == "amazon_no_marketplace"
    alone = {"baseline": presets["baseline"], "amazon_1996_2024": presets["amazon_1996_2024"]}
    assert default_compare_with(presets["baseline"], alone) == "amazon_1996_2024"  # no twin


def playback_args(at) -> dict[str, Any]:
    """The arguments the app gave the Watch it turn component (flywheel.ui.playback)."""
    (instance,) = at.get("component_instance")
    return json.loads(instance.proto.json_args)


def test_watch_it_turn_shows_the_whole_run_at_week_0_and_follows_the_slider(make_app):
    """At week 0 the playback has every chart's data over the whole run (not the weeks up
    to the playhead), each with a playhead at week 0; the week slider moves the playhead,
    and the headline of each week names its dominant loop."""
    at = open_tab(make_app(), "Watch it turn")
    assert not at.exception
    args = playback_args(at)
    assert args["week"] == 0 and args["playing"] is False
    data = args["payload"]
    weeks = data["weeks"]
    assert weeks == 520 and len(data["week_ms"]) == weeks and len(data["headlines"]) == weeks
    descriptions = [chart["spec"]["description"] for chart in data["charts"]]
    assert descriptions == ["loop strength"] + ["fan bands"] * len(PANELS)
    last_day = data["week_ms"][-1]
    for chart in data["charts"]:
        dates = chart["columns"]["date"]
        # the whole run (every second week, the loop strengths without the last one)
        assert dates[0] == data["week_ms"][0] and max(dates) >= data["week_ms"][-2]
        values = [v for name, column in chart["columns"].items() if name != "date" for v in column]
        assert len(set(values)) > 10  # lines, not nothing
        spec = chart["spec"]
        assert spec["params"] == [{"name": "playhead", "value": data["week_ms"][0]}]
        veil, rule = spec["layer"][-2:]
        assert veil["mark"]["type"] == "rect" and veil["encoding"]["x2"] == {"datum": last_day}
        assert rule["encoding"]["x"]["datum"] == {"expr": "playhead"}
    for loop in LOOP_IDS:
        assert len(data["gains"][loop]) == weeks
    assert (
        data["headlines"][200].startswith("Week 200 (")
        and "dominant loop <b>" in (data["headlines"][200])
    )
    at.slider(key="week_slider").set_value(200).run()
    assert playback_args(at)["week"] == 200 and at.session_state["week"] == 200
    assert playback_args(at)["payload"]["digest"] == data["digest"]  # the same run, kept
    at.slider(key="week_slider").set_value(519).run()
    assert playback_args(at)["week"] == 519
    assert {"png_gains", "png_diagram", "dot_diagram"} <= {b.key for b in at.download_button}


def test_events_add_edit_delete_and_reject(make_app):
    at = open_tab(make_app(), "Events")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"][-1] == "FC openings"
    events = len(at.session_state["events"])
    at.selectbox(key="event_kind").select("policy").run()
    at.selectbox(key="event_lever").select("fc_lead_time_weeks").run()
    assert at.number_input(key="event_value").label.startswith("New value (weeks, ")
    at.selectbox(key="event_lever").select("pass_through_share").run()
    assert at.number_input(key="event_value").label == "New value (share, 0 to 1)"
    at.number_input(key="event_week").set_value(100)
    at.number_input(key="event_value").set_value(0.9)
    at.button(key="event_save").click().run()
    assert not at.exception
    assert len(at.session_state["events"]) == events + 1
    assert at.session_state["events"][-1]["lever"] == "pass_through_share"
    label = at.selectbox(key="event_pick").options[-1]
    at.selectbox(key="event_pick").select(label).run()
    assert at.number_input(key="event_value").value == 0.9
    at.number_input(key="event_value").set_value(0.95)
    at.button(key="event_save").click().run()
    assert at.session_state["events"][-1]["value"] == 0.95
    assert len(at.session_state["events"]) == events + 1
    at.number_input(key="event_value").set_value(7.0)  # out of range for a share
    at.button(key="event_save").click().run()
    assert not at.exception
    assert any("pass_through_share" in e.value for e in at.error)
    assert at.session_state["events"][-1]["value"] == 0.95
    at.selectbox(key="event_pick").select(at.selectbox(key="event_pick").options[-1]).run()
    at.button(key="event_delete").click().run()
    assert len(at.session_state["events"]) == events
    assert any(m.value.startswith("Deleted: ") for m in at.success)
    # editing the preset's Prime launch moves it and keeps its own id and note
    prime = next(e for e in at.session_state["events"] if e["kind"] == "prime_launch")
    pick = next(o for o in at.selectbox(key="event_pick").options if "prime" in o)
    at.selectbox(key="event_pick").select(pick).run()
    at.number_input(key="event_week").set_value(30)
    at.button(key="event_save").click().run()
    moved = next(e for e in at.session_state["events"] if e["kind"] == "prime_launch")
    assert moved["week"] == 30
    assert (moved["id"], moved.get("note")) == (prime["id"], prime.get("note"))


def test_the_event_editor_adds_a_cost_shock(make_app):
    at = open_tab(make_app(), "Events")
    events = len(at.session_state["events"])
    at.selectbox(key="event_kind").select("cost_shock").run()
    at.number_input(key="event_week").set_value(60)
    at.number_input(key="event_size_usd_per_week").set_value(2.5e6)
    at.number_input(key="event_duration_weeks").set_value(26)
    at.button(key="event_save").click().run()
    assert not at.exception and not at.error
    assert len(at.session_state["events"]) == events + 1
    added = at.session_state["events"][-1]
    assert (added["kind"], added["week"], added["duration_weeks"]) == ("cost_shock", 60, 26)
    assert added["size_usd_per_week"] == 2.5e6


def test_picking_an_event_set_by_date_shows_its_week(make_app):
    """The Amazon record sets its events by date: picking one fills in its week (not week 0),
    so saving it unchanged leaves it where it was."""
    at = make_app()
    at.selectbox(key="preset").select("amazon_1996_2024").run()
    open_tab(at, "Events")
    record = load_scenario("scenarios/amazon_1996_2024.toml")
    index = next(i for i, e in enumerate(at.session_state["events"]) if "date" in e)
    week = record.event_week(record.events[index])
    assert week > 0
    pick = next(o for o in at.selectbox(key="event_pick").options if o.startswith(f"{index}:"))
    at.selectbox(key="event_pick").select(pick).run()
    assert at.number_input(key="event_week").value == week
    at.button(key="event_save").click().run()
    assert not at.exception
    assert at.session_state["events"][index]["week"] == week


def test_the_events_table_lists_events_in_the_order_they_happen(make_app):
    """The Amazon record (events set by date): every row has its week and that week's date,
    rows run in week order, and "#" is the event's number in the editor's picker; an event
    added at week 0 comes first, not last."""
    at = make_app()
    at.selectbox(key="preset").select("amazon_1996_2024").run()
    open_tab(at, "Events")
    record = load_scenario("scenarios/amazon_1996_2024.toml")
    table = at.dataframe[0].value
    columns = list(table.columns)
    assert columns[:6] == ["#", "week", "from", "kind", "id", "lever"]
    assert columns[-2:] == ["date", "note"]  # the long note last
    weeks = [int(week) for week in table["week"]]
    assert weeks == sorted(weeks) and len(weeks) == len(record.events)
    for number, week, start in zip(table["#"], table["week"], table["from"], strict=True):
        event = record.events[int(number)]
        assert int(week) == record.event_week(event)
        assert start == str(record.week_date(int(week)))
    at.selectbox(key="event_kind").select("policy").run()
    at.number_input(key="event_week").set_value(0)
    at.button(key="event_save").click().run()
    first = at.dataframe[0].value.iloc[0]
    assert (first["week"], first["#"], first["kind"]) == ("0", str(len(record.events)), "policy")
    assert any(
        o.startswith(f"{len(record.events)}: policy")
        for o in at.selectbox(key="event_pick").options
    )


GOOD = b'base = "baseline"\nname = "uploaded_bold"\n[levers]\npass_through_share = 0.95\n'
BAD = {
    "out_of_range.toml": (b"[levers]\npass_through_share = 1.7\n", "pass_through_share"),
    "broken.toml": (b"[levers\n", "invalid TOML"),
    "latin1.toml": ('name = "caf\xe9"\n'.encode("latin-1"), "not UTF-8"),
    "huge.toml": (b"# " + b"x" * 300_000 + b"\n", "at most"),
    "unknown.toml": (b"[levers]\nwarp_drive = 1.0\n", "warp_drive"),
}


def test_upload_a_good_scenario(make_app):
    at = open_tab(make_app(), "Files")
    at.file_uploader(key="upload").upload("bold.toml", GOOD, "application/toml").run()
    assert not at.exception
    assert at.session_state["preset"] == "upload: uploaded_bold"
    assert at.slider(key="lever:pass_through_share").value == 0.95
    assert any("Loaded bold.toml" in s.value for s in at.success)


@pytest.mark.parametrize("name", sorted(BAD))
def test_upload_a_bad_scenario_shows_a_clear_error(make_app, name):
    at = open_tab(make_app(), "Files")
    content, expected = BAD[name]
    at.file_uploader(key="upload").upload(name, content, "application/toml").run()
    assert not at.exception
    assert any(expected in error.value for error in at.error), [e.value for e in at.error]
    assert at.session_state["preset"] == "baseline"


def test_downloads_are_offered(make_app):
    at = make_app()
    keys = {button.key for button in at.download_button}
    for label in ("Watch it turn", "Compare", "Files"):
        keys |= {button.key for button in open_tab(at, label).download_button}
    assert {
        "png_dashboard",
        "png_gains",
        "png_compare",
        "png_difference",
        "png_timeline",
        "dl_toml",
        "dl_csv",
        "dl_bundle",
        "dot_diagram",
        "png_diagram",
    } <= keys
    at.download_button(key="dl_toml").click().run()
    assert not at.exception


def downloaded(at, key: str, managers: list) -> str:
    """What a deferred download button hands out (its callable, as a click would run it)."""
    file_id = at.download_button(key=key).proto.deferred_file_id
    entry = next(
        m._deferred_callables[file_id] for m in managers if file_id in m._deferred_callables
    )
    data = entry["callable"]()
    return data.decode() if isinstance(data, bytes) else data


@pytest.fixture
def media_managers(monkeypatch) -> list:
    """Every media file manager AppTest makes (one per run), to read deferred downloads."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: list = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", Recording)
    return made


def test_scenario_download_is_its_presets_file_plus_the_change(make_app, media_managers):
    """The TOML download keeps the preset's header comment and base and writes only what
    differs from that base (not all ~100 levers); it loads back to the scenario shown."""
    at = make_app()
    at.selectbox(key="preset").select("price_war").run()
    at.slider(key="lever:pass_through_share").set_value(0.9).run()
    text = downloaded(open_tab(at, "Files"), "dl_toml", media_managers)
    assert text.startswith("# Question: how badly does a competitor price war hurt")
    data = tomllib.loads(text)
    assert data["base"] == "baseline" and data["name"] == "price_war"
    assert data["levers"] == {"pass_through_share": 0.9}
    assert [event["kind"] for event in data["events"]] == ["price_war"]
    loaded = parse_scenario_text(text)
    assert loaded.levers.pass_through_share == 0.9
    assert loaded.events == load_scenario("scenarios/price_war.toml").events
    # a preset without a base: only what differs from the defaults, header kept
    at.selectbox(key="preset").select("baseline").run()
    text = downloaded(open_tab(at, "Files"), "dl_toml", media_managers)
    assert text.startswith("# Question: how does a generic marketplace retailer's")
    assert "base" not in tomllib.loads(text) and "levers" not in tomllib.loads(text)
    assert parse_scenario_text(text) == load_scenario("scenarios/baseline.toml")


Exports = tuple[dict[str, Callable[[], Any]], list[dict[str, Any]]]


@pytest.fixture
def exports(monkeypatch) -> Exports:
    """The app's deferred downloads (file name -> the callable a click runs) and every spec
    the PNG export renders, in order."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    registered: dict[str, Callable[[], Any]] = {}
    rendered: list[dict[str, Any]] = []
    add_deferred = MediaFileManager.add_deferred
    png_bytes = export.png_bytes

    def registering(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        registered[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    def rendering(spec, scale=export.EXPORT_SCALE):
        rendered.append(spec)
        return png_bytes(spec, scale)

    monkeypatch.setattr(MediaFileManager, "add_deferred", registering)
    monkeypatch.setattr(export, "png_bytes", rendering)
    return registered, rendered


def shown_charts(at) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every Vega-Lite chart on the page: the spec the app passed (without what Streamlit
    adds: the autosize, and " " for a null legend title) and its data rows, as the export
    writes rows (from the Arrow table Streamlit sends the browser)."""
    shown = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert spec.pop("autosize") == export.APP_AUTOSIZE
        colour = spec.get("encoding", {}).get("color", {})
        if colour.get("title") == " ":  # Streamlit writes a null legend title as " "
            colour["title"] = None
        table = pa.ipc.open_stream(chart.proto.data.data).read_all()
        shown.append((spec, export.data_values(table)))
    return shown


def exported_charts(spec: dict[str, Any]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The charts of an exported spec (one, or a grid's panels) and their data rows, without
    what the export adds: its size, background and (a single chart's) title; each as the page
    draws it (`flywheel.plots.layout.readable`: the screen's text settings)."""
    views = spec["concat"] if "concat" in spec else [spec]
    charts = []
    for view in views:
        view = dict(view)
        rows = view.pop("data")["values"]
        for key in ("$schema", "width", "autosize", "background"):
            view.pop(key, None)
        if "concat" not in spec:  # a single chart: its title, and the room it takes
            view.pop("title")
            view["height"] -= export.TITLE_HEIGHT_PX
        charts.append((readable(view), rows))
    return charts


def download_png(exports: Exports, file_name: str) -> tuple[bytes, dict[str, Any]]:
    """Click a PNG download (run its deferred callable): the PNG and the spec it rendered."""
    registered, rendered = exports
    png = registered[file_name]()
    return png, rendered[-1]


def test_png_downloads_are_the_charts_the_app_shows(make_app, exports):
    """Each PNG download renders the very specs and data rows the app draws (through the
    Vega-Lite converter), as a PNG of the size asked for: a grid three panels a row, a
    single chart `export.CHART_WIDTH_PX` wide at `export.EXPORT_SCALE`."""
    scale = export.EXPORT_SCALE
    single_width = export.CHART_WIDTH_PX * scale
    at = make_app()
    png, spec = download_png(exports, "flywheel_dashboard.png")
    assert exported_charts(spec) == shown_charts(at)  # the nine fan panels
    assert "replications" in spec["title"]["text"]
    wide, high = export.png_size(png)
    assert wide > 3 * export.PANEL_WIDTH_PX * scale and high > 3 * PANEL_HEIGHT_PX * scale

    open_tab(at, "Watch it turn")
    png, spec = download_png(exports, "flywheel_loop_strength_week0.png")
    ((view, rows),) = exported_charts(spec)
    shown = playback_args(at)["payload"]["charts"][0]["spec"]  # the playback's loop strengths
    shown_layer = readable({"layer": [shown["layer"][0]]})["layer"][0]  # as exported_charts
    assert view["encoding"] == shown_layer["encoding"] and view["mark"] == shown_layer["mark"]
    assert len(rows) == len(LOOP_IDS)  # to this week: week 0 alone
    assert export.png_size(png) == (single_width, spec["height"] * scale)

    shown = shown_charts(open_tab(at, "Compare"))
    assert len(shown) == 2 * len(PANELS)
    png, spec = download_png(exports, "flywheel_compare.png")
    assert exported_charts(spec) == shown[: len(PANELS)]
    assert "A = current levers (blue) vs B = " in spec["title"]["text"]
    assert export.png_size(png)[0] > 3 * export.PANEL_WIDTH_PX * scale
    png, spec = download_png(exports, "flywheel_difference.png")
    assert exported_charts(spec) == shown[len(PANELS) :]
    assert export.png_size(png)[0] > 3 * export.PANEL_WIDTH_PX * scale

    shown = shown_charts(open_tab(at, "Events"))
    open_tab(at, "Files")
    png, spec = download_png(exports, "flywheel_events.png")
    assert exported_charts(spec) == shown  # the Events tab's timeline, from the Files tab
    assert export.png_size(png) == (single_width, spec["height"] * scale)
    assert not at.exception


def test_downloads_carry_provenance(make_app, exports, tmp_path):
    """The bundle holds the results CSV with a provenance that matches it (checked as
    `flywheel provenance` checks it) and the resolved scenario; a PNG download carries the
    provenance of the results it draws."""
    import io
    import zipfile

    from flywheel.experiments.output_files import read_output
    from flywheel.scenario.loading import parse_scenario_text

    at = open_tab(make_app(), "Files")
    registered, _ = exports
    with zipfile.ZipFile(io.BytesIO(registered["baseline_bundle.zip"]())) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    assert sorted(names) == [
        "README.txt",
        "baseline.toml",
        "baseline_results.csv",
        "baseline_results.csv.provenance.json",
        "baseline_results_wide.csv",
        "baseline_results_wide.csv.provenance.json",
    ]
    found = read_output(tmp_path / "baseline_results.csv")
    assert found.problems == []
    assert found.provenance["kind"] == "app"
    assert found.provenance["replications"] == at.session_state["replications"]
    scenario = parse_scenario_text((tmp_path / "baseline.toml").read_text())
    assert scenario.name == "baseline"
    png = registered["flywheel_events.png"]()
    (tmp_path / "events.png").write_bytes(png)
    found = read_output(tmp_path / "events.png")
    assert found.problems == [] and found.provenance["kind"] == "plot"
    assert found.provenance["settings"]["chart"] == "flywheel_events.png"
    assert not at.exception


def test_workshop_steps_apply_changes(make_app):
    at = open_tab(make_app(), "Workshop")
    assert "Step 1 of" in at.get("progress")[0].proto.text

    def change_line() -> str:
        return next(m.value for m in at.markdown if m.value.startswith("**Change:**"))

    assert change_line() == "**Change:** preset `baseline`, its levers as they are"
    at.button(key="workshop_next").click().run()
    assert at.session_state["workshop_step"] == 1
    assert change_line() == "**Change:** preset `baseline`; `pass_through_share` → 0.95"
    at.button(key="workshop_apply").click().run()
    assert at.slider(key="lever:pass_through_share").value == STORY[1].levers["pass_through_share"]
    at.button(key="workshop_next").click().run()
    at.button(key="workshop_apply").click().run()
    assert not at.exception
    assert at.checkbox(key="cut:R2").value is True
    assert at.slider(key="lever:pass_through_share").value == 0.6  # the step starts from its preset
    at.button(key="workshop_back").click().run()
    assert at.session_state["workshop_step"] == 1


def test_the_amazon_workshop_runs_in_the_app(make_app):
    """Picking the Amazon session shows its steps with time boxes; every step shows its numbers
    (the step's own scenario, whatever the sidebar shows) against the record, the last year in
    the visible rows; applying a step loads its workshop/ preset and sets Compare to A = the
    step, B = the record."""
    at = open_tab(make_app(), "Workshop")
    stories = at.selectbox(key="workshop_story")
    assert len(stories.options) == 2
    at.session_state["workshop_step"] = 3  # a later step of the first story: reset on change
    stories.select(stories.options[1]).run()
    assert at.session_state["workshop_step"] == 0
    progress = at.get("progress")[0].proto.text
    assert "Step 1 of 6 · time box 10 min (minutes 5–15 of 60)" in progress
    # Step 1, not applied (the sidebar still shows the baseline): the record's numbers are there
    assert at.session_state["preset"] == "baseline"
    first = at.dataframe[0].value
    assert first["year"].iloc[-1] == 2024 and len(first) <= 11  # no scrolling to 2024
    assert {"this step", "record"} <= set(first.columns)
    titles = [json.loads(c.proto.spec)["title"]["text"] for c in at.get("vega_lite_chart")]
    assert titles[0] == "Net sales (USD million) (log scale)" and len(titles) == 3
    at.button(key="workshop_next").click().run()
    at.button(key="workshop_apply").click().run()
    assert not at.exception
    assert at.session_state["preset"] == "workshop/02_no_marketplace"
    assert at.session_state["compare_a"] == "current levers"
    assert at.session_state["compare_b"] == "workshop/01_the_record"
    sales, gmv = (at.dataframe[i].value for i in (0, 1))
    assert list(sales.columns) == ["year", "this step", "01_the_record", "record"]
    assert list(gmv.columns) == ["year", "this step", "01_the_record"]  # no GMV in the record
    assert sales["year"].iloc[0] == 1996 and sales["year"].iloc[-1] == 2024
    # no marketplace in this step: every sale is first-party, so all GMV is in net sales
    assert (number(gmv["this step"]) <= number(sales["this step"])).all()
    # the record's 2024 net sales (filed: $638 B) in the record column
    assert 600_000 < number(sales["record"]).iloc[-1] < 700_000
    open_tab(at, "Compare")
    assert at.selectbox(key="compare_b").value == "workshop/01_the_record"
    assert not at.exception
    # Back to the Workshop tab (the tabs are lazy): still the Amazon session, at its step 2
    open_tab(at, "Workshop")
    assert at.selectbox(key="workshop_story").value == stories.options[1]
    assert "Step 2 of 6" in at.get("progress")[0].proto.text


def test_every_baseline_workshop_step_shows_its_numbers(make_app):
    """The built-in story's steps show their yearly numbers in the tab, applied or not, next to
    the baseline preset's when the step changes something."""
    at = open_tab(make_app(), "Workshop")
    for index in range(len(STORY)):
        at.session_state["workshop_step"] = index
        at.run()
        assert not at.exception
        table = at.dataframe[0].value
        assert len(table) == 10 and table["year"].is_monotonic_increasing
        columns = ["year", "this step"] + (["baseline"] if STORY[index].compare_with else [])
        assert list(table.columns) == columns
    # step 6 (a 12 % target margin) against the baseline: more operating income at the end
    income = at.dataframe[2].value
    assert number(income["this step"]).iloc[-1] > number(income["baseline"]).iloc[-1]


def number(shown: Any) -> Any:
    """A column of the Workshop's key-year tables ("1,234", "0.52") as numbers."""
    return shown.str.replace(",", "").astype(float)


def test_share_link_round_trips_through_query_params(make_app):
    at = make_app()
    at.slider(key="lever:pass_through_share").set_value(0.85).run()
    at.checkbox(key="cut:B1").check().run()
    open_tab(at, "Workshop").button(key="share_link").click().run()
    params = at.query_params
    assert params["preset"] == "baseline" and params["s"]
    fresh = make_app({"preset": "baseline", "s": params["s"]})
    assert not fresh.exception
    assert fresh.slider(key="lever:pass_through_share").value == 0.85
    assert fresh.checkbox(key="cut:B1").value is True
    assert any("shared scenario" in s.value for s in fresh.success)
    assert any("with the link's changes" in s.value for s in fresh.success)
    plain = make_app({"preset": "price_war"})  # a preset alone: no changes to speak of
    assert plain.session_state["preset"] == "price_war"
    assert [s.value for s in plain.success] == ["Loaded the shared scenario: preset 'price_war'."]


OWN_START = (
    b'base = "baseline"\nname = "own_start"\nhorizon_weeks = 260\n'
    b"[initial]\ncustomers = 2e6\n[levers]\npass_through_share = 0.95\n"
)


def test_an_uploaded_scenario_travels_in_a_link(make_app):
    """An upload with its own horizon and initial customers is shared as changes to the
    baseline; the link opens it as its own preset, with the lever moved after the upload."""
    from urllib.parse import parse_qsl, urlsplit

    from flywheel.scenario.loading import parse_scenario_text

    at = open_tab(make_app(), "Files")
    at.file_uploader(key="upload").upload("own.toml", OWN_START, "application/toml").run()
    at.slider(key="lever:pass_through_share").set_value(0.85).run()
    at = open_tab(at, "Workshop")
    assert not at.warning, [w.value for w in at.warning]
    params = dict(parse_qsl(urlsplit(at.code[0].value).query))
    assert params["preset"] == "baseline" and params["s"]
    fresh = make_app(params)
    assert not fresh.exception
    assert fresh.session_state["preset"] == "upload: own_start"
    assert fresh.slider(key="lever:pass_through_share").value == 0.85
    shared = parse_scenario_text(fresh.session_state["uploads"]["own_start"])
    assert (shared.horizon_weeks, shared.initial.customers) == (260, 2e6)
    assert [s.value for s in fresh.success] == [
        "Loaded the shared scenario 'own_start', in the preset list as 'upload: own_start'."
    ]


def test_a_scenario_too_large_for_a_link_says_so(make_app, monkeypatch):
    monkeypatch.setattr("flywheel.scenario.links.MAX_LINK_CHARS", 40)
    at = open_tab(make_app(), "Files")
    at.file_uploader(key="upload").upload("own.toml", OWN_START, "application/toml").run()
    at = open_tab(at, "Workshop")
    assert not at.exception and not at.code
    assert any("too much to travel in a link" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "query",
    [
        {"preset": "nope"},
        {"preset": "baseline", "s": "%%%"},
        {"preset": "baseline", "s": "eJxLSi0uAQAEVAG3"},
        {"s": "eJxLSi0uAQAEVAG3"},  # changes, but to no preset
    ],
)
def test_a_bad_link_shows_an_error_and_the_baseline(make_app, query):
    at = make_app(query)
    assert not at.exception
    assert any("link" in error.value for error in at.error)
    assert at.session_state["preset"] == "baseline"


SHORT = b'base = "baseline"\nname = "two_years"\nhorizon_weeks = 104\ndrop_events = ["prime"]\n'


@pytest.mark.parametrize("weeks", [1, 2])
def test_a_scenario_of_a_week_or_two_opens_every_tab(make_app, weeks):
    """Widgets bounded by the horizon stay valid: the week slider of a one-week run (a slider
    needs max > min), the event week's default of 52 and a week kept from a longer run."""
    at = open_tab(make_app(), "Events")
    at.number_input(key="event_week").set_value(300).run()  # kept when the scenario changes
    tiny = f'base = "baseline"\nname = "tiny"\nhorizon_weeks = {weeks}\ndrop_events = ["prime"]\n'
    open_tab(at, "Files").file_uploader(key="upload").upload(
        "tiny.toml", tiny.encode(), "application/toml"
    ).run()
    assert at.session_state["preset"] == "upload: tiny"
    for tab in ("Dashboard", "Compare", "Workshop", "Events"):
        open_tab(at, tab)
        assert not at.exception, (tab, [e.value for e in at.exception])
    assert at.number_input(key="event_week").value == weeks - 1  # 300 clamped to the last
    open_tab(at, "Watch it turn")
    assert not at.exception, [e.value for e in at.exception]
    if weeks == 1:  # nothing to play or scrub
        assert "week_slider" not in [slider.key for slider in at.slider]
        assert any("one-week scenario" in caption.value for caption in at.caption)
    else:
        at.slider(key="week_slider").set_value(weeks - 1).run()
        assert not at.exception and playback_args(at)["week"] == weeks - 1


def test_why_tab_attribution_and_tornado(make_app, exports):
    at = open_tab(make_app(), "Why")
    assert any("Explain this scenario" in i.value for i in at.info)
    # a two-year scenario keeps the 13 knockout runs and the tornado batch quick
    open_tab(at, "Files").file_uploader(key="upload").upload(
        "short.toml", SHORT, "application/toml"
    ).run()
    assert at.session_state["preset"] == "upload: two_years"
    open_tab(at, "Why")
    at.number_input(key="why_replications").set_value(2)
    at.button(key="why_run").click().run()
    assert not at.exception
    waterfall = next(d.value for d in at.dataframe if "label" in d.value.columns)
    labels = list(waterfall["label"])
    assert labels[0] == "all loops cut" and labels[-1] == "this scenario"
    assert [label.split()[0] for label in labels[1 : 1 + len(LOOP_IDS)]] == list(LOOP_IDS)
    assert "kind" not in waterfall.columns  # internal: which bars are totals
    steps = waterfall["value"].iloc[1:-1].sum()  # between the two totals
    total = waterfall.iloc[-1]["value"] - waterfall.iloc[0]["value"]
    assert math.isclose(steps, total, rel_tol=1e-9, abs_tol=1.0)
    # waterfall and tornado are drawn in the browser (Vega-Lite), their PNGs on request
    assert {"attribution waterfall", "sensitivity tornado"} <= set(charts(at))
    assert {"png_waterfall", "png_tornado"} <= {b.key for b in at.download_button}
    shown = {spec["description"]: (spec, rows) for spec, rows in shown_charts(at)}
    for file_name, chart in (
        ("flywheel_attribution.png", "attribution waterfall"),
        ("flywheel_tornado.png", "sensitivity tornado"),
    ):
        png, spec = download_png(exports, file_name)
        assert exported_charts(spec) == [shown[chart]]
        scale = export.EXPORT_SCALE
        assert export.png_size(png) == (export.CHART_WIDTH_PX * scale, spec["height"] * scale)
    at.selectbox(key="why_output").select("gmv_usd").run()  # GMV counts sellers' sales whole
    gmv = next(d.value for d in at.dataframe if "label" in d.value.columns)
    assert gmv.iloc[-1]["value"] > waterfall.iloc[-1]["value"]  # GMV > revenue (3P)
    # A lever moved after the explanation asks for a press, instead of ~190 runs a move
    at.slider(key="lever:pass_through_share").set_value(0.9).run()
    assert any("changed since the last explanation" in i.value for i in at.info)
    assert not [d for d in at.dataframe if "label" in d.value.columns]
    at.slider(key="lever:pass_through_share").set_value(0.6).run()  # back: shown at once
    assert not at.info
    assert [d for d in at.dataframe if "label" in d.value.columns]


def test_shipped_presets_all_load(make_app):
    at = make_app()
    options = at.selectbox(key="preset").options
    assert options[0] == "baseline" and len(options) >= 2
    for name in options:
        load_scenario(f"scenarios/{name}.toml")
    assert np.all([not e.value.startswith("Traceback") for e in at.error])


def test_eight_concurrent_sessions_keep_separate_state(make_app):
    """Eight sessions open at once, each changed and rerun in turn, keep their own state.

    The runs interleave on one thread: AppTest swaps a process-wide mock Runtime in and out
    around every run, so AppTests on parallel threads race on that global (seen in CI as
    "Runtime hasn't been created!"). Truly simultaneous clients on a real server are in
    tests/reliability/test_concurrent_sessions.py."""
    presets = ["baseline", "andon_cord"]
    warm = make_app()  # fill the shared cache first: the sessions then differ only in state
    warm.selectbox(key="preset").select("andon_cord").run()
    sessions = [open_tab(make_app(), "Watch it turn") for _ in range(8)]
    for index, at in enumerate(sessions):
        at.selectbox(key="preset").select(presets[index % 2])
        at.slider(key="week_slider").set_value(10 * index)
        at.session_state["tab"] = "Workshop"
    for at in sessions:  # every session has pending changes before any of them reruns
        at.run()  # one rerun applies all three
        assert not at.exception
    for at in sessions:
        at.button(key="workshop_next").click().run()
        assert not at.exception
    for at in reversed(sessions):  # a second round: no session picked up another's state
        at.run()
    for index, at in enumerate(sessions):
        preset = at.session_state["preset"]
        assert at.session_state["week"] == 10 * index
        assert preset == presets[index % 2]
        assert at.session_state["workshop_step"] == 1
        andon = at.slider(key="lever:andon_cord_share").value
        assert andon == (1.0 if preset == "andon_cord" else 0.0)


def test_a_workshop_step_whose_preset_is_missing_cannot_be_applied(make_app, monkeypatch):
    """If a story's scenario failed to load, its step says so and its Apply button is off
    (instead of the callback failing on a missing preset)."""
    from flywheel.ui import cache

    presets, errors = cache.shipped_presets()
    without = {name: s for name, s in presets.items() if name != "workshop/01_the_record"}
    monkeypatch.setattr(cache, "shipped_presets", lambda: (without, errors))
    at = open_tab(make_app(), "Workshop")
    stories = at.selectbox(key="workshop_story")
    stories.select(stories.options[1]).run()
    assert any("workshop/01_the_record" in w.value for w in at.warning)
    assert at.button(key="workshop_apply").disabled
    assert not at.exception


def test_an_upload_repeating_a_base_event_id_loads_with_a_warning(make_app):
    """Issue 21: an event id that repeats a kept base event's id is a warning, shown with the
    upload (both events are kept); drop_events naming nothing is an error."""
    again = (
        b'base = "baseline"\nname = "again"\n'
        b'[[events]]\nid = "prime"\nkind = "prime_launch"\nweek = 3\n'
    )
    at = open_tab(make_app(), "Files")
    at.file_uploader(key="upload").upload("again.toml", again, "application/toml").run()
    assert not at.exception
    assert at.session_state["preset"] == "upload: again"
    assert any("both are kept" in warning.value for warning in at.warning)
    typo = b'base = "baseline"\nname = "typo"\ndrop_events = ["prim"]\n'
    at.file_uploader(key="upload").upload("typo.toml", typo, "application/toml").run()
    assert not at.exception
    assert any("drop_events names 'prim'" in error.value for error in at.error)
    assert at.session_state["preset"] == "upload: again"
