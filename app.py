"""flywheel's Streamlit app: `make app` (streamlit run app.py).

Thin by design: widgets → Scenario → one cached call → figures. Everything else lives in
`flywheel.ui` (which `import flywheel` never imports).
"""

import streamlit as st

from flywheel.ui import (
    cache,
    layout,
    sidebar,
    state,
    tabs_decide,
    tabs_events,
    tabs_main,
    tabs_more,
    tabs_workshop,
)
from flywheel.ui import lever_ranking as ranking


def main() -> None:
    """The page: sidebar levers, then the open tab."""
    st.set_page_config(page_title="flywheel", page_icon="🎡", layout="wide")
    state.ensure_state()
    layout.page_style(layout.presentation_toggle())
    preset_name, preset = sidebar.preset_picker()
    scenario = sidebar.lever_sidebar(preset)
    replications, seed = sidebar.run_settings()
    layout.collapse_sidebar_on_narrow_screens()
    ranking.note_scenario(scenario, seed)  # a change cancels the ranking before the fan

    def current():
        """This scenario's bands and KPIs (cached per scenario, replications and seed)."""
        return cache.summary(scenario, replications, seed)

    st.title("flywheel: watch a business flywheel compound")
    st.markdown(tabs_main.INTRO)
    for key, show in (("link_error", st.error), ("link_message", st.success)):
        if message := state.pop_message(key):
            show(message)
    # Lazy tabs: only the open one runs (switching tabs reruns the app, served from the cache).
    dashboard, watch, compare, why, decide, events, files, workshop = st.tabs(
        list(state.TABS), key="tab", on_change="rerun"
    )
    if dashboard.open:
        with dashboard:
            tabs_main.dashboard(current(), cache.summary(preset, replications, seed), scenario)
    if watch.open:
        with watch:
            tabs_main.watch(current(), scenario)
    if compare.open:
        with compare:
            tabs_main.compare(scenario, cache.shipped_presets()[0], replications, seed)
    if why.open:
        with why:
            tabs_more.why(scenario, seed)
    if decide.open:
        with decide:
            tabs_decide.decide(scenario, replications, seed)
    if events.open:
        with events:
            tabs_events.events(scenario, preset, current())
    if files.open:
        with files:
            tabs_more.files(scenario, replications, seed)
    if workshop.open:
        with workshop:
            tabs_workshop.workshop(scenario, preset_name, preset, seed)


# A worker process (flywheel.ui.workers) imports this script as __mp_main__: no page there.
if __name__ == "__main__":
    main()
