"""The collection endpoints over real HTTP, against the Worker in the local runtime and the
real local D1: what they store, and that every rejected request stores nothing."""

import json
import time

import pytest

from support.d1 import wrangler_query
from support.http import new_uuid, post_json, request

PREFIX = "/_ff"


def init(worker, uuid=None, page="/", referrer="", **kw):
    uuid = uuid or new_uuid()
    reply = post_json(worker, f"{PREFIX}/init", {"uuid": uuid, "page": page, "referrer": referrer}, **kw)
    return uuid, reply


def test_init_stores_one_page_load_with_clean_fields(worker, db):
    uuid, reply = init(worker, page="/blog/hello.html?utm_source=news&utm_medium=email&token=secret#top",
                       referrer="https://www.google.com/search?q=private+words")
    assert reply.status == 204 and reply.body == b""
    rows = db.query("SELECT * FROM pageviews WHERE uuid = ?", (uuid,))
    assert len(rows) == 1
    row = rows[0]
    assert row["site"] == "127.0.0.1"
    assert row["path"] == "/blog/hello.html"
    assert row["referrer"] == "https://www.google.com/search"
    assert row["referrer_host"] == "www.google.com"
    assert (row["utm_source"], row["utm_medium"], row["utm_campaign"]) == ("news", "email", None)
    assert row["seconds"] == 0 and row["ts"] == row["last_ts"]
    assert "secret" not in json.dumps(row) and "private" not in json.dumps(row)


def test_init_accepts_text_plain_as_beacons_send_it(worker, db):
    uuid, reply = init(worker, page="/about/", content_type="text/plain;charset=UTF-8")
    assert reply.status == 204
    assert db.query("SELECT path FROM pageviews WHERE uuid = ?", (uuid,)) == [{"path": "/about/"}]


def test_retried_init_is_idempotent_on_its_uuid(worker, db):
    uuid, first = init(worker, page="/first")
    _, again = init(worker, uuid=uuid, page="/second")
    assert (first.status, again.status) == (204, 204)
    assert db.query("SELECT path FROM pageviews WHERE uuid = ?", (uuid,)) == [{"path": "/first"}]


def test_uuid_is_stored_lower_case_and_matched_case_insensitively(worker, db):
    uuid = new_uuid().upper()
    assert init(worker, uuid=uuid)[1].status == 204
    assert post_json(worker, f"{PREFIX}/heartbeat", {"uuid": uuid, "delta": 5}).status == 204
    assert db.query("SELECT seconds FROM pageviews WHERE uuid = ?", (uuid.lower(),)) == [{"seconds": 5}]


def test_heartbeats_add_their_deltas(worker, db):
    uuid, _ = init(worker)
    for delta in (1, 5, 5, 1):
        assert post_json(worker, f"{PREFIX}/heartbeat", {"uuid": uuid, "delta": delta}).status == 204
    assert db.query("SELECT seconds FROM pageviews WHERE uuid = ?", (uuid,)) == [{"seconds": 12}]


def test_time_on_page_never_exceeds_wall_clock_plus_one_interval(worker, db):
    uuid, _ = init(worker)
    started = time.monotonic()
    for _ in range(5):  # 150 s claimed within a second or two
        assert post_json(worker, f"{PREFIX}/heartbeat", {"uuid": uuid, "delta": 30}).status == 204
    elapsed = time.monotonic() - started
    seconds = db.query("SELECT seconds FROM pageviews WHERE uuid = ?", (uuid,))[0]["seconds"]
    assert isinstance(seconds, int) and 30 <= seconds <= 30 + elapsed + 1


def test_heartbeat_six_hours_after_init_is_accepted_but_ignored(worker, db):
    uuid, _ = init(worker)
    request(worker, "GET", "/__clock?advance_ms=" + str(6 * 3600 * 1000 + 1000))
    try:
        reply = post_json(worker, f"{PREFIX}/heartbeat", {"uuid": uuid, "delta": 5})
    finally:
        request(worker, "GET", "/__clock?reset")
    assert reply.status == 202 and "6 hours" in reply.headers["x-footfall-ignored"]
    assert db.query("SELECT seconds FROM pageviews WHERE uuid = ?", (uuid,)) == [{"seconds": 0}]


def test_heartbeat_for_unknown_uuid_is_rejected_and_changes_nothing(worker, db):
    before = db.snapshot()
    reply = post_json(worker, f"{PREFIX}/heartbeat", {"uuid": new_uuid(), "delta": 5})
    assert reply.status == 401 and reply.json()["error"] == "unknown_page_load"
    assert db.snapshot() == before


def test_event_is_stored_for_its_page_load(worker, db):
    uuid, _ = init(worker, page="/")
    reply = post_json(worker, f"{PREFIX}/event", {
        "uuid": uuid, "type": "outbound", "url": "https://example.org/elsewhere",
        "anchor_text": "  an \n outbound   link ", "page": "/"})
    assert reply.status == 204
    rows = db.query("SELECT type, url, anchor_text, path, site FROM events WHERE uuid = ?", (uuid,))
    assert rows == [{"type": "outbound", "url": "https://example.org/elsewhere",
                     "anchor_text": "an outbound link", "path": "/", "site": "127.0.0.1"}]


@pytest.mark.parametrize("payload", [
    {"type": "download", "url": "https://127.0.0.1/files/report.pdf"},
    {"type": "mailto", "url": "mailto:owner@example.com"},
    {"type": "tel", "url": "tel:+15550100"},
    {"type": "scroll", "name": "75"},
    {"type": "custom", "name": "signup"},
], ids=lambda p: p["type"])
def test_each_event_type_is_stored(worker, db, payload):
    uuid, _ = init(worker)
    assert post_json(worker, f"{PREFIX}/event", {"uuid": uuid, "page": "/", **payload}).status == 204
    row = db.query("SELECT type, name, url FROM events WHERE uuid = ?", (uuid,))[0]
    assert row["type"] == payload["type"]
    assert row["name"] == payload.get("name") and row["url"] == payload.get("url")


def test_event_for_unknown_uuid_is_rejected_and_not_written(worker, db):
    before = db.snapshot()
    reply = post_json(worker, f"{PREFIX}/event", {"uuid": new_uuid(), "type": "scroll", "name": "25", "page": "/"})
    assert reply.status == 401
    assert db.snapshot() == before


def test_a_page_load_of_another_site_cannot_be_used(worker, db):
    uuid, _ = init(worker, headers={"Host": "blog.example.com"})
    assert db.query("SELECT site FROM pageviews WHERE uuid = ?", (uuid,)) == [{"site": "blog.example.com"}]
    before = db.snapshot()
    assert post_json(worker, f"{PREFIX}/heartbeat", {"uuid": uuid, "delta": 5}).status == 401
    assert post_json(worker, f"{PREFIX}/event", {"uuid": uuid, "type": "scroll", "name": "25", "page": "/"}).status == 401
    assert db.snapshot() == before


def test_sql_metacharacters_are_stored_verbatim_as_data(worker, db):
    page = "/x');DROP TABLE pageviews;--\"`"
    uuid, reply = init(worker, page=page, referrer="https://e.example/'; DELETE FROM events;--")
    assert reply.status == 204
    assert db.query("SELECT path, referrer FROM pageviews WHERE uuid = ?", (uuid,)) == [
        {"path": page, "referrer": "https://e.example/'; DELETE FROM events;--"}]
    assert db.query("SELECT COUNT(*) AS n FROM pageviews")[0]["n"] > 0


def test_stored_rows_read_back_with_wrangler_d1_execute(worker, state):
    uuid, _ = init(worker, page="/read-back")
    post_json(worker, f"{PREFIX}/heartbeat", {"uuid": uuid, "delta": 30})
    post_json(worker, f"{PREFIX}/event", {"uuid": uuid, "type": "scroll", "name": "50", "page": "/read-back"})
    rows = wrangler_query(state, f"SELECT p.path, p.seconds, e.type, e.name FROM pageviews p "
                                 f"JOIN events e ON e.uuid = p.uuid WHERE p.uuid = '{uuid}'")
    assert rows == [{"path": "/read-back", "seconds": 30, "type": "scroll", "name": "50"}]


def test_unknown_footfall_path_is_404_not_proxied(worker):
    for path in (f"{PREFIX}/nope", f"{PREFIX}", f"{PREFIX}/init/extra"):
        reply = request(worker, "GET", path)
        assert reply.status == 404 and reply.json()["error"] == "not_found", path


def test_duplicated_and_reordered_heartbeats_count_once(worker, db):
    """Heartbeats carry the running total: the stored time is the largest total seen."""
    uuid, _ = init(worker)
    for delta, total in ((5, 5), (5, 10), (5, 10), (1, 16), (5, 15), (1, 16)):  # a repeat, then out of order
        assert post_json(worker, f"{PREFIX}/heartbeat", {"uuid": uuid, "delta": delta, "total": total}).status == 204
    assert db.query("SELECT seconds FROM pageviews WHERE uuid = ?", (uuid,)) == [{"seconds": 16}]


def test_a_retried_event_is_stored_once_and_still_answers_204(worker, db):
    uuid, _ = init(worker)
    event = {"uuid": uuid, "seq": 1, "type": "outbound", "url": "https://example.org/", "page": "/"}
    assert [post_json(worker, f"{PREFIX}/event", event).status for _ in range(3)] == [204, 204, 204]
    assert post_json(worker, f"{PREFIX}/event", {**event, "seq": 2}).status == 204  # a second click
    assert db.query("SELECT seq FROM events WHERE uuid = ? ORDER BY seq", (uuid,)) == [{"seq": 1}, {"seq": 2}]


def test_events_without_seq_are_each_kept(worker, db):
    uuid, _ = init(worker)
    event = {"uuid": uuid, "type": "outbound", "url": "https://example.org/", "page": "/"}
    for _ in range(2):
        assert post_json(worker, f"{PREFIX}/event", event).status == 204
    assert db.query("SELECT COUNT(*) AS n FROM events WHERE uuid = ?", (uuid,)) == [{"n": 2}]
