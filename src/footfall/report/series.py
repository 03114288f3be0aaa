"""The time series behind the dashboard's main graph and the stats API's time dimensions, at
the grain a range reads best in: by hour for one or two days, by day up to about three
months, by week (Monday first) up to about half a year, by month beyond (Plausible's
`time:hour`, `time:day`, `time:week`, `time:month`).

Days and longer buckets come from the report's daily series (rolled-up days from
daily_totals, the others from raw rows), so a year by month costs what a year by day costs.
Hours need raw rows (footfall.report.stats reads them for the whole range when the grain is an hour,
within the retention window); they follow the same visit rules as every other number
(footfall.report.visits): a visit counts in the hour it began, a page view in the hour it was loaded,
and visitors are the daily visitor ids seen in that hour.

Each point: {"time", "visitors", "pageviews", "visits", "bounce_rate", "median_seconds"}.
"""

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from footfall.days import days_between
from footfall.report import visits

GRAINS = ("hour", "day", "week", "month")
HOURLY_DAYS = 2  # ranges of at most this many days are drawn by hour
DAILY_DAYS = 92  # ... by day up to about three months
WEEKLY_DAYS = 200  # ... by week up to about half a year, by month beyond
METRICS = ("visitors", "pageviews", "visits", "bounce_rate", "median_seconds")


def span_days(day_from: str, day_to: str) -> int:
    return (date.fromisoformat(day_to) - date.fromisoformat(day_from)).days + 1


def auto_grain(day_from: str, day_to: str) -> str:
    days = span_days(day_from, day_to)
    if days <= HOURLY_DAYS:
        return "hour"
    if days <= DAILY_DAYS:
        return "day"
    return "week" if days <= WEEKLY_DAYS else "month"


def grains_for(day_from: str, day_to: str) -> tuple[str, ...]:
    """The grains a range can be drawn in on the dashboard (hours only for short ranges: they
    read raw rows; weeks and months only where there is more than one)."""
    days = span_days(day_from, day_to)
    out = ["hour"] if days <= HOURLY_DAYS else []
    out.append("day")
    if days >= 14:
        out.append("week")
    if days >= 60:
        out.append("month")
    return tuple(out)


def _point(time: str, views: int, visitors: int, visit_count: int, bounces: int, hist: dict[int, int]) -> dict:
    return {
        "time": time,
        "visitors": visitors,
        "pageviews": views,
        "visits": visit_count,
        "bounce_rate": round(bounces / visit_count, 4) if visit_count else None,
        "median_seconds": visits.median_seconds(hist),
    }


def _merge(into: dict[int, int], hist: dict | str | None) -> None:
    values: dict = json.loads(hist) if isinstance(hist, str) else (hist or {})
    for seconds, n in values.items():
        into[int(seconds)] = into.get(int(seconds), 0) + n


def hour_label(ts_ms: int, offset_minutes: int, day: str) -> str:
    """'YYYY-MM-DD HH:00:00' of a moment in the site's time zone, on the row's own day (a
    daylight saving change can put a moment an hour off the day its row was given)."""
    local = datetime.fromtimestamp(ts_ms / 1000, tz=UTC) + timedelta(minutes=offset_minutes)
    stamp = local.strftime("%Y-%m-%d")
    hour = local.hour if stamp == day else (0 if stamp < day else 23)
    return f"{day} {hour:02d}:00:00"


def hourly(
    rows: list[dict], day_from: str, day_to: str, filters, columns: dict[str, str], now_ms: int, offset_minutes: int
) -> list[dict]:
    """Raw page loads -> one point per hour of the range (today's up to the current hour)."""
    page_filter = next((v for k, v in filters if columns[k] == "path"), None)
    buckets: dict[str, visits.Totals] = defaultdict(visits.Totals)
    for visit in visits.visits_of(rows):
        if not visits.selected(visit, filters, columns):
            continue
        for view in visit.views:
            if page_filter is None or view["path"] == page_filter:
                buckets[hour_label(view["ts"], offset_minutes, visit.day)].add_view(view)
        buckets[hour_label(visit.entry["ts"], offset_minutes, visit.day)].add_visit(visit)
    now = hour_label(now_ms, offset_minutes, days_between(day_from, day_to)[-1])
    labels = [f"{day} {hour:02d}:00:00" for day in days_between(day_from, day_to) for hour in range(24)]
    labels = [t for t in labels if t <= now] or labels[:1]
    return [
        _point(t, b.views, len(b.visitors), b.visits, b.bounces, b.hist)
        for t, b in ((t, buckets.get(t) or visits.Totals()) for t in labels)
    ]


def bucket_start(day: str, grain: str) -> str:
    """The first day of the day, week (Monday) or month bucket a day is in."""
    d = date.fromisoformat(day)
    if grain == "week":
        return (d - timedelta(days=d.weekday())).isoformat()
    if grain == "month":
        return d.replace(day=1).isoformat()
    return day


def from_days(days: list[dict], grain: str) -> list[dict]:
    """The daily series (footfall.report.stats: day, views, visitors, visits, bounces, hist) summed
    into days, weeks or months; a bucket is named by its first day (a week's Monday, a month's
    1st, even before the range starts, as the stats API names them). Visitors are daily unique
    visitors, summed, as everywhere on the dashboard."""
    order: list[str] = []
    sums: dict[str, list] = {}
    for d in days:
        key = bucket_start(d["day"], grain)
        if key not in sums:
            order.append(key)
            sums[key] = [0, 0, 0, 0, {}]
        entry = sums[key]
        entry[0] += d["views"]
        entry[1] += d["visitors"]
        entry[2] += d["visits"]
        entry[3] += d["bounces"]
        _merge(entry[4], d.get("hist"))
    return [_point(key, *sums[key]) for key in order]
