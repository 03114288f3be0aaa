"""Every panel under every filter (#19 item 2), in real Chromium: a row of each card is clicked
(a channel, a page, a country, a device type) and the other panels are read against
hand-computed truth: the top-line numbers, the graph's table, the other cards, events, the
last five minutes, and coverage and 404s, which say so where the proxy's hits cannot follow the
filter (they know the page and the country, not a visit's source or device).

Three people browse a site of their own (its Host), each page fetched through the Worker as a
document (the server-side hit) and reported by the tracker's beacons; a fourth person's
blocker stops the tracker."""

import re

import pytest

from support.http import new_uuid, post_json, request
from support.owner import DASHBOARD_TOKEN
from support.processes import wait_until

SITE = "filters.test"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


class Person:
    def __init__(self, worker: str, ip: str, country: str, agent: str):
        self.worker = worker
        self.headers = {
            "Host": SITE,
            "User-Agent": agent,
            "Accept-Language": "en",
            "CF-Connecting-IP": ip,
            "CF-IPCountry": country,
        }

    def load(self, path: str) -> None:
        """The page through the Worker, as a browser's navigation (a server-side hit)."""
        reply = request(self.worker, "GET", path, headers={**self.headers, "Sec-Fetch-Dest": "document"})
        assert reply.status == 200

    def view(self, path: str, referrer: str, seconds: int, tracked: bool = True) -> str:
        self.load(path)
        if not tracked:
            return ""
        uuid = new_uuid()
        beacon = {**self.headers, "Sec-Fetch-Mode": "no-cors"}
        assert (
            post_json(
                self.worker, "/_ff/init", {"uuid": uuid, "page": path, "referrer": referrer}, headers=beacon
            ).status
            == 204
        )
        assert post_json(self.worker, "/_ff/heartbeat", {"uuid": uuid, "total": seconds}, headers=beacon).status == 204
        return uuid


@pytest.fixture(scope="module")
def browsed(worker, db):
    one = Person(worker, "198.51.100.81", "DE", CHROME_WINDOWS)
    first = one.view("/", "https://www.google.com/", 20)
    one.view("/about/", f"http://{SITE}/", 15)
    beacon = {**one.headers, "Sec-Fetch-Mode": "no-cors"}
    event = {"uuid": first, "type": "outbound", "page": "/", "url": "https://example.org/", "anchor_text": "out"}
    assert post_json(worker, "/_ff/event", event, headers=beacon).status == 204
    Person(worker, "198.51.100.82", "FR", IPHONE).view("/blog/hello.html", "https://news.ycombinator.com/", 5)
    Person(worker, "198.51.100.83", "DE", IPHONE).view("/", "", 30)
    Person(worker, "198.51.100.84", "US", CHROME_WINDOWS).view("/about/", "", 0, tracked=False)
    request(worker, "GET", "/no-such-page", headers={**one.headers, "Sec-Fetch-Dest": "document"})
    wait_until(lambda: len(db.query("SELECT id FROM hits WHERE site = ?", (SITE,))) == 6, timeout=10)
    return worker


# Hand-computed. A visit's attributes are its entry's; a page filter keeps the visits that
# include the page and their views of it. Hits know the page and the country only.
TRUTH = {
    "": {
        "top": ["3", "4", "3", "33 %"],
        "sources": {"search", "social", "direct"},
        "countries": {"DE", "FR"},
        "pages": {"/", "/about/", "/blog/hello.html"},
        "events": 1,
        "realtime": (3, 4),
        "coverage": "80 %",  # 4 of the 5 pages served were reported (US's blocker)
        "not_found": True,
    },
    "channel": {
        "top": ["1", "2", "1", "0 %"],
        "sources": {"search"},
        "countries": {"DE"},
        "pages": {"/", "/about/"},
        "events": 1,
        "realtime": (1, 2),
        "coverage": None,
        "not_found": None,
    },
    "page": {
        "top": ["1", "1", "1", "100 %"],
        "sources": {"social"},
        "countries": {"FR"},
        "pages": {"/blog/hello.html"},
        "events": 0,
        "realtime": (1, 1),
        "coverage": "100 %",
        "not_found": False,  # no 404 for that page
    },
    "country": {
        "top": ["1", "1", "1", "100 %"],
        "sources": {"social"},
        "countries": {"FR"},
        "pages": {"/blog/hello.html"},
        "events": 0,
        "realtime": (1, 1),
        "coverage": "100 %",
        "not_found": False,
    },
    "device": {
        "top": ["2", "2", "2", "50 %"],
        "sources": {"social", "direct"},
        "countries": {"DE", "FR"},
        "pages": {"/", "/blog/hello.html"},
        "events": 0,
        "realtime": (2, 2),
        "coverage": None,
        "not_found": None,
    },
}


def card_values(page, card: str) -> set[str]:
    return set(page.locator(f"section:has(h2#card-{card}) tbody td:first-child a").all_inner_texts())


def section(page, title: str):
    return page.locator("section", has=page.locator("h2", has_text=title))


def check(page, truth: dict) -> None:
    assert page.locator(".totals .top b").all_inner_texts()[:4] == truth["top"]
    assert card_values(page, "sources") == truth["sources"]
    assert card_values(page, "locations") == truth["countries"]
    assert card_values(page, "pages") == truth["pages"]
    assert section(page, "Events").locator("tbody tr").count() == truth["events"]
    realtime = section(page, "Last 5 minutes").inner_text()
    assert re.search(r"(\d+) visitors, (\d+) page views", realtime).groups() == tuple(map(str, truth["realtime"]))
    coverage = section(page, "Tracking coverage")
    if truth["coverage"] is None:
        assert "Not shown under the" in coverage.inner_text()
    else:
        assert coverage.locator("tbody tr").first.locator("td").last.inner_text() == truth["coverage"]
    not_found = section(page, "Not found (404)").inner_text()
    if truth["not_found"] is None:
        assert "Not shown under the" in not_found
    else:
        assert ("/no-such-page" in not_found) == truth["not_found"]
    # The graph follows the filter too: today's page views by hour add up to the top line.
    hours = page.locator("section:has(h2#graph-title) details tbody tr td:nth-child(2)")
    page.goto(page.url + "&metric=pageviews")
    assert sum(int(v) for v in hours.all_text_contents()) == int(truth["top"][1])


def test_a_click_on_a_row_of_each_card_filters_every_panel(browsed, new_person_context):
    page = new_person_context().new_page()
    page.goto(browsed + "/_ff/login")
    page.fill("input[name=token]", DASHBOARD_TOKEN)
    page.click("button")
    page.wait_for_url("**/_ff/dashboard")
    home = f"{browsed}/_ff/dashboard?site={SITE}&period=today"
    page.goto(home)
    check(page, TRUTH[""])
    for filter_key, card, tab, row in (
        ("channel", "sources", None, "search"),
        ("page", "pages", None, "/blog/hello.html"),
        ("country", "locations", None, "FR"),
        ("device", "devices", "Devices", "mobile"),
    ):
        page.goto(home)
        if tab:
            page.locator(f"section:has(h2#card-{card}) nav.tabs a", has_text=tab).click()
        page.locator(f"section:has(h2#card-{card}) tbody a", has_text=row).first.click()
        page.wait_for_load_state("load")
        assert f"{filter_key}=" in page.url
        check(page, TRUTH[filter_key])
