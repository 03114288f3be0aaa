"""The stats API's query language: a body (or query string) in, a stats Query out, and the
report's numbers shaped as rows of dimension values and metric values.

It follows the shape of Plausible's Stats API v2: a site, a date range, metrics, at most one
dimension and equality filters; names come from the dimension registry (footfall.dimensions).
"""

from footfall import dimensions
from footfall.api import queryv2
from footfall.collect.limits import MAX_SITE
from footfall.days import local_day, shift_day
from footfall.errors import Rejection
from footfall.report import periods, series, stats
from footfall.report.stats import Query
from footfall.settings import Settings

METRICS = (
    "visitors",
    "pageviews",
    "visits",
    "bounce_rate",
    "time_on_page",
    "coverage",
    "events",
    "visit_duration",
    "conversion_rate",
)
# API dimension -> where the report keeps it: the daily series, the page lists, or a rolled-up dimension.
DIMENSIONS = {
    "time:day": "series",
    "event:page": "pages",
    "visit:entry_page": "entry_pages",
    **{d.api_name: d.name for d in dimensions.REGISTRY if d.rolled_up},
    # Events (outbound links, downloads, contact links, scroll milestones, custom events):
    # their name, their type, and the link's target URL (Plausible's `url` property).
    "event:name": "event:name",
    "event:type": "event:type",
    "event:props:url": "event:url",
    # Goals (footfall.report.goals): per goal, its converting visitors, conversions and conversion rate.
    "event:goal": "goals",
    "visit:exit_page": "exit_pages",
}
# event:props:<name> (queryv2.is_prop): a custom event property's values; `url` is the link's.
_EVENT_FIELDS = {"event:name": "name", "event:type": "type", "event:url": "url"}
FILTER_NAMES = {d.api_name: d.filter_key for d in dimensions.REGISTRY}


def _list(value, name) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise Rejection(400, f"invalid_{name}", f"{name} must be a list of names")


def _filters(raw) -> list[tuple[str, str]]:
    if isinstance(raw, str):  # GET: page==/x;country==DE
        raw = [["is", *part.split("==", 1)] for part in raw.split(";") if "==" in part]
    if not isinstance(raw, list):
        raise Rejection(400, "invalid_filter", 'filters must be a list of ["is", dimension, value]')
    pairs = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 3 and item[0] == "is" and isinstance(item[1], str)):
            raise Rejection(400, "invalid_filter", 'each filter is ["is", dimension, value]')
        name = FILTER_NAMES.get(item[1], item[1])
        values = item[2] if isinstance(item[2], list) else [item[2]]
        if len(values) != 1:
            raise Rejection(400, "invalid_filter", "a filter takes exactly one value")
        pairs.append((name, values[0]))
    return pairs


def parse_query(data: dict, settings: Settings, site: str, now_ms: int) -> tuple[Query, list[str], str | None]:
    metrics = _list(data.get("metrics"), "metrics") or ["visitors", "pageviews"]
    if any(m not in METRICS for m in metrics):
        raise Rejection(400, "invalid_metrics", "metrics may be " + ", ".join(METRICS))
    dims = _list(data.get("dimensions"), "dimensions")
    if len(dims) > 1 or any(d not in DIMENSIONS and not queryv2.is_prop(d) for d in dims):
        raise Rejection(400, "invalid_dimensions", "at most one dimension, one of " + ", ".join(DIMENSIONS))
    pairs = _filters(data.get("filters") or [])
    today = local_day(now_ms, settings.day_offset_minutes)
    day_from, day_to, _ = periods.day_range(
        data.get("date_range"), today, data.get("from"), data.get("to"), field="date_range"
    )
    site_id = data.get("site_id", data.get("site")) or site
    if not isinstance(site_id, str) or len(site_id) > MAX_SITE:
        raise Rejection(400, "invalid_site", "site_id is a host name")
    query = Query(
        site_id,
        day_from,
        day_to,
        today,
        now_ms,
        periods.filters(pairs),
        settings.retention_days,
        settings.day_offset_minutes,
        settings.db_size_cap_mb * 10**6,
    )
    return query, metrics, (dims[0] if dims else None)


def _percent(fraction) -> float | None:
    return None if fraction is None else round(fraction * 100, 2)


def _metric(name: str, row: dict):
    return {
        "visitors": row.get("visitors"),
        "pageviews": row.get("pageviews"),
        "visits": row.get("visits"),
        "bounce_rate": row.get("bounce_rate"),
        "time_on_page": row.get("median_seconds"),
        "coverage": row.get("coverage"),
        "events": row.get("events"),
        "visit_duration": row.get("visit_duration"),
        "conversion_rate": _percent(row.get("conversion_rate")),
    }[name]


def _event_rows(report: dict, field: str) -> list[dict]:
    """The report's events grouped by one of their fields, most frequent first."""
    groups: dict[str, dict] = {}
    for e in report["events"]:
        group = groups.setdefault(e[field], {"events": 0, "visitors": 0})
        group["events"] += e["count"]
        group["visitors"] += e["visitors"]  # daily unique visitors per event: summed, an upper bound
    return [{"value": v, **g} for v, g in sorted(groups.items(), key=lambda kv: (-kv[1]["events"], kv[0]))]


def _prop_rows(report: dict, key: str, metrics: list[str]) -> list[dict]:
    """A custom property's values over every custom event that carries it."""
    groups: dict[str, dict] = {}
    for r in report["props"]:
        if r["key"] == key:
            group = groups.setdefault(r["value"], {"events": 0, "visitors": 0})
            group["events"] += r["count"]
            group["visitors"] += r["visitors"]  # daily unique visitors per event and value, summed
    order = sorted(groups.items(), key=lambda kv: (-kv[1]["events"], kv[0]))
    return [{"dimensions": [value], "metrics": [_metric(m, g) for m in metrics]} for value, g in order]


def results(report: dict, metrics: list[str], dimension: str | None) -> list[dict]:
    if dimension is None:
        # Plausible counts page views among events; so does this total.
        totals = {
            **report["totals"],
            "events": report["totals"]["pageviews"] + sum(e["count"] for e in report["events"]),
        }
        return [{"dimensions": [], "metrics": [_metric(m, totals) for m in metrics]}]
    if dimension not in DIMENSIONS and queryv2.is_prop(dimension):
        return _prop_rows(report, dimension[len(queryv2.PROPS) :], metrics)
    key = DIMENSIONS[dimension]
    if key == "goals":
        return [
            {
                "dimensions": [g["name"]],
                "metrics": [_metric(m, {**g, "events": g["conversions"]}) for m in metrics],
            }
            for g in report["goals"]
        ]
    if key == "exit_pages":
        return [
            {"dimensions": [r["path"]], "metrics": [_metric(m, {"visits": r["exits"]}) for m in metrics]}
            for r in report["exit_pages"]
        ]
    if key in _EVENT_FIELDS:
        rows = _event_rows(report, _EVENT_FIELDS[key])
        return [{"dimensions": [r["value"]], "metrics": [_metric(m, r) for m in metrics]} for r in rows]
    if key == "series":
        return [{"dimensions": [r["day"]], "metrics": [_metric(m, r) for m in metrics]} for r in report["series"]]
    if key in ("pages", "entry_pages"):
        return [{"dimensions": [r["path"]], "metrics": [_metric(m, r) for m in metrics]} for r in report[key]]
    return [
        {"dimensions": [r["value"]], "metrics": [_metric(m, r) for m in metrics]} for r in report["dimensions"][key]
    ]


def answer(report: dict, rows_read: dict[str, int], q: Query, metrics: list[str], dimension: str | None) -> dict:
    return {
        "results": results(report, metrics, dimension),
        "meta": {"rows_read": sum(rows_read.values()), "source": report["source"]},
        "query": {
            "site_id": q.site,
            "date_range": [q.day_from, q.day_to],
            "metrics": metrics,
            "dimensions": [dimension] if dimension else [],
            "filters": [["is", n, [v]] for n, v in q.filters],
        },
    }


def parse_dashboard(params: dict[str, str], settings: Settings, site: str, now_ms: int) -> tuple[Query, str]:
    """The dashboard's query string (?period=7d&channel=search...) as a Query and the period's name."""
    today = local_day(now_ms, settings.day_offset_minutes)
    day_from, day_to, period = periods.day_range(params.get("period"), today, params.get("from"), params.get("to"))
    chosen = params.get("site") or site
    if len(chosen) > MAX_SITE:
        raise Rejection(400, "invalid_site", "site is a host name")
    filters = periods.filters((k, v) for k, v in params.items() if k in dimensions.BY_FILTER_KEY)
    grain = dashboard_grain(params.get("interval"), day_from, day_to, today, settings.retention_days)
    return Query(
        chosen,
        day_from,
        day_to,
        today,
        now_ms,
        filters,
        settings.retention_days,
        settings.day_offset_minutes,
        settings.db_size_cap_mb * 10**6,
        grain,
        0 if params.get("list") else stats.TOP,  # a full list (footfall.dashboard.lists) has every row
    ), period


def dashboard_grain(asked: object, day_from: str, day_to: str, today: str, retention_days: int) -> str:
    """The main graph's grain: the one asked for (?interval=) when the range can be drawn in
    it, else the range's own (footfall.report.series); hours only while raw rows still cover it."""
    allowed = series.grains_for(day_from, day_to)
    if day_from < shift_day(today, -retention_days):
        allowed = tuple(g for g in allowed if g != "hour")
    if asked in allowed:
        return str(asked)
    auto = series.auto_grain(day_from, day_to)
    return auto if auto in allowed else "day"
