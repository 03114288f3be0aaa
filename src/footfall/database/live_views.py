"""Views that read like the rollup tables but are right at any hour: each day from the rollups
once the daily job has rolled it up, and aggregated from raw rows before (the same SQL the job
runs, footfall.report.queries). The saved queries (queries/*.sql) and anyone running
`wrangler d1 execute` read these, so no number depends on whether the job has run.

migrations/ holds the CREATE VIEW statements; tests/unit/test_live_views.py holds the newest
definition of each view equal to `create_statements()`. Changing the aggregation SQL therefore
takes a new migration that drops and creates the views again with this module's output.
"""

from footfall.report import queries

_PAGE_COLUMNS = (
    "site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, hits, not_found, tracked"
)
_DIM_COLUMNS = "site, day, dimension, value, views, visitors, visits, bounces"
_EVENT_COLUMNS = "site, day, type, name, url, count, visitors"
_UNROLLED = queries.Scope(None, None, unrolled=True)


def _sql(built: tuple[str, list]) -> str:
    sql, params = built
    assert not params, "a view takes no parameters"
    return sql.strip()


def pages() -> str:
    fresh = _sql(queries.pages(_UNROLLED))
    hits = _sql(queries.hits(_UNROLLED))
    return f"""CREATE VIEW live_daily_pages AS
SELECT {_PAGE_COLUMNS.replace("tracked", "COALESCE(tracked, MIN(views, hits)) AS tracked")}
FROM daily_pages WHERE day <= {queries.DONE}
UNION ALL
SELECT site, day, path, SUM(views), SUM(visitors), SUM(visits), SUM(bounces), SUM(seconds_sum),
       SUM(seconds_count), SUM(hits), SUM(not_found), SUM(tracked)
FROM (
  SELECT site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, 0 AS hits, 0 AS not_found,
         0 AS tracked
  FROM ({fresh})
  UNION ALL
  SELECT site, day, path, 0, 0, 0, 0, 0, 0, hits, not_found, tracked FROM ({hits})
)
GROUP BY site, day, path;"""


def dimensions() -> str:
    fresh = _sql(queries.all_dimensions(_UNROLLED))
    classes = [sql for _, sql, params in queries.classes(_UNROLLED) if not params]
    parts = [f"SELECT {_DIM_COLUMNS} FROM daily_dimensions WHERE day <= {queries.DONE}", f"SELECT * FROM ({fresh})"]
    parts += [f"SELECT site, day, dimension, value, views, visitors, 0, 0 FROM ({sql})" for sql in classes]
    return "CREATE VIEW live_daily_dimensions AS\n" + "\nUNION ALL\n".join(parts) + ";"


def events() -> str:
    fresh = _sql(queries.events(_UNROLLED))
    return f"""CREATE VIEW live_daily_events AS
SELECT {_EVENT_COLUMNS} FROM daily_events WHERE day <= {queries.DONE}
UNION ALL
SELECT * FROM ({fresh});"""


def create_statements() -> list[str]:
    return [pages(), dimensions(), events()]
