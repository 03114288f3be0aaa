"""Moving over (#18 item 4): tools/copy_store.py through the owner's copy route, in process.
D1 (the SQLite store) -> one object per site, run twice, gives the same stats API answers as
D1 gave before the copy, and the second run writes nothing; the way back (objects -> an empty
D1) gives them again; the count check finds a target that lost rows."""

import pytest
from tools.copy_store import run

from app.http import Client
from support.inprocess import DictOrigin, InProcess, SqliteStore
from support.objects import BothStores, ObjectsStore
from support.owner import BEARER, DASHBOARD_TOKEN

SITES = ("example.com", "b.test")
VARIABLES = {"EVENT_NAMES": "signup", "DASHBOARD_TOKEN": DASHBOARD_TOKEN, "GOALS": "/pricing"}
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
DAY_MS = 86_400_000
QUERIES = [
    {"date_range": "7d", "metrics": ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration"]},
    {"date_range": "7d", "metrics": ["pageviews", "visitors"], "dimensions": ["event:page"]},
    {"date_range": "7d", "metrics": ["visitors"], "dimensions": ["visit:country"]},
    {"date_range": "7d", "metrics": ["visitors", "pageviews"], "dimensions": ["time:day"]},
    {"date_range": "today", "metrics": ["pageviews", "coverage"]},
    {"date_range": "7d", "metrics": ["events"], "dimensions": ["event:goal"]},
]


def html_origin() -> DictOrigin:
    page = (200, {"content-type": "text/html"}, b"<html><head></head><body>hi</body></html>")
    return DictOrigin({"/": page, "/pricing": page})


def browse(app: InProcess, site: str, n: int, page: str) -> None:
    client = Client(ip=f"198.51.100.{n}", country="DE" if n % 2 else "FR")
    headers = {"user-agent": CHROME, "accept-language": "en", "sec-fetch-mode": "navigate", "accept": "text/html"}
    assert app.get(page, headers=headers, client=client, host=site).status == 200  # a hit
    uuid = f"00000000-0000-4000-8000-{n:012d}"
    beacon = {**headers, "sec-fetch-mode": "no-cors"}
    reply = app.post(
        "/_ff/init", {"uuid": uuid, "page": page, "referrer": ""}, headers=beacon, client=client, host=site
    )
    assert reply.status == 204
    app.advance(20_000)
    reply = app.post("/_ff/heartbeat", {"uuid": uuid, "total": 20}, headers=beacon, client=client, host=site)
    assert reply.status == 204
    event = {"uuid": uuid, "type": "custom", "name": "signup", "seq": 1, "page": page}
    assert app.post("/_ff/event", event, headers=beacon, client=client, host=site).status == 204


def seeded_d1() -> InProcess:
    """Two sites: a day rolled up (raw rows kept), and today's raw rows."""
    app = InProcess(VARIABLES, store=SqliteStore(), origin=html_origin())
    for n, site in enumerate(SITES * 3):
        browse(app, site, n, "/" if n % 3 else "/pricing")
    app.advance(2 * DAY_MS)
    app.run_maintenance()
    for n, site in enumerate(SITES * 2, start=10):
        browse(app, site, n, "/pricing" if n % 2 else "/")
    return app


def answers(app: InProcess) -> dict:
    out = {}
    for site in SITES:
        for n, body in enumerate(QUERIES):
            reply = app.post("/_ff/api/v1/query", body, headers=BEARER, host=site)
            assert reply.status == 200, reply.text()
            out[site, n] = reply.json()["results"]
    return out


def copier(app: InProcess):
    def post(body: dict) -> dict:
        reply = app.post("/_ff/api/v1/copy", body, headers=BEARER)
        assert reply.status == 200, reply.text()
        return reply.json()

    return post


def on(store, now_ms: int) -> InProcess:
    app = InProcess(VARIABLES, store=store, origin=html_origin(), now_ms=now_ms)
    if isinstance(store, ObjectsStore):
        store.clock_ms = lambda: app.now_ms
    return app


def test_d1_copied_into_objects_twice_answers_as_d1_did_and_back_again():
    d1 = seeded_d1()
    before = answers(d1)
    assert before["example.com", 0][0]["metrics"][1] == 5  # 3 views the first day, 2 today
    objects = ObjectsStore(lambda: d1.now_ms)
    d1.stores = BothStores(d1.store, objects)

    first = run(copier(d1), "to-objects", say=lambda _: None)
    assert first["failed"] == [] and first["sites"] == 2 and first["written"] > 0
    second = run(copier(d1), "to-objects", say=lambda _: None)
    assert second["failed"] == [] and second["written"] == 0 and second["read"] == first["read"]
    assert set(objects.objects) == set(SITES)
    assert answers(on(objects, d1.now_ms)) == before

    # The way back, into an empty D1 (an export): the same answers again.
    empty = SqliteStore()
    back = on(objects, d1.now_ms)
    back.stores = BothStores(empty, objects)
    out = run(copier(back), "to-d1", sites=list(SITES), say=lambda _: None)
    assert out["failed"] == [] and out["written"] > 0
    assert run(copier(back), "to-d1", sites=list(SITES), say=lambda _: None)["written"] == 0
    assert answers(on(empty, d1.now_ms)) == before


def test_hits_are_matched_by_their_values_not_their_ids_both_ways():
    # A hit's id is its database's own: each object numbers its hits from 1, so the hits it took
    # after the switch share ids with D1's, and two objects' hits share ids with each other.
    d1 = seeded_d1()
    objects = ObjectsStore(lambda: d1.now_ms)
    switched = on(objects, d1.now_ms + 60_000)
    for n, site in enumerate(SITES, start=40):
        browse(switched, site, n, "/")  # traffic on the objects before the copy
    d1.stores = BothStores(d1.store, objects)
    run(copier(d1), "to-objects", say=lambda _: None)
    count = "SELECT COUNT(*) FROM hits WHERE site = ?"
    for site in SITES:
        in_d1 = d1.store.con.execute(count, (site,)).fetchone()[0]
        assert objects.object(site).storage.con.execute(count, (site,)).fetchone()[0] == in_d1 + 1
    empty = SqliteStore()
    back = on(objects, d1.now_ms)
    back.stores = BothStores(empty, objects)
    run(copier(back), "to-d1", sites=list(SITES), say=lambda _: None)
    for site in SITES:
        assert empty.con.execute(count, (site,)).fetchone()[0] == d1.store.con.execute(count, (site,)).fetchone()[0] + 1


def test_the_count_check_names_a_target_that_lost_rows():
    d1 = seeded_d1()
    objects = ObjectsStore(lambda: d1.now_ms)
    d1.stores = BothStores(d1.store, objects)
    run(copier(d1), "to-objects", say=lambda _: None)
    objects.object("b.test").storage.con.execute("DELETE FROM pageviews WHERE uuid = (SELECT MIN(uuid) FROM pageviews)")
    post = copier(d1)
    units = post({"direction": "to-objects", "step": "plan", "site": "b.test"})["units"]
    checks = [post({"direction": "to-objects", "step": "check", **u}) for u in units if u["table"] == "pageviews"]
    assert any(not c["ok"] and c["target"] == c["source"] - 1 for c in checks)


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"direction": "sideways", "step": "plan"}, 400, "invalid_direction"),
        ({"direction": "to-objects", "step": "drop"}, 400, "invalid_step"),
        ({"direction": "to-d1", "step": "sites"}, 400, "name_the_sites"),
        ({"direction": "to-objects", "step": "copy", "site": "a.test", "table": "owner_session"}, 400, "invalid_table"),
        ({"direction": "to-d1", "step": "copy", "site": "a.test", "table": "salts"}, 400, "invalid_table"),
        (
            {"direction": "to-objects", "step": "copy", "site": "a.test", "table": "hits", "offset": -1},
            400,
            "invalid_offset",
        ),
    ],
    ids=["direction", "step", "objects-cannot-be-listed", "table-not-copied", "salts-only-into-objects", "offset"],
)
def test_the_copy_route_says_what_is_wrong(body, status, code):
    app = InProcess(VARIABLES)
    app.stores = BothStores(app.store, ObjectsStore())
    reply = app.post("/_ff/api/v1/copy", body, headers=BEARER)
    assert (reply.status, reply.json()["error"]) == (status, code)


def test_the_copy_route_needs_both_bindings_and_the_owner():
    app = InProcess(VARIABLES)
    body = {"direction": "to-objects", "step": "sites"}
    assert app.post("/_ff/api/v1/copy", body).status == 401
    reply = app.post("/_ff/api/v1/copy", body, headers=BEARER)
    assert reply.status == 409 and "SITE_STORE" in reply.json()["message"]
    app.stores = BothStores(app.store, None)
    assert app.post("/_ff/api/v1/copy", body, headers=BEARER).json()["message"].endswith("SITE_STORE")
