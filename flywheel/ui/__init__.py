"""Streamlit app helpers. Only app.py imports this package; `import flywheel` never does.

Pure helpers (levers, summary, share, diagram, charts, charts_more, figures, why, workshop)
import no streamlit; the widget and tab modules (cache, state, sidebar, tabs_*) do.
"""
