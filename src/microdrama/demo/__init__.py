"""Simulated demo data, labelled as such wherever it is shown."""

SIMULATED_NOTICE = "模拟数据 · Simulated data"
