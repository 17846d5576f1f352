"""Figures: matplotlib ones of Results (`flywheel plot`), the app's Vega-Lite chart specs and
their PNG export (`export`), the loop diagram."""
