"""Streamlit app code. Only app.py imports this package; `import flywheel` never does.

Widgets, session state, the cache, the worker processes, the download buttons and one module
per tab group; the charts, their PNG export and everything else they show come from the
library (`flywheel.plots`, `flywheel.results`, `flywheel.experiments`, `flywheel.scenario`).
"""
