"""Visit semantics (footfall/report/visits.py) against a hand-computed fixture: several visitors,
multi-page visits, bounces, internal navigation, several channels; unfiltered and filtered,
from raw rows (before the daily job) and from the rollups (after), through the stats API."""

import uuid as uuid_module

import pytest

from app.http import Client
from support.inprocess import BROWSER_UA, InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

SITE = "example.com"
DAY = "2026-11-20"
NOON = 1_795_176_000_000  # 2026-11-20 12:00 UTC
GOOGLE, ELSEWHERE, TCO = "https://www.google.com/", "https://blog.example.org/post", "https://t.co/x"
INSIDE = f"https://{SITE}/"


def view(app: InProcess, ip: str, page: str, referrer: str, seconds: int) -> None:
    headers = {"user-agent": BROWSER_UA, "accept-language": "en", "sec-fetch-mode": "no-cors"}
    client = Client(ip=ip, country="DE")
    page_load = str(uuid_module.uuid4())
    body = {"uuid": page_load, "page": page, "referrer": referrer}
    assert app.post("/_ff/init", body, headers=headers, client=client).status == 204
    app.advance(seconds * 1000)
    if seconds:
        beat = {"uuid": page_load, "total": seconds}
        assert app.post("/_ff/heartbeat", beat, headers=headers, client=client).status == 204
    app.advance(1000)


@pytest.fixture
def browsed():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN}, now_ms=NOON)
    # V1: from Google, three pages by internal navigation: one visit, no bounce.
    view(app, "198.51.100.1", "/", GOOGLE, 12)
    view(app, "198.51.100.1", "/blog/hello.html", INSIDE, 40)
    view(app, "198.51.100.1", "/about/", INSIDE + "blog/hello.html", 5)
    # V2: direct to the blog post for 3 s (a bounce) ...
    view(app, "198.51.100.2", "/blog/hello.html", "", 3)
    app.advance(45 * 60 * 1000)
    # ... and 45 minutes later back from a link on t.co: a second visit, 20 s, no bounce.
    view(app, "198.51.100.2", "/", TCO, 20)
    # V3: from another blog, 8 s on the post: a bounce.
    view(app, "198.51.100.3", "/blog/hello.html", ELSEWHERE, 8)
    # V4: from Google to /about/, then the post: one visit of two pages.
    view(app, "198.51.100.4", "/about/", GOOGLE, 15)
    view(app, "198.51.100.4", "/blog/hello.html", INSIDE + "about/", 2)
    return app


def query(app: InProcess, dimension: str | None = None, filters: str = "", day: str = DAY) -> dict:
    params = f"date_range=custom&from={day}&to={day}&metrics=visitors,pageviews,visits,bounce_rate"
    if dimension:
        params += f"&dimensions={dimension}"
    if filters:
        params += f"&filters={filters}"
    reply = app.get(f"/_ff/api/v1/query?{params}", headers=BEARER)
    assert reply.status == 200, reply.text()
    return {tuple(r["dimensions"]): r["metrics"] for r in reply.json()["results"]}


# Hand-computed: [visitors, pageviews, visits, bounce rate in %], channels in Plausible's words.
TRUTH = {
    "totals": {(): [4, 8, 5, 40]},
    "visit:channel": {
        ("Organic Search",): [2, 5, 2, 0],  # V1 (3 pages) and V4 (2 pages)
        ("Direct",): [1, 1, 1, 100],  # V2's first visit
        ("Organic Social",): [1, 1, 1, 0],  # V2's second visit
        ("Referral",): [1, 1, 1, 100],  # V3
    },
    "visit:entry_page": {
        ("/",): [2, 4, 2, 0],  # entered by V1 and V2's second visit
        ("/blog/hello.html",): [2, 2, 2, 100],  # V2's first visit and V3: both bounced
        ("/about/",): [1, 2, 1, 0],  # V4
    },
    # A filter selects visits; their visit metrics are over the whole visits.
    "channel==Organic Search": {(): [2, 5, 2, 0]},
    # A page filter: the visits that include the page (V1, V2's first, V3, V4), and the views
    # of that page only.
    "page==/blog/hello.html": {(): [4, 4, 4, 50]},
}


def test_visit_numbers_equal_the_hand_computed_truth_from_raw_rows_and_from_rollups(browsed):
    def everything():
        return {
            "totals": query(browsed),
            "visit:channel": query(browsed, "visit:channel"),
            "entry": query(browsed, "visit:entry_page"),
            "channel==Organic Search": query(browsed, filters="channel==Organic%20Search"),
            "page==/blog/hello.html": query(browsed, filters="page==/blog/hello.html"),
        }

    expected = {
        "totals": TRUTH["totals"],
        "visit:channel": TRUTH["visit:channel"],
        "entry": TRUTH["visit:entry_page"],
        "channel==Organic Search": TRUTH["channel==Organic Search"],
        "page==/blog/hello.html": TRUTH["page==/blog/hello.html"],
    }
    assert everything() == expected  # today, from raw rows
    browsed.advance(14 * 3600 * 1000)  # 02:xx the next day: yesterday not rolled up yet
    assert everything() == expected
    browsed.advance(6 * 3600 * 1000)
    assert browsed.run_maintenance()["rolled_up"] == [DAY]
    assert everything() == expected  # from the rollups (filtered views still from raw rows)


def test_internal_navigation_is_never_a_channel(browsed):
    assert {channel for (channel,) in query(browsed, "visit:channel")} == {
        "Organic Search",
        "Organic Social",
        "Direct",
        "Referral",
    }
    browsed.advance(20 * 3600 * 1000)
    browsed.run_maintenance()
    assert browsed.rows("SELECT * FROM daily_dimensions WHERE dimension = 'channel' AND value = 'internal'") == []
