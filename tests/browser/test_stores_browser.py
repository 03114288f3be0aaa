"""One browser-driven visit, played the same way in Chromium against the Worker on D1 and
against the Worker on Durable Objects (STORE = "durable-objects", #18): the stats API and the
dashboard show the same numbers on both.

Each store has a Worker and state of its own (started here), so both sites start empty and
their numbers can be compared whole. The page's clock and the Worker's move together
(/__clock), so the visible time is the same seconds on both. The only difference allowed is the
dashboard's storage line (D1's size or the object's), left out of the comparison."""

import re

import pytest
from tracker_helpers import Beacons, set_visibility

from support.http import post_json, request
from support.owner import BEARER, DASHBOARD_TOKEN
from support.processes import apply_migrations, start_worker, wait_until

HOST = "stores.localhost"
STORES = ("d1", "durable-objects")
QUERIES = {
    "totals": {"metrics": ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "coverage"]},
    "pages": {"metrics": ["pageviews", "visitors", "time_on_page"], "dimensions": ["event:page"]},
    "channels": {"metrics": ["visitors", "visits"], "dimensions": ["visit:channel"]},
    "browsers": {"metrics": ["visitors"], "dimensions": ["visit:browser"]},
    "events": {"metrics": ["events"], "dimensions": ["event:name"]},
}


@pytest.fixture(scope="module")
def workers(tmp_path_factory, origin):
    started = {}
    for store in STORES:
        state = tmp_path_factory.mktemp(store)
        if store == "d1":
            apply_migrations(state)
        variables = {"ORIGIN_URL": origin, "DASHBOARD_TOKEN": DASHBOARD_TOKEN}
        started[store] = start_worker(state, variables, store=store)
    yield {store: url for store, (_, url) in started.items()}
    for proc, _ in started.values():
        proc.stop()  # each runtime's clock goes with it


def at(worker: str) -> str:
    return worker.replace("127.0.0.1", HOST)


def play(page, worker: str) -> None:
    """Home for 12 s, About by its link for 7 s, an outbound click, then the tab is hidden."""
    # A paused clock: the page's time moves only with stay(), so both runs count the same
    # seconds (a running one adds the real milliseconds each load took).
    start_ms = request(worker, "GET", "/__clock").json()["now"]
    page.clock.install(time=start_ms)
    page.clock.pause_at(start_ms + 1000)

    def stay(ms: int) -> None:
        request(worker, "GET", f"/__clock?advance_ms={ms}")
        page.clock.run_for(ms)

    beacons = Beacons(page)
    page.goto(at(worker) + "/")
    beacons.wait_for_answers(1)  # the page load's row before the clock's beats
    stay(12_000)
    page.click("nav a[href='/about/']")
    page.wait_for_url("**/about/")
    beacons.wait_for("init", 2)
    beacons.wait_for_answers(len(beacons.sent))
    stay(7_000)
    set_visibility(page, "hidden")
    beacons.settle()
    beacons.wait_for_answers(len(beacons.sent))
    assert {status for _, _, status in beacons.answers} == {204}, beacons.answers


def api(worker: str, body: dict) -> list:
    reply = post_json(worker, "/_ff/api/v1/query", {"date_range": "today", **body}, headers={**BEARER, "Host": HOST})
    assert reply.status == 200, reply.text()
    return reply.json()["results"]


def dashboard_numbers(worker: str) -> list[str]:
    """The dashboard's figures in page order, without what differs by store by design (the
    storage line: D1's size against its cap, or the object's) and per response (nonces)."""
    reply = request(worker, "GET", "/_ff/dashboard", headers={**BEARER, "Host": HOST})
    assert reply.status == 200
    text = re.sub(r"nonce-[^']+'|nonce=\"[^\"]+\"", "", reply.body.decode())
    text = re.sub(r"Database: [^<]*", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.findall(r"\d[\d,.]*\s*%?", text)


def test_the_same_visit_gives_the_same_api_and_dashboard_numbers_on_both_stores(new_person_context, workers):
    results = {}
    for store, worker in workers.items():
        context = new_person_context()
        play(context.new_page(), worker)
        wait_until(lambda w=worker: api(w, QUERIES["totals"])[0]["metrics"][1] == 2, timeout=10)
        results[store] = {name: api(worker, body) for name, body in QUERIES.items()}
        results[store]["dashboard"] = dashboard_numbers(worker)
        context.close()
    print({name: value for name, value in results["durable-objects"].items() if name != "dashboard"})
    assert results["durable-objects"] == results["d1"]
    totals = results["d1"]["totals"][0]["metrics"]
    assert totals[:5] == [1, 2, 1, 0, 19]  # one visitor, two views, one visit of 12 + 7 s, no bounce
