"""The request path's statements read what they need through an index, at any traffic: D1
bills rows read, and a lookup that scans a day's rows costs more as the site grows."""

from footfall.database import sql
from support.inprocess import migrated_sqlite


def plan(statement: str, params: int) -> str:
    con = migrated_sqlite()
    rows = con.execute(f"EXPLAIN QUERY PLAN {statement}", [None] * params).fetchall()
    return " | ".join(r["detail"] for r in rows)


def test_init_finds_the_proxys_hit_by_visitor_not_by_scanning_the_window():
    # Before migration 0004 the lookup ran on (day, site, ts) with day as a range: it read
    # every hit of the day (about 500 rows per /init at 1,000 views a day in bench/capacity.py).
    detail = plan(sql.INSERT_PAGE_LOAD, 27)
    assert "hits_day_site_visitor_ts (day=? AND site=? AND visitor=? AND ts>?)" in detail, detail


def test_heartbeat_and_event_find_their_page_load_by_its_key():
    assert "USING PRIMARY KEY (uuid=?)" in plan(sql.ADD_TIME_ON_PAGE, 6)
    assert "USING PRIMARY KEY (uuid=?)" in plan(sql.INSERT_EVENT, 11)
