"""flywheel's Streamlit app: `make app` (streamlit run app.py).

Thin by design: widgets → Scenario → one cached call → figures. Everything else lives in
`flywheel.ui` (which `import flywheel` never imports).
"""

import streamlit as st

from flywheel.ui import cache, sidebar, state, tabs_main, tabs_more

st.set_page_config(page_title="flywheel", page_icon="🎡", layout="wide")
state.ensure_state()
preset_name, preset = sidebar.preset_picker()
scenario = sidebar.lever_sidebar(preset)
replications, seed = sidebar.run_settings()
current = cache.summary(scenario, replications, seed)
reference = cache.summary(preset, replications, seed)

st.title("flywheel: watch a business flywheel compound")
st.markdown(tabs_main.INTRO)
for key, show in (("link_error", st.error), ("link_message", st.success)):
    if message := state.pop_message(key):
        show(message)
tabs = st.tabs(["Dashboard", "Watch it turn", "Compare", "Why", "Events", "Files", "Workshop"])
with tabs[0]:
    tabs_main.dashboard(current, reference)
with tabs[1]:
    tabs_main.watch(current, scenario)
with tabs[2]:
    tabs_main.compare(scenario, cache.shipped_presets()[0], replications, seed)
with tabs[3]:
    tabs_more.why(scenario, seed)
with tabs[4]:
    tabs_more.events(scenario, preset)
with tabs[5]:
    tabs_more.files(scenario, current)
with tabs[6]:
    tabs_more.workshop(scenario, preset_name, preset)
