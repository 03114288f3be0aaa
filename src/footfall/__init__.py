"""footfall's pure core, grouped by job: collect/ (a beacon before it is stored), classify/
(user agents and referrers), report/ (the numbers), dashboard/ (the owner's pages), api/ (the
stats API's query languages), database/ (the store port and what keeps the database), and at
the top the vocabulary they share (days, dimensions, settings, errors, log, auth, proxy rules).

Nothing in this package imports `workers`, `js` or `pyodide`, so all of it runs and is
unit-tested on plain CPython. The Worker's edges (`entry.py`, `edge/`, `app/`, `handlers/`) call it.
"""
