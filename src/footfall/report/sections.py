"""The report's sections (footfall.report.stats.assemble), each a typed value built from one tally.

`tally` adds up, once, every row a report's statements returned: rolled-up days and pages,
raw rows already grouped into visits (footfall.report.visits), the proxy's hits and the bot
filter's classes. Each section function then reads the tally and returns its piece of the
report in the shape the dashboard renders and the API returns as JSON; the TypedDicts below
are that shape, so a renamed or missing key is a type error rather than a blank cell.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from footfall.report import coverage
from footfall.report.visits import median_seconds, ratio

# What a page row and a day row add up; the rollups' and the raw aggregates' columns.
_PAGE_KEYS = ("views", "visitors", "visits", "bounces", "seconds_sum", "seconds_count", "hits", "not_found")
_DAY_KEYS = ("views", "visitors", "visits", "bounces", "hits")
_DIM_KEYS = ("views", "visitors", "visits", "bounces")


class Totals(TypedDict):
    visitors: int
    pageviews: int
    visits: int
    bounces: int
    bounce_rate: float | None
    median_seconds: int | None
    hits: int | None  # None: the filters select visits, which hits know nothing of
    tracked: int | None
    coverage: float | None


class DayPoint(TypedDict):
    day: str
    visitors: int
    pageviews: int
    visits: int
    bounces: int
    hits: int
    tracked: int
    coverage: float | None
    bounce_rate: float | None
    median_seconds: int | None


class PageRow(TypedDict):
    path: str
    pageviews: int
    visitors: int
    visits: int
    bounces: int
    bounce_rate: float | None
    median_seconds: int | None
    hits: int
    not_found: int


class NotFoundRow(TypedDict):
    path: str
    count: int


class RankedRow(TypedDict):
    value: str
    pageviews: int
    visitors: int


class VisitRankedRow(RankedRow):
    visits: int | None
    bounces: int
    bounce_rate: float | None


class EventRow(TypedDict):
    type: str
    name: str
    url: str
    count: int
    visitors: int


def _counter() -> defaultdict[str, int]:
    return defaultdict(int)


def _dim_entry() -> dict[str, int]:
    return dict.fromkeys(_DIM_KEYS, 0)


@dataclass
class Tally:
    """Every row of a report, added up by page, by day, by dimension value and by event."""

    page: defaultdict[str, defaultdict[str, int]] = field(default_factory=lambda: defaultdict(_counter))
    hists: defaultdict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    day: defaultdict[str, defaultdict[str, int]] = field(default_factory=lambda: defaultdict(_counter))
    day_hists: defaultdict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    dims: defaultdict[str, defaultdict[str, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(_dim_entry))
    )
    events: defaultdict[tuple, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"count": 0, "visitors": 0})
    )
    hits_known: bool = True


def _merge_hist(into: dict[int, int], text: str | None) -> None:
    """Add a stored histogram of seconds on page (JSON {seconds: count}) into `into`."""
    for seconds, n in json.loads(text or "{}").items():
        into[int(seconds)] = into.get(int(seconds), 0) + n


def _rolled(rows: dict[str, list[dict]], prefix: str) -> list[dict]:
    """The rows of every rollup statement whose name starts with `prefix` (daily spans, months)."""
    return [r for key, value in rows.items() if key.startswith(prefix) for r in value]


def tally(
    rows: dict[str, list[dict]], fresh: dict, raw_events: list[dict], classes: list[dict], hits_known: bool
) -> Tally:
    """Add up a report's rows: `rows` by statement name (rollups, hits, series), `fresh` the
    raw rows' aggregates (footfall.report.visits.aggregate), `raw_events` and the bot `classes`."""
    t = Tally(hits_known=hits_known)
    for r in _rolled(rows, "r_pages") + fresh["t_pages"] + rows.get("t_hits", []):
        p = t.page[r["path"]]
        for key in _PAGE_KEYS:
            p[key] += r.get(key) or 0
        p["tracked"] += coverage.tracked_of(r)
        _merge_hist(t.hists[r["path"]], r.get("seconds_hist"))
    # The daily chart: rolled-up days from daily_totals, later days (or a filtered range) from raw rows.
    for r in rows.get("r_series", []) + fresh["t_totals"]:
        d = t.day[r["day"]]
        for key in _DAY_KEYS:
            d[key] += r.get(key) or 0
        d["tracked"] += coverage.tracked_of(r)
        _merge_hist(t.day_hists[r["day"]], r.get("seconds_hist"))
    for r in rows.get("t_hits", []):
        t.day[r["day"]]["hits"] += r["hits"]
        t.day[r["day"]]["tracked"] += r["tracked"]
    dim_rows = _rolled(rows, "r_dimensions") + fresh["t_dimensions"]
    for r in dim_rows + rows.get("t_hit_class", []) + rows.get("t_bot_page", []):
        entry = t.dims[r["dimension"]][r["value"]]
        for key in _DIM_KEYS:
            entry[key] += r.get(key) or 0
    for r in classes:
        entry = t.dims["class"][r["value"]]
        entry["views"] += r["views"]
        entry["visitors"] += r["visitors"]
    for r in _rolled(rows, "r_events") + raw_events:
        e = t.events[(r["type"], r["name"], r["url"])]
        e["count"] += r["count"]
        e["visitors"] += r["visitors"]
    return t


def totals(t: Tally) -> Totals:
    all_hist: dict[int, int] = {}
    for h in t.hists.values():
        for s, n in h.items():
            all_hist[s] = all_hist.get(s, 0) + n
    pages = t.page.values()
    visits = sum(p["visits"] for p in pages)
    bounces = sum(p["bounces"] for p in pages)
    hits = sum(p["hits"] for p in pages)
    tracked = sum(p["tracked"] for p in pages)
    return {
        "visitors": sum(d["visitors"] for d in t.day.values()),
        "pageviews": sum(p["views"] for p in pages),
        "visits": visits,
        "bounces": bounces,
        "bounce_rate": ratio(bounces, visits),
        "median_seconds": median_seconds(all_hist),
        "hits": hits if t.hits_known else None,
        "tracked": tracked if t.hits_known else None,
        "coverage": ratio(tracked, hits) if t.hits_known else None,
    }


def daily(t: Tally, days: list[str]) -> list[DayPoint]:
    """One point per day of the range, days without data included (as zeros)."""
    out: list[DayPoint] = []
    for d in days:
        row = t.day[d]
        out.append(
            {
                "day": d,
                "visitors": row["visitors"],
                "pageviews": row["views"],
                "visits": row["visits"],
                "bounces": row["bounces"],
                "hits": row["hits"],
                "tracked": row["tracked"],
                "coverage": ratio(row["tracked"], row["hits"]) if t.hits_known else None,
                "bounce_rate": ratio(row["bounces"], row["visits"]),
                "median_seconds": median_seconds(t.day_hists[d]),
            }
        )
    return out


def _page_row(t: Tally, path: str) -> PageRow:
    p = t.page[path]
    return {
        "path": path,
        "pageviews": p["views"],
        "visitors": p["visitors"],
        "visits": p["visits"],
        "bounces": p["bounces"],
        "bounce_rate": ratio(p["bounces"], p["visits"]),
        "median_seconds": median_seconds(t.hists[path]),
        "hits": p["hits"],
        "not_found": p["not_found"],
    }


def _top(t: Tally, key: str, limit: int | None) -> list[str]:
    """Paths with a non-zero `key`, most first (ties by path), at most `limit` (None: all)."""
    chosen = [path for path, p in t.page.items() if p[key]]
    return sorted(chosen, key=lambda path: (-t.page[path][key], path))[:limit]


def pages(t: Tally, limit: int | None) -> list[PageRow]:
    return [_page_row(t, path) for path in _top(t, "views", limit)]


def entry_pages(t: Tally, limit: int | None) -> list[PageRow]:
    return [_page_row(t, path) for path in _top(t, "visits", limit)]


def not_found(t: Tally, limit: int | None) -> list[NotFoundRow]:
    return [{"path": path, "count": t.page[path]["not_found"]} for path in _top(t, "not_found", limit)]


def ranked(t: Tally, name: str, limit: int | None) -> list[RankedRow]:
    """A dimension's values by page views (ties by value)."""
    values: dict[str, dict[str, int]] = t.dims.get(name, {})
    order = sorted(values.items(), key=lambda kv: (-kv[1]["views"], kv[0]))
    return [{"value": v, "pageviews": e["views"], "visitors": e["visitors"]} for v, e in order[:limit]]


def ranked_visits(t: Tally, name: str, limit: int | None) -> list[VisitRankedRow]:
    """A visit attribute's values, with the visits that entered with them."""
    out: list[VisitRankedRow] = []
    for row in ranked(t, name, limit):
        entry = t.dims[name][row["value"]]
        out.append(
            {
                **row,
                "visits": entry["visits"] or None,
                "bounces": entry["bounces"],
                "bounce_rate": ratio(entry["bounces"], entry["visits"]),
            }
        )
    return out


def events(t: Tally, limit: int) -> list[EventRow]:
    """Events by count (ties by type, name, url)."""
    order = sorted(t.events.items(), key=lambda kv: (-kv[1]["count"], kv[0]))
    return [
        {"type": ty, "name": n, "url": u, "count": e["count"], "visitors": e["visitors"]}
        for (ty, n, u), e in order[:limit]
    ]
