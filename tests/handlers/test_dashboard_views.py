"""The dashboard read at a glance (#19), in process against hand-computed truth: today and
yesterday by hour (before and after the daily job), long ranges by week and month, the graph of
the top-line number the owner clicks, tabs and full lists with a text filter and pages, and
panels that say when a filter does not apply to them."""

import re
import uuid as uuid_module

import pytest

from app.http import Client
from footfall.api import statsapi
from footfall.report import overview
from footfall.settings import parse_settings
from support.inprocess import BROWSER_UA, InProcess, run_sync
from support.owner import BEARER, DASHBOARD_TOKEN

NOON = 1_795_176_000_000  # 2026-11-20 12:00 UTC
TODAY, YESTERDAY = "2026-11-20", "2026-11-19"
HOUR, MINUTE, DAY = 3_600_000, 60_000, 86_400_000
GOOGLE = "https://www.google.com/"
HN = "https://news.ycombinator.com/item?id=1"
INSIDE = "https://example.com/"


class Visitor:
    def __init__(self, app: InProcess, ip: str, country: str = "DE"):
        self.app, self.client = app, Client(ip=ip, country=country)
        self.headers = {"user-agent": BROWSER_UA, "accept-language": "en", "sec-fetch-mode": "no-cors"}

    def view(self, page: str, referrer: str, seconds: int) -> "Visitor":
        uuid = str(uuid_module.uuid4())
        reply = self.app.post("/_ff/init", {"uuid": uuid, "page": page, "referrer": referrer}, **self._kw())
        assert reply.status == 204
        self.app.advance(seconds * 1000)
        assert self.app.post("/_ff/heartbeat", {"uuid": uuid, "total": seconds}, **self._kw()).status == 204
        self.app.advance(1000)
        return self

    def _kw(self) -> dict:
        return {"headers": self.headers, "client": self.client}


def at(app: InProcess, ms: int) -> InProcess:
    app.now_ms = ms
    return app


@pytest.fixture
def app() -> InProcess:
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN}, now_ms=NOON - DAY + 9 * HOUR + 10 * MINUTE - 12 * HOUR)
    Visitor(app, "198.51.100.9").view("/", GOOGLE, 4)  # yesterday 09:10: a bounce from search
    Visitor(at(app, NOON - 4 * HOUR + 5 * MINUTE), "198.51.100.1").view("/", GOOGLE, 10).view("/pricing", INSIDE, 20)
    Visitor(at(app, NOON - 3 * HOUR + 30 * MINUTE), "198.51.100.2").view("/pricing", "", 8)
    Visitor(at(app, NOON - 3 * HOUR + 45 * MINUTE), "198.51.100.3", "FR").view("/blog", HN, 3)
    Visitor(at(app, NOON - HOUR), "198.51.100.4").view("/", "", 30)
    Visitor(at(app, NOON - 2 * MINUTE), "198.51.100.5").view("/blog", GOOGLE, 40)
    at(app, NOON)
    return app


def report(app: InProcess, **params) -> dict:
    settings = parse_settings(app.variables)
    q, _ = statsapi.parse_dashboard(params, settings, app.site, app.now_ms)
    return run_sync(overview.report(app.store, q, settings.goals))[0]


def by_hour(r: dict) -> dict[str, list]:
    """Non-empty hours: [visitors, page views, visits, bounce rate]."""
    return {
        p["time"][11:16]: [p["visitors"], p["pageviews"], p["visits"], p["bounce_rate"]]
        for p in r["graph"]["points"]
        if p["pageviews"]
    }


def page(app: InProcess, query: str) -> str:
    reply = app.get(f"/_ff/dashboard?{query}", headers=BEARER)
    assert reply.status == 200, reply.text()
    return reply.text()


# Hand-computed, today: 08:05 a visit of / and /pricing from Google (30 s, no bounce); 09:30
# /pricing for 8 s and 09:45 /blog for 3 s (two bounces); 11:00 / for 30 s; 11:58 /blog, 40 s.
TODAY_BY_HOUR = {
    "08:00": [1, 2, 1, 0.0],
    "09:00": [2, 2, 2, 1.0],
    "11:00": [2, 2, 2, 0.0],
}


def test_today_is_drawn_by_hour(app):
    r = report(app, period="today")
    assert r["graph"]["grain"] == "hour"
    assert [p["time"] for p in r["graph"]["points"]] == [f"{TODAY} {h:02d}:00:00" for h in range(13)]  # up to noon
    assert by_hour(r) == TODAY_BY_HOUR
    html = page(app, "period=today")
    assert "Daily unique visitors by hour" in html
    assert html.count("<circle") == 13


def test_yesterday_by_hour_is_the_same_before_and_after_the_daily_job(app):
    before = report(app, period="yesterday")
    assert by_hour(before) == {"09:00": [1, 1, 1, 1.0]}
    at(app, NOON + 7 * HOUR)  # 19:00: yesterday's page loads can no longer change
    app.run_maintenance()
    assert app.rows("SELECT done_until FROM maintenance") == [{"done_until": YESTERDAY}]
    after = report(app, period="yesterday")
    assert after["graph"] == before["graph"]
    assert len(after["graph"]["points"]) == 24


@pytest.mark.parametrize(
    "params,grain",
    [
        ({"period": "7d"}, "day"),
        ({"period": "30d"}, "day"),
        ({"period": "30d", "interval": "week"}, "week"),
        ({"period": "12mo"}, "month"),
        ({"period": "12mo", "interval": "week"}, "week"),
        ({"period": "7d", "interval": "hour"}, "day"),  # seven days are too many hours: by day
        ({"period": "today", "interval": "month"}, "hour"),  # one day has no months
    ],
)
def test_longer_ranges_are_drawn_by_day_week_or_month(app, params, grain):
    r = report(app, **params)
    assert r["graph"]["grain"] == grain
    # Six page views in five visits today, one yesterday.
    views, visit_count = (6, 5) if params["period"] == "today" else (7, 6)
    assert sum(p["pageviews"] for p in r["graph"]["points"]) == r["totals"]["pageviews"] == views
    assert sum(p["visits"] for p in r["graph"]["points"]) == r["totals"]["visits"] == visit_count


def test_a_year_by_month_names_each_month_by_its_first_day(app):
    points = report(app, period="12mo")["graph"]["points"]
    assert [p["time"] for p in points][:2] == ["2025-12-01", "2026-01-01"] and points[-1]["time"] == "2026-11-01"
    assert points[-1]["pageviews"] == 7 and len(points) == 12


@pytest.mark.parametrize(
    "metric,title,today",
    [
        ("pageviews", "Page views by hour", "2"),
        ("visits", "Visits by hour", "2"),
        ("bounce_rate", "Bounce rate by hour", "100 %"),
        ("time_on_page", "Median time on page by hour", "30s"),  # 11:00: 30 s and 40 s
    ],
)
def test_the_graph_plots_the_top_line_number_clicked(app, metric, title, today):
    html = page(app, f"period=today&metric={metric}")
    assert f">{title}</h2>" in html
    current = re.search(r'<a href="[^"]*metric=(\w+)[^"]*" class="top on" aria-current="true">', html)
    assert current and current.group(1) == metric
    assert f"max {today}" in html


def test_sources_devices_and_pages_are_tabs_of_one_card_each(app):
    html = page(app, "period=today")
    assert re.findall(r'<h2 id="card-\w+">(\w+)</h2>', html) == ["Sources", "Pages", "Locations", "Devices"]
    assert "news.ycombinator.com" not in html  # referrers are a tab that is not open
    html = page(app, "period=today&sources=referrer_host")
    assert 'aria-current="true" class="on">Referrers</a>' in html
    assert ">news.ycombinator.com</a>" in html and ">www.google.com</a>" in html


def test_a_full_list_filters_by_text_and_pages():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN}, now_ms=NOON - HOUR)
    for n in range(60):
        Visitor(app, f"198.51.100.{n}").view(f"/notes/{n:02d}", "", 20)
    html = page(app, "period=today&list=pages")
    assert html.count('href="/_ff/dashboard?period=today&amp;page=%2Fnotes%2F') == 50
    assert "Page 1 of 2" in html and ">Next</a>" in html
    html = page(app, "period=today&list=pages&p=2")
    assert html.count('href="/_ff/dashboard?period=today&amp;page=%2Fnotes%2F') == 10
    html = page(app, "period=today&list=pages&q=NOTES%2F4")
    assert html.count('href="/_ff/dashboard?period=today&amp;page=%2Fnotes%2F4') == 10
    assert "10 of 60 rows match" in html and "Page 1 of" not in html
    assert 'name="q" value="NOTES/4"' in html and '<input type="hidden" name="list" value="pages">' in html


@pytest.mark.parametrize(
    "query,shown",
    [("period=today", True), ("period=today&page=%2Fblog", True), ("period=today&channel=search", False)],
    ids=["unfiltered", "page", "channel"],
)
def test_coverage_and_404s_say_when_a_filter_does_not_apply_to_them(app, query, shown):
    html = page(app, query)
    coverage = html[html.index(">Tracking coverage</h2>") :]
    not_found = html[html.index(">Not found (404)</h2>") :]
    if shown:
        assert "Not shown under" not in coverage and "Not shown under" not in not_found
    else:
        assert "Not shown under the channel filter" in coverage
        assert "Not shown under the channel filter" in not_found
        assert "Bots have no visits" in html


@pytest.mark.parametrize(
    "query,visitors,pageviews",
    [("period=today", 1, 1), ("period=today&channel=search", 1, 1), ("period=today&channel=direct", 0, 0)],
)
def test_the_last_five_minutes_follow_the_filters(app, query, visitors, pageviews):
    html = page(app, query)
    assert f"<b>{visitors}</b> visitors, <b>{pageviews}</b> page views" in html


def test_the_previous_days_hours_are_drawn_the_same_before_and_after_the_daily_job(app):
    """The dashed line of today by hour is yesterday by hour: once yesterday is rolled up, its
    hours come from g_rows (footfall.report.stats), which the comparison must read too."""
    settings = parse_settings(app.variables)
    q, _ = statsapi.parse_dashboard({"period": "today"}, settings, app.site, app.now_ms)

    def dashed() -> tuple[dict, int]:
        compared = run_sync(overview.report(app.store, q, settings.goals, "previous"))[0]["compare"]
        return by_hour(compared), compared["totals"]["visitors"]

    before = dashed()
    assert before == ({"09:00": [1, 1, 1, 1.0]}, 1)
    app.run_maintenance()
    assert app.rows("SELECT done_until FROM maintenance") == [{"done_until": YESTERDAY}]
    assert dashed() == before
