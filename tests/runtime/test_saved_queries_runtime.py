"""The saved queries (queries/*.sql), run as the README says (`wrangler d1 execute --file`),
give the dashboard's numbers right after browsing: today included, before any daily job
(they read the live views of migration 0006, footfall/database/live_views.py)."""

import sqlite3
import time

import pytest

from footfall.days import local_day, shift_day
from footfall.report import stats
from support.d1 import LocalDatabase, wrangler_file
from support.http import Visitor, new_uuid
from support.inprocess import SqliteStore, run_sync
from support.processes import ROOT, apply_migrations, start_worker, wait_until

QUERIES = ROOT / "queries"
SITE = "saved.test"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.fixture(scope="module")
def browsed(tmp_path_factory, origin):
    """A Worker with a database of its own: three people browse the demo site (real time)."""
    state = tmp_path_factory.mktemp("saved")
    apply_migrations(state)
    proc, url = start_worker(state, {"ORIGIN_URL": origin})
    db = LocalDatabase(state)
    journeys = [
        ("198.51.100.21", [("/", "https://www.google.com/"), ("/about/", f"http://{SITE}/")]),
        ("198.51.100.22", [("/blog/hello.html", "https://t.co/x")]),
        ("198.51.100.23", [("/", ""), ("/missing-page", f"http://{SITE}/")]),
    ]
    for ip, pages in journeys:
        me = Visitor(url, SITE, {"User-Agent": CHROME, "Accept-Language": "en", "CF-Connecting-IP": ip})
        for path, referrer in pages:
            assert me.get(path, headers={"Sec-Fetch-Dest": "document"}).status in (200, 404)
            page_load = new_uuid()
            assert me.beacon("init", {"uuid": page_load, "page": path, "referrer": referrer}).status == 204
            assert me.beacon("heartbeat", {"uuid": page_load, "total": 1}).status == 204
        if ip.endswith("22"):
            event = {"uuid": page_load, "type": "outbound", "page": path, "url": "https://example.org/x", "seq": 1}
            assert me.beacon("event", event).status == 204
    assert wait_until(lambda: len(db.query("SELECT 1 FROM hits WHERE site = ?", (SITE,))) >= 5)
    yield state, db
    proc.stop()


def dashboard(db: LocalDatabase) -> dict:
    """The numbers the dashboard shows for the last 30 days, from the same database file."""
    now_ms = int(time.time() * 1000)
    today = local_day(now_ms)
    # The in-process kit may run the report on a thread of its own (where Playwright runs).
    con = sqlite3.connect(f"file:{db._file()}?mode=ro", uri=True, check_same_thread=False)
    con.row_factory = sqlite3.Row
    q = stats.Query(SITE, shift_day(today, -29), today, today, now_ms)
    report, _ = run_sync(stats.report(SqliteStore(con), q))
    return report


def saved(state, name: str) -> list[dict]:
    return wrangler_file(state, QUERIES / f"{name}.sql")


def test_saved_queries_give_the_dashboards_numbers_today_before_any_daily_job(browsed):
    state, db = browsed
    report = dashboard(db)
    assert report["totals"]["pageviews"] == 4  # the 404 is not a page view

    top = {r["path"]: (r["views"], r["daily_unique_visitors"]) for r in saved(state, "top-pages-30-days")}
    assert top == {p["path"]: (p["pageviews"], p["visitors"]) for p in report["pages"]}

    channels = {
        r["value"]: (r["views"], r["daily_unique_visitors"])
        for r in saved(state, "channels-and-referrers")
        if r["dimension"] == "channel"
    }
    assert channels == {d["value"]: (d["pageviews"], d["visitors"]) for d in report["dimensions"]["channel"]}
    assert "internal" not in channels

    assert {r["path"]: r["hits"] for r in saved(state, "not-found")} == {
        r["path"]: r["count"] for r in report["not_found"]
    }
    assert [(r["type"], r["url"], r["clicks"]) for r in saved(state, "outbound-links")] == [
        (e["type"], e["url"], e["count"]) for e in report["events"] if e["type"] == "outbound"
    ]
    coverage = {r["day"]: (r["tracked_pages"], r["pages_served"]) for r in saved(state, "coverage-by-day")}
    assert coverage == {d["day"]: (d["tracked"], d["hits"]) for d in report["series"] if d["hits"]}

    people_today = {r["path"]: r["page_loads"] for r in saved(state, "today") if r["bot_class"] == "person"}
    pages_today = {p["path"]: p["pageviews"] for p in report["pages"]}
    assert {p: n for p, n in people_today.items() if p in pages_today} == pages_today


def test_every_saved_query_runs(browsed):
    state, _ = browsed
    for file in sorted(QUERIES.glob("*.sql")):
        saved(state, file.stem)  # wrangler exits non-zero on an SQL error
