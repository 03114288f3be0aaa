"""Every top-line number beside the same number for an earlier period of equal length: the
period just before (the default) or the same days a year before.

The earlier period's numbers are the report's own (footfall.report.stats plans and assembles them,
under the same filters), read in the same batch: its statements are the report's, renamed
`prev:<name>`, less those no top-line number needs (dimensions, events, the last five
minutes, the site list). Rolled-up days cost one daily_totals row per day plus the pages'
rows that carry time on page; drawn by hour, their raw rows too (g_rows), as the report's own.

A count changes by a percentage of the earlier number (none when that was 0); a rate
(bounce rate, tracking coverage, a goal's conversion rate) by percentage points.
"""

from datetime import date, timedelta

from footfall.database.store import Statement
from footfall.days import shift_day
from footfall.errors import Rejection
from footfall.report import insights, stats

PREVIOUS, YEAR, OFF = "previous", "year", "off"
KINDS = (PREVIOUS, YEAR, OFF)
PREFIX = "prev:"
# Statements a top-line number or the graph's dashed line needs (footfall.report.stats.plan's
# names): g_rows holds the hours of days already rolled up.
_NEEDED = ("r_series", "r_pages", "t_rows", "t_hit_counts", "g_rows", "done")
COUNTS = ("visitors", "pageviews", "visits", "median_seconds", "visit_duration")
RATES = ("bounce_rate", "coverage")


def parse_kind(value: object) -> str:
    if value is None or value == "":
        return PREVIOUS
    if value not in KINDS:
        raise Rejection(400, "invalid_compare", "compare may be " + ", ".join(KINDS))
    return str(value)


def earlier(q: stats.Query, kind: str) -> stats.Query | None:
    """The period to compare with, or None."""
    if kind == OFF:
        return None
    if kind == YEAR:
        first, last = date.fromisoformat(q.day_from), date.fromisoformat(q.day_to)
        try:
            start, end = first.replace(year=first.year - 1), last.replace(year=last.year - 1)
        except ValueError:  # 29 February
            start, end = first - timedelta(days=365), last - timedelta(days=365)
        if start.year < 1970:
            return None
        return q._replace(day_from=start.isoformat(), day_to=end.isoformat())
    span = (date.fromisoformat(q.day_to) - date.fromisoformat(q.day_from)).days + 1
    begin = shift_day(q.day_from, -span)
    if begin < "1970-01-01":
        return None
    return q._replace(day_from=begin, day_to=shift_day(q.day_from, -1))


def plan(q: stats.Query, kind: str) -> list[Statement]:
    before = earlier(q, kind)
    if before is None:
        return []
    return [s._replace(name=PREFIX + s.name) for s in stats.plan(before) if s.name.startswith(_NEEDED)]


def _change(metric: str, now, then):
    if now is None or then is None:
        return None
    if metric in RATES:
        return round((now - then) * 100, 1)  # percentage points
    return round((now - then) / then * 100) if then else None


def assemble(q: stats.Query, kind: str, rows: dict[str, list[dict]], totals: dict) -> dict | None:
    """The earlier period's totals and each top-line number's change; its daily series and its
    series at the report's grain, for the main graph (in the current period's order)."""
    before = earlier(q, kind)
    if before is None:
        return None
    own = {name[len(PREFIX) :]: value for name, value in rows.items() if name.startswith(PREFIX)}
    then = stats.assemble(before, own)
    previous = {**then["totals"], "visit_duration": insights.mean_duration(before, own, then["totals"]["visits"])}
    return {
        "kind": kind,
        "from": before.day_from,
        "to": before.day_to,
        "totals": previous,
        "change": {m: _change(m, totals.get(m), previous.get(m)) for m in COUNTS + RATES},
        "series": then["series"],
        "graph": then["graph"],  # the main graph's dashed line (footfall.dashboard.graph)
    }
