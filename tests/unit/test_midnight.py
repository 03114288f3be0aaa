"""A visit at 23:56 local time, then local midnight, then the daily job: every view shows the
same numbers before, during and after (issue #12: yesterday was empty for about six hours
after every midnight, until the job rolled it up)."""

import re
import uuid as uuid_module

from app.http import Client
from support.inprocess import BROWSER_UA, InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

# 2026-11-20 18:56 UTC = 23:56 at +05:00.
LOCAL_2356 = 1_795_176_000_000 + (6 * 60 + 56) * 60_000
DAY = "2026-11-20"
MINUTE = 60_000


def browse(app: InProcess) -> None:
    headers = {"user-agent": BROWSER_UA, "accept-language": "en", "sec-fetch-mode": "no-cors"}
    client = Client(ip="198.51.100.7", country="DE")
    for page, referrer in (("/", "https://www.google.com/"), ("/a", "https://example.com/"), ("/", "")):
        page_load = str(uuid_module.uuid4())
        assert (
            app.post(
                "/_ff/init", {"uuid": page_load, "page": page, "referrer": referrer}, headers=headers, client=client
            ).status
            == 204
        )
        app.advance(30_000)
        assert (
            app.post("/_ff/heartbeat", {"uuid": page_load, "total": 30}, headers=headers, client=client).status == 204
        )


def views_of_the_day(app: InProcess) -> dict:
    api = app.get(
        f"/_ff/api/v1/query?date_range=custom&from={DAY}&to={DAY}&metrics=visitors,pageviews,visits", headers=BEARER
    ).json()["results"][0]["metrics"]
    week = app.get("/_ff/api/v1/query?date_range=7d&metrics=pageviews&dimensions=time:day", headers=BEARER).json()
    series = {r["dimensions"][0]: r["metrics"][0] for r in week["results"]}
    dashboard = app.get("/_ff/dashboard?period=7d", headers=BEARER)
    assert dashboard.status == 200
    svg = app.get("/_ff/history/.svg", headers=BEARER).text()
    return {
        "api": api,
        "7d series": series.get(DAY),
        "history": re.search(r"<text[^>]*>([^<]*)</text>", svg).group(1),
        "dashboard shows 3 page views": ">3<" in dashboard.text(),
    }


def test_yesterday_is_the_same_before_midnight_after_it_and_after_the_daily_job():
    app = InProcess({"DAY_UTC_OFFSET": "+05:00", "DASHBOARD_TOKEN": DASHBOARD_TOKEN}, now_ms=LOCAL_2356)
    browse(app)  # ends at 23:57:30 local
    before = views_of_the_day(app)
    assert before["api"] == [1, 3, 1] and before["7d series"] == 3  # one visit of three pages
    assert before["history"].startswith("/: 2 views")
    app.advance(10 * MINUTE)  # 00:07 local: the day is yesterday now, not rolled up
    assert views_of_the_day(app) == before
    assert app.run_maintenance()["rolled_up"] == []  # still inside the heartbeat window
    assert views_of_the_day(app) == before
    app.advance(6 * 60 * MINUTE)  # 06:07 local: the job rolls the day up
    assert app.run_maintenance()["rolled_up"] == [DAY]
    assert views_of_the_day(app) == before
