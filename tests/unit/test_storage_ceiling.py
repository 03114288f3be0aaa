"""The database's ceiling (issue #18): its size against the plan's cap on the dashboard, the
days left at the logged rate, a warning from 80 %, and a full database costing analytics
only: beacons answer 503, the site keeps working."""

import uuid

import pytest

from footfall.database import storage
from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

MB = 10**6


@pytest.mark.parametrize(
    "size,log,share,days_left,warn",
    [
        (100 * MB, [], 0.2, None, False),  # no history yet: no rate
        (
            100 * MB,
            [{"day": "2026-11-13", "bytes": 93 * MB}, {"day": "2026-11-20", "bytes": 100 * MB}],
            0.2,
            400,
            False,
        ),
        (400 * MB, [{"day": "2026-11-19", "bytes": 390 * MB}, {"day": "2026-11-20", "bytes": 400 * MB}], 0.8, 10, True),
        (
            450 * MB,
            [{"day": "2026-11-19", "bytes": 460 * MB}, {"day": "2026-11-20", "bytes": 450 * MB}],
            0.9,
            None,
            True,
        ),
        (
            500 * MB,
            [{"day": "2026-11-19", "bytes": 490 * MB}, {"day": "2026-11-20", "bytes": 500 * MB}],
            1.0,
            None,
            True,
        ),
    ],
    ids=["no-history", "a-week-of-growth", "at-80-percent", "shrinking-after-a-purge", "full"],
)
def test_share_days_left_and_warning(size, log, share, days_left, warn):
    s = storage.summary(size, log, 500 * MB)
    assert (s["share"], s["days_left"], s["warn"]) == (share, days_left, warn)


def test_the_dashboard_shows_the_size_and_the_job_logs_it_daily():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN, "DB_SIZE_CAP_MB": "1"})
    app.beacon("init", {"uuid": str(uuid.uuid4()), "page": "/", "referrer": ""})
    summary = app.run_maintenance()
    assert app.rows("SELECT bytes FROM storage_log") == [{"bytes": summary["bytes"]}] and summary["bytes"] > 0
    page = app.get("/_ff/dashboard", headers=BEARER).text()
    # The in-memory test database is a few hundred KB: a good share of a 1 MB cap.
    assert "Database: " in page and "MB of 1 MB" in page


def test_a_full_database_answers_beacons_503_and_the_site_keeps_working():
    app = InProcess()
    app.origin.pages["/"] = (200, {"content-type": "text/html"}, b"<html><head></head><body>hi</body></html>")
    pages = app.store.con.execute("PRAGMA page_count").fetchone()[0]
    app.store.con.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    failures = 0
    for _ in range(50):  # fills the last free pages, then every insert fails
        reply = app.beacon("init", {"uuid": str(uuid.uuid4()), "page": "/" + "x" * 1500, "referrer": ""})
        assert reply.status in (204, 503)
        if reply.status == 503:
            failures += 1
            assert reply.headers.get("retry-after") and reply.json()["error"] == "storage_unavailable"
    assert failures > 0
    site = app.get("/")
    assert site.status == 200 and b"hi" in (site.body if isinstance(site.body, bytes) else site.text().encode())
