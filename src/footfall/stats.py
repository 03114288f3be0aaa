"""The numbers behind the dashboard and the stats API, for one site and a range of days.

Cost does not grow with history: without filters, past days come from the daily rollups and
only today from raw rows (one scan per kind of row). Filters need raw rows, so a filtered
report covers at most the retention window, and says so.

`plan` lists the read-only statements (run together, in one D1 batch); `assemble` turns
their rows into a plain dict that the dashboard renders and the API returns as JSON.
"""

import json
from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

from footfall import queries
from footfall.bots import PEOPLE
from footfall.days import days_touched, shift_day
from footfall.store import Statement, Store

REALTIME_MS = 5 * 60 * 1000
TOP = 20


class Query(NamedTuple):
    site: str
    day_from: str
    day_to: str
    today: str
    now_ms: int
    filters: tuple[tuple[str, str], ...] = ()
    retention_days: int = 30
    offset_minutes: int = 0  # the owner's day boundary (footfall.days)


def _parts(q: Query) -> tuple[tuple[str, str] | None, tuple[str, str] | None, str | None]:
    """(rollup day range, raw day range, note) for a query."""
    if q.filters:
        oldest = shift_day(q.today, -q.retention_days)
        start = max(q.day_from, oldest)
        note = (
            f"Filtered reports read raw rows, kept {q.retention_days} days: shown from {start}."
            if start > q.day_from
            else None
        )
        return None, (start, q.day_to) if start <= q.day_to else None, note
    yesterday = shift_day(q.today, -1)
    rollup = (q.day_from, min(q.day_to, yesterday)) if q.day_from <= yesterday else None
    raw = (max(q.day_from, q.today), q.day_to) if q.day_to >= q.today else None
    return rollup, raw, None


_PAGE_SUMS = "path, views, visitors, visits, bounces, seconds_sum, seconds_count, seconds_hist, hits, not_found"


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
        out.append(
            Statement(
                "r_series",
                "SELECT day, views, visitors, visits, bounces, hits FROM daily_totals "
                "WHERE site = ? AND day BETWEEN ? AND ?",
                (q.site, *rollup),
            )
        )
        months, spans = _segments(*rollup) if use_months else (None, [rollup])
        for n, span in enumerate(spans):
            args = (q.site, *span)
            out += [
                Statement(
                    f"r_pages_{n}", f"SELECT {_PAGE_SUMS} FROM daily_pages WHERE site = ? AND day BETWEEN ? AND ?", args
                ),
                Statement(
                    f"r_dimensions_{n}",
                    "SELECT dimension, value, views, visitors FROM daily_dimensions "
                    "WHERE site = ? AND day BETWEEN ? AND ?",
                    args,
                ),
                Statement(
                    f"r_events_{n}",
                    "SELECT type, name, url, SUM(count) AS count, SUM(visitors) AS visitors "
                    "FROM daily_events WHERE site = ? AND day BETWEEN ? AND ? "
                    "GROUP BY type, name, url",
                    args,
                ),
            ]
        if months:
            args = (q.site, *months)
            out += [
                Statement(
                    "r_pages_m",
                    f"SELECT {_PAGE_SUMS} FROM monthly_pages WHERE site = ? AND month BETWEEN ? AND ?",
                    args,
                ),
                Statement(
                    "r_dimensions_m",
                    "SELECT dimension, value, views, visitors FROM monthly_dimensions "
                    "WHERE site = ? AND month BETWEEN ? AND ?",
                    args,
                ),
                Statement(
                    "r_events_m",
                    "SELECT type, name, url, SUM(count) AS count, SUM(visitors) AS visitors "
                    "FROM monthly_events WHERE site = ? AND month BETWEEN ? AND ? "
                    "GROUP BY type, name, url",
                    args,
                ),
            ]
    if raw:
        scope = queries.Scope(raw[0], raw[1], q.site, q.filters)
        if raw[0] == raw[1]:
            # One day (today): fetch its page loads once and aggregate here (_from_rows).
            named = [("t_rows", queries.rows(scope))]
        else:
            # A filtered range of days: aggregate in SQL, row counts stay small.
            named = [("t_pages", queries.pages(scope)), ("t_combos", queries.combos(scope))]
            named += [(f"t_{name}", (sql, params)) for name, sql, params in queries.classes(scope)[:1]]
        named.append(("t_events", queries.events(scope)))
        if scope.honours_hits:  # hits know only the path and the country
            named.append(("t_hit_counts", queries.hit_counts(scope)))
        out += [Statement(name, sql, tuple(params)) for name, (sql, params) in named]
    # The last five minutes may reach into yesterday (local yesterday: the day offset applies).
    days = days_touched(q.now_ms, REALTIME_MS, q.offset_minutes)
    people = ", ".join("?" * len(PEOPLE))
    out.append(
        Statement(
            "realtime",
            f"SELECT path, visitor FROM pageviews WHERE day IN ({', '.join('?' * len(days))}) "
            f"AND site = ? AND ts >= ? AND bot_class IN ({people})",
            (*days, q.site, q.now_ms - REALTIME_MS, *PEOPLE),
        )
    )
    out.append(Statement("sites", "SELECT site FROM sites ORDER BY site", ()))
    return out


def _visits(views: list[dict]) -> list[list[dict]]:
    """One visitor's page views of one day, in time order, cut where 30 minutes passed."""
    visits: list[list[dict]] = []
    for view in views:
        if visits and view["ts"] - visits[-1][-1]["last_ts"] <= queries.VISIT_GAP_MS:
            visits[-1].append(view)
        else:
            visits.append([view])
    return visits


def _from_rows(rows: list[dict]) -> dict[str, list[dict]]:
    """Today's page loads -> the same shapes the SQL aggregations give (t_pages, t_combos, t_class)."""
    pages: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    hist: dict[tuple, dict[int, int]] = defaultdict(dict)
    seen_on: dict[tuple, set] = defaultdict(set)
    combos, by_visitor = [], defaultdict(list)
    classes: dict[tuple, list] = defaultdict(lambda: [0, set()])
    for r in rows:
        cls = classes[(r["day"], r["bot_class"] or "unknown")]
        cls[0] += 1
        cls[1].add(r["visitor"])
        if r["bot_class"] not in PEOPLE or r["status"] == 404:
            continue
        key = (r["day"], r["path"])
        page = pages[key]
        page["views"] += 1
        page["seconds_sum"] += r["seconds"]
        page["seconds_count"] += r["seconds"] > 0
        hist[key][r["seconds"]] = hist[key].get(r["seconds"], 0) + 1
        seen_on[key].add(r["visitor"])
        by_visitor[(r["day"], r["visitor"])].append(r)
        combo = {name: r[name] for name in queries.DIMENSIONS}
        if r["internal"]:
            combo["referrer_host"] = None
        combos.append({**combo, "day": r["day"], "visitor": r["visitor"], "views": 1})
    for views in by_visitor.values():  # rows come ordered by visitor, then time
        for visit in _visits(views):
            entry = pages[(visit[0]["day"], visit[0]["path"])]
            entry["visits"] += 1
            entry["bounces"] += len(visit) == 1 and visit[0]["seconds"] < queries.BOUNCE_SECONDS
    return {
        "t_pages": [
            {"day": d, "path": p, "visitors": len(seen_on[(d, p)]), "seconds_hist": json.dumps(hist[(d, p)]), **v}
            for (d, p), v in pages.items()
        ],
        "t_combos": combos,
        "t_class": [
            {"dimension": "class", "value": c, "views": n, "visitors": len(v)} for (_, c), (n, v) in classes.items()
        ],
    }


def _from_hit_counts(rows: list[dict]) -> dict[str, list[dict]]:
    """The proxy's hits per (day, path, status, class) -> coverage and 404s per page, classes, bot pages."""
    pages: dict[tuple, dict] = defaultdict(lambda: {"hits": 0, "not_found": 0})
    by_class: dict[str, list] = defaultdict(lambda: [0, 0])
    bot_pages: dict[str, list] = defaultdict(lambda: [0, 0])
    for r in rows:
        people = r["bot_class"] in PEOPLE
        if people and 200 <= r["status"] <= 299:
            pages[(r["day"], r["path"])]["hits"] += r["n"]
        elif people and r["status"] == 404:
            pages[(r["day"], r["path"])]["not_found"] += r["n"]
        by_class[r["bot_class"]][0] += r["n"]
        by_class[r["bot_class"]][1] += r["visitors"]  # summed over pages: an upper bound
        if not people:
            entry = bot_pages[f"{r['bot_class']} {r['path']}"]
            entry[0] += r["n"]
            entry[1] += r["visitors"]
    return {
        "t_hits": [{"day": d, "path": p, **v} for (d, p), v in pages.items()],
        "t_hit_class": [
            {"dimension": "hit_class", "value": c, "views": n, "visitors": v} for c, (n, v) in by_class.items()
        ],
        "t_bot_page": [
            {"dimension": "bot_page", "value": k, "views": n, "visitors": v} for k, (n, v) in bot_pages.items()
        ],
    }


def median_seconds(hist: dict[int, int]) -> int | None:
    """Median of the page views with time recorded (seconds > 0)."""
    counts = sorted((s, n) for s, n in hist.items() if s > 0)
    total = sum(n for _, n in counts)
    if not total:
        return None
    seen = 0
    for seconds, n in counts:
        seen += n
        if seen * 2 >= total:
            return seconds
    return None


def _merge_hist(into: dict[int, int], text: str | None) -> None:
    for seconds, n in json.loads(text or "{}").items():
        into[int(seconds)] = into.get(int(seconds), 0) + n


def _days(first: str, last: str) -> list[str]:
    days = [first]
    while days[-1] < last:
        days.append(shift_day(days[-1], 1))
    return days


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def assemble(q: Query, rows: dict[str, list[dict]]) -> dict:
    rollup, raw, note = _parts(q)
    rows = dict(rows)
    if "t_rows" in rows:
        rows.update(_from_rows(rows.pop("t_rows")))
    if "t_hit_counts" in rows:
        rows.update(_from_hit_counts(rows.pop("t_hit_counts")))
    page: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    hists: dict[str, dict[int, int]] = defaultdict(dict)
    day: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rollup_pages = [r for key, value in rows.items() if key.startswith("r_pages") for r in value]
    raw_pages = rows.get("t_pages", []) + rows.get("t_hits", [])
    for r in rollup_pages + raw_pages:
        p = page[r["path"]]
        for key in ("views", "visitors", "visits", "bounces", "seconds_sum", "seconds_count", "hits", "not_found"):
            p[key] += r.get(key) or 0
        _merge_hist(hists[r["path"]], r.get("seconds_hist"))
    # The daily chart: past days from daily_totals, today (or a filtered range) from raw rows.
    for r in rows.get("r_series", []):
        d = day[r["day"]]
        for key in ("views", "visitors", "visits", "bounces", "hits"):
            d[key] += r[key] or 0
    for r in raw_pages:
        d = day[r["day"]]
        for key in ("views", "visits", "bounces", "hits"):
            d[key] += r.get(key) or 0

    dims: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(lambda: {"views": 0, "visitors": 0}))
    for r in (r for key, value in rows.items() if key.startswith("r_dimensions") for r in value):
        entry = dims[r["dimension"]][r["value"]]
        entry["views"] += r["views"]
        entry["visitors"] += r["visitors"]
    # Today's (or a filtered range's) dimensions come as combinations; daily unique visitors
    # are counted per day, the same as the rollups count them.
    seen: dict[tuple, set] = defaultdict(set)
    for r in rows.get("t_combos", []):
        for name in queries.DIMENSIONS + ("total",):
            value = "all" if name == "total" else r[name]
            if value is None:
                continue
            dims[name][value]["views"] += r["views"]
            seen[(name, value, r["day"])].add(r["visitor"])
    for (name, value, d), visitors in seen.items():
        dims[name][value]["visitors"] += len(visitors)
        if name == "total":
            day[d]["visitors"] += len(visitors)
    for key in ("t_class", "t_hit_class", "t_bot_page"):
        for r in rows.get(key, []):
            entry = dims[r["dimension"]][r["value"]]
            entry["views"] += r["views"]
            entry["visitors"] += r["visitors"]

    events: dict[tuple, dict[str, int]] = defaultdict(lambda: {"count": 0, "visitors": 0})
    for r in [r for key, value in rows.items() if key.startswith("r_events") for r in value] + rows.get("t_events", []):
        e = events[(r["type"], r["name"], r["url"])]
        e["count"] += r["count"]
        e["visitors"] += r["visitors"]

    all_hist: dict[int, int] = {}
    for h in hists.values():
        for s, n in h.items():
            all_hist[s] = all_hist.get(s, 0) + n
    views = sum(p["views"] for p in page.values())
    visits = sum(p["visits"] for p in page.values())
    bounces = sum(p["bounces"] for p in page.values())
    hits = sum(p["hits"] for p in page.values())
    hits_known = not raw or queries.Scope(*raw, q.site, q.filters).honours_hits
    realtime_rows = rows.get("realtime", [])
    realtime_pages: dict[str, int] = defaultdict(int)
    for r in realtime_rows:
        realtime_pages[r["path"]] += 1

    def page_row(path):
        p = page[path]
        return {
            "path": path,
            "pageviews": p["views"],
            "visitors": p["visitors"],
            "visits": p["visits"],
            "bounces": p["bounces"],
            "bounce_rate": _ratio(p["bounces"], p["visits"]),
            "median_seconds": median_seconds(hists[path]),
            "hits": p["hits"],
            "not_found": p["not_found"],
        }

    def ranked(name, limit=TOP):
        values = dims.get(name, {})
        order = sorted(values.items(), key=lambda kv: (-kv[1]["views"], kv[0]))
        return [{"value": v, "pageviews": e["views"], "visitors": e["visitors"]} for v, e in order[:limit]]

    viewed = [path for path in page if page[path]["views"]]
    return {
        "site": q.site,
        "from": q.day_from,
        "to": q.day_to,
        "filters": [list(f) for f in q.filters],
        "source": {"rollups": list(rollup) if rollup else None, "raw": list(raw) if raw else None, "note": note},
        "totals": {
            "visitors": sum(d["visitors"] for d in day.values()),
            "pageviews": views,
            "visits": visits,
            "bounce_rate": _ratio(bounces, visits),
            "median_seconds": median_seconds(all_hist),
            "hits": hits if hits_known else None,
            "coverage": _ratio(views, hits) if hits_known else None,
        },
        "series": [
            {
                "day": d,
                "visitors": day[d]["visitors"],
                "pageviews": day[d]["views"],
                "visits": day[d]["visits"],
                "bounces": day[d]["bounces"],
                "hits": day[d]["hits"],
                "coverage": _ratio(day[d]["views"], day[d]["hits"]),
            }
            for d in _days(q.day_from, q.day_to)
        ],
        "pages": [page_row(p) for p in sorted(viewed, key=lambda p: (-page[p]["views"], p))[:TOP]],
        "entry_pages": [
            page_row(p)
            for p in sorted((p for p in viewed if page[p]["visits"]), key=lambda p: (-page[p]["visits"], p))[:TOP]
        ],
        "not_found": [
            {"path": p, "count": page[p]["not_found"]}
            for p in sorted((p for p in page if page[p]["not_found"]), key=lambda p: (-page[p]["not_found"], p))[:TOP]
        ],
        "dimensions": {name: ranked(name) for name in queries.DIMENSIONS},
        "bots": {name: ranked(name, 50) for name in ("class", "hit_class", "bot_page")},
        "events": [
            {"type": t, "name": n, "url": u, **e}
            for (t, n, u), e in sorted(events.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
        ][:50],
        "realtime": {
            "visitors": len({r["visitor"] for r in realtime_rows}),
            "pageviews": len(realtime_rows),
            "pages": [
                {"path": p, "pageviews": n}
                for p, n in sorted(realtime_pages.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
            ],
        },
        "sites": sorted({r["site"] for r in rows.get("sites", [])} | {q.site}),
    }


def cost_headers(rows_read: dict[str, int]) -> dict[str, str]:
    """What a load cost in D1 rows read, in total and per statement (for `make bench`)."""
    return {
        "x-footfall-rows-read": str(sum(rows_read.values())),
        "x-footfall-rows-read-detail": ",".join(f"{k}={v}" for k, v in rows_read.items()),
    }


async def report(store: Store, q: Query) -> tuple[dict, dict[str, int]]:
    """The report, and the rows the store read for each of its statements (one batch)."""
    statements = plan(q)
    results = await store.batch(statements)
    rows = {s.name: r.rows for s, r in zip(statements, results, strict=True)}
    return assemble(q, rows), {s.name: r.rows_read for s, r in zip(statements, results, strict=True)}
