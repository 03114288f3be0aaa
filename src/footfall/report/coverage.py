"""Tracking coverage: the share of the HTML pages the proxy served to people that the tracker
reported, the measured share lost to blockers and disabled JavaScript.

Like is compared with like, per visitor, day and page: the fewer of the visitor's page views
and the pages the proxy served them count as tracked. A page the browser shows again from its
cache (max-age HTML, back and forward) or an SPA navigation is a page view the Worker never
served: without this matching it would count against nothing and lift coverage above 100 %
(#19). A reload that revalidates reaches the Worker as a 304, which is a page served
(footfall.report.queries.SERVED_HIT), and the view it shows matches it. So coverage is at most 100 %
by construction, and 100 % for people with nothing blocked. The daily job's SQL applies the
same rule (footfall.report.queries.hits); tests/handlers/test_coverage.py holds both to it.

What stays unmatched: a page view whose beacon came from another IP than the page (a phone
switching networks between the two: another visitor id), a page served just before midnight
and reported just after, and pages a browser prefetched but never showed (they were served,
and nobody saw them). The first two lower coverage by their share; none can raise it.
"""

from collections import Counter, defaultdict

from footfall.classify.bots import PEOPLE


def is_served(status: int) -> bool:
    """A page the proxy served: 2xx, or 304 to a revalidating browser (queries.SERVED_HIT)."""
    return 200 <= status <= 299 or status == 304


def tracked(views: Counter, served: Counter) -> dict[tuple[str, str], int]:
    """Per (day, path): sum over visitors of the fewer of their page views and pages served
    (both counted per (day, path, visitor))."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for (day, path, visitor), n in served.items():
        out[(day, path)] += min(n, views.get((day, path, visitor), 0))
    return out


def from_hit_counts(rows: list[dict], views: Counter) -> dict[str, list[dict]]:
    """The proxy's hits per (day, path, visitor, status, class) (queries.hit_counts) and the
    counted page views per (day, path, visitor) -> per page and day: pages served (hits), 404s
    and tracked pages; hits per class and bot hits per page, with their visitors."""
    pages: dict[tuple, dict] = defaultdict(lambda: {"hits": 0, "not_found": 0})
    served: Counter = Counter()
    by_class: dict[str, list] = defaultdict(lambda: [0, set()])
    bot_pages: dict[str, list] = defaultdict(lambda: [0, set()])
    for r in rows:
        people = r["bot_class"] in PEOPLE
        if people and is_served(r["status"]):
            pages[(r["day"], r["path"])]["hits"] += r["n"]
            served[(r["day"], r["path"], r["visitor"])] += r["n"]
        elif people and r["status"] == 404:
            pages[(r["day"], r["path"])]["not_found"] += r["n"]
        by_class[r["bot_class"]][0] += r["n"]
        by_class[r["bot_class"]][1].add((r["day"], r["visitor"]))  # daily unique visitors
        if not people:
            entry = bot_pages[f"{r['bot_class']} {r['path']}"]
            entry[0] += r["n"]
            entry[1].add((r["day"], r["visitor"]))
    matched = tracked(views, served)
    return {
        "t_hits": [{"day": d, "path": p, **v, "tracked": matched.get((d, p), 0)} for (d, p), v in pages.items()],
        "t_hit_class": [
            {"dimension": "hit_class", "value": c, "views": n, "visitors": len(v)} for c, (n, v) in by_class.items()
        ],
        "t_bot_page": [
            {"dimension": "bot_page", "value": k, "views": n, "visitors": len(v)} for k, (n, v) in bot_pages.items()
        ],
    }


def tracked_of(row: dict) -> int:
    """A rollup row's tracked pages; a day rolled up before migration 0009 has none stored
    (NULL), and then the fewer of the row's views and hits stands in."""
    value = row.get("tracked")
    if value is None:
        return min(row.get("views") or 0, row.get("hits") or 0)
    return value
