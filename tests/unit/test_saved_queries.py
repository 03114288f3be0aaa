"""The saved queries (queries/*.sql) say "today" in the owner's days, not UTC's."""

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from support.inprocess import InProcess

QUERIES = Path(__file__).resolve().parents[2] / "queries"


def offset_where_the_local_date_differs_from_utc() -> str:
    """+14:00 moves the date forward after 10:00 UTC; -12:00 moves it back before 12:00 UTC."""
    return "+14:00" if datetime.now(UTC).hour >= 10 else "-12:00"


def test_today_sql_reads_the_local_day_the_worker_wrote():
    # The seam bug: today.sql compared local `day` values with UTC date('now'), so for hours
    # each day it showed nothing (or yesterday) to an owner east or west of UTC.
    app = InProcess({"DAY_UTC_OFFSET": offset_where_the_local_date_differs_from_utc()}, now_ms=int(time.time() * 1000))
    assert app.beacon("init", {"uuid": str(uuid.uuid4()), "page": "/local", "referrer": ""}).status == 204
    app.run_maintenance()  # keeps day_clock in step with DAY_UTC_OFFSET
    rows = app.rows((QUERIES / "today.sql").read_text())
    assert [(r["path"], r["page_loads"]) for r in rows] == [("/local", 1)]


def test_local_today_is_utc_until_the_job_first_runs_and_follows_the_offset_after():
    app = InProcess({"DAY_UTC_OFFSET": "+05:30"}, now_ms=int(time.time() * 1000))
    utc = app.rows("SELECT date('now') AS d")[0]["d"]
    assert app.rows("SELECT day FROM local_today")[0]["day"] == utc
    app.run_maintenance()
    assert app.rows("SELECT modifier FROM day_clock")[0]["modifier"] == "+330 minutes"
    local = app.rows("SELECT date('now', '+330 minutes') AS d")[0]["d"]
    assert app.rows("SELECT day FROM local_today")[0]["day"] == local
