"""Aggregations over raw rows, shared by the daily job (which stores them as rollups) and the
dashboard (which runs them for today, and for filtered ranges within retention).

A Scope says which raw rows: a range of days, one site or all, and equality filters on
whitelisted columns. Values always travel as parameters; column names only ever come from
footfall.dimensions, never from a request.
"""

import json
from typing import NamedTuple

from footfall import dimensions
from footfall.classify.bots import PEOPLE
from footfall.days import shift_day
from footfall.report.visits import ATTRIBUTES, BOUNCE_SECONDS, SOURCE_ATTRIBUTES, VISIT_GAP_MS

PEOPLE_SQL = "(" + ", ".join(f"'{c}'" for c in PEOPLE) + ")"  # constants, not visitor data

# The vocabulary (footfall.dimensions): filter key -> column, filters hits honour, rolled-up dimensions.
FILTER_COLUMNS = dimensions.FILTER_COLUMNS
HIT_FILTERS = dimensions.HIT_FILTERS
DIMENSIONS = dimensions.ROLLED_UP


# A page the proxy served to a person: a 2xx answer, or a 304 to a document request (a browser
# revalidating the copy it has cached, on a reload: it shows the page, the tracker counts it).
SERVED_HIT = "(status BETWEEN 200 AND 299 OR status = 304)"

# The last day the daily job rolled up ('' before its first run), read inside a statement.
DONE = "(SELECT COALESCE(MAX(done_until), '') FROM maintenance WHERE task = 'rollup')"


class Scope(NamedTuple):
    day_from: str | None  # None (with unrolled): every day the daily job has not rolled up
    day_to: str | None
    site: str | None = None  # None: every site (the daily job)
    filters: tuple[tuple[str, str], ...] = ()
    unrolled: bool = False  # only the days the daily job has not rolled up yet

    def where(self, only: tuple[str, ...] | None = None, alias: str = "") -> tuple[str, list]:
        """SQL condition and parameters selecting this scope's rows (columns prefixed `alias.`)."""
        a = f"{alias}." if alias else ""
        if self.day_from is None or self.day_to is None:
            parts, params = [f"{a}day > {DONE}"], []  # every day not rolled up yet (live views)
        elif self.unrolled:
            # One constant lower bound (the later of the range's start and the last rolled-up
            # day), so the (day, site, ...) index serves it.
            parts, params = [f"{a}day > MAX(?, {DONE}) AND {a}day <= ?"], [shift_day(self.day_from, -1), self.day_to]
        else:
            parts, params = [f"{a}day BETWEEN ? AND ?"], [self.day_from, self.day_to]
        if self.site is not None:
            parts.append(f"{a}site = ?")
            params.append(self.site)
        for name, value in self.filters:
            if only is not None and name not in only:
                continue
            column = FILTER_COLUMNS[name]  # KeyError for anything not whitelisted
            parts.append(f"{a}{column} = ?")
            params.append(value)
        return " AND ".join(parts), params

    @property
    def honours_hits(self) -> bool:
        """Whether hit counts (coverage, 404s) mean the same under these filters."""
        return all(name in HIT_FILTERS for name, _ in self.filters)


def people_views(scope: Scope, alias: str = "") -> tuple[str, list]:
    """People's page views: person or AI assistant, not flagged 404."""
    where, params = scope.where(alias=alias)
    a = f"{alias}." if alias else ""
    return f"{where} AND {a}bot_class IN {PEOPLE_SQL} AND ({a}status IS NULL OR {a}status <> 404)", params


def _visits_cte(scope: Scope) -> tuple[str, list]:
    """The WITH clause behind every visit number of the daily job (rules: footfall.report.visits):
    pv (people's page views, `entry` = 1 where a visit starts), numbered (visit_no per
    visitor and day), visits (views, bounced), entries (each visit's entry view with its
    attributes: a source only when it came from outside the site)."""
    where, params = people_views(scope)
    columns = ", ".join(ATTRIBUTES)
    internal = "(n.internal = 1 OR n.channel = 'internal')"
    attributes = ", ".join(
        f"CASE WHEN {internal} THEN 'direct' ELSE n.channel END AS channel"
        if name == "channel"
        else f"CASE WHEN {internal} THEN NULL ELSE n.{name} END AS {name}"
        if name in SOURCE_ATTRIBUTES
        else f"n.{name}"
        for name in ATTRIBUTES
    )
    return (
        f"""
WITH pv AS (
  SELECT site, day, path, visitor, ts, seconds, internal, {columns},
         CASE WHEN LAG(last_ts) OVER w IS NULL OR ts - LAG(last_ts) OVER w > {VISIT_GAP_MS}
              THEN 1 ELSE 0 END AS entry
  FROM pageviews WHERE {where}
  WINDOW w AS (PARTITION BY site, day, visitor ORDER BY ts)
),
numbered AS (
  SELECT *, SUM(entry) OVER (PARTITION BY site, day, visitor ORDER BY ts ROWS UNBOUNDED PRECEDING) AS visit_no
  FROM pv
),
visits AS (
  SELECT site, day, visitor, visit_no, COUNT(*) AS views,
         COUNT(*) = 1 AND MAX(seconds) < {BOUNCE_SECONDS} AS bounced
  FROM numbered GROUP BY site, day, visitor, visit_no
),
entries AS (
  SELECT n.site, n.day, n.visitor, n.path, v.views, v.bounced, {attributes}
  FROM numbered n JOIN visits v
    ON v.site = n.site AND v.day = n.day AND v.visitor IS n.visitor AND v.visit_no = n.visit_no
  WHERE n.entry = 1
)""",
        params,
    )


def pages(scope: Scope) -> tuple[str, list]:
    """Per (site, day, path): views, daily unique visitors, visits entered here, bounces,
    seconds on page (sum, count of non-zero, histogram for medians)."""
    cte, params = _visits_cte(scope)
    return (
        f"""{cte},
entry_pages AS (
  SELECT site, day, path, COUNT(*) AS visits, SUM(bounced) AS bounces FROM entries GROUP BY site, day, path
),
hist AS (
  SELECT site, day, path, json_group_object(seconds, n) AS seconds_hist
  FROM (SELECT site, day, path, seconds, COUNT(*) AS n FROM pv GROUP BY site, day, path, seconds)
  GROUP BY site, day, path
),
agg AS (
  SELECT site, day, path, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors,
         SUM(seconds) AS seconds_sum, SUM(seconds > 0) AS seconds_count
  FROM pv GROUP BY site, day, path
)
SELECT a.site, a.day, a.path, a.views, a.visitors, COALESCE(e.visits, 0) AS visits,
       COALESCE(e.bounces, 0) AS bounces, a.seconds_sum, a.seconds_count, h.seconds_hist
FROM agg a JOIN hist h ON h.site = a.site AND h.day = a.day AND h.path = a.path
LEFT JOIN entry_pages e ON e.site = a.site AND e.day = a.day AND e.path = a.path
""",
        params,
    )


def hits(scope: Scope) -> tuple[str, list]:
    """Per (site, day, path): person HTML pages the proxy served (2xx, 304), 404s, and the
    served pages the tracker reported (tracked): per visitor, the fewer of their page views and
    their pages served (footfall.report.coverage)."""
    where, params = scope.where(only=HIT_FILTERS)
    views_where, views_params = people_views(
        scope._replace(filters=tuple(f for f in scope.filters if f[0] in HIT_FILTERS))
    )
    return (
        f"""
SELECT site, day, path, SUM(h) AS hits, SUM(nf) AS not_found, SUM(MIN(h, v)) AS tracked
FROM (
  SELECT site, day, path, visitor, SUM(h) AS h, SUM(nf) AS nf, SUM(v) AS v
  FROM (
    SELECT site, day, path, visitor, {SERVED_HIT} AS h, status = 404 AS nf, 0 AS v
    FROM hits WHERE {where} AND bot_class IN {PEOPLE_SQL}
    UNION ALL
    SELECT site, day, path, visitor, 0, 0, 1 FROM pageviews WHERE {views_where}
  )
  GROUP BY site, day, path, visitor
)
GROUP BY site, day, path
HAVING SUM(h) + SUM(nf) > 0
""",
        params + views_params,
    )


def all_dimensions(scope: Scope) -> tuple[str, list]:
    """Every visit attribute at once (footfall.report.visits): per (site, day, dimension, value), page
    views of those visits, daily unique visitors, visits and bounces; the dimension "total"
    has the one value "all". One statement, one pass over the visits: the dimension names
    come from a JSON list, not a compound SELECT (D1 allows at most 5 terms in one)."""
    cte, params = _visits_cte(scope)
    names = json.dumps([*DIMENSIONS, "total"])
    value = "CASE d.value " + " ".join(f"WHEN '{n}' THEN e.{n}" for n in DIMENSIONS) + " ELSE 'all' END"
    return (
        f"""{cte},
attributed AS (
  SELECT e.site, e.day, d.value AS dimension, {value} AS value, e.visitor, e.views, e.bounced
  FROM entries e, json_each('{names}') d
)
SELECT site, day, dimension, value, SUM(views) AS views, COUNT(DISTINCT visitor) AS visitors,
       COUNT(*) AS visits, SUM(bounced) AS bounces
FROM attributed WHERE value IS NOT NULL
GROUP BY site, day, dimension, value
""",
        params,
    )


def classes(scope: Scope) -> list[tuple[str, str, list]]:
    """What the bot filter sorted out: (dimension, sql, params) for the classes of page loads,
    of the proxy's hits, and the bot classes per page."""
    pv_where, pv_params = scope.where()
    hit_where, hit_params = scope.where(only=HIT_FILTERS)
    return [
        (
            "class",
            f"SELECT site, day, 'class' AS dimension, COALESCE(bot_class, 'unknown') AS value, "
            f"COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM pageviews WHERE {pv_where} "
            f"GROUP BY site, day, bot_class",
            pv_params,
        ),
        (
            "hit_class",
            f"SELECT site, day, 'hit_class' AS dimension, COALESCE(bot_class, 'unknown') AS value, "
            f"COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM hits WHERE {hit_where} "
            f"GROUP BY site, day, bot_class",
            hit_params,
        ),
        (
            "bot_page",
            f"SELECT site, day, 'bot_page' AS dimension, bot_class || ' ' || path AS value, "
            f"COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM hits WHERE {hit_where} "
            f"AND bot_class NOT IN {PEOPLE_SQL} GROUP BY site, day, bot_class, path",
            hit_params,
        ),
    ]


# Scroll milestones: a page load counts for each one its deepest scroll point reached.
SCROLL_MILESTONES_SQL = (
    "SELECT '25' AS name, 25 AS depth UNION ALL SELECT '50', 50 UNION ALL SELECT '75', 75 UNION ALL SELECT '100', 100"
)


def events(scope: Scope) -> tuple[str, list]:
    """Per (site, day, type, name, url): events of people's page views, and their visitors.
    An event counts on its page view's day, as a goal does (footfall.report.goals.acts_cte): a
    link clicked after midnight on a page loaded before it belongs to the page's day, which is
    the day the daily job rolls it up with (its own day would be neither day's rollup). The
    page views come by their day, their events by the events' key (uuid, seq). Scroll milestones
    come from the page loads' scroll depth (heartbeats), or from scroll events for the page loads
    whose tracker sent those instead (never both for one page load)."""
    where, params = people_views(scope, alias="p")
    return (
        f"""
SELECT site, day, type, name, url, COUNT(*) AS count, COUNT(DISTINCT visitor) AS visitors FROM (
  SELECT p.site, p.day, e.type, COALESCE(e.name, '') AS name, COALESCE(e.url, '') AS url, p.visitor
  FROM pageviews p JOIN events e ON e.uuid = p.uuid
  WHERE {where} AND NOT (e.type = 'scroll' AND p.scroll IS NOT NULL)
  UNION ALL
  SELECT p.site, p.day, 'scroll', m.name, '', p.visitor
  FROM pageviews p JOIN ({SCROLL_MILESTONES_SQL}) m ON p.scroll >= m.depth
  WHERE {where}
)
GROUP BY site, day, type, name, url
""",
        params + params,
    )


# The columns of one page load the dashboard aggregates itself (footfall.report.stats, footfall.report.visits).
ROW_COLUMNS = (
    "uuid",
    "day",
    "path",
    "visitor",
    "ts",
    "last_ts",
    "seconds",
    "scroll",
    "bot_class",
    "status",
    "internal",
) + DIMENSIONS


def rows(scope: Scope) -> tuple[str, list]:
    """Every page load in scope (all classes), the columns of ROW_COLUMNS. No filters here:
    filters select whole visits, which footfall.report.visits finds among all the rows."""
    where, params = scope._replace(filters=()).where()
    return f"SELECT {', '.join(ROW_COLUMNS)} FROM pageviews WHERE {where}", params


def events_scope(scope: Scope) -> Scope:
    """The days holding the events of the scope's page views: theirs and the next. An event is
    stored at most HEARTBEAT_WINDOW_MS (6 h) after its page load (footfall.database.sql.INSERT_EVENT),
    so one after midnight is on the next day; the reader keeps only the events of the page views
    it has (by uuid) and counts them on their page view's day, as footfall.report.queries.events
    does. Reading the events' own index costs at most one more day of events, where a join
    would read the page views a second time."""
    return scope._replace(filters=(), day_to=shift_day(scope.day_to, 1) if scope.day_to else None)


def event_rows(scope: Scope) -> tuple[str, list]:
    """The events of the scope's page views and a few others (events_scope), for
    footfall.report.visits.events_of to count against selected visits."""
    where, params = events_scope(scope).where()
    return f"SELECT uuid, day, type, name, url FROM events WHERE {where}", params


def hit_counts(scope: Scope) -> tuple[str, list]:
    """Per (day, path, visitor, status, class): the proxy's hits, in one scan (per visitor, so
    that coverage can match them with the visitor's page views: footfall.report.coverage)."""
    where, params = scope.where(only=HIT_FILTERS)
    return (
        f"""
SELECT day, path, visitor, status, COALESCE(bot_class, 'unknown') AS bot_class, COUNT(*) AS n
FROM hits WHERE {where} GROUP BY day, path, visitor, status, bot_class
""",
        params,
    )
