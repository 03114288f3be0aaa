"""{prefix}/api/v1/query: Plausible's Stats API v2 (footfall.api.queryv2) answered with the cheapest
reading that gives the exact answer, in ONE D1 batch.

- A query the rollups answer (no filters, whole days, at most one dimension among those kept
  per day, metrics the rollups hold) reads them through the dashboard's report
  (footfall.report.overview): past days cost a few rows each, whatever the traffic.
- Anything else (filters, several dimensions, hours, sources and channels in Plausible's words,
  visit duration per group, properties, datetime ranges) is answered from raw rows by
  footfall.api.engine, for the days raw rows are kept (RETENTION_DAYS).

`meta.source` says which: the days read from rollups and from raw rows, and a note when raw
rows did not reach back to the start of the range. The short GET form (`?date_range=7d&
metrics=visitors,pageviews&dimensions=visit:country&filters=page==/x;country==DE`) is the same
query written as parameters.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from footfall import dimensions
from footfall.api import engine, queryv2, vocabulary
from footfall.database.store import Statement, Store
from footfall.days import local_day, shift_day
from footfall.errors import Rejection
from footfall.report import goals, overview, queries, stats
from footfall.settings import Settings

_VISIT_FAST = frozenset({"visitors", "pageviews", "visits", "bounce_rate", "percentage"})
FAST: dict[str | None, frozenset[str]] = {
    None: frozenset(
        {"visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "events", "views_per_visit", "coverage"}
    ),
    "time:day": frozenset({"visitors", "pageviews", "visits", "bounce_rate", "coverage"}),
    "time:week": frozenset({"visitors", "pageviews", "visits", "bounce_rate"}),
    "time:month": frozenset({"visitors", "pageviews", "visits", "bounce_rate"}),
    "event:page": frozenset({"visitors", "pageviews", "percentage"}),
    "visit:entry_page": frozenset({"visits", "bounce_rate"}),
    "visit:exit_page": frozenset({"visits"}),
    "event:goal": frozenset({"visitors", "events", "conversion_rate"}),
    "visit:country_name": _VISIT_FAST,
    **{d.api_name: _VISIT_FAST for d in dimensions.REGISTRY if d.rolled_up and d.name != "channel"},
}
# Plausible's spelling of a rolled-up dimension's stored values.
_NAMES = {
    "visit:country_name": vocabulary.country_name,
    "visit:device": vocabulary.device,
    "visit:os": vocabulary.os,
    "visit:browser": vocabulary.browser,
}
_STORED = {"visit:country_name": "country", **{d.api_name: d.name for d in dimensions.REGISTRY}}
# Rolled-up dimensions whose stored value is not Plausible's (a bare host, footfall's channel
# words): answered from raw rows instead.
_RAW_ONLY = frozenset({"visit:referrer", "visit:channel"})
_SHORT_NAMES = {d.filter_key: d.api_name for d in dimensions.REGISTRY}


def from_parameters(params: dict[str, str]) -> dict:
    """The short GET form as a query body; footfall's own form, so it keeps its defaults (the
    last 7 days, visitors and page views) where a v2 body must say."""
    body: dict = {"metrics": ["visitors", "pageviews"], "date_range": "7d"}
    for key in ("metrics", "dimensions"):
        if key in params:
            body[key] = [v for v in params[key].split(",") if v]
    if params.get("site_id") or params.get("site"):
        body["site_id"] = params.get("site_id") or params.get("site")
    period = params.get("date_range", params.get("period"))
    if period == "custom" or (period is None and "from" in params):
        body["date_range"] = [params.get("from"), params.get("to")]
    elif period:  # ?date_range= (empty) keeps this form's default
        body["date_range"] = period
    if params.get("filters"):
        body["filters"] = [
            ["is", _SHORT_NAMES.get(name, name), [value]]
            for name, _, value in (part.partition("==") for part in params["filters"].split(";"))
            if value
        ]
    return body


def _fast(q: queryv2.Query) -> tuple[bool, str | None]:
    """(whether the rollups answer the query, its one dimension or None)."""
    if q.filters or q.start_ms is not None or len(q.dimensions) > 1:
        return False, None
    dim = queryv2.time_bucket(q.dimensions[0], q) if q.dimensions else None
    if dim in _RAW_ONLY or dim not in FAST or not set(q.metrics) <= FAST[dim]:
        return False, None
    return True, dim


def _stats_query(q: queryv2.Query, settings: Settings, today: str, now_ms: int) -> stats.Query:
    return stats.Query(
        q.site,
        q.day_from,
        q.day_to,
        today,
        now_ms,
        (),
        settings.retention_days,
        settings.day_offset_minutes,
        settings.db_size_cap_mb * 10**6,
    )


def _percent(part: int, whole: int | None) -> int | None:
    """A whole percentage from the counts, as the raw rows give it (footfall.api.engine): the
    report's ratios are rounded to four places already, and rounding twice can move it by one."""
    return round(100 * part / whole) if whole else None


def _rows_from_report(q: queryv2.Query, dim: str | None, report: dict) -> list[dict] | None:
    """Result rows in Plausible's words from a report (None: the report cannot say)."""
    if dim is None:
        t = report["totals"]
        listed = report["events"]
        if "events" in q.metrics and len(listed) >= 50:  # the report lists at most 50 kinds
            return None
        values = {
            "visitors": t["visitors"],
            "pageviews": t["pageviews"],
            "visits": t["visits"],
            "bounce_rate": _percent(t["bounces"], t["visits"]),
            "visit_duration": t.get("visit_duration"),
            "events": t["pageviews"] + sum(e["count"] for e in listed if e["type"] != "scroll"),
            "views_per_visit": round(t["pageviews"] / t["visits"], 2) if t["visits"] else None,
            "coverage": t.get("coverage"),
        }
        return [{"dimensions": [], "metrics": [values[m] for m in q.metrics]}]
    total = report["totals"]["visitors"]
    groups: list[tuple[str, dict]] = []
    if dim in ("time:day", "time:week", "time:month"):
        buckets: dict[str, dict] = {}
        for d in report["series"]:
            if not (d["pageviews"] or d["visitors"]):
                continue  # no row for an empty bucket, as Plausible (include.time_labels names them)
            label = queryv2.day_bucket(dim, d["day"], q.day_from)
            into = buckets.setdefault(label, {"visitors": 0, "pageviews": 0, "visits": 0, "bounces": 0})
            for key in into:
                into[key] += d.get(key) or 0
            if "coverage" in q.metrics:
                into["coverage"] = d.get("coverage")
        groups = [(label, {**b, "bounce_rate": _percent(b["bounces"], b["visits"])}) for label, b in buckets.items()]
    elif dim == "event:page":
        groups = [(p["path"], p) for p in report["pages"]]
    elif dim == "visit:entry_page":
        groups = [(p["path"], {**p, "bounce_rate": _percent(p["bounces"], p["visits"])}) for p in report["entry_pages"]]
    elif dim == "visit:exit_page":
        groups = [(p["path"], {"visits": p["exits"]}) for p in report["exit_pages"]]
    elif dim == "event:goal":
        groups = [
            (g["name"], {**g, "events": g["conversions"], "conversion_rate": _rate(g["visitors"], total)})
            for g in report["goals"]
            if g["visitors"] or g["conversions"]  # no row for a goal nobody reached, as the raw rows give none
        ]
    else:
        merged: dict[str, dict] = {}
        name = _NAMES.get(dim)
        for r in report["dimensions"].get(_STORED[dim], []):
            value = (name(r["value"]) if name else r["value"]) or ""
            if not value:
                continue  # a code with no name (Tor's T1, XX): no row, as the raw rows give none
            into = merged.setdefault(value, {"visitors": 0, "pageviews": 0, "visits": 0, "bounces": 0})
            into["visitors"] += r["visitors"]
            into["pageviews"] += r["pageviews"]
            into["visits"] += r.get("visits") or 0
            into["bounces"] += r["bounces"]
        groups = [(v, {**g, "bounce_rate": _percent(g["bounces"], g["visits"])}) for v, g in merged.items()]
    rows = []
    for value, g in groups:
        g = {**g, "percentage": round(100 * g["visitors"] / total, 1) if total and "visitors" in g else None}
        rows.append({"dimensions": [value], "metrics": [g.get(m) for m in q.metrics]})
    return rows


def _rate(part: int, whole: int) -> float | None:
    """A percentage to two places from the counts (see _percent)."""
    return round(100 * part / whole, 2) if whole else None


def _raw_days(q: queryv2.Query, today: str, retention_days: int) -> tuple[tuple[str, str] | None, str | None]:
    oldest = shift_day(today, -retention_days)
    start = max(q.day_from, oldest)
    note = (
        f"Raw rows are kept {retention_days} days: this answer covers {start} to {q.day_to}."
        if start > q.day_from
        else None
    )
    return ((start, q.day_to) if start <= q.day_to else None), note


_PAGE_COLUMNS = ", ".join(dict.fromkeys((*queries.ROW_COLUMNS, "referrer", "region", "region_name", "city")))


def _engine_statements(q: queryv2.Query, days: tuple[str, str] | None) -> list[Statement]:
    out = [Statement("e_goals", goals.SITE_DEFINITIONS, (q.site,))]
    if days:
        args = (*days, q.site)
        # The page views' events: theirs and the next day's (footfall.report.queries.events_scope);
        # engine.events_of keeps those of the page views read.
        where, params = queries.events_scope(queries.Scope(*days, q.site)).where()
        out += [
            Statement("e_rows", f"SELECT {_PAGE_COLUMNS} FROM pageviews WHERE day BETWEEN ? AND ? AND site = ?", args),
            Statement(
                "e_events",
                f"SELECT uuid, day, ts, type, name, path, url, props FROM events WHERE {where}",
                tuple(params),
            ),
        ]
    return out


def _iso(day: str, offset: int, end: bool = False) -> str:
    moment = datetime.fromisoformat(day) + (timedelta(days=1, seconds=-1) if end else timedelta())
    return moment.isoformat() + _zone_text(timedelta(minutes=offset))


def _zone_text(zone: timedelta) -> str:
    minutes = int(zone.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _echo(q: queryv2.Query, offset: int, raw_filters: list) -> dict:
    if q.start_ms is not None and q.end_ms is not None:
        zone = timedelta(minutes=offset)
        bounds = [
            (datetime.fromtimestamp(ms / 1000, tz=UTC) + zone).replace(tzinfo=None).isoformat(timespec="seconds")
            + _zone_text(zone)
            for ms in (q.start_ms, q.end_ms)
        ]
    else:
        bounds = [_iso(q.day_from, offset), _iso(q.day_to, offset, end=True)]
    return {
        "site_id": q.site,
        "metrics": list(q.metrics),
        "date_range": bounds,
        "filters": raw_filters,
        "dimensions": list(q.dimensions),
        "order_by": [list(o) for o in q.order_by] or _default_order(q),
        "include": q.include,
        "pagination": {"limit": q.limit, "offset": q.offset},
    }


def _default_order(q: queryv2.Query) -> list[list[str]]:
    return [[d, "asc"] for d in q.dimensions if d.startswith("time")] + [[q.metrics[0], "desc"]]


async def run(store: Store, data: dict, settings: Settings, site: str, now_ms: int, owner_may_read) -> tuple:
    """(answer, rows read per statement) for a query body; `owner_may_read(site)` guards the
    site it names (None: refused)."""
    offset = settings.day_offset_minutes
    today = local_day(now_ms, offset)
    q = queryv2.parse(data, site, today, now_ms, offset)
    if not owner_may_read(q.site):
        return None, {}
    fast, dim = _fast(q)
    if "coverage" in q.metrics and not fast:
        raise Rejection(
            400,
            "unsupported_metric",
            "metrics: coverage (footfall's own) is answered for whole days without filters, in total or by time:day",
        )
    results = None
    rows_read: dict[str, int] = {}
    source: dict = {}
    if fast:
        sq = _stats_query(q, settings, today, now_ms)
        if "top" in stats.Query._fields:
            every: dict[str, Any] = {"top": 0}  # every row: pagination is the query's
            sq = sq._replace(**every)
        report, rows_read = await overview.report(store, sq, settings.goals)
        results = _rows_from_report(q, dim, report)
        source = report["source"]
        if results is not None:
            results = engine.order(q, results)
    if results is None:
        days, note = _raw_days(q, today, settings.retention_days)
        statements = _engine_statements(q, days)
        answers = await store.batch(statements)
        rows = {s.name: r.rows for s, r in zip(statements, answers, strict=True)}
        rows_read = {**rows_read, **{s.name: r.rows_read for s, r in zip(statements, answers, strict=True)}}
        found = goals.merge(settings.goals, rows["e_goals"])
        out = engine.answer(q, rows.get("e_rows", []), rows.get("e_events", []), found, offset)
        results = out["results"]
        source = {"rolled_up_until": None, "rollups": None, "raw": list(days) if days else None, "note": note}
    meta: dict = {"rows_read": sum(rows_read.values()), "source": source}
    if q.include.get("total_rows"):
        meta["total_rows"] = len(results)
    if q.include.get("time_labels"):
        time = next(queryv2.time_bucket(d, q) for d in q.dimensions if d.startswith("time"))
        meta["time_labels"] = queryv2.labels(time, q)
    if q.include.get("imports"):
        meta["imports_included"] = False
        meta["imports_skip_reason"] = "no_imported_data"
        meta["imports_warning"] = "footfall has no imported data: every number is footfall's own."
    answer = {
        "results": results[q.offset : q.offset + q.limit],
        "meta": meta,
        "query": _echo(q, offset, data.get("filters", [])),
    }
    return answer, rows_read
