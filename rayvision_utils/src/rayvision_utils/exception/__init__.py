"""Errors and tips of the analysis layer."""
