"""Checks of the graph against the texts (coverage)."""
