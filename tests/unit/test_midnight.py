"""A visit at 23:56 local time, then local midnight, then the daily job: every view shows the
same numbers before, during and after (issue #12: yesterday was empty for about six hours
after every midnight, until the job rolled it up)."""

import re
import uuid as uuid_module

from app.http import Client
from footfall.api import statsapi
from footfall.report import overview
from footfall.settings import parse_settings
from support.inprocess import BROWSER_UA, InProcess, run_sync
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


# An event belongs to its page view's day (as goals and funnels count it): a link clicked and a
# sign-up sent at 00:00:30 on a page loaded at 23:59 UTC count on the page's day, from raw rows,
# from the live view and from the rollups alike (the rollups used to keep neither day's share).
EVENT_DAY, NEXT_DAY = "2026-11-20", "2026-11-21"
PAGE_AT_2359 = 1_795_176_000_000 + (11 * 60 + 59) * MINUTE  # 2026-11-20 23:59 UTC
NEUTRAL = ["is_not", "event:page", ["/never"]]  # sends an API query to the raw rows unchanged
EVENTS_TRUTH = {
    "dashboard events": {("custom", "signup", ""): 2, ("outbound", "", "https://o.example/"): 1},
    "dashboard props": {("signup", "plan", "free"): 1, ("signup", "plan", "pro"): 1},
    "dashboard goals": {"signup": 2},
    "api events": [4, 4],  # the page view and its three events, from the rollups and from raw rows
    "api names": {"pageview": 1, "signup": 2, "Outbound Link: Click": 1},
    "api plan": {"free": 1, "pro": 1, "(none)": 2},
    "live view": {("custom", "signup", ""): 2, ("outbound", "", "https://o.example/"): 1},
}


def events_of_the_day(app: InProcess, day_to: str) -> dict:
    settings = parse_settings(app.variables)
    q, _ = statsapi.parse_dashboard(
        {"period": "custom", "from": EVENT_DAY, "to": day_to}, settings, app.site, app.now_ms
    )
    report = run_sync(overview.report(app.store, q, settings.goals))[0]

    def api(body: dict) -> list:
        body = {"date_range": [EVENT_DAY, day_to], **body}
        reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
        assert reply.status == 200, reply.text()
        return reply.json()["results"]

    def by_value(results: list) -> dict:
        return {r["dimensions"][0]: r["metrics"][0] for r in results}

    live = app.rows(
        "SELECT type, name, url, count FROM live_daily_events WHERE day BETWEEN ? AND ?", (EVENT_DAY, day_to)
    )
    return {
        "dashboard events": {(e["type"], e["name"], e["url"]): e["count"] for e in report["events"]},
        "dashboard props": {(p["name"], p["key"], p["value"]): p["count"] for p in report["props"]},
        "dashboard goals": {g["name"]: g["conversions"] for g in report["goals"]},
        "api events": [api({"metrics": ["events"]})[0]["metrics"][0]]
        + [api({"metrics": ["events"], "filters": [NEUTRAL]})[0]["metrics"][0]],
        "api names": by_value(api({"metrics": ["events"], "dimensions": ["event:name"]})),
        "api plan": by_value(api({"metrics": ["events"], "dimensions": ["event:props:plan"]})),
        "live view": {(r["type"], r["name"], r["url"]): r["count"] for r in live},
    }


def test_events_after_midnight_count_on_their_page_views_day_before_and_after_the_daily_job():
    variables = {"DASHBOARD_TOKEN": DASHBOARD_TOKEN, "EVENT_NAMES": "signup", "GOALS": "signup"}
    app = InProcess(variables, now_ms=PAGE_AT_2359)
    page_load = str(uuid_module.uuid4())
    assert app.beacon("init", {"uuid": page_load, "page": "/", "referrer": ""}).status == 204
    app.advance(20_000)
    signup = {"uuid": page_load, "type": "custom", "name": "signup", "page": "/"}
    assert app.beacon("event", {**signup, "seq": 1, "props": {"plan": "pro"}}).status == 204
    app.advance(70_000)  # 00:00:30, the next day
    link = {"uuid": page_load, "seq": 2, "type": "outbound", "page": "/", "url": "https://o.example/"}
    assert app.beacon("event", link).status == 204
    assert app.beacon("event", {**signup, "seq": 3, "props": {"plan": "free"}}).status == 204
    assert [r["day"] for r in app.rows("SELECT day FROM events ORDER BY seq")] == [EVENT_DAY, NEXT_DAY, NEXT_DAY]

    def both_ranges() -> list[dict]:
        return [events_of_the_day(app, EVENT_DAY), events_of_the_day(app, NEXT_DAY)]

    assert both_ranges() == [EVENTS_TRUTH, EVENTS_TRUTH]
    app.advance(7 * 60 * MINUTE)  # 07:00: the job rolls the page's day up, not the events' day
    assert app.run_maintenance()["rolled_up"] == [EVENT_DAY]
    assert both_ranges() == [EVENTS_TRUTH, EVENTS_TRUTH]
    app.advance(24 * 60 * MINUTE)  # and the day after
    assert app.run_maintenance()["rolled_up"] == [NEXT_DAY]
    assert both_ranges() == [EVENTS_TRUTH, EVENTS_TRUTH]
