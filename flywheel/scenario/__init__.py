"""Scenario input: parameters, events, validation, loading and writing (the bottom layer)."""
