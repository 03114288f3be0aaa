"""STORE = "durable-objects" in process: the same requests on the SQLite store (D1's stand-in)
and on one object per site (support/objects.py: the SiteDatabase of footfall/database/objects.py on a
CPython double of ctx.storage) give the same answers; an object migrates once, runs a batch
all or nothing, and its alarm rolls a finished day up and purges old raw rows."""

import json

import pytest

from app import salts
from app.http import Client
from footfall.database.objects import RAW_ROWS_LEFT, next_alarm_ms
from footfall.database.store import Statement, StorageError
from support.inprocess import InProcess, SqliteStore, run_sync
from support.objects import ObjectsStore
from support.owner import BEARER, DASHBOARD_TOKEN

SITE = "example.com"  # the default host of InProcess: one object, read back through .con
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
# (ip, ua, country, page, referrer, seconds)
VISITS = [
    ("198.51.100.1", CHROME, "DE", "/", "https://www.google.com/", 10),
    ("198.51.100.1", CHROME, "DE", "/pricing", f"https://{SITE}/", 30),
    ("198.51.100.2", IPHONE, "FR", "/", "https://t.co/abc", 5),
    ("198.51.100.3", CHROME, "DE", "/blog", "", 0),
]
DAY_MS = 86_400_000
VARIABLES = {"EVENT_NAMES": "signup", "DASHBOARD_TOKEN": DASHBOARD_TOKEN}


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def make(kind: str, **variables) -> InProcess:
    app = InProcess({**VARIABLES, **variables})
    if kind == "objects":
        app.store = ObjectsStore(lambda: app.now_ms)
    return app


@pytest.fixture(params=["sqlite", "objects"])
def kind(request) -> str:
    return request.param


def seed(app: InProcess) -> None:
    for n, (ip, ua, country, page, referrer, seconds) in enumerate(VISITS):
        headers = {"user-agent": ua, "accept-language": "en", "sec-fetch-mode": "no-cors"}
        client = Client(ip=ip, country=country)
        reply = app.post(
            "/_ff/init", {"uuid": uid(n), "page": page, "referrer": referrer}, headers=headers, client=client
        )
        assert reply.status == 204
        for _ in range(seconds // 5):
            app.advance(5000)
            reply = app.post("/_ff/heartbeat", {"uuid": uid(n), "delta": 5}, headers=headers, client=client)
            assert reply.status == 204
    headers = {"user-agent": CHROME, "accept-language": "en", "sec-fetch-mode": "no-cors"}
    event = {"uuid": uid(0), "type": "custom", "name": "signup", "seq": 1, "page": "/"}
    assert app.post("/_ff/event", event, headers=headers, client=Client(ip="198.51.100.1", country="DE")).status == 204


def api(app: InProcess, body: dict) -> dict:
    reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status == 200, reply.text()
    data = reply.json()
    data["meta"].pop("rows_read", None)  # the double reads no rows_read; the numbers are the point
    return data


QUERIES = {
    "totals": {"date_range": "today", "metrics": ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration"]},
    "pages": {"date_range": "today", "metrics": ["pageviews", "visitors"], "dimensions": ["event:page"]},
    "channels": {"date_range": "today", "metrics": ["visits"], "dimensions": ["visit:channel"]},
    "countries": {"date_range": "today", "metrics": ["visitors"], "dimensions": ["visit:country"]},
    "filtered": {"date_range": "today", "metrics": ["pageviews"], "filters": [["is", "visit:country", ["DE"]]]},
}


def answers(app: InProcess) -> dict:
    out = {name: api(app, body)["results"] for name, body in QUERIES.items()}
    dashboard = app.get("/_ff/dashboard?format=json", headers=BEARER)
    out["dashboard_status"] = dashboard.status
    return out


def test_collection_stores_the_same_rows_on_both_stores():
    rows = {}
    for kind in ("sqlite", "objects"):
        app = make(kind)
        seed(app)
        rows[kind] = app.rows("SELECT uuid, path, seconds, country, channel FROM pageviews ORDER BY uuid")
        rows[kind + "_events"] = app.rows("SELECT uuid, type, name FROM events")
    assert rows["sqlite"] == rows["objects"] and len(rows["objects"]) == len(VISITS)
    assert rows["sqlite_events"] == rows["objects_events"] == [{"uuid": uid(0), "type": "custom", "name": "signup"}]


def test_the_api_and_dashboard_answer_the_same_on_both_stores():
    results = {}
    for kind in ("sqlite", "objects"):
        app = make(kind)
        seed(app)
        results[kind] = answers(app)
    assert results["objects"] == results["sqlite"]
    assert results["objects"]["totals"] == [{"dimensions": [], "metrics": [3, 4, 3, 67, 15]}]


def test_an_event_for_an_unknown_page_load_is_refused_and_not_written(kind):
    app = make(kind)
    event = {"uuid": uid(99), "type": "custom", "name": "signup", "seq": 1, "page": "/"}
    headers = {"user-agent": CHROME, "accept-language": "en"}
    assert app.post("/_ff/event", event, headers=headers).status == 401
    assert app.count("events") == 0


def test_a_heartbeat_retried_counts_once(kind):
    app = make(kind)
    headers = {"user-agent": CHROME, "accept-language": "en"}
    assert app.post("/_ff/init", {"uuid": uid(1), "page": "/", "referrer": ""}, headers=headers).status == 204
    app.advance(30_000)
    for _ in range(3):  # the same running total, sent three times
        assert app.post("/_ff/heartbeat", {"uuid": uid(1), "total": 30}, headers=headers).status == 204
    assert app.rows("SELECT seconds FROM pageviews") == [{"seconds": 30}]


def test_each_site_is_an_object_of_its_own():
    app = make("objects")
    headers = {"user-agent": CHROME, "accept-language": "en"}
    for n, host in enumerate(["a.test", "b.test", "a.test"]):
        reply = app.post("/_ff/init", {"uuid": uid(n), "page": "/", "referrer": ""}, headers=headers, host=host)
        assert reply.status == 204
    counts = {
        site: obj.storage.con.execute("SELECT COUNT(*) FROM pageviews").fetchone()[0]
        for site, obj in app.store.objects.items()
    }
    assert counts == {"a.test": 2, "b.test": 1}


def test_an_object_applies_the_migrations_once():
    store = ObjectsStore()
    obj = store.object(SITE)
    port = store.for_site(SITE)
    run_sync(port.execute(Statement("one", "SELECT COUNT(*) AS n FROM pageviews", ())))
    run_sync(port.execute(Statement("two", "SELECT COUNT(*) AS n FROM pageviews", ())))
    applied = [r[0] for r in obj.storage.con.execute("SELECT name FROM applied_migrations ORDER BY name")]
    assert applied == [name for name, _ in store.migrations]
    # A later instance of the same object (after eviction) finds them applied.
    from footfall.database.objects import SiteDatabase, StorageApi

    assert SiteDatabase(StorageApi(obj.storage), store.migrations, lambda: 0).migrate() == []


def test_a_new_migration_reaches_an_existing_object():
    from footfall.database.objects import SiteDatabase, StorageApi

    store = ObjectsStore()
    obj = store.object(SITE)
    obj.database.migrate()
    later = [*store.migrations, ("9999_extra", "CREATE TABLE extra (x INTEGER);")]
    assert SiteDatabase(StorageApi(obj.storage), later, lambda: 0).migrate() == ["9999_extra"]
    assert obj.storage.con.execute("SELECT COUNT(*) FROM extra").fetchone()[0] == 0


def test_a_batch_is_all_or_nothing():
    store = ObjectsStore()
    port = store.for_site(SITE)
    good = Statement("salt", "INSERT INTO salts (day, salt) VALUES ('2026-11-20', 'ab')", ())
    bad = Statement("broken", "INSERT INTO no_such_table VALUES (1)", ())
    with pytest.raises(StorageError, match="broken failed: no such table"):
        run_sync(port.batch([good, bad]))
    assert store.object(SITE).storage.con.execute("SELECT COUNT(*) FROM salts").fetchone()[0] == 0
    run_sync(port.batch([good]))
    assert store.object(SITE).storage.con.execute("SELECT COUNT(*) FROM salts").fetchone()[0] == 1


def test_changes_count_rows_changed_as_d1_does():
    store = ObjectsStore()
    port = store.for_site(SITE)
    insert = "INSERT INTO salts (day, salt) VALUES (?, 'ab') ON CONFLICT (day) DO NOTHING"
    assert run_sync(port.execute(Statement("salt", insert, ("2026-11-20",)))).changes == 1
    assert run_sync(port.execute(Statement("salt", insert, ("2026-11-20",)))).changes == 0
    assert run_sync(port.execute(Statement("read", "SELECT * FROM salts", ()))).changes == 0


def test_a_read_is_one_statement_inside_the_object_and_a_write_three():
    # A write asks SQLite for total_changes() before and after (D1's meta.changes); a SELECT
    # changes nothing and is not worth the two extra statements.
    store = ObjectsStore()
    obj = store.object(SITE)
    obj.database.migrate()
    ran: list[str] = []
    execute = obj.storage.sql.exec

    def counted(query, *bindings):
        ran.append(query)
        return execute(query, *bindings)

    obj.storage.sql.exec = counted
    port = store.for_site(SITE)
    run_sync(port.execute(Statement("read", "SELECT COUNT(*) AS n FROM salts", ())))
    assert len(ran) == 1, ran
    ran.clear()
    run_sync(port.execute(Statement("salt", "INSERT INTO salts (day, salt) VALUES ('2026-11-20', 'ab')", ())))
    assert len(ran) == 3, ran


def test_an_object_that_fails_answers_503_and_the_site_keeps_working():
    app = make("objects")
    app.store.fail = True
    headers = {"user-agent": CHROME, "accept-language": "en"}
    reply = app.post("/_ff/init", {"uuid": uid(1), "page": "/", "referrer": ""}, headers=headers)
    assert reply.status == 503 and reply.headers.get("retry-after")
    app.origin.pages["/"] = (200, {"content-type": "text/plain"}, b"home")
    assert app.get("/").status == 200


def test_a_full_object_is_not_tried_twice():
    app = make("objects")
    obj = app.store.object(SITE)
    obj.database.migrate()
    calls = []

    def full(query, *bindings):
        calls.append(query)
        raise RuntimeError("SQLITE_FULL: database or disk is full")

    real = obj.storage.sql.exec
    obj.storage.sql.exec = lambda query, *b: full(query) if "INSERT INTO pageviews" in query else real(query, *b)
    headers = {"user-agent": CHROME, "accept-language": "en"}
    reply = app.post("/_ff/init", {"uuid": uid(1), "page": "/", "referrer": ""}, headers=headers)
    assert reply.status == 503
    assert len(calls) == 1


# --- the alarm --------------------------------------------------------------------------------


def test_a_write_sets_the_alarm_once_and_a_read_sets_none():
    app = make("objects")
    obj = app.store.object(SITE)
    assert app.get("/_ff/api/v1/query?date_range=today&metrics=pageviews", headers=BEARER).status == 200
    assert obj.storage.alarm is None
    seed(app)
    assert obj.storage.alarm == next_alarm_ms(obj.storage.alarm - 1) and obj.storage.alarm > app.now_ms - 3_600_000


def test_the_alarm_rolls_a_finished_day_up_and_retention_drops_old_raw_rows(kind):
    app = make(kind, RETENTION_DAYS="3")
    seed(app)
    before = api(app, QUERIES["totals"])["results"]
    day = "2026-11-20"
    # Two days on: the day is closed (no heartbeat can change it) and rolled up.
    app.advance(2 * DAY_MS)
    summary = app.run_maintenance()
    summary = summary.get(SITE, summary)
    assert day in summary["rolled_up"]
    assert app.rows("SELECT views FROM daily_totals WHERE day = ?", (day,)) == [{"views": 4}]
    assert app.count("pageviews") == len(VISITS)  # kept for RETENTION_DAYS
    # Five days on: past retention; the raw rows go, the rollups stay.
    app.advance(3 * DAY_MS)
    app.run_maintenance()
    assert app.count("pageviews") == 0 and app.count("events") == 0
    assert app.rows("SELECT views FROM daily_totals WHERE day = ?", (day,)) == [{"views": 4}]
    after = api(app, {**QUERIES["totals"], "date_range": ["2026-11-20", "2026-11-20"]})["results"]
    assert after[0]["metrics"][:3] == before[0]["metrics"][:3]


def test_the_alarm_rings_again_while_raw_rows_are_left_and_then_stops():
    app = make("objects", RETENTION_DAYS="3")
    seed(app)
    obj = app.store.object(SITE)
    app.advance(2 * DAY_MS)
    app.run_maintenance()
    assert obj.storage.alarm is not None and obj.storage.alarm > app.now_ms  # raw rows left: rings again
    app.advance(3 * DAY_MS)
    app.run_maintenance()
    assert not obj.storage.con.execute(RAW_ROWS_LEFT).fetchone()[0]
    assert obj.storage.alarm is None  # nothing left to do: quiet until the next write


def test_events_left_alone_keep_the_alarm_ringing():
    # Each alarm purges a bounded number of rows per table and a page view may have 50 events:
    # events may outlast their page views, and must still go when their retention is over.
    app = make("objects", RETENTION_DAYS="3")
    seed(app)
    obj = app.store.object(SITE)
    app.advance(2 * DAY_MS)
    app.run_maintenance()
    obj.storage.con.execute("DELETE FROM pageviews")
    obj.storage.con.execute("DELETE FROM hits")
    assert obj.storage.con.execute("SELECT COUNT(*) FROM events").fetchone()[0] > 0
    app.advance(obj.storage.alarm - app.now_ms)
    app.run_maintenance()
    assert obj.storage.alarm is not None  # events are left: it rings again
    app.advance(3 * DAY_MS)
    app.run_maintenance()
    assert obj.storage.con.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_the_rpc_payload_is_json_text_both_ways():
    store = ObjectsStore()
    obj = store.object(SITE)
    reply = run_sync(obj.call("execute", json.dumps([["one", "SELECT 1 AS one", []]])))
    assert isinstance(reply, str) and json.loads(reply)["results"][0][1] == [{"one": 1}]


def test_sqlite_store_still_the_default_for_inprocess():
    assert isinstance(InProcess().store, SqliteStore)


def test_a_site_keeps_one_salt_whichever_site_an_isolate_saw_first():
    # Without KV, each object keeps its own salts. An isolate that read a.test's salt must not
    # use it for b.test: an isolate that starts on b.test reads b.test's, and the same person
    # would be two visitors of b.test that day.
    app = make("objects")
    headers = {"user-agent": CHROME, "accept-language": "en"}

    def visitor_of(n: int, host: str) -> str:
        assert app.post("/_ff/init", {"uuid": uid(n), "page": "/", "referrer": ""}, headers=headers, host=host).status
        con = app.store.object(host).storage.con
        return con.execute("SELECT visitor FROM pageviews WHERE uuid = ?", (uid(n),)).fetchone()[0]

    visitor_of(1, "a.test")
    first = visitor_of(2, "b.test")  # this isolate saw a.test first
    salts.forget()  # another isolate
    assert visitor_of(3, "b.test") == first


def test_a_write_the_cursor_counts_no_rows_for_still_sets_the_alarm():
    # A local SQLite's update hook misses WITHOUT ROWID tables (pageviews is one), so the
    # local runtime's rowsWritten can be 0 for an insert; the rows changed still count.
    app = make("objects")
    obj = app.store.object(SITE)
    real = obj.storage.sql.exec

    def uncounted(query, *bindings):
        cursor = real(query, *bindings)
        cursor.rowsWritten = 0
        return cursor

    obj.storage.sql.exec = uncounted
    headers = {"user-agent": CHROME, "accept-language": "en"}
    assert app.post("/_ff/init", {"uuid": uid(1), "page": "/", "referrer": ""}, headers=headers).status == 204
    assert obj.storage.alarm is not None


@pytest.mark.parametrize("period", ["today", "7d", "30d", "91d", "12mo", "all"])
def test_a_dashboard_view_is_two_calls_to_its_object_whatever_the_period(period):
    # One object per site, so a view fans out to nothing: 2 RPC calls (docs/ARCHITECTURE.md),
    # far under the free plan's 50 subrequests a request.
    app = make("objects")
    seed(app)
    obj = app.store.object(SITE)
    obj.calls.clear()
    assert app.get(f"/_ff/dashboard?period={period}", headers=BEARER).status == 200
    assert obj.calls == ["batch", "batch"]
    obj.calls.clear()
    assert app.post("/_ff/api/v1/query", {**QUERIES["pages"], "date_range": period}, headers=BEARER).status == 200
    assert obj.calls == ["batch"]


def test_after_a_failed_alarm_the_next_write_sets_another():
    # The alarm that rang is gone; if its maintenance fails (and the runtime gives up retrying),
    # the object must not go on believing an alarm is set.
    app = make("objects")
    seed(app)
    obj = app.store.object(SITE)
    real = obj.storage.sql.exec

    def broken(query, *bindings):
        if query.startswith("SELECT task, done_until"):  # the first read of maintenance
            raise RuntimeError("disk I/O error")
        return real(query, *bindings)

    obj.storage.sql.exec = broken
    app.advance(2 * DAY_MS)
    with pytest.raises(StorageError):
        app.run_maintenance()
    assert obj.storage.alarm is None
    obj.storage.sql.exec = real
    headers = {"user-agent": CHROME, "accept-language": "en"}
    assert app.post("/_ff/init", {"uuid": uid(50), "page": "/", "referrer": ""}, headers=headers).status == 204
    assert obj.storage.alarm is not None
