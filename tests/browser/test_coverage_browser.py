"""Tracking coverage in real Chromium (#19 item 1): the demo origin sends its HTML with
`Cache-Control: max-age=60` and an ETag, as static hosts do, so pages come back from the
browser's cache (links to a page seen a moment ago, back and forward) and a reload revalidates
(304). Coverage stays at 100 % for a person with nothing blocked while the tracker counts more
page views than the Worker served, and falls below 100 % for a person whose blocker stops the
tracker.

Each test browses a host of its own under .localhost (Chromium resolves those to this machine
and, as for https sites, sends Fetch Metadata to them), so its site's numbers are its own."""

from tracker_helpers import Beacons, wait_for_rows

from support.http import post_json
from support.owner import BEARER

HOSTS = ("coverage-open.localhost", "coverage-blocked.localhost")
# Another person's browser (another visitor id on the same machine).
OTHER_PERSON = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def at(worker: str, host: str) -> str:
    return worker.replace("127.0.0.1", host)


def api_totals(worker: str, host: str) -> dict:
    reply = post_json(
        worker,
        "/_ff/api/v1/query",
        {"site_id": host, "date_range": "today", "metrics": ["pageviews", "coverage"]},
        headers=BEARER,
    )
    pageviews, coverage = reply.json()["results"][0]["metrics"]
    return {"pageviews": pageviews, "coverage": coverage}


def browse(page, base: str) -> None:
    """Home, About, Home again by a link (fresh in the cache), back, forward, a reload."""
    page.goto(base + "/")
    page.click("nav a[href='/about/']")
    page.wait_for_url("**/about/")
    page.click("nav a[href='/']")
    page.wait_for_url(base + "/")
    page.go_back()
    page.wait_for_url("**/about/")
    page.go_forward()
    page.wait_for_url(base + "/")
    page.reload()
    page.wait_for_load_state("load")


def test_cached_pages_back_forward_and_reload_keep_coverage_at_100_percent(new_person_context, worker, db):
    host = HOSTS[0]
    context = new_person_context()
    page = context.new_page()
    beacons = Beacons(page)
    browse(page, at(worker, host))
    beacons.settle()
    inits = len(beacons.of("init"))
    context.close()
    views = wait_for_rows(db, "SELECT path FROM pageviews WHERE site = ?", (host,), count=inits)
    served = "SELECT path, status FROM hits WHERE site = ? AND status <> 404 ORDER BY id"
    hits = wait_for_rows(db, served, (host,), count=3)
    # The Worker served /, /about/ and the reload (304); the link back to / and the history
    # navigations came from the browser's cache (or its back-forward cache: no view at all).
    assert [(h["path"], h["status"]) for h in hits] == [("/", 200), ("/about/", 200), ("/", 304)]
    assert len(views) == inits > len(hits), "the tracker counted pages the browser showed from its cache"
    assert api_totals(worker, host) == {"pageviews": inits, "coverage": 1.0}


def test_a_blocked_tracker_brings_coverage_below_100_percent(new_person_context, worker, db):
    host = HOSTS[1]
    open_context = new_person_context()
    page = open_context.new_page()
    page.goto(at(worker, host) + "/")
    wait_for_rows(db, "SELECT uuid FROM pageviews WHERE site = ?", (host,))
    open_context.close()
    # Another person, whose blocker stops the tracker script: their pages are served, none is
    # reported. (Playwright turns the HTTP cache off where it routes requests: every page of
    # theirs comes from the Worker.)
    blocked = new_person_context(user_agent=OTHER_PERSON)
    blocked.route("**/_ff/script.js", lambda route: route.abort())
    page = blocked.new_page()
    browse(page, at(worker, host))
    blocked.close()
    hits = wait_for_rows(db, "SELECT id FROM hits WHERE site = ? AND status <> 404", (host,), count=7)
    assert len(hits) == 7  # one for the open visitor, six for the blocked one
    assert api_totals(worker, host) == {"pageviews": 1, "coverage": round(1 / 7, 4)}
