"""The collection endpoints (/init, /heartbeat, /event) in process: what they store, what a
retry or a reordered beacon changes (nothing), the clock's caps, and the visitor's privacy
signals (DNT, Sec-GPC: nothing stored, the same 204)."""

import json

import pytest

from support.inprocess import PERSON_HEADERS

SECOND = 1000
HOUR = 3600 * SECOND
HEARTBEAT_WINDOW_MS = 6 * HOUR


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


FIRST = uid(1)


def init(app, uuid=FIRST, page="/", referrer="", **kw):
    return app.beacon("init", {"uuid": uuid, "page": page, "referrer": referrer}, **kw)


def seconds_of(app, uuid=FIRST):
    return [r["seconds"] for r in app.rows("SELECT seconds FROM pageviews WHERE uuid = ?", (uuid,))]


def test_init_stores_one_page_load_with_clean_fields(app):
    reply = init(
        app,
        page="/blog/hello.html?utm_source=news&utm_medium=email&token=secret#top",
        referrer="https://www.google.com/search?q=private+words",
    )
    assert reply.status == 204 and reply.body is None
    rows = app.rows("SELECT * FROM pageviews")
    assert len(rows) == 1
    row = rows[0]
    assert (row["uuid"], row["site"], row["path"]) == (uid(1), "example.com", "/blog/hello.html")
    assert (row["referrer"], row["referrer_host"]) == ("https://www.google.com/search", "www.google.com")
    assert (row["utm_source"], row["utm_medium"], row["utm_campaign"]) == ("news", "email", None)
    assert row["seconds"] == 0 and row["ts"] == row["last_ts"] == app.now_ms
    assert row["day"] == "2026-11-20" and row["bot_class"] == "person"
    assert "secret" not in json.dumps(row) and "private" not in json.dumps(row)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain;charset=UTF-8",
        "Application/JSON; charset=utf-8",
    ],
    ids=["json", "text-plain-as-sendBeacon-sends-it", "upper-case-with-charset"],
)
def test_init_accepts_the_media_types_beacons_send(app, content_type):
    reply = init(app, page="/about/", headers={"content-type": content_type})
    assert reply.status == 204
    assert app.rows("SELECT path FROM pageviews") == [{"path": "/about/"}]


def test_retried_init_is_idempotent_on_its_uuid(app):
    assert init(app, page="/first").status == 204
    app.advance(2 * SECOND)
    assert init(app, page="/second").status == 204
    assert app.rows("SELECT path, ts FROM pageviews") == [{"path": "/first", "ts": app.now_ms - 2 * SECOND}]


def test_uuid_is_stored_lower_case_and_matched_case_insensitively(app):
    mixed = "0B7E9F1C-3c1a-4b8e-9a51-2f0f7c1d9e42"
    assert init(app, uuid=mixed).status == 204
    assert app.beacon("heartbeat", {"uuid": mixed.upper(), "delta": 5}).status == 204
    assert app.rows("SELECT uuid, seconds FROM pageviews") == [{"uuid": mixed.lower(), "seconds": 5}]


def test_heartbeats_add_their_deltas(app):
    init(app)
    for delta in (1, 5, 5, 1):
        app.advance(delta * SECOND)
        assert app.beacon("heartbeat", {"uuid": uid(1), "delta": delta}).status == 204
    assert seconds_of(app) == [12]


@pytest.mark.parametrize(
    "elapsed_ms,expected",
    [
        (0, 30),
        (60 * SECOND, 90),
        (60 * SECOND + 999, 90),
        (61 * SECOND, 91),
        (200 * SECOND, 150),
    ],
    ids=["at-init-one-interval", "60s-later", "whole-seconds-only", "61s-later", "uncapped-when-plausible"],
)
def test_time_on_page_never_exceeds_wall_clock_since_init_plus_30_s(app, elapsed_ms, expected):
    init(app)
    app.advance(elapsed_ms)
    for _ in range(5):  # 150 s claimed at once
        assert app.beacon("heartbeat", {"uuid": uid(1), "delta": 30}).status == 204
    assert seconds_of(app) == [expected]


@pytest.mark.parametrize(
    "beats,expected",
    [
        ([(10 * SECOND, 15)], 15),
        ([(60 * SECOND, 45), (61 * SECOND, 30)], 45),
        ([(60 * SECOND, 45), (61 * SECOND, 45)], 45),
        ([(10 * SECOND, 100)], 40),
        ([(10 * SECOND, 100), (80 * SECOND, 100)], 100),
        ([(HOUR, 0)], 0),
    ],
    ids=[
        "one-total",
        "reordered-keeps-the-max",
        "duplicate-changes-nothing",
        "capped-by-wall-clock-plus-30s",
        "cap-grows-with-time",
        "zero-total",
    ],
)
def test_heartbeat_with_a_running_total_and_no_delta_is_stored_as_the_largest_total(app, beats, expected):
    init(app)
    started = app.now_ms
    for at_ms, total in beats:
        app.now_ms = started + at_ms
        assert app.beacon("heartbeat", {"uuid": uid(1), "total": total}).status == 204
    assert seconds_of(app) == [expected]


def test_duplicated_and_reordered_heartbeats_with_delta_and_total_count_once(app):
    init(app)
    for delta, total in ((5, 5), (5, 10), (5, 10), (1, 16), (5, 15), (1, 16)):  # a repeat, then out of order
        app.advance(5 * SECOND)
        assert app.beacon("heartbeat", {"uuid": uid(1), "delta": delta, "total": total}).status == 204
    assert seconds_of(app) == [16]


@pytest.mark.parametrize(
    "after_ms,status,seconds",
    [
        (HEARTBEAT_WINDOW_MS, 204, 5),
        (HEARTBEAT_WINDOW_MS + 1, 202, 0),
    ],
    ids=["exactly-6h-is-counted", "6h-and-1ms-is-ignored"],
)
def test_heartbeat_more_than_six_hours_after_init_is_accepted_but_ignored(app, after_ms, status, seconds):
    init(app)
    app.advance(after_ms)
    reply = app.beacon("heartbeat", {"uuid": uid(1), "delta": 5})
    assert reply.status == status
    assert ("6 hours" in (reply.headers.get("x-footfall-ignored") or "")) == (status == 202)
    assert seconds_of(app) == [seconds]


@pytest.mark.parametrize(
    "endpoint,payload",
    [
        ("heartbeat", {"delta": 5}),
        ("heartbeat", {"total": 5}),
        ("event", {"type": "scroll", "name": "25", "page": "/"}),
    ],
    ids=["heartbeat-delta", "heartbeat-total", "event"],
)
def test_beacon_for_unknown_uuid_is_rejected_and_writes_nothing(app, endpoint, payload):
    init(app)
    before = app.snapshot()
    reply = app.beacon(endpoint, {"uuid": uid(2), **payload})
    assert reply.status == 401 and reply.json()["error"] == "unknown_page_load"
    assert app.snapshot() == before


def test_event_is_stored_for_its_page_load_with_anchor_text_tidied(app):
    init(app)
    reply = app.beacon(
        "event",
        {
            "uuid": uid(1),
            "type": "outbound",
            "url": "https://example.org/elsewhere",
            "anchor_text": "  an \n outbound   link ",
            "page": "/",
        },
    )
    assert reply.status == 204
    assert app.rows("SELECT type, url, anchor_text, path, site, ts FROM events") == [
        {
            "type": "outbound",
            "url": "https://example.org/elsewhere",
            "anchor_text": "an outbound link",
            "path": "/",
            "site": "example.com",
            "ts": app.now_ms,
        }
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "download", "url": "https://example.com/files/report.pdf"},
        {"type": "mailto", "url": "mailto:owner@example.com"},
        {"type": "tel", "url": "tel:+15550100"},
        {"type": "scroll", "name": "75"},
        {"type": "custom", "name": "signup"},
    ],
    ids=lambda p: p["type"],
)
def test_each_event_type_is_stored(app, payload):
    init(app)
    assert app.beacon("event", {"uuid": uid(1), "page": "/", **payload}).status == 204
    assert app.rows("SELECT type, name, url FROM events") == [
        {"type": payload["type"], "name": payload.get("name"), "url": payload.get("url")}
    ]


@pytest.mark.parametrize(
    "type_,url,stored",
    [
        ("outbound", "mailto:owner@example.com", "mailto"),
        ("outbound", "tel:+15550100", "tel"),
        ("download", "mailto:owner@example.com", "mailto"),
    ],
    ids=["outbound-mailto", "outbound-tel", "download-mailto"],
)
def test_a_link_event_is_stored_under_its_urls_scheme(app, type_, url, stored):
    # What the tracker sends for a mailto: or tel: link (client/src/events.js).
    init(app)
    assert app.beacon("event", {"uuid": uid(1), "seq": 1, "page": "/", "type": type_, "url": url}).status == 204
    assert app.rows("SELECT type, url FROM events") == [{"type": stored, "url": url}]


def test_a_click_on_a_javascript_link_is_accepted_and_not_stored(app):
    init(app)
    before = app.snapshot()
    event = {
        "uuid": uid(1),
        "seq": 1,
        "page": "/",
        "type": "outbound",
        "url": "javascript:void(0)",
        "anchor_text": "Menu",
    }
    reply = app.beacon("event", event)
    assert reply.status == 202 and "no web page" in reply.headers.get("x-footfall-ignored")
    assert app.snapshot() == before


def test_a_monitors_knownbot_page_view_is_accepted_and_nothing_is_stored(app):
    # The tracker keeps knownBot=1 in the page it reports (client/src/pageview.js).
    reply = init(app, page="/status?knownBot=1")
    assert reply.status == 202 and "knownBot=1" in reply.headers.get("x-footfall-ignored")
    assert app.rows("SELECT uuid FROM pageviews") == []
    # Its time and events find no page load and store nothing either.
    assert app.beacon("heartbeat", {"uuid": uid(1), "total": 12.3, "scroll": 40.5}).status == 401
    assert (
        app.beacon("event", {"uuid": uid(1), "seq": 1, "page": "/status", "type": "custom", "name": "signup"}).status
        == 401
    )
    assert app.rows("SELECT uuid FROM events") == []


@pytest.mark.parametrize(
    "origin", ["http://localhost:1313", "http://127.0.0.1:4000", "null"], ids=["localhost", "loopback-ip", "file-page"]
)
def test_a_beacon_from_a_preview_or_a_file_page_is_refused_and_not_stored(app, origin):
    # The tracker no longer checks for localhost or file: itself: a preview's page is another
    # origin than the site (a file: page's origin is "null"), and the route table accepts
    # beacons from the site's own pages only (app/routing.py, CORS_ORIGINS aside).
    reply = init(app, headers={"origin": origin})
    assert (reply.status, reply.json()["error"]) == (403, "foreign_origin")
    assert app.rows("SELECT uuid FROM pageviews") == []


def test_the_sites_own_page_on_a_local_worker_is_counted(app):
    # make dev: the Worker and its pages on one loopback origin.
    assert init(app, host="127.0.0.1:8787", scheme="http", headers={"origin": "http://127.0.0.1:8787"}).status == 204
    assert app.rows("SELECT site FROM pageviews") == [{"site": "127.0.0.1"}]


def test_a_page_load_of_another_site_cannot_be_used(app):
    assert init(app, host="blog.example.com").status == 204
    assert app.rows("SELECT site FROM pageviews") == [{"site": "blog.example.com"}]
    before = app.snapshot()
    assert app.beacon("heartbeat", {"uuid": uid(1), "delta": 5}).status == 401
    assert app.beacon("event", {"uuid": uid(1), "type": "scroll", "name": "25", "page": "/"}).status == 401
    assert app.snapshot() == before


def test_sql_metacharacters_are_stored_verbatim_as_data(app):
    page = "/x');DROP TABLE pageviews;--\"`"
    referrer = "https://e.example/'; DELETE FROM events;--"
    assert init(app, page=page, referrer=referrer).status == 204
    assert app.rows("SELECT path, referrer FROM pageviews") == [{"path": page, "referrer": referrer}]


@pytest.mark.parametrize("path", ["/_ff/nope", "/_ff", "/_ff/init/extra", "/_ff/", "/_ff/INIT"])
def test_unknown_footfall_path_is_404_and_never_proxied(app, path):
    reply = app.get(path)
    assert reply.status == 404 and reply.json()["error"] == "not_found"
    assert app.origin.sent == []


def test_a_retried_event_is_stored_once_and_still_answers_204(app):
    init(app)
    event = {"uuid": uid(1), "seq": 1, "type": "outbound", "url": "https://example.org/", "page": "/"}
    assert [app.beacon("event", event).status for _ in range(3)] == [204, 204, 204]
    assert app.beacon("event", {**event, "seq": 2}).status == 204  # a second click
    assert app.rows("SELECT seq FROM events ORDER BY seq") == [{"seq": 1}, {"seq": 2}]


def test_events_without_seq_are_each_kept(app):
    init(app)
    event = {"uuid": uid(1), "type": "outbound", "url": "https://example.org/", "page": "/"}
    assert [app.beacon("event", event).status for _ in range(2)] == [204, 204]
    assert app.count("events") == 2


# --- the visitor's privacy signals ------------------------------------------------------

REFUSALS = [{"dnt": "1"}, {"sec-gpc": "1"}, {"dnt": " 1 "}, {"dnt": "1", "sec-gpc": "1"}]
REFUSAL_IDS = ["DNT-1", "Sec-GPC-1", "DNT-1-padded", "both"]


@pytest.mark.parametrize("signal", REFUSALS, ids=REFUSAL_IDS)
@pytest.mark.parametrize(
    "endpoint,payload",
    [
        ("init", {"uuid": uid(2), "page": "/", "referrer": ""}),
        ("heartbeat", {"uuid": uid(1), "delta": 5}),
        ("event", {"uuid": uid(1), "type": "scroll", "name": "25", "page": "/"}),
    ],
    ids=["init", "heartbeat", "event"],
)
def test_a_beacon_asking_not_to_be_tracked_stores_nothing_and_answers_like_an_accepted_one(
    make_app, signal, endpoint, payload
):
    accepting, refusing = make_app(), make_app()
    for app in (accepting, refusing):
        assert init(app).status == 204  # a page load without the signal, for heartbeat and event
    accepted = accepting.beacon(endpoint, payload)
    before = refusing.snapshot()
    refused = refusing.beacon(endpoint, payload, headers=signal)
    assert (
        (refused.status, refused.headers.pairs, refused.body)
        == (accepted.status, accepted.headers.pairs, accepted.body)
        == (204, [("cache-control", "no-store")], None)
    )
    assert refusing.snapshot() == before
    assert refusing.body_reads == accepting.body_reads[:1]  # the refused body was never read


@pytest.mark.parametrize(
    "signal", [{"dnt": "0"}, {"sec-gpc": "0"}, {"dnt": "yes"}, {}], ids=["DNT-0", "Sec-GPC-0", "DNT-not-1", "none"]
)
def test_a_beacon_without_a_refusal_is_stored(app, signal):
    assert init(app, headers=signal).status == 204
    assert app.count("pageviews") == 1


@pytest.mark.parametrize("signal", REFUSALS[:2], ids=REFUSAL_IDS[:2])
def test_honour_dnt_false_stores_beacons_that_ask_not_to_be_tracked(make_app, signal):
    app = make_app({"HONOUR_DNT": "false"})
    assert init(app, headers={**PERSON_HEADERS, **signal}).status == 204
    assert app.rows("SELECT uuid FROM pageviews") == [{"uuid": uid(1)}]
