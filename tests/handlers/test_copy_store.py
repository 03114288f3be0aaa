"""Moving over (#18 item 4): tools/copy_store.py through the owner's copy route, in process.
D1 (the SQLite store) -> one object per site, run twice, gives the same stats API answers as
D1 gave before the copy, and the second run writes nothing; the way back (objects -> an empty
D1) gives them again; the count check finds a target that lost rows."""

import pytest
from tools.copy_store import run

from app.http import Client
from footfall.database.rollups import COPY_QUIET_MS
from footfall.days import month_bounds
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


def test_an_alarm_during_the_copy_waits_and_rolls_up_nothing_half_copied():
    # Each object's first copied page sets its alarm; a large site's copy outlasts an hour. Had
    # the alarm rolled the copied days up from their page views alone (hits, events still to
    # come), D1's rollups, inserted only where missing, would have been dropped.
    d1 = seeded_d1()
    objects = ObjectsStore(lambda: d1.now_ms)
    d1.stores = BothStores(d1.store, objects)
    post = copier(d1)
    site = "example.com"
    units = post({"direction": "to-objects", "step": "plan", "site": site})["units"]
    for unit in units:
        if unit["table"] == "pageviews":
            assert post({"direction": "to-objects", "step": "copy", **unit, "offset": 0})["written"] > 0
    obj = objects.object(site)
    assert obj.storage.alarm is not None
    d1.advance(obj.storage.alarm - d1.now_ms)  # the alarm rings while the copy goes on
    assert on(objects, d1.now_ms).run_maintenance()[site] == {"deferred": "copy"}
    assert run(copier(d1), "to-objects", sites=[site], say=lambda _: None)["failed"] == []
    totals = "SELECT day, views, hits FROM daily_totals WHERE site = ? ORDER BY day"
    assert obj.storage.con.execute(totals, (site,)).fetchall() == d1.store.con.execute(totals, (site,)).fetchall()
    d1.advance(COPY_QUIET_MS)  # an hour after the copy's last page: the object's maintenance runs
    d1.advance(max(0, obj.storage.alarm - d1.now_ms))
    assert "deferred" not in on(objects, d1.now_ms).run_maintenance()[site]
    assert obj.storage.con.execute(totals, (site,)).fetchall() == d1.store.con.execute(totals, (site,)).fetchall()


def test_equal_hits_on_two_pages_are_all_copied_once():
    # Two requests for one path in one millisecond by one visitor are two equal rows but for
    # their ids; a page boundary between them must not make the second look copied already.
    d1 = seeded_d1()
    site = "example.com"
    columns = "site, day, ts, path, status, visitor, bot_class"
    first = f"SELECT {columns} FROM hits WHERE site = ? ORDER BY ts, id LIMIT 1"
    d1.store.con.execute(f"INSERT INTO hits ({columns}) {first}", (site,))
    d1.store.con.execute(f"INSERT INTO hits ({columns}) {first}", (site,))
    objects = ObjectsStore(lambda: d1.now_ms)
    d1.stores = BothStores(d1.store, objects)
    post = copier(d1)
    units = [
        u for u in post({"direction": "to-objects", "step": "plan", "site": site})["units"] if u["table"] == "hits"
    ]

    def copy_all() -> int:
        written = 0
        for unit in units:
            offset = 0
            while offset is not None:
                step = post({"direction": "to-objects", "step": "copy", **unit, "offset": offset, "limit": 2})
                written, offset = written + step["written"], step["next_offset"]
        return written

    assert copy_all() == sum(u["rows"] for u in units)
    assert copy_all() == 0
    assert all(post({"direction": "to-objects", "step": "check", **u})["ok"] for u in units)
    by_values = f"SELECT {columns}, COUNT(*) FROM hits WHERE site = ? GROUP BY {columns} ORDER BY {columns}"
    there = objects.object(site).storage.con.execute(by_values, (site,)).fetchall()
    assert [tuple(r) for r in there] == [tuple(r) for r in d1.store.con.execute(by_values, (site,))]


def test_time_on_page_that_grew_after_the_first_run_comes_with_the_second():
    # Copy, deploy, copy again: heartbeats D1 took between the runs raise time on page and
    # scroll on page views the first run had copied already.
    d1 = seeded_d1()
    objects = ObjectsStore(lambda: d1.now_ms)
    d1.stores = BothStores(d1.store, objects)
    assert run(copier(d1), "to-objects", say=lambda _: None)["failed"] == []
    site, uuid = "b.test", "00000000-0000-4000-8000-000000000011"
    d1.advance(40_000)
    headers = {"user-agent": CHROME, "accept-language": "en", "sec-fetch-mode": "no-cors"}
    beat = {"uuid": uuid, "total": 60, "scroll": 80}
    assert d1.post("/_ff/heartbeat", beat, headers=headers, client=Client(ip="198.51.100.11"), host=site).status == 204
    read = "SELECT seconds, scroll, last_ts FROM pageviews WHERE uuid = ?"
    grown = d1.store.con.execute(read, (uuid,)).fetchone()
    assert tuple(grown)[:2] == (60, 80)
    assert run(copier(d1), "to-objects", say=lambda _: None)["written"] == 1
    assert tuple(objects.object(site).storage.con.execute(read, (uuid,)).fetchone()) == tuple(grown)
    assert run(copier(d1), "to-objects", say=lambda _: None)["written"] == 0


def test_the_day_of_the_switch_is_rolled_up_again_with_the_rows_the_second_copy_brings():
    # Copy, D1 takes more page views, switch, the objects take some; the object rolls the day up
    # from its own rows before the second copy brings D1's. Those must reach its rollup.
    d1 = seeded_d1()
    site = "example.com"
    objects = ObjectsStore(lambda: d1.now_ms)
    d1.stores = BothStores(d1.store, objects)
    run(copier(d1), "to-objects", sites=[site], say=lambda _: None)
    browse(d1, site, 20, "/")  # D1, between the first copy and the switch
    browse(on(objects, d1.now_ms), site, 21, "/")  # the object, after the switch
    day = d1.rows("SELECT MAX(day) AS day FROM pageviews")[0]["day"]
    d1.advance(DAY_MS)  # the day is over: both roll it up, each from the rows it has
    d1.run_maintenance()
    on(objects, d1.now_ms).run_maintenance()
    obj = objects.object(site).storage.con
    views = "SELECT views FROM daily_totals WHERE site = ? AND day = ?"
    raw = "SELECT COUNT(*) FROM pageviews WHERE site = ? AND day = ?"
    assert obj.execute(views, (site, day)).fetchone()[0] == obj.execute(raw, (site, day)).fetchone()[0]  # its own

    assert run(copier(d1), "to-objects", sites=[site], say=lambda _: None)["failed"] == []
    # Until the object rolls the day up again it reads it from raw rows, and its month's rows
    # hold only the days before: a whole month is counted once (twice before).
    first, last = month_bounds(day)[1:]
    month = {"date_range": [first, last], "metrics": ["pageviews"]}
    in_month = "SELECT COUNT(*) FROM pageviews WHERE site = ? AND day BETWEEN ? AND ?"
    every = obj.execute(in_month, (site, first, last)).fetchone()[0]
    reply = on(objects, d1.now_ms).post("/_ff/api/v1/query", month, headers=BEARER, host=site)
    assert reply.json()["results"][0]["metrics"] == [every]
    d1.advance(COPY_QUIET_MS)
    d1.advance(max(0, objects.object(site).storage.alarm - d1.now_ms))
    on(objects, d1.now_ms).run_maintenance()
    reply = on(objects, d1.now_ms).post("/_ff/api/v1/query", month, headers=BEARER, host=site)
    assert reply.json()["results"][0]["metrics"] == [every]
    assert obj.execute(raw, (site, day)).fetchone()[0] == d1.store.con.execute(raw, (site, day)).fetchone()[0] + 1
    assert obj.execute(views, (site, day)).fetchone()[0] == obj.execute(raw, (site, day)).fetchone()[0]


def test_objects_copied_back_into_an_empty_d1_bring_the_earliest_rollup_mark():
    d1 = seeded_d1()
    objects = ObjectsStore(lambda: d1.now_ms)
    d1.stores = BothStores(d1.store, objects)
    run(copier(d1), "to-objects", say=lambda _: None)
    mark = "SELECT done_until FROM maintenance WHERE task = 'rollup'"
    objects.object("b.test").storage.con.execute(
        "UPDATE maintenance SET done_until = '2026-11-01' WHERE task = 'rollup'"
    )
    empty = SqliteStore()
    back = on(objects, d1.now_ms)
    back.stores = BothStores(empty, objects)
    assert run(copier(back), "to-d1", sites=list(SITES), say=lambda _: None)["failed"] == []
    assert empty.con.execute(mark).fetchone()[0] == "2026-11-01"
    assert objects.object("example.com").storage.con.execute(mark).fetchone()[0] > "2026-11-01"


def test_the_copy_route_refuses_a_page_of_another_origin():
    # SameSite=Strict sends the owner's cookie from a sibling subdomain too; a text/plain POST
    # needs no preflight. Scripts (no Origin) and the site's own pages pass.
    d1 = seeded_d1()
    d1.stores = BothStores(d1.store, ObjectsStore(lambda: d1.now_ms))
    plan = {"direction": "to-objects", "step": "plan", "site": "example.com"}
    foreign = {**BEARER, "origin": "https://blog.example.com", "content-type": "text/plain"}
    reply = d1.post("/_ff/api/v1/copy", plan, headers=foreign)
    assert reply.status == 403 and reply.json()["error"] == "foreign_origin"
    assert d1.post("/_ff/api/v1/copy", plan, headers={**BEARER, "origin": "https://example.com"}).status == 200
    assert d1.post("/_ff/api/v1/copy", plan, headers=BEARER).status == 200


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
