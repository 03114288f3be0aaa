"""SQL of the daily maintenance job: roll a finished day's raw rows into the daily_* tables,
and purge what retention no longer keeps.

A day's rollup is one D1 batch (one transaction): delete that day's rollup rows, insert them
again from the raw rows, and record the day as done. Running it twice gives the same rows;
a run that fails part-way leaves the previous state, and the next run starts again from the
last day recorded as done.

People are person and ai_assistant (footfall.bots.PEOPLE); a page load flagged 404 is not a
page view. A visit ends after 30 minutes without activity; a bounce is a visit of one page
view with under 10 seconds on it.
"""

from datetime import date, timedelta

from footfall.bots import PEOPLE
from footfall.clock import local_day
from footfall.sql import HEARTBEAT_WINDOW_MS
from footfall.writes import Statement

VISIT_GAP_MS = 30 * 60 * 1000
BOUNCE_SECONDS = 10
MAX_DAYS_PER_RUN = 7
PURGE_BATCH = 5000
MAX_PURGE_ROUNDS = 10
SALT_KEEP_DAYS = 2

_PEOPLE = "(" + ", ".join(f"'{c}'" for c in PEOPLE) + ")"  # constants, not visitor data
_PAGE_VIEWS = f"day = ?1 AND bot_class IN {_PEOPLE} AND (status IS NULL OR status <> 404)"

# Dimensions rolled up per day from people's page views; referrer_host only for arrivals
# from elsewhere.
DIMENSIONS = ("channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term",
              "utm_content", "country", "browser", "os", "device")

DELETE_DAY = tuple(
    (f"delete_{table}", f"DELETE FROM {table} WHERE day = ?1")
    for table in ("daily_pages", "daily_dimensions", "daily_events")
)

ROLLUP_PAGES = f"""
INSERT INTO daily_pages (site, day, path, views, visitors, visits, bounces,
                         seconds_sum, seconds_count, seconds_hist, hits, not_found)
WITH pv AS (
  SELECT site, path, visitor, ts, seconds,
         CASE WHEN LAG(last_ts) OVER w IS NULL OR ts - LAG(last_ts) OVER w > {VISIT_GAP_MS}
              THEN 1 ELSE 0 END AS entry
  FROM pageviews WHERE {_PAGE_VIEWS}
  WINDOW w AS (PARTITION BY site, visitor ORDER BY ts)
),
numbered AS (
  SELECT *, SUM(entry) OVER (PARTITION BY site, visitor ORDER BY ts ROWS UNBOUNDED PRECEDING) AS visit_no
  FROM pv
),
visits AS (
  SELECT site, visitor, visit_no, COUNT(*) AS views, MAX(seconds) AS seconds
  FROM numbered GROUP BY site, visitor, visit_no
),
entries AS (
  SELECT n.site, n.path, COUNT(*) AS visits,
         SUM(v.views = 1 AND v.seconds < {BOUNCE_SECONDS}) AS bounces
  FROM numbered n JOIN visits v
    ON v.site = n.site AND v.visitor IS n.visitor AND v.visit_no = n.visit_no
  WHERE n.entry = 1
  GROUP BY n.site, n.path
),
hist AS (
  SELECT site, path, json_group_object(seconds, n) AS seconds_hist
  FROM (SELECT site, path, seconds, COUNT(*) AS n FROM pv GROUP BY site, path, seconds)
  GROUP BY site, path
),
pages AS (
  SELECT site, path, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors,
         SUM(seconds) AS seconds_sum, SUM(seconds > 0) AS seconds_count
  FROM pv GROUP BY site, path
)
SELECT p.site, ?1, p.path, p.views, p.visitors, COALESCE(e.visits, 0), COALESCE(e.bounces, 0),
       p.seconds_sum, p.seconds_count, h.seconds_hist, 0, 0
FROM pages p JOIN hist h ON h.site = p.site AND h.path = p.path
LEFT JOIN entries e ON e.site = p.site AND e.path = p.path
"""

# The proxy's view of the same day: person HTML pages served (coverage) and 404s.
ROLLUP_HITS = f"""
INSERT INTO daily_pages (site, day, path, views, visitors, visits, bounces,
                         seconds_sum, seconds_count, seconds_hist, hits, not_found)
SELECT site, ?1, path, 0, 0, 0, 0, 0, 0, '{{}}',
       SUM(status BETWEEN 200 AND 299), SUM(status = 404)
FROM hits WHERE day = ?1 AND bot_class IN {_PEOPLE}
GROUP BY site, path
HAVING SUM(status BETWEEN 200 AND 299) + SUM(status = 404) > 0
ON CONFLICT (site, day, path) DO UPDATE SET hits = excluded.hits, not_found = excluded.not_found
"""

# One statement per dimension: D1 caps the terms of a compound SELECT, so no UNION ALL.
_ROLLUP_DIMENSION = """
INSERT INTO daily_dimensions (site, day, dimension, value, views, visitors)
SELECT site, ?1, '{name}', {value}, COUNT(*), COUNT(DISTINCT visitor)
FROM {table} WHERE {where} AND {value} IS NOT NULL
GROUP BY site, {value}
"""
ROLLUP_DIMENSIONS = tuple(
    (f"rollup_{name}", _ROLLUP_DIMENSION.format(name=name, value=value, table=table, where=where))
    for name, value, table, where in [
        *((d, d, "pageviews", _PAGE_VIEWS + (" AND internal = 0" if d == "referrer_host" else ""))
          for d in DIMENSIONS),
        # Every class, people and bots, as the tracker reported them and as the proxy saw them.
        ("class", "COALESCE(bot_class, 'unknown')", "pageviews", "day = ?1"),
        ("hit_class", "COALESCE(bot_class, 'unknown')", "hits", "day = ?1"),
        # What the filter removed, by class and page.
        ("bot_page", "bot_class || ' ' || path", "hits", f"day = ?1 AND bot_class NOT IN {_PEOPLE}"),
    ]
)

ROLLUP_EVENTS = f"""
INSERT INTO daily_events (site, day, type, name, url, count, visitors)
SELECT e.site, ?1, e.type, COALESCE(e.name, ''), COALESCE(e.url, ''), COUNT(*), COUNT(DISTINCT p.visitor)
FROM events e JOIN pageviews p ON p.uuid = e.uuid
WHERE e.day = ?1 AND e.bot_class IN {_PEOPLE}
GROUP BY e.site, e.type, e.name, e.url
"""

MARK_DONE = """
INSERT INTO maintenance (task, done_until, updated_ts) VALUES ('rollup', ?1, ?2)
ON CONFLICT (task) DO UPDATE SET done_until = excluded.done_until, updated_ts = excluded.updated_ts
"""

READ_DONE = "SELECT done_until FROM maintenance WHERE task = 'rollup'"

DAYS_WITH_DATA = """
SELECT day FROM pageviews WHERE day > ?1 AND day <= ?2
UNION SELECT day FROM hits WHERE day > ?1 AND day <= ?2
UNION SELECT day FROM events WHERE day > ?1 AND day <= ?2
ORDER BY day
"""

DELETE_OLD_SALTS = "DELETE FROM salts WHERE day < ?1"

PURGES = (
    ("purge_pageviews", f"DELETE FROM pageviews WHERE uuid IN "
                        f"(SELECT uuid FROM pageviews WHERE day < ?1 AND day <= ?2 LIMIT {PURGE_BATCH})"),
    ("purge_events", f"DELETE FROM events WHERE id IN "
                     f"(SELECT id FROM events WHERE day < ?1 AND day <= ?2 LIMIT {PURGE_BATCH})"),
    ("purge_hits", f"DELETE FROM hits WHERE id IN "
                   f"(SELECT id FROM hits WHERE day < ?1 AND day <= ?2 LIMIT {PURGE_BATCH})"),
)


def shift_day(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def last_closed_day(now_ms: int, offset_minutes: int) -> str:
    """The newest day no heartbeat can change any more: its page loads are all older than
    the heartbeat window."""
    return shift_day(local_day(now_ms - HEARTBEAT_WINDOW_MS, offset_minutes), -1)


def rollup_day(day: str, now_ms: int) -> list[Statement]:
    """One day's rollup, as one batch."""
    statements = [Statement(name, sql, (day,)) for name, sql in DELETE_DAY]
    statements += [
        Statement("rollup_pages", ROLLUP_PAGES, (day,)),
        Statement("rollup_hits", ROLLUP_HITS, (day,)),
        *(Statement(name, sql, (day,)) for name, sql in ROLLUP_DIMENSIONS),
        Statement("rollup_events", ROLLUP_EVENTS, (day,)),
        Statement("mark_done", MARK_DONE, (day, now_ms)),
    ]
    return statements


def purge_cutoff(now_ms: int, offset_minutes: int, retention_days: int) -> str:
    """Raw rows of days before this one are purged (once rolled up)."""
    return shift_day(local_day(now_ms, offset_minutes), -retention_days)


def salt_cutoff(now_ms: int, offset_minutes: int) -> str:
    return shift_day(local_day(now_ms, offset_minutes), -SALT_KEEP_DAYS)
