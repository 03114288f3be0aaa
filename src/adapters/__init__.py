"""Adapters to the Workers platform (JS Responses, request bodies, D1): the only code besides
`entry.py` and `handlers/` that touches `js` and `pyodide`."""
