"""The exact statements and parameters the collection endpoints send to D1 (footfall.writes)."""

import sqlite3
from pathlib import Path

import pytest

from footfall import writes
from footfall.clock import local_day
from footfall.payload import parse_event, parse_heartbeat, parse_page_load

UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
NOW = 1_763_700_000_000  # 2025-11-21T04:40:00Z
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@pytest.fixture
def con():
    """The real schema in an in-memory SQLite: the statements must be valid against it."""
    con = sqlite3.connect(":memory:")
    for f in sorted(MIGRATIONS.glob("*.sql")):
        con.executescript(f.read_text())
    return con


def run(con, statement):
    return con.execute(statement.sql, statement.params).rowcount


def test_day_follows_the_offset():
    assert local_day(NOW) == "2025-11-21"
    assert local_day(NOW, -5 * 60) == "2025-11-20"
    assert local_day(NOW, 20 * 60) == "2025-11-22"


def test_page_load_heartbeat_event_round_trip(con):
    load = parse_page_load({"uuid": UUID, "page": "/a?utm_campaign=c", "referrer": "https://r.example/x?y"})
    assert run(con, writes.page_load(load, "blog.example", NOW)) == 1
    assert run(con, writes.page_load(load, "blog.example", NOW + 5)) == 0  # retried: ignored
    assert run(con, writes.heartbeat(parse_heartbeat({"uuid": UUID, "delta": 30}), "blog.example", NOW + 30_000)) == 1
    assert run(con, writes.heartbeat(parse_heartbeat({"uuid": UUID, "delta": 30}), "other.example", NOW)) == 0
    event = parse_event({"uuid": UUID, "type": "scroll", "name": "50", "page": "/a"})
    assert run(con, writes.event(event, "blog.example", NOW + 31_000)) == 1
    assert run(con, writes.event(event, "other.example", NOW)) == 0
    row = con.execute("SELECT path, referrer, referrer_host, utm_campaign, seconds, last_ts, day FROM pageviews").fetchone()
    assert row == ("/a", "https://r.example/x", "r.example", "c", 30, NOW + 30_000, "2025-11-21")
    assert con.execute("SELECT uuid, type, name, site FROM events").fetchall() == [(UUID, "scroll", "50", "blog.example")]


def test_statements_use_placeholders_only():
    load = parse_page_load({"uuid": UUID, "page": "/'; DROP TABLE x;--"})
    statement = writes.page_load(load, "s", NOW)
    assert "DROP" not in statement.sql and statement.sql.count("?") == len(statement.params)
