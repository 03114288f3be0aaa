"""STORE = "durable-objects" in the local runtime (#18): each site's rows in a SiteStore
object of its own, a SQLite file under <persist-to>/v3/do/; the object's alarm (rung through
GET /__alarms on the runtime's clock, moved by /__clock) rolls a closed day up and, past
RETENTION_DAYS, leaves the rollups and takes the raw rows out of the file; without the
SITE_STORE binding collection answers 503 and the log names the wrangler.toml sections."""

import sqlite3
from datetime import UTC, datetime

import pytest

from support.http import new_uuid, post_json, request
from support.owner import BEARER, DASHBOARD_TOKEN
from support.processes import start_worker, wait_until

DAY_MS = 86_400_000
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(scope="module")
def objects_worker(tmp_path_factory, origin):
    state = tmp_path_factory.mktemp("objects")
    proc, url = start_worker(
        state,
        {"ORIGIN_URL": origin, "DASHBOARD_TOKEN": DASHBOARD_TOKEN, "RETENTION_DAYS": "3"},
        store="durable-objects",
        extra_args=("--alarms", "manual"),  # alarms ring when the test says so
    )
    yield proc, url, state
    proc.stop()  # its clock goes with it


def visit(url: str, host: str, n: int) -> str:
    headers = {"Host": host, "User-Agent": CHROME, "Accept-Language": "en", "Sec-Fetch-Mode": "no-cors"}
    headers["CF-Connecting-IP"] = f"198.51.100.{n}"
    uuid = new_uuid()
    assert post_json(url, "/_ff/init", {"uuid": uuid, "page": f"/p{n}", "referrer": ""}, headers=headers).status == 204
    assert post_json(url, "/_ff/heartbeat", {"uuid": uuid, "total": 1}, headers=headers).status == 204
    return uuid


def object_file(state, object_id: str):
    path = state / "v3" / "do" / "footfall-SiteStore" / f"{object_id}.sqlite"
    assert path.exists(), path
    return path


def read(path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def ring(url: str) -> list[dict]:
    reply = request(url, "GET", "/__alarms")
    assert reply.status == 200
    return reply.json()["ran"]


def api_day(url: str, host: str, day: str) -> list:
    reply = post_json(
        url,
        "/_ff/api/v1/query",
        # visitors and page views per page: what the rollups keep of a day (visits per page are
        # answered from raw rows only; the API says so in meta.source.note).
        {"date_range": [day, day], "metrics": ["visitors", "pageviews"], "dimensions": ["event:page"]},
        headers={**BEARER, "Host": host},
    )
    assert reply.status == 200, reply.text()
    return sorted(tuple(r["dimensions"]) + tuple(r["metrics"]) for r in reply.json()["results"])


def test_a_day_rolled_up_and_dropped_by_its_alarm_keeps_its_rollups_and_loses_its_raw_rows(objects_worker):
    proc, url, state = objects_worker
    host = "alarm.test"
    now_ms = request(url, "GET", "/__clock").json()["now"]
    day = datetime.fromtimestamp(now_ms / 1000, tz=UTC).strftime("%Y-%m-%d")
    for n in range(3):
        visit(url, host, n)
    before = api_day(url, host, day)
    assert [row[1:] for row in before] == [(1, 1)] * 3

    # Two days on the day is closed: its alarm rolls it up and keeps the raw rows (retention 3).
    request(url, "GET", f"/__clock?advance_ms={2 * DAY_MS}")
    ran = [r for r in ring(url) if r["name"] == host]
    assert [r["outcome"] for r in ran] == ["ok"]
    path = object_file(state, ran[0]["id"])
    assert wait_until(lambda: read(path, "SELECT views FROM daily_totals WHERE day = ?", (day,)) == [(3,)])
    assert read(path, "SELECT COUNT(*) FROM pageviews") == [(3,)]

    # Past retention: the next alarm (it rings again while raw rows are left) drops them.
    request(url, "GET", f"/__clock?advance_ms={3 * DAY_MS}")
    assert [r["outcome"] for r in ring(url) if r["name"] == host] == ["ok"]
    assert wait_until(lambda: read(path, "SELECT COUNT(*) FROM pageviews") == [(0,)])
    assert read(path, "SELECT COUNT(*) FROM hits WHERE day = ?", (day,)) == [(0,)]
    assert read(path, "SELECT views FROM daily_totals WHERE day = ?", (day,)) == [(3,)]
    assert read(path, "SELECT COUNT(*) FROM daily_pages WHERE day = ?", (day,)) == [(3,)]
    assert api_day(url, host, day) == before
    # Nothing raw is left, so the object stays quiet until its next write.
    request(url, "GET", f"/__clock?advance_ms={DAY_MS}")
    assert [r for r in ring(url) if r["name"] == host] == []


def test_each_site_is_a_file_of_its_own(objects_worker):
    proc, url, state = objects_worker
    for host in ("one.test", "two.test"):
        visit(url, host, 7)
    files = list((state / "v3" / "do" / "footfall-SiteStore").glob("*.sqlite"))
    sites = {}
    for path in files:
        for (site,) in read(path, "SELECT DISTINCT site FROM pageviews"):
            sites.setdefault(site, []).append(path.name)
    assert len(sites["one.test"]) == 1 and len(sites["two.test"]) == 1
    assert sites["one.test"] != sites["two.test"]


@pytest.fixture(scope="module")
def unbound(tmp_path_factory, origin):
    """STORE = "durable-objects" without the binding (wrangler.toml as shipped)."""
    proc, url = start_worker(
        tmp_path_factory.mktemp("unbound-objects"), {"ORIGIN_URL": origin, "STORE": "durable-objects"}
    )
    yield proc, url
    proc.stop()


def test_without_the_site_store_binding_beacons_answer_503_the_log_says_why_and_the_site_works(unbound):
    proc, url = unbound
    headers = {"User-Agent": CHROME, "Accept-Language": "en", "Sec-Fetch-Mode": "no-cors"}
    reply = post_json(url, "/_ff/init", {"uuid": new_uuid(), "page": "/", "referrer": ""}, headers=headers)
    assert reply.status == 503 and reply.headers["retry-after"]
    assert wait_until(lambda: "[[durable_objects.bindings]]" in proc.output())
    assert request(url, "GET", "/").status == 200


def api_answers(url: str, host: str) -> list:
    out = []
    for body in (
        {"date_range": "today", "metrics": ["visitors", "pageviews", "visits", "visit_duration"]},
        {"date_range": "today", "metrics": ["pageviews", "visitors"], "dimensions": ["event:page"]},
    ):
        reply = post_json(url, "/_ff/api/v1/query", body, headers={**BEARER, "Host": host})
        assert reply.status == 200, reply.text()
        out.append(reply.json()["results"])
    return out


def test_d1_copied_into_the_objects_twice_answers_the_same_after_the_switch(tmp_path, origin):
    """On the real local D1 and the runtime's objects: traffic on D1 (both bindings present),
    tools/copy_store.py twice, then the Worker restarted with STORE = "durable-objects"."""
    from tools.copy_store import http_post, run

    from support.processes import apply_migrations

    apply_migrations(tmp_path)
    variables = {"ORIGIN_URL": origin, "DASHBOARD_TOKEN": DASHBOARD_TOKEN}
    on_d1, url = start_worker(tmp_path, variables, extra_args=("--durable-object", "SITE_STORE:SiteStore"))
    try:
        for n in range(4):
            visit(url, "move.test", n)
        before = api_answers(url, "move.test")
        post = http_post(url, DASHBOARD_TOKEN, "/_ff")
        first = run(post, "to-objects", say=lambda _: None)
        second = run(post, "to-objects", say=lambda _: None)
    finally:
        on_d1.stop()
    assert before[0][0]["metrics"][1] == 4
    assert first["failed"] == [] and first["written"] > 0
    assert second["failed"] == [] and second["written"] == 0
    on_objects, url = start_worker(tmp_path, variables, store="durable-objects")
    try:
        assert api_answers(url, "move.test") == before
    finally:
        on_objects.stop()


def test_collection_keeps_its_rules_in_an_object(objects_worker):
    """Exact counts, idempotent retries and the largest total, on the runtime's objects."""
    proc, url, state = objects_worker
    host = "rules.test"
    headers = {"Host": host, "User-Agent": CHROME, "Accept-Language": "en", "Sec-Fetch-Mode": "no-cors"}
    uuid = new_uuid()
    for _ in range(2):  # a retried /init stores one page load
        reply = post_json(url, "/_ff/init", {"uuid": uuid, "page": "/r", "referrer": ""}, headers=headers)
        assert reply.status == 204
    request(url, "GET", "/__clock?advance_ms=40000")
    for total in (30, 10, 30):  # late and repeated beacons: the largest total stands
        assert post_json(url, "/_ff/heartbeat", {"uuid": uuid, "total": total}, headers=headers).status == 204
    event = {"uuid": new_uuid(), "type": "outbound", "url": "https://example.org/", "seq": 1, "page": "/r"}
    assert post_json(url, "/_ff/event", event, headers=headers).status == 401  # no such page load
    path = next(
        p
        for p in (state / "v3" / "do" / "footfall-SiteStore").glob("*.sqlite")
        if read(p, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'pageviews'") == [(1,)]
        and read(p, "SELECT COUNT(*) FROM pageviews WHERE site = ?", (host,)) != [(0,)]
    )
    assert read(path, "SELECT COUNT(*), MAX(seconds) FROM pageviews") == [(1, 30)]
    assert read(path, "SELECT COUNT(*) FROM events") == [(0,)]
