"""Plausible's Stats API v2 queries (footfall.api.queryv2) answered from raw rows, in Python, with
footfall's visit rules (footfall.report.visits) and Plausible's meanings (footfall.api.vocabulary).

The model, as Plausible's: a visit has events (its page views, and its custom events, link
clicks, downloads, mailto: and tel: clicks; scroll milestones are engagement, not events). A
filter on a visit dimension holds for all of a visit's events, one on an event dimension for
the events that match it; the query's events are those for which every filter holds, and its
visits those with at least one such event. `has_done` / `has_not_done` keep the visits with
(without) an event matching their filter.

Metrics of a group of events: `visitors` the daily unique visitors among them (a visitor id is
one visitor on one day: footfall.collect.visitors), `visits` their visits, `pageviews` the page views,
`events` all of them; over those visits `bounce_rate` (%), `visit_duration` (mean seconds of
visible time, the sum of a visit's page times) and `views_per_visit`; `time_on_page` and
`scroll_depth` the mean over the page views that reported one; `percentage` the group's
visitors over all the query's visitors; `conversion_rate` converted visitors over all the
visitors without the goal and property filters, `group_conversion_rate` the same within the group.

Raw rows are kept RETENTION_DAYS: a range that reaches further back is answered for the days
kept, and the answer's meta says so (footfall.api.statsapi reads the rollups instead where a
query allows it).
"""

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from footfall.api import queryv2, vocabulary
from footfall.api.queryv2 import Leaf, Logic, Query
from footfall.dimensions import REGISTRY
from footfall.report import goals as goal_rules
from footfall.report import series, visits
from footfall.report.goals import Goal

# Plausible's names for footfall's event types (https://plausible.io/docs/goal-conversions).
EVENT_NAMES = {
    "outbound": "Outbound Link: Click",
    "download": "File Download",
    "mailto": "Outbound Link: Click",
    "tel": "Outbound Link: Click",
}
NONE = "(none)"


class Visit(NamedTuple):
    raw: visits.Visit
    site: str
    values: dict[str, str]  # visit dimension -> value ("" when unknown)
    duration: int
    pageviews: int
    bounced: bool


class Event(NamedTuple):
    visit: Visit
    kind: str  # "pageview", or the event type (custom, outbound, ...)
    name: str  # event:name
    page: str
    ts: int
    props: dict[str, str]
    seconds: int | None
    scroll: int | None


def _visit(raw: visits.Visit, site: str) -> Visit:
    a = raw.attributes
    entry, last = raw.views[0], raw.views[-1]
    # Every visit dimension of the registry (footfall.dimensions) by its API name, then
    # Plausible's spelling where it has its own.
    values = {d.api_name: a.get(d.name) or "" for d in REGISTRY if d.name in a}
    values.update(
        {
            "visit:entry_page": entry["path"],
            "visit:exit_page": last["path"],
            "visit:source": vocabulary.source(a.get("referrer_host"), a.get("utm_source")),
            "visit:referrer": vocabulary.referrer(entry.get("referrer") if a.get("referrer_host") else None) or "",
            "visit:channel": vocabulary.channel(
                a.get("channel"), a.get("utm_medium"), a.get("utm_source"), a.get("referrer_host")
            ),
            "visit:device": vocabulary.device(a.get("device")) or "",
            "visit:browser": vocabulary.browser(a.get("browser")) or "",
            "visit:os": vocabulary.os(a.get("os")) or "",
            "visit:country_name": vocabulary.country_name(a.get("country")) or "",
            # Kept on the page view, not in the registry: the API's alone (migration 0011).
            "visit:region": entry.get("region") or "",
            "visit:region_name": entry.get("region_name") or "",
            "visit:city_name": entry.get("city") or "",
            "visit:entry_page_hostname": site,
            "visit:exit_page_hostname": site,
        }
    )
    return Visit(raw, site, values, sum(v["seconds"] or 0 for v in raw.views), len(raw.views), raw.bounced)


def events_of(
    rows: list[dict], event_rows: list[dict], site: str, start_ms: int | None, end_ms: int | None
) -> list[Event]:
    """People's visits from raw page loads, and their events (within the datetime bounds)."""
    by_uuid: dict[str, list[dict]] = defaultdict(list)
    for e in event_rows:
        if e["type"] != "scroll":
            by_uuid[e["uuid"]].append(e)
    out = []
    for raw in visits.visits_of(rows):
        visit = _visit(raw, site)
        for view in raw.views:
            out.append(
                Event(visit, "pageview", "pageview", view["path"], view["ts"], {}, view["seconds"], view.get("scroll"))
            )
            for e in by_uuid.get(view["uuid"], ()):
                name = e["name"] if e["type"] == "custom" else EVENT_NAMES.get(e["type"], e["type"])
                props = json.loads(e["props"]) if e.get("props") else {}
                if e["type"] != "custom" and e.get("url"):
                    props = {**props, "url": e["url"]}
                out.append(
                    Event(visit, e["type"], name or "", e.get("path") or view["path"], e["ts"], props, None, None)
                )
    if start_ms is not None and end_ms is not None:
        out = [e for e in out if start_ms <= e.ts <= end_ms]
    return out


class Matcher:
    """Filters evaluated on events; regular expressions compiled once, each distinct value
    matched once (footfall.api.queryv2 has refused unbounded patterns)."""

    def __init__(self, goals: list[Goal], offset_minutes: int, first_day: str = ""):
        self.goals = goals
        self.first_day = first_day  # the range's, for the label of a week it starts inside of
        self.matchers = [(g.name, goal_rules.matcher(g)) for g in goals]
        self.offset_minutes = offset_minutes
        self._cache: dict[tuple, bool] = {}
        self._regex: dict[tuple[str, bool], re.Pattern] = {}

    def goal_names(self, e: Event) -> list[str]:
        kind, key = ("page", e.page) if e.kind == "pageview" else ("event", e.name) if e.kind == "custom" else ("", "")
        return [name for name, match in self.matchers if match(kind, key)]

    def values(self, e: Event, dimension: str) -> list[str]:
        """The event's values of a dimension (a goal dimension may have several, or none)."""
        if dimension.startswith("visit:"):
            return [e.visit.values.get(dimension, "")]
        if dimension == "event:page":
            return [e.page]
        if dimension == "event:hostname":
            return [e.visit.site]
        if dimension == "event:name":
            return [e.name]
        if dimension == "event:type":
            return [e.kind]
        if dimension == "event:goal":
            return self.goal_names(e)
        if queryv2.is_prop(dimension):
            return [e.props.get(dimension[len(queryv2.PROPS) :], NONE)]
        # Time: the visit's stored day (an event after midnight on a page loaded before it
        # belongs to that page view's day, as in the rollups), and an hour named on that day
        # as the dashboard's graph names it (today's offset can differ from the row's).
        day = e.visit.raw.day
        if dimension == "time:hour":
            return [series.hour_label(e.ts, self.offset_minutes, day)]
        return [queryv2.day_bucket(dimension, day, self.first_day)]

    def _one(self, leaf: Leaf, value: str) -> bool:
        key = (leaf, value)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._test(leaf, value)
        return hit

    def _test(self, leaf: Leaf, value: str) -> bool:
        op = leaf.op.removesuffix("_not")
        text = value if leaf.case_sensitive else value.lower()
        clauses = leaf.clauses if leaf.case_sensitive else tuple(c.lower() for c in leaf.clauses)
        if op == "is":
            return text in clauses
        if op == "contains":
            return any(c in text for c in clauses)
        for clause in leaf.clauses:
            regex = self._regex.get((clause, leaf.case_sensitive))
            if regex is None:
                flags = 0 if leaf.case_sensitive else re.IGNORECASE
                regex = self._regex[(clause, leaf.case_sensitive)] = re.compile(clause, flags)
            if regex.search(value):
                return True
        return False

    def leaf(self, leaf: Leaf, e: Event) -> bool:
        if leaf.dimension == "visit:country_name" and leaf.op in ("is", "is_not"):
            leaf = leaf._replace(
                clauses=tuple(vocabulary.country_name(vocabulary.COUNTRY_ALIASES.get(c)) or c for c in leaf.clauses)
            )
        found = any(self._one(leaf, value) for value in self.values(e, leaf.dimension))
        return not found if leaf.op.endswith("_not") else found

    def holds(self, f, e: Event, done: Callable[[Visit, object], bool]) -> bool:
        if isinstance(f, Leaf):
            return self.leaf(f, e)
        if f.op == "and":
            return all(self.holds(c, e, done) for c in f.children)
        if f.op == "or":
            return any(self.holds(c, e, done) for c in f.children)
        if f.op == "not":
            return not self.holds(f.children[0], e, done)
        has = done(e.visit, f.children[0])
        return has if f.op == "has_done" else not has


def _select(events: list[Event], filters: Iterable, m: Matcher) -> list[Event]:
    filters = tuple(filters)
    by_visit: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        by_visit[id(e.visit)].append(e)
    cache: dict[tuple[int, object], bool] = {}

    def done(visit: Visit, f) -> bool:
        key = (id(visit), f)
        if key not in cache:
            cache[key] = any(m.holds(f, e, done) for e in by_visit[id(visit)])
        return cache[key]

    return [e for e in events if all(m.holds(f, e, done) for f in filters)]


def _rate_base(f):
    """A filter with its goal and event property conditions taken out (None when nothing is
    left): the visitors a conversion rate is over. Plausible drops both from the base
    (Query.remove_top_level_filters(query, ["event:goal", "event:props"]) in
    https://github.com/plausible/analytics/blob/master/lib/plausible/stats/sql/special_metrics.ex);
    with the property kept, a goal filtered by a property converted 100 % of the visitors who
    sent it."""
    if isinstance(f, Leaf):
        return None if f.dimension == "event:goal" or f.dimension.startswith(queryv2.PROPS) else f
    if f.op == "and":
        kept = tuple(c for c in (_rate_base(c) for c in f.children) if c is not None)
        return Logic("and", kept) if kept else None
    return f


def _round(value: float, digits: int = 0):
    return round(value) if digits == 0 else round(value, digits)


def metrics_of(names: tuple[str, ...], group: list[Event], shares: dict[str, float | None]) -> list:
    people = {(e.visit.raw.day, e.visit.raw.visitor) for e in group}
    chosen = {id(e.visit): e.visit for e in group}.values()
    n_visits = len(chosen)
    views = [e for e in group if e.kind == "pageview"]
    timed = [e.seconds for e in views if e.seconds]
    scrolled = [e.scroll for e in views if e.scroll is not None]
    out: list[int | float | None] = []
    for name in names:
        if name == "visitors":
            out.append(len(people))
        elif name == "visits":
            out.append(n_visits)
        elif name == "pageviews":
            out.append(len(views))
        elif name == "events":
            out.append(len(group))
        elif name == "bounce_rate":
            out.append(_round(100 * sum(v.bounced for v in chosen) / n_visits) if n_visits else None)
        elif name == "visit_duration":
            out.append(_round(sum(v.duration for v in chosen) / n_visits) if n_visits else None)
        elif name == "views_per_visit":
            out.append(_round(sum(v.pageviews for v in chosen) / n_visits, 2) if n_visits else None)
        elif name == "time_on_page":
            out.append(_round(sum(timed) / len(timed)) if timed else None)
        elif name == "scroll_depth":
            out.append(_round(sum(scrolled) / len(scrolled)) if scrolled else None)
        else:  # percentage, conversion_rate, group_conversion_rate: against another count
            base = shares.get(name)
            digits = 1 if name == "percentage" else 2
            out.append(_round(100 * len(people) / base, digits) if base else (0.0 if base == 0 else None))
    return out


def _visitors(group: Iterable[Event]) -> int:
    return len({(e.visit.raw.day, e.visit.raw.visitor) for e in group})


def answer(q: Query, rows: list[dict], event_rows: list[dict], goals: list[Goal], offset_minutes: int) -> dict:
    """{results, total_rows, time_labels} for a query over raw rows."""
    m = Matcher(goals, offset_minutes, q.day_from)
    events = events_of(rows, event_rows, q.site, q.start_ms, q.end_ms)
    dims = tuple(queryv2.time_bucket(d, q) for d in q.dimensions)
    chosen = _select(events, q.filters, m)
    groups: dict[tuple, list[Event]] = defaultdict(list)
    for e in chosen:
        keys: list[tuple] = [()]
        for d in dims:
            keys = [k + (v,) for k in keys for v in m.values(e, d)]
        for key in keys:
            if "" not in key:  # no row for an unknown value, as the rollups keep none
                groups[key].append(e)
    total = _visitors(chosen)
    needs_base = any(n in ("conversion_rate", "group_conversion_rate") for n in q.metrics)
    base_events = (
        _select(events, (f for f in (_rate_base(f) for f in q.filters) if f is not None), m) if needs_base else []
    )
    base_total = _visitors(base_events)
    base_groups: dict[tuple, set] = defaultdict(set)
    if "group_conversion_rate" in q.metrics:
        others = [i for i, d in enumerate(dims) if d != "event:goal"]
        for e in base_events:
            keys = [()]
            for i in others:
                keys = [k + (v,) for k in keys for v in m.values(e, dims[i])]
            for key in keys:
                base_groups[key].add((e.visit.raw.day, e.visit.raw.visitor))
    results = []
    if not dims:
        groups = {(): chosen}
    for key, group in groups.items():
        shares: dict[str, float | None] = {"percentage": total, "conversion_rate": base_total}
        if "group_conversion_rate" in q.metrics:
            own = tuple(v for d, v in zip(dims, key, strict=True) if d != "event:goal")
            shares["group_conversion_rate"] = len(base_groups.get(own, ()))
        results.append({"dimensions": list(key), "metrics": metrics_of(q.metrics, group, shares)})
    return {"results": order(q, results), "time_labels": _labels(q, dims)}


def _labels(q: Query, dims: tuple[str, ...]) -> list[str] | None:
    time = next((d for d in dims if d.startswith("time")), None)
    return queryv2.labels(time, q) if time and q.include.get("time_labels") else None


def order(q: Query, results: list[dict]) -> list[dict]:
    """order_by, else the time dimension ascending, then the first metric descending; ties in
    the dimensions' order, so an answer is always the same."""
    dims = list(q.dimensions)
    spec = list(q.order_by)
    if not spec:
        spec = [(d, "asc") for d in dims if d.startswith("time")] + [(q.metrics[0], "desc")]
    spec += [(d, "asc") for d in dims if d not in {s[0] for s in spec}]

    def value(row: dict, key: str):
        v = row["metrics"][q.metrics.index(key)] if key in q.metrics else row["dimensions"][dims.index(key)]
        return (v is None, v if v is not None else 0)

    for key, direction in reversed(spec):

        def by(row: dict, key: str = key) -> tuple:
            return value(row, key)

        results.sort(key=by, reverse=direction == "desc")
    return results
