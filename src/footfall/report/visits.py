"""Visits: a visitor's page views on one local day, cut where 30 minutes passed without
activity (from one view's last heartbeat to the next view). The rules, written once for the
raw rows the dashboard reads (this module) and held equal to the daily job's SQL
(footfall.report.queries.visit_rows) by tests/unit/test_visits.py:

- A visit's source (channel, referrer, UTM) and its device facts (country, browser, OS,
  device) are those of its entry page view. Navigation inside the site is never a source: an
  entry view with an internal referrer (a tab left open past 30 minutes) counts as direct.
- A bounce is a visit of one page view with under 10 seconds on it.
- A filter selects visits: on a visit's attribute, the visits whose entry has that value; on
  a page, the visits that include that page. Visit metrics (visits, bounce rate, entry pages)
  are computed over whole selected visits; page views are those of the selected visits (with
  a page filter, only the views of that page).
- People only (person, AI assistant acting for one), and a page load the origin answered 404
  is not a page view.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from footfall.classify.bots import PEOPLE
from footfall.dimensions import REGISTRY

VISIT_GAP_MS = 30 * 60 * 1000
BOUNCE_SECONDS = 10
DIRECT = "direct"
INTERNAL = "internal"
# Visit attributes: every dimension but the page (a visit has many pages).
ATTRIBUTES = tuple(d.name for d in REGISTRY if d.name != "path")
SOURCE_ATTRIBUTES = ("channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


class Visit(NamedTuple):
    day: str
    visitor: str | None
    views: list[dict]  # its page views in time order
    attributes: dict[str, str | None]  # from the entry view

    @property
    def entry(self) -> dict:
        return self.views[0]

    @property
    def bounced(self) -> bool:
        return len(self.views) == 1 and (self.views[0]["seconds"] or 0) < BOUNCE_SECONDS


def entry_attributes(view: dict) -> dict[str, str | None]:
    attributes = {name: view.get(name) for name in ATTRIBUTES}
    if view.get("internal") or view.get("channel") == INTERNAL:
        # Arrived from the site itself after the gap: no outside source.
        attributes.update({name: None for name in SOURCE_ATTRIBUTES})
        attributes["channel"] = DIRECT
    return attributes


def is_page_view(row: dict) -> bool:
    return row["bot_class"] in PEOPLE and row["status"] != 404


def visits_of(rows: Iterable[dict]) -> list[Visit]:
    """People's page views (any order) -> visits, per (day, visitor), in time order."""
    by_visitor: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if is_page_view(row):
            by_visitor[(row["day"], row["visitor"])].append(row)
    out: list[Visit] = []
    for (day, visitor), views in by_visitor.items():
        views.sort(key=lambda r: r["ts"])
        current: list[dict] = []
        for view in views:
            if current and view["ts"] - current[-1]["last_ts"] > VISIT_GAP_MS:
                out.append(Visit(day, visitor, current, entry_attributes(current[0])))
                current = []
            current.append(view)
        out.append(Visit(day, visitor, current, entry_attributes(current[0])))
    return out


def selected(visit: Visit, filters: tuple[tuple[str, str], ...], columns: dict[str, str]) -> bool:
    """Whether the filters select this visit (`columns`: filter key -> column)."""
    for key, value in filters:
        column = columns[key]
        if column == "path":
            if not any(v["path"] == value for v in visit.views):
                return False
        elif visit.attributes.get(column) != value:
            return False
    return True


def median_seconds(hist: dict[int, int]) -> int | None:
    """Median of the page views with time recorded (seconds > 0), from a seconds -> count histogram."""
    counts = sorted((s, n) for s, n in hist.items() if s > 0)
    total = sum(n for _, n in counts)
    seen = 0
    for seconds, n in counts:
        seen += n
        if seen * 2 >= total:
            return seconds
    return None


def ratio(a: float, b: float) -> float | None:
    """a / b to four places, None where b is 0 (a rate of nothing is unknown, not 0)."""
    return round(a / b, 4) if b else None


class Totals:
    """Sums for one group (a page, a dimension value, a day)."""

    __slots__ = ("views", "visitors", "visits", "bounces", "seconds_sum", "seconds_count", "hist")

    def __init__(self):
        self.views = self.visits = self.bounces = self.seconds_sum = self.seconds_count = 0
        self.visitors: set = set()
        self.hist: dict[int, int] = {}

    def add_view(self, view: dict) -> None:
        seconds = view["seconds"] or 0
        self.views += 1
        self.visitors.add(view["visitor"])
        self.seconds_sum += seconds
        self.seconds_count += seconds > 0
        self.hist[seconds] = self.hist.get(seconds, 0) + 1

    def add_visit(self, visit: Visit) -> None:
        self.visits += 1
        self.bounces += visit.bounced


def aggregate(rows: Iterable[dict], filters: tuple[tuple[str, str], ...], columns: dict[str, str]) -> dict:
    """Raw page loads -> the rows the report merges with the rollups' (same shapes):
    t_pages (day, path), t_dimensions (day, dimension, value: views, visitors, visits, bounces),
    t_totals (day, with its histogram of time on page), the visits' page load uuids (for their
    events) and the counted page views per (day, path, visitor) (for coverage)."""
    page_filter = next((v for k, v in filters if columns[k] == "path"), None)
    pages: dict[tuple, Totals] = defaultdict(Totals)
    dims: dict[tuple, Totals] = defaultdict(Totals)
    days: dict[str, Totals] = defaultdict(Totals)
    uuids: set[str] = set()
    by_visitor: Counter = Counter()  # counted page views per (day, path, visitor): footfall.report.coverage
    for visit in visits_of(rows):
        if not selected(visit, filters, columns):
            continue
        counted = [v for v in visit.views if page_filter is None or v["path"] == page_filter]
        for view in counted:
            pages[(visit.day, view["path"])].add_view(view)
            days[visit.day].add_view(view)
            uuids.add(view["uuid"])
            by_visitor[(visit.day, view["path"], view["visitor"])] += 1
        pages[(visit.day, visit.entry["path"])].add_visit(visit)
        days[visit.day].add_visit(visit)
        for name, value in visit.attributes.items():
            if value is None:
                continue
            group = dims[(visit.day, name, value)]
            for view in counted:
                group.add_view(view)
            group.add_visit(visit)
    return {
        "t_pages": [
            {
                "day": d,
                "path": p,
                "views": t.views,
                "visitors": len(t.visitors),
                "visits": t.visits,
                "bounces": t.bounces,
                "seconds_sum": t.seconds_sum,
                "seconds_count": t.seconds_count,
                "seconds_hist": json.dumps(t.hist),
            }
            for (d, p), t in pages.items()
        ],
        "t_dimensions": [
            {
                "day": d,
                "dimension": n,
                "value": v,
                "views": t.views,
                "visitors": len(t.visitors),
                "visits": t.visits,
                "bounces": t.bounces,
            }
            for (d, n, v), t in dims.items()
        ],
        "t_totals": [
            {
                "day": d,
                "views": t.views,
                "visitors": len(t.visitors),
                "visits": t.visits,
                "bounces": t.bounces,
                "seconds_hist": json.dumps(t.hist),
            }
            for d, t in days.items()
        ],
        "uuids": uuids,
        "views_by_visitor": by_visitor,
    }


SCROLL_MILESTONES = (25, 50, 75, 100)


def events_of(event_rows: Iterable[dict], views: Iterable[dict], uuids: set[str]) -> list[dict]:
    """Events of the selected page loads, per (day, type, name, url): count and visitors, on
    the page load's day (an event after midnight counts with its page; events of other page
    loads are left out). Scroll milestones come from a page load's `scroll` depth, or from its
    scroll events when its tracker sent those instead (never both), as
    footfall.report.queries.events counts them."""
    by_uuid = {v["uuid"]: v for v in views if v.get("uuid") in uuids}
    groups: dict[tuple, list] = defaultdict(lambda: [0, set()])
    for e in event_rows:
        view = by_uuid.get(e["uuid"])
        if view is None or (e["type"] == "scroll" and view.get("scroll") is not None):
            continue
        group = groups[(view["day"], e["type"], e["name"] or "", e["url"] or "")]
        group[0] += 1
        group[1].add(view["visitor"])
    for view in by_uuid.values():
        depth = view.get("scroll")
        for milestone in SCROLL_MILESTONES:
            if depth is not None and depth >= milestone:
                group = groups[(view["day"], "scroll", str(milestone), "")]
                group[0] += 1
                group[1].add(view["visitor"])
    return [
        {"day": d, "type": t, "name": n, "url": u, "count": c, "visitors": len(v)}
        for (d, t, n, u), (c, v) in groups.items()
    ]
