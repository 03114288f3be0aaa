"""The maintenance job's SQL (footfall.database.rollups) on the real schema in SQLite, against
hand-computed truth."""

import json
from datetime import UTC

import pytest

from footfall import days
from footfall.database import rollups
from support.schema import memory_database

DAY = "2026-11-20"
T0 = 1_795_132_800_000  # 2026-11-20T00:00:00Z
MIN = 60_000


@pytest.fixture
def con():
    con = memory_database()
    return con


def pageview(con, uuid, visitor, minute, path, seconds, bot_class="person", status=None, site="s", **extra):
    ts = T0 + minute * MIN
    cols = dict(
        uuid=uuid,
        site=site,
        ts=ts,
        day=DAY,
        path=path,
        visitor=visitor,
        seconds=seconds,
        last_ts=ts + seconds * 1000,
        bot_class=bot_class,
        status=status,
        **extra,
    )
    con.execute(
        f"INSERT INTO pageviews ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", tuple(cols.values())
    )


def hit(con, visitor, path, status, bot_class="person", site="s"):
    con.execute(
        "INSERT INTO hits (site, ts, day, path, status, visitor, bot_class) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (site, T0, DAY, path, status, visitor, bot_class),
    )


def roll(con, day=DAY):
    for statement in rollups.rollup_day(day, T0 + 2 * 86_400_000):
        con.execute(statement.sql, statement.params)


def seed(con):
    # Visitor a: one visit of three pages (/ -> /x -> /y), then 40 minutes later a bounce on /y.
    pageview(con, "a1", "a", 0, "/", 20, channel="search", country="DE", device="desktop")
    pageview(con, "a2", "a", 1, "/x", 30, channel="internal", country="DE", device="desktop")
    pageview(con, "a3", "a", 2, "/y", 0, channel="internal", country="DE", device="desktop")
    pageview(con, "a4", "a", 42, "/y", 5, channel="direct", country="DE", device="desktop")
    # Visitor b: one page, 12 s: a visit but not a bounce.
    pageview(con, "b1", "b", 10, "/", 12, channel="social", country="FR", device="mobile")
    # Not page views: a 404 and a crawler.
    pageview(con, "c1", "c", 5, "/gone", 3, status=404)
    pageview(con, "d1", "d", 5, "/", 0, bot_class="ai_crawler")
    hit(con, "a", "/", 200)
    hit(con, "b", "/", 200)
    hit(con, "e", "/", 200)  # no JavaScript: a hit without a page view
    hit(con, "c", "/gone", 404)
    hit(con, "d", "/", 200, bot_class="ai_crawler")
    con.execute(
        "INSERT INTO events (uuid, seq, site, ts, day, type, url, path, bot_class) VALUES "
        "('a1', 1, 's', ?, ?, 'outbound', 'https://o.example/', '/', 'person'), "
        "('a2', 1, 's', ?, ?, 'outbound', 'https://o.example/', '/x', 'person'), "
        "('b1', 1, 's', ?, ?, 'outbound', 'https://o.example/', '/', 'person')",
        (T0, DAY) * 3,
    )


def rows(con, sql):
    cur = con.execute(sql)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_pages_visits_bounces_and_coverage(con):
    seed(con)
    roll(con)
    pages = {r["path"]: r for r in rows(con, "SELECT * FROM daily_pages")}
    assert set(pages) == {"/", "/x", "/y", "/gone"}
    root, y = pages["/"], pages["/y"]
    assert (root["views"], root["visitors"], root["visits"], root["bounces"]) == (2, 2, 2, 0)
    assert (y["views"], y["visitors"], y["visits"], y["bounces"]) == (2, 1, 1, 1)
    assert (pages["/x"]["visits"], pages["/x"]["seconds_sum"], pages["/x"]["seconds_count"]) == (0, 30, 1)
    assert json.loads(y["seconds_hist"]) == {"0": 1, "5": 1}
    assert (root["hits"], root["not_found"]) == (3, 0)  # a, b and the no-JS visitor e; not the crawler
    assert (pages["/gone"]["views"], pages["/gone"]["not_found"]) == (0, 1)


def test_dimensions_and_bot_classes(con):
    seed(con)
    roll(con)
    all_dims = rows(con, "SELECT * FROM daily_dimensions")
    dims = {(r["dimension"], r["value"]): (r["views"], r["visitors"]) for r in all_dims}
    visits = {(r["dimension"], r["value"]): (r["visits"], r["bounces"]) for r in all_dims}
    assert dims[("country", "DE")] == (4, 1) and dims[("country", "FR")] == (1, 1)
    # A visit's source is its entry view's: a's first visit came from search and viewed three
    # pages; its second (a bounce, 40 minutes later) was direct. Internal navigation is never a
    # channel.
    assert ("channel", "internal") not in dims
    assert dims[("channel", "search")] == (3, 1) and visits[("channel", "search")] == (1, 0)
    assert dims[("channel", "direct")] == (1, 1) and visits[("channel", "direct")] == (1, 1)
    assert visits[("country", "DE")] == (2, 1) and visits[("total", "all")] == (3, 1)
    assert dims[("device", "mobile")] == (1, 1)
    assert dims[("class", "ai_crawler")] == (1, 1) and dims[("class", "person")] == (6, 3)
    assert dims[("hit_class", "person")] == (4, 4)
    assert dims[("bot_page", "ai_crawler /")] == (1, 1)


def test_events(con):
    seed(con)
    roll(con)
    assert rows(con, "SELECT type, url, count, visitors FROM daily_events") == [
        {"type": "outbound", "url": "https://o.example/", "count": 3, "visitors": 2}
    ]


def test_rolling_a_day_twice_gives_the_same_rows(con):
    seed(con)
    roll(con)
    first = [
        rows(con, f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in ("daily_pages", "daily_dimensions", "daily_events")
    ]
    roll(con)
    again = [
        rows(con, f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in ("daily_pages", "daily_dimensions", "daily_events")
    ]
    assert first == again
    assert rows(con, "SELECT done_until FROM maintenance") == [{"done_until": DAY}]


@pytest.mark.parametrize(
    "now_iso,offset,closed",
    [
        ("2026-11-21T05:59:00", 0, "2026-11-19"),  # yesterday's page loads may still get heartbeats
        ("2026-11-21T06:01:00", 0, "2026-11-20"),
        ("2026-11-21T06:01:00", -120, "2026-11-19"),  # two hours west: the 20th closes at 08:00 UTC
        ("2026-11-21T03:30:00", 180, "2026-11-20"),  # three hours east
    ],
)
def test_last_closed_day_follows_the_offset_and_the_heartbeat_window(now_iso, offset, closed):
    from datetime import datetime

    now = int(datetime.fromisoformat(now_iso).replace(tzinfo=UTC).timestamp() * 1000)
    assert days.last_closed_day(now, offset) == closed
