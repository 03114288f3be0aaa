"""The daily job when things are not as planned: the database full, a bad variable that is not
the job's, the day boundary moved west. Each was a way to lose rows, keep them past their
retention, or stop the job for good."""

import pytest

from app.http import Client
from footfall.database import rollups
from footfall.database.store import StorageError
from support.inprocess import InProcess, SqliteStore, run_sync
from support.owner import BEARER, DASHBOARD_TOKEN

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def view(app: InProcess, n: int, page: str = "/") -> None:
    reply = app.beacon("init", {"uuid": uid(n), "page": page, "referrer": ""}, client=Client(ip=f"198.51.100.{n}"))
    assert reply.status == 204


def pageviews(app: InProcess, day: str) -> int:
    body = {"date_range": [day, day], "metrics": ["pageviews"]}
    reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status == 200, reply.text()
    return reply.json()["results"][0]["metrics"][0]


class FullAfterPurges(SqliteStore):
    """A database at its size cap: every insert is refused (as SQLite's SQLITE_FULL), deletes
    go through."""

    def __init__(self):
        super().__init__()
        self.full = False

    def _run(self, statement):
        if self.full and statement.sql.lstrip().upper().startswith("INSERT"):
            raise StorageError(f"{statement.name} failed: database or disk is full")
        return super()._run(statement)


def test_a_full_database_still_purges_what_retention_drops_and_then_rolls_up():
    store = FullAfterPurges()
    app = InProcess({"RETENTION_DAYS": "3"}, store=store)
    for n in range(3):
        view(app, n)
    app.advance(DAY_MS)
    app.run_maintenance()  # the first day rolled up
    app.advance(5 * DAY_MS)
    view(app, 9)  # a later day, to roll up
    app.advance(DAY_MS)
    store.full = True
    with pytest.raises(StorageError, match="full"):
        app.run_maintenance()
    # The old day's raw rows went all the same: the room the next run needs.
    assert app.count("pageviews") == 1
    store.full = False
    app.run_maintenance()
    assert (
        app.count("pageviews") == 1 and app.rows("SELECT done_until FROM maintenance")[0]["done_until"] > "2026-11-21"
    )


def test_a_bad_variable_the_job_does_not_read_does_not_stop_salts_and_retention():
    app = InProcess({"RETENTION_DAYS": "3"})
    view(app, 1)
    app.variables["CORS_ORIGINS"] = "not an origin"  # collection answers 500 now; the job must go on
    app.advance(6 * DAY_MS)
    app.run_maintenance()
    assert app.count("pageviews") == 0  # past its retention
    assert app.rows("SELECT day FROM salts") == []  # past its two days
    app.variables["RETENTION_DAYS"] = "many"  # one the job reads: it stops rather than guess
    with pytest.raises(Exception, match="RETENTION_DAYS"):
        app.run_maintenance()


def test_moving_the_day_boundary_west_loses_no_row():
    # A day rolled up at 06:17 UTC is open again in Los Angeles (22:30 the evening before):
    # rows stored on it now must be counted, that day and after it is rolled up again.
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    view(app, 1, "/before")
    day = app.rows("SELECT day FROM pageviews")[0]["day"]
    app.advance(DAY_MS - 12 * HOUR_MS + 6 * HOUR_MS + 17 * 60_000)  # the next day, 06:17 UTC
    app.run_maintenance()
    assert app.rows("SELECT done_until FROM maintenance")[0]["done_until"] == day
    app.variables["TIMEZONE"] = "America/Los_Angeles"
    app.advance(13 * 60_000)  # 06:30 UTC: 22:30 on `day` in Los Angeles
    view(app, 2, "/after")
    view(app, 3, "/after")
    assert app.rows("SELECT DISTINCT day FROM pageviews") == [{"day": day}]
    app.run_maintenance()
    assert pageviews(app, day) == 3
    app.advance(DAY_MS)  # Los Angeles' `day` over, and the next one too
    app.run_maintenance()
    assert pageviews(app, day) == 3
    assert app.rows("SELECT views FROM daily_totals WHERE day = ?", (day,)) == [{"views": 3}]


def test_rollups_undone_count_a_whole_month_once_until_rolled_up_again():
    # Days taken back to raw rows (a copy brought a rolled-up day rows it lacked, the boundary
    # moved west): a month's rows must not still hold them while they are read raw too.
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    app.advance(9 * DAY_MS)  # 2026-11-29
    view(app, 1)
    view(app, 2)
    app.advance(3 * DAY_MS)  # December: November is whole and rolled up
    app.run_maintenance()
    november = {"date_range": ["2026-11-01", "2026-11-30"], "metrics": ["pageviews"]}

    def month() -> int:
        return app.post("/_ff/api/v1/query", november, headers=BEARER).json()["results"][0]["metrics"][0]

    assert month() == 2
    run_sync(app.store.batch(rollups.unroll_after("2026-11-28", app.now_ms)))
    assert app.rows("SELECT done_until FROM maintenance") == [{"done_until": "2026-11-28"}]
    assert month() == 2 and pageviews(app, "2026-11-29") == 2
    app.run_maintenance()
    assert month() == 2 and app.rows("SELECT views FROM daily_totals") == [{"views": 2}]
