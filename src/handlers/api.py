"""{prefix}/api/v1/query and /api/v1/export: the owner's data as JSON and CSV (openapi.yaml).

The query API follows the shape of Plausible's Stats API v2: a site, a date range, metrics,
at most one dimension, and equality filters; it answers rows of dimension values and metric
values, read from the same report the dashboard shows.
"""

import csv
import io
import json
from urllib.parse import parse_qsl, urlencode, urlsplit

from adapters import d1, http
from footfall import body as request_body
from footfall import periods
from footfall.clock import local_day
from footfall.errors import Rejection
from footfall.settings import Settings
from footfall.stats import Query
from footfall.writes import Statement
from handlers import owner, reports

METRICS = ("visitors", "pageviews", "visits", "bounce_rate", "time_on_page", "coverage")
DIMENSIONS = {
    "time:day": "series", "event:page": "pages", "visit:entry_page": "entry_pages",
    "visit:channel": "channel", "visit:referrer": "referrer_host", "visit:country": "country",
    "visit:browser": "browser", "visit:os": "os", "visit:device": "device",
    "visit:utm_source": "utm_source", "visit:utm_medium": "utm_medium", "visit:utm_campaign": "utm_campaign",
}
FILTER_NAMES = {"event:page": "page", "visit:referrer": "referrer", "visit:channel": "channel",
                "visit:country": "country", "visit:device": "device", "visit:browser": "browser", "visit:os": "os"}
EXPORT_TABLES = {
    "pageviews": ("uuid, site, ts, day, path, referrer, referrer_host, internal, channel, utm_source, utm_medium, "
                  "utm_campaign, utm_term, utm_content, visitor, country, browser, os, device, bot_class, "
                  "bot_score, bot_reasons, status, seconds, last_ts", "ts, uuid"),
    "events": ("uuid, seq, site, ts, day, type, name, path, url, anchor_text, bot_class", "ts, uuid, seq"),
    "hits": ("id, site, ts, day, path, status, visitor, country, bot_class, bot_score, bot_reasons", "id"),
    "daily_pages": ("site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, "
                    "seconds_hist, hits, not_found", "day, path"),
    "daily_dimensions": ("site, day, dimension, value, views, visitors", "day, dimension, value"),
    "daily_events": ("site, day, type, name, url, count, visitors", "day, type, name, url"),
}
EXPORT_PAGE = 5000
JSON_HEADERS = {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"}


def _unauthorized():
    return http.make_response(json.dumps({"error": "unauthorized", "message": "send Authorization: Bearer <DASHBOARD_TOKEN>"}),
                              401, {**JSON_HEADERS, "www-authenticate": 'Bearer realm="footfall"'})


def _list(value, name) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise Rejection(400, f"invalid_{name}", f"{name} must be a list of names")


def parse_query(data: dict, settings: Settings, site: str, now_ms: int) -> tuple[Query, list[str], str | None]:
    metrics = _list(data.get("metrics"), "metrics") or ["visitors", "pageviews"]
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise Rejection(400, "invalid_metrics", "metrics may be " + ", ".join(METRICS))
    dims = _list(data.get("dimensions"), "dimensions")
    if len(dims) > 1 or any(d not in DIMENSIONS for d in dims):
        raise Rejection(400, "invalid_dimensions", "at most one dimension, one of " + ", ".join(DIMENSIONS))
    raw_filters = data.get("filters") or []
    if isinstance(raw_filters, str):  # GET: page==/x;country==DE
        raw_filters = [["is", *part.split("==", 1)] for part in raw_filters.split(";") if "==" in part]
    pairs = []
    if not isinstance(raw_filters, list):
        raise Rejection(400, "invalid_filter", "filters must be a list of [\"is\", dimension, value]")
    for item in raw_filters:
        if not (isinstance(item, list) and len(item) == 3 and item[0] == "is"):
            raise Rejection(400, "invalid_filter", "each filter is [\"is\", dimension, value]")
        name = FILTER_NAMES.get(item[1], item[1])
        values = item[2] if isinstance(item[2], list) else [item[2]]
        if len(values) != 1:
            raise Rejection(400, "invalid_filter", "a filter takes exactly one value")
        pairs.append((name, values[0]))
    today = local_day(now_ms, settings.day_offset_minutes)
    day_from, day_to, _ = periods.day_range(data.get("date_range"), today, data.get("from"), data.get("to"))
    site_id = data.get("site_id", data.get("site")) or site
    if not isinstance(site_id, str) or len(site_id) > 253:
        raise Rejection(400, "invalid_site", "site_id is a host name")
    query = Query(site_id, day_from, day_to, today, now_ms, periods.filters(pairs), settings.retention_days)
    return query, metrics, (dims[0] if dims else None)


def _metric(name: str, row: dict):
    return {"visitors": row.get("visitors"), "pageviews": row.get("pageviews"), "visits": row.get("visits"),
            "bounce_rate": row.get("bounce_rate"), "time_on_page": row.get("median_seconds"),
            "coverage": row.get("coverage")}[name]


def results(report: dict, metrics: list[str], dimension: str | None) -> list[dict]:
    if dimension is None:
        return [{"dimensions": [], "metrics": [_metric(m, report["totals"]) for m in metrics]}]
    key = DIMENSIONS[dimension]
    if key == "series":
        return [{"dimensions": [r["day"]], "metrics": [_metric(m, r) for m in metrics]} for r in report["series"]]
    if key in ("pages", "entry_pages"):
        return [{"dimensions": [r["path"]], "metrics": [_metric(m, r) for m in metrics]} for r in report[key]]
    return [{"dimensions": [r["value"]], "metrics": [_metric(m, r) for m in metrics]}
            for r in report["dimensions"][key]]


async def query(js_request, env, settings: Settings, site: str, now_ms: int):
    if not settings.dashboard_public and not owner.is_owner(js_request, settings, now_ms):
        return _unauthorized()
    try:
        if js_request.method == "POST":
            request_body.check_media_type(http.header(js_request, "content-type"))
            request_body.check_declared_length(http.header(js_request, "content-length"))
            data = request_body.decode_object(await http.read_body(js_request))
        else:
            data = dict(parse_qsl(urlsplit(js_request.url).query))
        q, metrics, dimension = parse_query(data, settings, site, now_ms)
    except Rejection as rejection:
        return http.rejection_response(rejection)
    report, rows_read = await reports.run(env, q)
    answer = {
        "results": results(report, metrics, dimension),
        "meta": {"rows_read": sum(rows_read.values()), "source": report["source"]},
        "query": {"site_id": q.site, "date_range": [q.day_from, q.day_to], "metrics": metrics,
                  "dimensions": [dimension] if dimension else [], "filters": [["is", n, [v]] for n, v in q.filters]},
    }
    return http.make_response(json.dumps(answer), 200, {**JSON_HEADERS, **reports.cost_headers(rows_read)})


async def export(js_request, env, settings: Settings, site: str, now_ms: int):
    """CSV of one table for one site and a day range, EXPORT_PAGE rows at a time (Link: next)."""
    if not owner.is_owner(js_request, settings, now_ms):
        return _unauthorized()
    params = dict(parse_qsl(urlsplit(js_request.url).query))
    table = params.get("table", "daily_pages")
    if table not in EXPORT_TABLES:
        return http.json_error(400, "invalid_table", "table may be " + ", ".join(EXPORT_TABLES))
    try:
        today = local_day(now_ms, settings.day_offset_minutes)
        day_from, day_to, _ = periods.day_range(params.get("period", "custom" if "from" in params else "30d"), today,
                                                params.get("from"), params.get("to"))
        page = int(params.get("page", "0"))
        if not 0 <= page <= 100_000:
            raise ValueError
    except Rejection as rejection:
        return http.rejection_response(rejection)
    except ValueError:
        return http.json_error(400, "invalid_page", "page is a page number from 0")
    columns, order = EXPORT_TABLES[table]
    chosen = params.get("site") or site
    result = await d1.execute(env, Statement(
        f"export_{table}", f"SELECT {columns} FROM {table} WHERE site = ? AND day BETWEEN ? AND ? "
                           f"ORDER BY {order} LIMIT {EXPORT_PAGE + 1} OFFSET ?",
        (chosen, day_from, day_to, page * EXPORT_PAGE)))
    names = [c.strip() for c in columns.split(",")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for row in result.rows[:EXPORT_PAGE]:
        # A leading = + - @ makes spreadsheets run a cell as a formula: visitors control these.
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in (row[n] for n in names)])
    headers = {"content-type": "text/csv; charset=utf-8", "cache-control": "no-store",
               "content-disposition": f'attachment; filename="footfall-{table}-{day_from}-{day_to}-{page}.csv"'}
    if len(result.rows) > EXPORT_PAGE:
        headers["link"] = f'<?{urlencode({**params, "page": str(page + 1)})}>; rel="next"'
    return http.make_response(out.getvalue(), 200, headers)
