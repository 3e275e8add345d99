"""Tooling around the product, never part of it: the demo, national-scale data, benchmarks and the load test.

Installed only where the demo or the benchmarks are wanted (MEISTER_DEMO on: development, tests, bench);
no product module imports it, so a deployment runs without it.
"""
