"""The numbers behind the dashboard and the stats API, for one site and a range of days.

No number depends on whether the daily job has run: a day is read from the rollups once the
job has rolled it up (maintenance.done_until, read inside the same statements), and from raw
rows before that, so yesterday is never empty after midnight. Without filters, cost does not
grow with history: rolled-up days come from the rollups (whole months from the monthly ones),
the rest (today, and yesterday until it is rolled up) from raw rows. Filters select visits
(footfall.report.visits), which needs raw rows: a filtered report covers at most the retention
window, and says so.

`plan` lists the read-only statements (run together, in one D1 batch); `assemble` turns
their rows into a plain dict that the dashboard renders and the API returns as JSON. Raw rows
are aggregated here, in Python, with the same visit rules the daily job's SQL applies.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from footfall.database import storage
from footfall.database.store import Statement, Store
from footfall.days import days_between, days_touched, shift_day
from footfall.report import coverage, queries, sections, series, visits

REALTIME_MS = 5 * 60 * 1000
TOP = 20
DONE = queries.DONE
_ROW_COLUMNS = ", ".join(queries.ROW_COLUMNS)


class Query(NamedTuple):
    site: str
    day_from: str
    day_to: str
    today: str
    now_ms: int
    filters: tuple[tuple[str, str], ...] = ()
    retention_days: int = 30
    offset_minutes: int = 0  # the owner's day boundary (footfall.days)
    size_cap_bytes: int = 500 * 10**6  # the database's cap (footfall.database.storage)
    grain: str = ""  # the time series' grain (footfall.report.series); "hour" reads raw rows
    top: int = TOP  # rows per list (pages, dimension values); 0: every row (a full list)


def _parts(q: Query) -> tuple[tuple[str, str] | None, tuple[str, str] | None, str | None]:
    """(rollup day range, raw day range, note). Without filters both cover the whole range:
    the statements split it at the last rolled-up day themselves."""
    if q.filters:
        oldest = shift_day(q.today, -q.retention_days)
        start = max(q.day_from, oldest)
        note = (
            f"Filtered reports read raw rows, kept {q.retention_days} days: shown from {start}."
            if start > q.day_from
            else None
        )
        return None, (start, q.day_to) if start <= q.day_to else None, note
    rollup = (q.day_from, min(q.day_to, shift_day(q.today, -1))) if q.day_from < q.today else None
    return rollup, (q.day_from, q.day_to), None


_PAGE_SUMS = (
    "path, views, visitors, visits, bounces, seconds_sum, seconds_count, seconds_hist, hits, not_found, tracked, exits"
)
_DIM_SUMS = "dimension, value, views, visitors, visits, bounces"
_EVENT_SUMS = "type, name, url, SUM(count) AS count, SUM(visitors) AS visitors"


def _segments(first: str, last: str) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """Split a range of days into whole months (read from the monthly rollups) and the days
    before and after them (read from the daily ones)."""
    start = date.fromisoformat(first)
    month_start = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    end = date.fromisoformat(last)
    after_end = end + timedelta(days=1)
    month_end = after_end.replace(day=1) - timedelta(days=1)  # last day of the last whole month
    if month_start > month_end:
        return None, [(first, last)]
    spans = []
    if start < month_start:
        spans.append((first, (month_start - timedelta(days=1)).isoformat()))
    if month_end < end:
        spans.append(((month_end + timedelta(days=1)).isoformat(), last))
    return (month_start.isoformat()[:7], month_end.isoformat()[:7]), spans


def plan(q: Query, use_months: bool = True) -> list[Statement]:
    rollup, raw, _ = _parts(q)
    out = []
    if rollup:
        rolled = f"day >= ? AND day <= MIN(?, {DONE})"
        out.append(
            Statement(
                "r_series",
                f"SELECT day, views, visitors, visits, bounces, hits, tracked, seconds_hist FROM daily_totals "
                f"WHERE site = ? AND {rolled}",
                (q.site, *rollup),
            )
        )
        months, spans = _segments(*rollup) if use_months else (None, [rollup])
        for n, span in enumerate(spans):
            args = (q.site, *span)
            out += [
                Statement(f"r_pages_{n}", f"SELECT {_PAGE_SUMS} FROM daily_pages WHERE site = ? AND {rolled}", args),
                Statement(
                    f"r_dimensions_{n}", f"SELECT {_DIM_SUMS} FROM daily_dimensions WHERE site = ? AND {rolled}", args
                ),
                Statement(
                    f"r_events_{n}",
                    f"SELECT {_EVENT_SUMS} FROM daily_events WHERE site = ? AND {rolled} GROUP BY type, name, url",
                    args,
                ),
            ]
        if months:
            # A monthly row sums only days already rolled up; later days come from raw rows.
            args = (q.site, *months)
            out += [
                Statement(
                    "r_pages_m",
                    f"SELECT {_PAGE_SUMS} FROM monthly_pages WHERE site = ? AND month BETWEEN ? AND ?",
                    args,
                ),
                Statement(
                    "r_dimensions_m",
                    f"SELECT {_DIM_SUMS} FROM monthly_dimensions WHERE site = ? AND month BETWEEN ? AND ?",
                    args,
                ),
                Statement(
                    "r_events_m",
                    f"SELECT {_EVENT_SUMS} FROM monthly_events WHERE site = ? "
                    "AND month BETWEEN ? AND ? GROUP BY type, name, url",
                    args,
                ),
            ]
    if raw:
        scope = queries.Scope(raw[0], raw[1], q.site, q.filters, unrolled=not q.filters)
        named = [("t_rows", queries.rows(scope)), ("t_events", queries.event_rows(scope))]
        if scope.honours_hits:  # hits know only the path and the country
            named.append(("t_hit_counts", queries.hit_counts(scope)))
        out += [Statement(name, sql, tuple(params)) for name, (sql, params) in named]
    if rollup and q.grain == "hour":
        # Hours of days already rolled up: their raw rows, for the graph only (footfall.report.series).
        out.append(
            Statement(
                "g_rows",
                f"SELECT {_ROW_COLUMNS} FROM pageviews WHERE day >= ? AND day <= MIN(?, {DONE}) AND site = ?",
                (*rollup, q.site),
            )
        )
    out.append(Statement("done", f"SELECT {DONE} AS done_until", ()))
    out.append(storage.READ_LOG)
    days = days_touched(q.now_ms, REALTIME_MS, q.offset_minutes)
    marks = ", ".join("?" * len(days))
    out.append(
        Statement(
            "realtime",
            f"SELECT {_ROW_COLUMNS} FROM pageviews WHERE day IN ({marks}) AND site = ? AND visitor IN "
            f"(SELECT visitor FROM pageviews WHERE day IN ({marks}) AND site = ? AND ts >= ?)",
            (*days, q.site, *days, q.site, q.now_ms - REALTIME_MS),
        )
    )
    # Every host with data in the range: the job's list, and hosts seen since its last run.
    last = raw[1] if raw else q.day_to
    out.append(
        Statement(
            "sites",
            f"SELECT site FROM sites UNION SELECT DISTINCT site FROM pageviews WHERE day > MAX(?, {DONE}) AND day <= ?",
            (shift_day(q.day_from, -1), last),
        )
    )
    return out


def _classes(rows: list[dict], filters: tuple[tuple[str, str], ...] = ()) -> list[dict]:
    """What the bot filter sorted out among the page loads: per class, loads and visitors. Of
    the filters, the page and the country apply (as they do to the proxy's hits); bots have no
    visits, so a visit's source or device does not."""
    kept = [(queries.FILTER_COLUMNS[k], v) for k, v in filters if k in queries.HIT_FILTERS]
    classes: dict[str, list] = defaultdict(lambda: [0, set()])
    for r in rows:
        if any(r.get(column) != value for column, value in kept):
            continue
        entry = classes[r["bot_class"] or "unknown"]
        entry[0] += 1
        entry[1].add(r["visitor"])
    return [{"dimension": "class", "value": c, "views": n, "visitors": len(v)} for c, (n, v) in classes.items()]


def _source(q: Query, rollup, raw, note, done_rows: list[dict] | None) -> dict:
    """Which days came from the rollups and which from raw rows (the split the statements made)."""
    done = done_rows[0]["done_until"] if done_rows else ""
    if q.filters:
        return {"rolled_up_until": done or None, "rollups": None, "raw": list(raw) if raw else None, "note": note}
    rolled = (q.day_from, min(q.day_to, done)) if rollup and done >= q.day_from else None
    fresh = (max(q.day_from, shift_day(done, 1)) if done else q.day_from, q.day_to)
    return {
        "rolled_up_until": done or None,
        "rollups": list(rolled) if rolled else None,
        "raw": list(fresh) if fresh[0] <= fresh[1] else None,
        "note": note,
    }


def _realtime(q: Query, rows: list[dict]) -> dict:
    """The last five minutes: page views of selected visits, and their visitors."""
    columns = queries.FILTER_COLUMNS
    page_filter = next((v for k, v in q.filters if columns[k] == "path"), None)
    recent = []
    for visit in visits.visits_of(rows):
        if visits.selected(visit, q.filters, columns):
            recent += [
                v
                for v in visit.views
                if v["ts"] >= q.now_ms - REALTIME_MS and (page_filter is None or v["path"] == page_filter)
            ]
    by_page: dict[str, int] = defaultdict(int)
    for v in recent:
        by_page[v["path"]] += 1
    return {
        "visitors": len({v["visitor"] for v in recent}),
        "pageviews": len(recent),
        "pages": [{"path": p, "pageviews": n} for p, n in sorted(by_page.items(), key=lambda kv: (-kv[1], kv[0]))[:10]],
    }


def assemble(q: Query, rows: dict[str, list[dict]]) -> dict:
    """The report: each section built by its own function from one tally of the rows
    (footfall.report.sections), so a section's shape is a typed value that mypy holds."""
    rollup, raw, note = _parts(q)
    rows = dict(rows)
    raw_rows = rows.pop("t_rows", [])
    fresh = visits.aggregate(raw_rows, q.filters, queries.FILTER_COLUMNS)
    raw_events = visits.events_of(rows.pop("t_events", []), raw_rows, fresh["uuids"])
    if "t_hit_counts" in rows:
        rows.update(coverage.from_hit_counts(rows.pop("t_hit_counts"), fresh["views_by_visitor"]))
    hits_known = not raw or queries.Scope(*raw, q.site, q.filters).honours_hits
    tally = sections.tally(rows, fresh, raw_events, _classes(raw_rows, q.filters), hits_known)
    top = q.top or None  # 0: every row
    days = days_between(q.day_from, q.day_to)
    return {
        "site": q.site,
        "from": q.day_from,
        "to": q.day_to,
        "filters": [list(f) for f in q.filters],
        "source": _source(q, rollup, raw, note, rows.get("done")),
        "totals": sections.totals(tally),
        "series": sections.daily(tally, days),
        "graph": _graph(
            q,
            raw_rows + rows.get("g_rows", []),
            [{"day": d, **tally.day[d], "hist": tally.day_hists[d]} for d in days],
        ),
        "pages": sections.pages(tally, top),
        "entry_pages": sections.entry_pages(tally, top),
        "not_found": sections.not_found(tally, top),
        "dimensions": {name: sections.ranked_visits(tally, name, top) for name in queries.DIMENSIONS},
        "bots": {name: sections.ranked(tally, name, 50) for name in ("class", "hit_class", "bot_page")},
        "events": sections.events(tally, 50),
        "realtime": _realtime(q, rows.get("realtime", [])),
        "sites": sorted({r["site"] for r in rows.get("sites", [])} | {q.site}),
    }


def _graph(q: Query, raw_rows: list[dict], days: list[dict]) -> dict:
    """The time series at the query's grain (footfall.report.series): hours from raw rows (today's,
    and those of the days already rolled up: g_rows), days, weeks and months from the daily
    series. Without a grain asked for, days."""
    grain = q.grain or "day"
    if grain == "hour":
        args = (q.day_from, q.day_to, q.filters, queries.FILTER_COLUMNS, q.now_ms, q.offset_minutes)
        return {"grain": grain, "points": series.hourly(raw_rows, *args)}
    return {"grain": grain, "points": series.from_days(days, grain)}


def cost_headers(rows_read: dict[str, int]) -> dict[str, str]:
    """What a load cost in D1 rows read, in total and per statement (for `make bench`)."""
    return {
        "x-footfall-rows-read": str(sum(rows_read.values())),
        "x-footfall-rows-read-detail": ",".join(f"{k}={v}" for k, v in rows_read.items()),
    }


async def report(
    store: Store, q: Query, extra: list[Statement] | None = None, finish: Callable[[dict, dict], None] | None = None
) -> tuple[dict, dict[str, int]]:
    """The report, and the rows the store read for each of its statements (one batch).
    `extra` statements join the batch and `finish` adds to the report from all the rows
    (footfall.report.overview: goals, funnels, the earlier period)."""
    statements = plan(q) + (extra or [])
    results = await store.batch(statements)
    rows = {s.name: r.rows for s, r in zip(statements, results, strict=True)}
    report = assemble(q, rows)
    size = max((r.size_after for r in results), default=0)
    report["storage"] = storage.summary(size, rows.get(storage.READ_LOG.name, []), q.size_cap_bytes)
    if finish is not None:
        finish(report, rows)
    return report, {s.name: r.rows_read for s, r in zip(statements, results, strict=True)}
