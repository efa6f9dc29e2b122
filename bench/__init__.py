"""The benchmark of issue 4: `python -m bench` (see bench/__main__.py, docs/performance.md).

Figures, not tests: nothing here is collected by pytest, and nothing asserts on time.
"""
