"""Tracking coverage compares like with like (#19 item 1): the person HTML pages the proxy
served that the tracker reported, matched per visitor, day and page (footfall.report.coverage). A
page shown again from the browser's cache (max-age, back/forward) or an SPA navigation never
reaches the Worker, so it cannot lift coverage above 100 %; a reload that revalidates reaches
the Worker as a 304, which is a page served. The same numbers before and after the daily job."""

import pytest

from app.http import Client
from support.inprocess import PERSON_HEADERS, InProcess
from support.owner import BEARER

HTML = "text/html; charset=utf-8"
PAGES = {
    "/": (200, {"content-type": HTML, "cache-control": "max-age=600", "etag": '"v1"'}, b"<html><head></head></html>"),
    "/about/": (200, {"content-type": HTML, "cache-control": "max-age=600"}, b"<html><head></head></html>"),
}
DOCUMENT = {**PERSON_HEADERS, "sec-fetch-dest": "document", "sec-fetch-mode": "navigate"}
DAY_MS = 24 * 3600 * 1000
ME = Client(ip="203.0.113.9", country="DE")
SOMEONE_ELSE = Client(ip="198.51.100.9", country="DE")


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


@pytest.fixture
def site(make_app) -> InProcess:
    app = make_app()
    app.origin.pages.update(PAGES)
    return app


def view(app: InProcess, n: int, page: str, client: Client = ME) -> None:
    """The tracker's /init, as the person's browser sends it."""
    assert app.beacon("init", {"uuid": uid(n), "page": page, "referrer": None}, client=client).status == 204
    app.advance(2_000)


def totals(app: InProcess, period: str = "today") -> dict:
    reply = app.post("/_ff/api/v1/query", {"date_range": period, "metrics": ["pageviews", "coverage"]}, headers=BEARER)
    assert reply.status == 200, reply.text()
    pageviews, coverage = reply.json()["results"][0]["metrics"]
    return {"pageviews": pageviews, "coverage": coverage}


def test_pages_shown_from_the_browsers_cache_count_as_views_but_not_against_pages_served(site):
    # One page load from the network, then the same page twice from the cache (back, forward).
    site.get("/", headers=DOCUMENT)
    view(site, 1, "/")
    view(site, 2, "/")
    view(site, 3, "/")
    assert totals(site) == {"pageviews": 3, "coverage": 1.0}


def test_an_spa_navigation_is_a_view_the_server_never_saw(site):
    site.get("/", headers=DOCUMENT)
    view(site, 1, "/")
    view(site, 2, "/app/settings")
    assert totals(site) == {"pageviews": 2, "coverage": 1.0}


def test_a_reload_answered_304_is_a_page_served(site):
    site.get("/", headers=DOCUMENT)
    view(site, 1, "/")
    site.origin.pages["/"] = (304, {"etag": '"v1"', "cache-control": "max-age=600"}, b"")
    reply = site.get("/", headers={**DOCUMENT, "if-none-match": '"v1"'})
    assert reply.status == 304
    view(site, 2, "/")
    assert site.rows("SELECT path, status FROM hits ORDER BY id") == [
        {"path": "/", "status": 200},
        {"path": "/", "status": 304},
    ]
    assert totals(site) == {"pageviews": 2, "coverage": 1.0}


NAVIGATION_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    "headers,served",
    [
        ({"sec-fetch-dest": "document"}, True),
        ({"accept": NAVIGATION_ACCEPT}, True),  # an http:// site: no Fetch Metadata
        ({"sec-fetch-dest": "image", "accept": NAVIGATION_ACCEPT}, False),
        ({"accept": "image/avif,image/webp,*/*"}, False),
        ({}, False),
    ],
    ids=["document", "navigation-without-fetch-metadata", "image", "image-without-fetch-metadata", "nothing-said"],
)
def test_a_304_is_a_page_served_only_for_a_navigation(site, headers, served):
    site.origin.pages["/"] = (304, {"etag": '"v1"'}, b"")
    site.get("/", headers={**PERSON_HEADERS, **headers, "if-none-match": '"v1"'})
    assert site.rows("SELECT path, status FROM hits") == ([{"path": "/", "status": 304}] if served else [])


def test_a_blocked_tracker_lowers_coverage(site):
    site.get("/", headers=DOCUMENT)
    view(site, 1, "/")
    site.get("/about/", headers=DOCUMENT, client=SOMEONE_ELSE)  # their tracker is blocked: no view
    assert totals(site) == {"pageviews": 1, "coverage": 0.5}


def test_another_visitors_view_does_not_cover_a_blocked_visitors_page(site):
    site.get("/", headers=DOCUMENT)  # this person's tracker is blocked
    view(site, 1, "/", client=SOMEONE_ELSE)  # another person's view of the page, from their cache
    assert totals(site) == {"pageviews": 1, "coverage": 0.0}


def test_coverage_is_the_same_once_the_day_is_rolled_up(site):
    site.get("/", headers=DOCUMENT)
    view(site, 1, "/")
    view(site, 2, "/")
    site.get("/about/", headers=DOCUMENT, client=SOMEONE_ELSE)
    before = totals(site)
    site.advance(2 * DAY_MS)
    site.run_maintenance()
    assert site.rows("SELECT tracked, hits FROM daily_totals") == [{"tracked": 1, "hits": 2}]
    assert totals(site, "7d") == before == {"pageviews": 2, "coverage": 0.5}
