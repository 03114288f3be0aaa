"""The site selector lists every host with data, from its first page view on (issue #12: a
second host was invisible until the daily job had seen it)."""

import uuid

from footfall.days import local_day
from footfall.report import stats
from support.inprocess import InProcess, run_sync


def sites(app: InProcess) -> list[str]:
    today = local_day(app.now_ms)
    report, _ = run_sync(stats.report(app.store, stats.Query("example.com", today, today, today, app.now_ms)))
    return report["sites"]


def test_a_second_host_is_listed_on_its_first_day_and_after_the_job():
    app = InProcess()
    for host in ("example.com", "docs.example.com"):
        page_load = {"uuid": str(uuid.uuid4()), "page": "/", "referrer": ""}
        assert app.beacon("init", page_load, host=host).status == 204
    assert sites(app) == ["docs.example.com", "example.com"]
    app.advance(30 * 3600 * 1000)
    app.run_maintenance()
    assert sites(app) == ["docs.example.com", "example.com"]
