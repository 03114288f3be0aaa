"""The stats API answers a query from the rollups when it can (the fast path) and from raw rows
otherwise (footfall.api.apiv2): the two readings of the same rows give the same answer. A
filter every event passes sends a query to the raw rows without changing it."""

import uuid
from datetime import UTC, datetime

from app.http import Client
from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

# A filter no event fails: the same query, answered from raw rows.
NEUTRAL = ["is_not", "event:page", ["/never"]]


def load(app: InProcess, path: str, client: Client) -> None:
    body = {"uuid": str(uuid.uuid4()), "page": path, "referrer": ""}
    assert app.beacon("init", body, client=client).status == 204
    app.advance(1000)


def both(app: InProcess, body: dict) -> tuple[dict, dict]:
    """(fast, raw) answers to one query body."""
    fast = app.post("/_ff/api/v1/query", body, headers=BEARER)
    raw = app.post("/_ff/api/v1/query", {**body, "filters": [NEUTRAL]}, headers=BEARER)
    assert fast.status == raw.status == 200, (fast.text(), raw.text())
    return fast.json(), raw.json()


def test_every_exit_page_is_listed_and_counted_for_pagination():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    for n in range(25):
        load(app, f"/p/{n:02d}", Client(ip=f"198.51.100.{n + 1}", country="DE"))
    body = {
        "date_range": "day",
        "metrics": ["visits"],
        "dimensions": ["visit:exit_page"],
        "include": {"total_rows": True},
    }
    for answer in both(app, body):
        assert len(answer["results"]) == 25 and answer["meta"]["total_rows"] == 25
    last_page = {**body, "pagination": {"limit": 10, "offset": 20}}
    fast, raw = both(app, last_page)
    assert fast["results"] == raw["results"] and [r["dimensions"] for r in fast["results"]] == [
        [f"/p/{n}"] for n in range(20, 25)
    ]


def test_a_country_without_a_name_has_no_row_in_either_reading():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    load(app, "/", Client(ip="198.51.100.1", country="T1"))  # Tor: Cloudflare's code, no country
    load(app, "/", Client(ip="198.51.100.2", country="DE"))
    body = {"date_range": "day", "metrics": ["visitors"], "dimensions": ["visit:country_name"]}
    fast, raw = both(app, body)
    assert [[r["dimensions"], r["metrics"]] for r in fast["results"]] == [[["Germany"], [1]]]
    assert fast["results"] == raw["results"]


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def rows(answer: dict) -> list:
    return [[r["dimensions"], r["metrics"]] for r in answer["results"]]


def test_a_time_bucket_is_the_rows_own_day_across_a_daylight_saving_change():
    """Europe/Berlin: +02:00 until 2024-10-27, +01:00 after. 22:30 UTC on 10-20 was 00:30 on
    10-21 and is stored on 10-21; the raw rows read today's offset (+01:00), which put it on 10-20."""
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN, "TIMEZONE": "Europe/Berlin"})
    app.now_ms = at("2024-10-20T22:30:00")
    load(app, "/", Client(ip="198.51.100.1", country="DE"))
    app.now_ms = at("2024-10-21T10:00:00")  # 12:00 CEST
    load(app, "/", Client(ip="198.51.100.2", country="DE"))
    app.now_ms = at("2024-11-01T12:00:00")
    assert [r["day"] for r in app.rows("SELECT day FROM pageviews ORDER BY ts")] == ["2024-10-21"] * 2
    body = {"date_range": ["2024-10-21", "2024-10-21"], "metrics": ["visitors"], "dimensions": ["time:day"]}
    fast, raw = both(app, body)
    assert rows(fast) == rows(raw) == [[["2024-10-21"], [2]]]
    # Hours are named on the row's day at today's offset, as the dashboard's graph names them
    # (footfall.report.series.hour_label): 00:30 CEST is the day's first hour, never 10-20's last.
    hourly = app.post("/_ff/api/v1/query", {**body, "dimensions": ["time:hour"]}, headers=BEARER).json()
    assert rows(hourly) == [[["2024-10-21 00:00:00"], [1]], [["2024-10-21 11:00:00"], [1]]]


def test_an_event_after_midnight_is_counted_on_its_page_views_day():
    """A page loaded at 23:59 and a link clicked on it at 00:00:30: one visit, on the first day."""
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    app.now_ms = at("2024-09-09T10:00:00")
    load(app, "/", Client(ip="198.51.100.1", country="DE"))
    app.now_ms = at("2024-09-09T23:59:00")
    page_load = str(uuid.uuid4())
    assert app.beacon("init", {"uuid": page_load, "page": "/", "referrer": ""}).status == 204
    app.now_ms = at("2024-09-10T00:00:30")
    event = {"uuid": page_load, "seq": 1, "type": "outbound", "page": "/", "url": "https://o.example/"}
    assert app.beacon("event", event).status == 204
    app.now_ms = at("2024-09-10T12:00:00")
    metrics = ["visitors", "visits", "bounce_rate"]
    body = {"date_range": ["2024-09-09", "2024-09-10"], "metrics": metrics, "dimensions": ["time:day"]}
    fast, raw = both(app, body)
    assert rows(fast) == rows(raw) == [[["2024-09-09"], [2, 2, 100]]]  # one page, no time: bounces
    hourly = app.post(
        "/_ff/api/v1/query", {**body, "dimensions": ["time:hour"], "filters": [NEUTRAL]}, headers=BEARER
    ).json()
    assert rows(hourly) == [[["2024-09-09 10:00:00"], [1, 1, 100]], [["2024-09-09 23:00:00"], [1, 1, 100]]]
