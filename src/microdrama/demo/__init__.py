"""Simulated demo data, labelled as such wherever it is shown."""
