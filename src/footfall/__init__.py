"""footfall's pure core: validation, configuration, SQL text and proxy rules.

Nothing in this package imports `workers`, `js` or `pyodide`, so all of it runs and is
unit-tested on plain CPython. The Worker's edges (`entry.py`, `handlers/`, `platform/`) call it.
"""
