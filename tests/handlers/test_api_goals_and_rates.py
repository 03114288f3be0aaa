"""Rates and goal rows in the stats API's answers (footfall.api.apiv2, footfall.api.engine),
against hand-computed truth: from the rollups after the daily job and from raw rows (a filter
every event passes sends a query there), which the README promises agree."""

import uuid

import pytest

from app.http import Client
from support.inprocess import BROWSER_UA, InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

DAY = "2026-11-20"
NOON = 1_795_176_000_000  # 2026-11-20 12:00 UTC
NEUTRAL = ["is_not", "event:page", ["/never"]]
HEADERS = {"user-agent": BROWSER_UA, "accept-language": "en", "sec-fetch-mode": "no-cors"}


def new_app() -> InProcess:
    variables = {"DASHBOARD_TOKEN": DASHBOARD_TOKEN, "EVENT_NAMES": "signup", "GOALS": "/pricing, signup"}
    return InProcess(variables, now_ms=NOON)


def visit(app: InProcess, n: int, pages: list[str], plan: str | None = None) -> None:
    """Visitor n views `pages` in one visit, signing up (with a plan) on the first if `plan`."""
    client = Client(ip=f"198.51.{100 + n // 250}.{n % 250 + 1}", country="DE")
    for i, page in enumerate(pages):
        page_load = str(uuid.uuid4())
        body = {"uuid": page_load, "page": page, "referrer": ""}
        assert app.post("/_ff/init", body, headers=HEADERS, client=client).status == 204
        app.advance(1000)
        if plan is not None and i == 0:
            event = {"uuid": page_load, "seq": 1, "type": "custom", "name": "signup", "page": page}
            event["props"] = {"plan": plan}
            assert app.post("/_ff/event", event, headers=HEADERS, client=client).status == 204
            app.advance(1000)


def close_the_day(app: InProcess) -> None:
    app.advance(20 * 3600 * 1000)  # the next day, 08:00
    assert DAY in app.run_maintenance()["rolled_up"]


def query(app: InProcess, body: dict) -> list:
    reply = app.post("/_ff/api/v1/query", {"date_range": [DAY, DAY], **body}, headers=BEARER)
    assert reply.status == 200, reply.text()
    return [[r["dimensions"], r["metrics"]] for r in reply.json()["results"]]


def both(app: InProcess, body: dict) -> tuple[list, list]:
    """(rollups, raw rows) answers to one query body."""
    return query(app, body), query(app, {**body, "filters": [NEUTRAL]})


@pytest.mark.parametrize(
    "dimension, value",
    [(None, []), ("visit:country", ["DE"]), ("visit:entry_page", ["/"]), ("time:day", [DAY])],
    ids=["total", "country", "entry-page", "day"],
)
def test_bounce_rate_is_rounded_once_from_whole_counts_in_both_readings(dimension, value):
    """103 visits, 17 bounces: 16.50 %, which is 17 (the report's 0.1650 rounded again gave 16)."""
    app = new_app()
    for n in range(103):
        visit(app, n, ["/"] if n < 17 else ["/", "/b"])
    close_the_day(app)
    body = {"metrics": ["visits", "bounce_rate"], "dimensions": [dimension] if dimension else []}
    fast, raw = both(app, body)
    assert fast == raw == [[value, [103, 17]]]


def test_conversion_rate_is_rounded_once_from_whole_counts_in_both_readings():
    """1 of 160 visitors converted: 0.625 %, which Python rounds to 0.62 (0.0063 gave 0.63)."""
    app = new_app()
    for n in range(160):
        visit(app, n, ["/"], plan="pro" if n == 0 else None)
    close_the_day(app)
    for answer in both(app, {"metrics": ["visitors", "conversion_rate"], "dimensions": ["event:goal"]}):
        assert [row for row in answer if row[0] == ["signup"]] == [[["signup"], [1, 0.62]]]


def test_a_goal_without_conversions_has_no_row_in_either_reading():
    app = new_app()
    visit(app, 0, ["/", "/b"])
    close_the_day(app)
    body = {"metrics": ["visitors", "events", "conversion_rate"], "dimensions": ["event:goal"]}
    body["include"] = {"total_rows": True}
    for filters in ([], [NEUTRAL]):
        reply = app.post("/_ff/api/v1/query", {"date_range": [DAY, DAY], **body, "filters": filters}, headers=BEARER)
        assert reply.status == 200, reply.text()
        assert (reply.json()["results"], reply.json()["meta"]["total_rows"]) == ([], 0), filters


def test_conversion_rate_with_a_goal_and_a_property_filter_is_over_every_visitor():
    """Plausible takes top-level goal and property filters out of the rate's base: 2 of 7."""
    app = new_app()
    for n in range(7):
        visit(app, n, ["/"], plan="pro" if n < 2 else ("free" if n == 2 else None))
    filters = [["is", "event:goal", ["signup"]], ["is", "event:props:plan", ["pro"]]]
    body = {"metrics": ["visitors", "conversion_rate"], "filters": filters}
    assert query(app, body) == [[[], [2, 28.57]]]


def test_a_week_the_range_starts_inside_of_is_named_by_the_range_start_in_both_readings():
    # 2026-11-20 is a Friday: a range from it to the Monday after starts inside the week of
    # 11-16. Plausible names that week 11-20 (never a day before the range); so do the rows
    # and the time labels.
    app = new_app()
    visit(app, 1, ["/"])
    app.advance(3 * 86_400_000)  # Monday 11-23
    visit(app, 2, ["/"])
    app.advance(86_400_000)  # both days closed
    app.run_maintenance()
    body = {"date_range": [DAY, "2026-11-23"], "metrics": ["visitors"], "dimensions": ["time:week"]}
    for filters in ([], [NEUTRAL]):
        reply = app.post(
            "/_ff/api/v1/query", {**body, "filters": filters, "include": {"time_labels": True}}, headers=BEARER
        )
        answer = reply.json()
        assert [(r["dimensions"], r["metrics"]) for r in answer["results"]] == [([DAY], [1]), (["2026-11-23"], [1])]
        assert answer["meta"]["time_labels"] == [DAY, "2026-11-23"]
