"""The exact statements and parameters the collection endpoints send to D1 (footfall.collect.writes)."""

import pytest

from footfall.collect import writes
from footfall.collect.payload import parse_event, parse_heartbeat, parse_page_load
from footfall.collect.profile import Client, build
from footfall.days import local_day
from support.schema import memory_database

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
WHO = build(
    Client(ip="203.0.113.7", user_agent=CHROME, accept_language="en", sec_fetch_mode="no-cors", country="de"),
    "blog.example",
    "salted-hash",
    b"s" * 32,
)

UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
NOW = 1_763_700_000_000  # 2025-11-21T04:40:00Z


@pytest.fixture
def con():
    """The real schema in an in-memory SQLite: the statements must be valid against it."""
    con = memory_database()
    return con


def run(con, statement):
    cursor = con.execute(statement.sql, statement.params)
    cursor.fetchall()  # with RETURNING, rowcount is known once the rows are read
    return cursor.rowcount


def test_day_follows_the_offset():
    assert local_day(NOW) == "2025-11-21"
    assert local_day(NOW, -5 * 60) == "2025-11-20"
    assert local_day(NOW, 20 * 60) == "2025-11-22"


def test_page_load_heartbeat_event_round_trip(con):
    load = parse_page_load({"uuid": UUID, "page": "/a?utm_campaign=c", "referrer": "https://r.example/x?y"})
    assert run(con, writes.page_load(load, "blog.example", NOW, 0, WHO)) == 1
    assert run(con, writes.page_load(load, "blog.example", NOW + 5, 0, WHO)) == 0  # retried: ignored
    assert run(con, writes.heartbeat(parse_heartbeat({"uuid": UUID, "delta": 30}), "blog.example", NOW + 30_000)) == 1
    assert run(con, writes.heartbeat(parse_heartbeat({"uuid": UUID, "delta": 30}), "other.example", NOW)) == 0
    event = parse_event({"uuid": UUID, "type": "scroll", "name": "50", "page": "/a"})
    assert run(con, writes.event(event, "blog.example", NOW + 31_000)) == 1
    assert run(con, writes.event(event, "other.example", NOW)) == 0
    row = con.execute(
        "SELECT path, referrer, referrer_host, utm_campaign, channel, seconds, last_ts, day, "
        "country, browser, os, device, bot_class, status FROM pageviews"
    ).fetchone()
    assert row == (
        "/a",
        "https://r.example/x",
        "r.example",
        "c",
        "campaign",
        30,
        NOW + 30_000,
        "2025-11-21",
        "DE",
        "Chrome",
        "Windows",
        "desktop",
        "person",
        None,
    )
    assert con.execute("SELECT uuid, type, name, site FROM events").fetchall() == [
        (UUID, "scroll", "50", "blog.example")
    ]


def test_statements_use_placeholders_only():
    load = parse_page_load({"uuid": UUID, "page": "/'; DROP TABLE x;--"})
    statement = writes.page_load(load, "s", NOW, 0, WHO)
    assert "DROP" not in statement.sql and all(isinstance(p, (str, int, type(None))) for p in statement.params)


def test_time_on_page_is_capped_by_wall_clock_and_ignored_after_six_hours(con):
    load = parse_page_load({"uuid": UUID, "page": "/"})
    run(con, writes.page_load(load, "s", NOW, 0, WHO))
    beat = parse_heartbeat({"uuid": UUID, "delta": 30})
    for i in range(10):  # ten 30 s beats within 5 s of wall-clock time
        run(con, writes.heartbeat(beat, "s", NOW + 500 * i))
    assert con.execute("SELECT seconds FROM pageviews").fetchone() == (4 + 30,)
    cursor = con.execute(*((s := writes.heartbeat(beat, "s", NOW + 6 * 3600 * 1000 + 1)).sql, s.params))
    assert cursor.fetchall() == [(0,)]  # accepted = false
    assert con.execute("SELECT seconds FROM pageviews").fetchone() == (34,)


def test_init_after_a_404_hit_is_flagged_404(con):
    run(con, writes.hit("/missing", 404, "s", NOW - 2000, 0, WHO))
    load = parse_page_load({"uuid": UUID, "page": "/missing"})
    run(con, writes.page_load(load, "s", NOW, 0, WHO))
    assert con.execute("SELECT status FROM pageviews").fetchone() == (404,)
