"""Each deployment mode in real Chromium, on a static site whose source carries no tag
(tests/support/static_site.py): the views of three pages, their visible time and an outbound
click are stored in D1 through the tag the mode adds (the proxy's HTMLRewriter, the owner's
templates, the deploy step's copy); HTML pages are server-side hits only where the Worker
serves them (proxy, assets with run_worker_first = true). Each mode runs on a D1 of its own."""

import math

import pytest
from tracker_helpers import STAY_ON_PAGE, Beacons, set_visibility, wait_for_rows

from support.d1 import LocalDatabase
from support.http import request
from support.static_site import MODES, PAGES, ModeRun, build_site, runtime_stats

VISITED = ["/", "/blog/2024/hello-world/", "/docs/guide/"]
SERVES_PAGES = {"proxy", "assets+worker-first"}  # the modes where the Worker serves the HTML
TRACKER = 'script[src$="/_ff/script.js"]'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("static-site"))


@pytest.fixture(scope="module", params=MODES)
def mode(request, site, tmp_path_factory):
    run = ModeRun(request.param, site, tmp_path_factory.mktemp(request.param.replace("+", "-")))
    yield run
    run.stop()


@pytest.fixture
def advance(page, mode):
    """Move the page's clock and the Worker's together (the Worker caps stored time by the
    time since /init)."""
    page.clock.install()

    def run_for(ms: int) -> None:
        request(mode.worker, "GET", f"/__clock?advance_ms={ms}")
        page.clock.run_for(ms)

    yield run_for
    request(mode.worker, "GET", "/__clock?reset")


def test_views_time_and_events_are_stored_from_pages_without_a_tag_in_their_source(page, mode, site, advance):
    db = LocalDatabase(mode.state)
    for path in VISITED:
        assert b"/_ff/script.js" not in (site / PAGES[path]).read_bytes()
    beacons = Beacons(page)
    page.add_init_script(STAY_ON_PAGE)
    for n, path in enumerate(VISITED, start=1):
        page.goto(mode.url + path)
        beacons.wait_for("init", n)
        assert page.locator(TRACKER).count() == 1
        advance(3000)
        if path == "/":
            # The page load's row first: an event for a page load the Worker has not stored
            # yet is refused (401, the wire contract), and a busy runtime may take a while.
            wait_for_rows(db, "SELECT 1 FROM pageviews WHERE uuid = ?", (beacons.of("init")[-1]["uuid"],))
            page.click("#outbound")
            beacons.wait_for("event")
        set_visibility(page, "hidden")
        beacons.wait_for("heartbeat", n)
    uuids = {b["page"]: b["uuid"] for b in beacons.of("init")}
    assert list(uuids) == VISITED
    for path, uuid in uuids.items():
        total = max(b["total"] for b in beacons.of("heartbeat", uuid))  # 3 s played, and real time
        assert total >= 3
        row = wait_for_rows(db, "SELECT path, seconds FROM pageviews WHERE uuid = ? AND seconds > 0", (uuid,))[0]
        # The tracker sends fractional seconds; the Worker rounds them half up.
        assert (row["path"], row["seconds"]) == (path, math.floor(total + 0.5))
    event = wait_for_rows(db, "SELECT type, url FROM events WHERE uuid = ?", (uuids["/"],))[0]
    assert event == {"type": "outbound", "url": "https://example.org/elsewhere"}
    hits = db.query("SELECT path, status FROM hits ORDER BY id")
    if mode.mode in SERVES_PAGES:
        hits = wait_for_rows(db, "SELECT path, status FROM hits ORDER BY id", count=3)
        assert [(h["path"], h["status"]) for h in hits] == [(p, 200) for p in VISITED]
    else:
        assert hits == []


def test_the_worker_runs_only_where_the_mode_says(page, mode):
    """A first view of a page with 16 assets: the Worker's invocations by mode."""
    before = runtime_stats(mode.worker)["invocations"]
    beacons = Beacons(page)
    seen = []
    page.on("requestfinished", lambda r: seen.append(r.url.removeprefix(mode.url)))
    page.goto(mode.url + "/docs/guide/", wait_until="networkidle")
    beacons.wait_for("init")
    ran = runtime_stats(mode.worker)["invocations"] - before
    # The tracker and /init; and where the Worker serves the site, the page and its 16 assets.
    expected = 1 + 16 + 2 if mode.mode in SERVES_PAGES else 2
    assert ran == expected, seen


def test_a_page_that_loads_the_tracker_in_its_body_counts_one_view(page, mode):
    # The Worker adds the tag at </head> before it can see the body's own: the second copy of
    # the tracker finds the first one's window.footfall and stays quiet (client/src/main.js).
    beacons = Beacons(page)
    page.goto(mode.url + "/tagged-in-body/")
    beacons.wait_for("init")
    beacons.settle()
    assert len(beacons.of("init")) == 1
