"""SQL of the daily maintenance job: roll a finished day's raw rows into the daily_* tables,
and purge what retention no longer keeps.

A day's rollup is one D1 batch (one transaction): delete that day's rollup rows, insert them
again from the raw rows, and record the day as done. Running it twice gives the same rows;
a run that fails part-way leaves the previous state, and the next run starts again from the
last day recorded as done.

People are person and ai_assistant (footfall.classify.bots.PEOPLE); a page load flagged 404 is not a
page view. A visit ends after 30 minutes without activity; a bounce is a visit of one page
view with under 10 seconds on it.
"""

from footfall.database.store import Statement
from footfall.days import local_day, month_bounds, shift_day
from footfall.report import insights, queries

MAX_DAYS_PER_RUN = 7
PURGE_BATCH = 5000
MAX_PURGE_ROUNDS = 10
SALT_KEEP_DAYS = 2

# The rollup tables: those of a day's rows (the goals', funnels' and properties' are
# footfall.report.insights'), and those of a month's, summed from the daily ones.
CORE_DAILY_TABLES = ("daily_pages", "daily_dimensions", "daily_events", "daily_totals")
DAILY_TABLES = CORE_DAILY_TABLES + insights.ROLLED_TABLES
MONTHLY_TABLES = ("monthly_pages", "monthly_dimensions", "monthly_events")
DELETE_DAY = tuple((f"delete_{table}", f"DELETE FROM {table} WHERE day = ?") for table in CORE_DAILY_TABLES)
DELETE_MONTH = tuple((f"delete_{table}", f"DELETE FROM {table} WHERE month = ?") for table in MONTHLY_TABLES)
_SUMS = "SUM(views), SUM(visitors), SUM(visits), SUM(bounces), SUM(seconds_sum), SUM(seconds_count)"

# After a day's daily rows are in (same batch): its per-site totals, with the day's histogram
# of time on page (the chart's median per day, week or month: footfall.report.series).
ROLLUP_TOTALS = """
INSERT INTO daily_totals (site, day, views, visitors, visits, bounces, seconds_sum, seconds_count, hits, not_found,
                          tracked, seconds_hist)
SELECT p.site, p.day, SUM(p.views),
       COALESCE((SELECT d.visitors FROM daily_dimensions d WHERE d.site = p.site AND d.day = p.day
                 AND d.dimension = 'total' AND d.value = 'all'), 0),
       SUM(p.visits), SUM(p.bounces), SUM(p.seconds_sum), SUM(p.seconds_count), SUM(p.hits), SUM(p.not_found),
       SUM(COALESCE(p.tracked, 0)),
       COALESCE((SELECT json_group_object(k, n) FROM (
                   SELECT j.key AS k, SUM(j.value) AS n FROM daily_pages d2, json_each(d2.seconds_hist) j
                   WHERE d2.site = p.site AND d2.day = p.day GROUP BY j.key)), '{}')
FROM daily_pages p WHERE p.day = ? GROUP BY p.site, p.day
"""

# A month summed again from its daily rows; histograms merged key by key.
ROLLUP_MONTH = (
    (
        "rollup_monthly_pages",
        f"""
INSERT INTO monthly_pages (site, month, path, views, visitors, visits, bounces, seconds_sum, seconds_count,
                           seconds_hist, hits, not_found, tracked)
SELECT d.site, ?1, d.path, {_SUMS},
       COALESCE((SELECT json_group_object(k, n) FROM (
                   SELECT j.key AS k, SUM(j.value) AS n FROM daily_pages d2, json_each(d2.seconds_hist) j
                   WHERE d2.site = d.site AND d2.path = d.path AND d2.day BETWEEN ?2 AND ?3 GROUP BY j.key)), '{{}}'),
       SUM(hits), SUM(not_found), SUM(COALESCE(tracked, MIN(views, hits)))
FROM daily_pages d WHERE d.day BETWEEN ?2 AND ?3 GROUP BY d.site, d.path
""",
    ),
    (
        "rollup_monthly_dimensions",
        """
INSERT INTO monthly_dimensions (site, month, dimension, value, views, visitors, visits, bounces)
SELECT site, ?1, dimension, value, SUM(views), SUM(visitors), SUM(visits), SUM(bounces)
FROM daily_dimensions WHERE day BETWEEN ?2 AND ?3 GROUP BY site, dimension, value
""",
    ),
    (
        "rollup_monthly_events",
        """
INSERT INTO monthly_events (site, month, type, name, url, count, visitors)
SELECT site, ?1, type, name, url, SUM(count), SUM(visitors)
FROM daily_events WHERE day BETWEEN ?2 AND ?3 GROUP BY site, type, name, url
""",
    ),
)
_PAGE_COLUMNS = "site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, seconds_hist"


def _statements(day: str) -> list[tuple[str, str, list]]:
    """(name, sql, params) that store one day's rollups, all sites at once."""
    scope = queries.Scope(day, day)
    pages_sql, pages_params = queries.pages(scope)
    hits_sql, hits_params = queries.hits(scope)
    events_sql, events_params = queries.events(scope)
    dims = "INSERT INTO daily_dimensions (site, day, dimension, value, views, visitors) "
    visit_dims = "INSERT INTO daily_dimensions (site, day, dimension, value, views, visitors, visits, bounces) "
    out = [
        ("rollup_pages", f"INSERT INTO daily_pages ({_PAGE_COLUMNS}) {pages_sql}", pages_params),
        # The proxy's view of the same pages: person HTML pages served, those the tracker
        # reported (coverage) and 404s.
        (
            "rollup_hits",
            f"INSERT INTO daily_pages ({_PAGE_COLUMNS}, hits, not_found, tracked) "
            f"SELECT site, day, path, 0, 0, 0, 0, 0, 0, '{{}}', hits, not_found, tracked FROM ({hits_sql}) WHERE true "
            f"ON CONFLICT (site, day, path) DO UPDATE SET hits = excluded.hits, not_found = excluded.not_found, "
            f"tracked = excluded.tracked",
            hits_params,
        ),
    ]
    # Every visit attribute in one statement (footfall.report.queries.all_dimensions).
    sql, params = queries.all_dimensions(scope)
    out.append(("rollup_dimensions", visit_dims + sql, params))
    for name, sql, params in queries.classes(scope):
        out.append((f"rollup_{name}", dims + sql, params))
    out.append(
        (
            "rollup_events",
            f"INSERT INTO daily_events (site, day, type, name, url, count, visitors) {events_sql}",
            events_params,
        )
    )
    out.append(
        (
            "record_sites",
            "INSERT INTO sites (site, first_day) SELECT site, MIN(day) FROM pageviews "
            "WHERE day = ? GROUP BY site ON CONFLICT (site) DO NOTHING",
            [day],
        )
    )
    return out


MARK_DONE = """
INSERT INTO maintenance (task, done_until, updated_ts) VALUES ('rollup', ?1, ?2)
ON CONFLICT (task) DO UPDATE SET done_until = excluded.done_until, updated_ts = excluded.updated_ts
"""

# The day offset as an SQLite date modifier, for the local_today view (migrations/0002):
# written only when it changed, so an hourly run costs no row written.
SET_DAY_CLOCK = "UPDATE day_clock SET modifier = ?1 WHERE id = 1 AND modifier <> ?1"


def day_modifier(offset_minutes: int) -> str:
    return f"{offset_minutes:+d} minutes"


# How far the rollups are done, and when a copy between stores last wrote a page.
READ_STATE = "SELECT task, done_until, updated_ts FROM maintenance WHERE task IN ('rollup', 'copy')"

# A copy between stores (footfall.database.copying) marks every page it writes; maintenance waits
# while one has written within COPY_QUIET_MS, so that no day is rolled up from rows half copied
# (a day's page views there, its hits not yet) and no copied row is purged before it is counted.
COPY_QUIET_MS = 3_600_000
MARK_COPYING = """
INSERT INTO maintenance (task, done_until, updated_ts) VALUES ('copy', '', ?1)
ON CONFLICT (task) DO UPDATE SET updated_ts = excluded.updated_ts
"""

DAYS_WITH_DATA = """
SELECT day FROM pageviews WHERE day > ?1 AND day <= ?2
UNION SELECT day FROM hits WHERE day > ?1 AND day <= ?2
UNION SELECT day FROM events WHERE day > ?1 AND day <= ?2
ORDER BY day
"""

DELETE_OLD_SALTS = "DELETE FROM salts WHERE day < ?1"

PURGES = (
    (
        "purge_pageviews",
        f"DELETE FROM pageviews WHERE uuid IN "
        f"(SELECT uuid FROM pageviews WHERE day < ?1 AND day <= ?2 LIMIT {PURGE_BATCH})",
    ),
    (
        "purge_events",
        f"DELETE FROM events WHERE (uuid, seq) IN "
        f"(SELECT uuid, seq FROM events WHERE day < ?1 AND day <= ?2 LIMIT {PURGE_BATCH})",
    ),
    (
        "purge_hits",
        f"DELETE FROM hits WHERE id IN (SELECT id FROM hits WHERE day < ?1 AND day <= ?2 LIMIT {PURGE_BATCH})",
    ),
)


def rollup_day(day: str, now_ms: int, found: insights.Definitions | None = None) -> list[Statement]:
    """One day's rollup, and its month's, as one batch (one transaction); with the goals and
    funnels `found`, their conversions, event properties and exits too (footfall.report.insights)."""
    statements = [Statement(name, sql, (day,)) for name, sql in DELETE_DAY]
    statements += [Statement(name, sql, tuple(params)) for name, sql, params in _statements(day)]
    statements.append(Statement("rollup_totals", ROLLUP_TOTALS, (day,)))
    month = month_bounds(day)
    statements += [Statement(name, sql, (month[0],)) for name, sql in DELETE_MONTH]
    statements += [Statement(name, sql, month) for name, sql in ROLLUP_MONTH]
    statements += insights.rollup(day, found or insights.Definitions([], []))
    statements.append(Statement("mark_done", MARK_DONE, (day, now_ms)))
    return statements


LOWER_DONE = "UPDATE maintenance SET done_until = ?1, updated_ts = ?2 WHERE task = 'rollup' AND done_until > ?1"


def unroll_after(day: str, now_ms: int) -> list[Statement]:
    """The days after `day` back to raw rows, as one batch: their rollup rows deleted, `day`'s
    month summed again from the days left and later months' rows deleted, and the mark moved
    back to `day` if it was past it, so that the next run rolls them up again. Readers take
    days after the mark from raw rows and months from rows of rolled-up days only: nothing is
    counted twice in between. Only for days whose raw rows are all kept (after the retention
    cutoff): a day boundary moved west, a day a copy between stores brought rows to."""
    out = [Statement(f"unroll_{table}", f"DELETE FROM {table} WHERE day > ?", (day,)) for table in DAILY_TABLES]
    month = month_bounds(day)
    out += [
        Statement(f"unroll_{table}", f"DELETE FROM {table} WHERE month >= ?", (month[0],)) for table in MONTHLY_TABLES
    ]
    out += [Statement(name, sql, month) for name, sql in ROLLUP_MONTH]
    out.append(Statement("lower_done", LOWER_DONE, (day, now_ms)))
    return out


def purge_cutoff(now_ms: int, offset_minutes: int, retention_days: int) -> str:
    """Raw rows of days before this one are purged (once rolled up)."""
    return shift_day(local_day(now_ms, offset_minutes), -retention_days)


def salt_cutoff(now_ms: int, offset_minutes: int) -> str:
    return shift_day(local_day(now_ms, offset_minutes), -SALT_KEEP_DAYS)
