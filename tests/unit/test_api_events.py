"""Events through the stats API: the `events` metric and event dimensions (issue #12)."""

import uuid

import pytest

from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN


@pytest.fixture
def app():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN, "EVENT_NAMES": "signup"})
    page_load = str(uuid.uuid4())
    app.beacon("init", {"uuid": page_load, "page": "/", "referrer": ""})
    for seq, url in enumerate(("https://a.example/", "https://a.example/", "https://b.example/"), 1):
        event = {"uuid": page_load, "seq": seq, "type": "outbound", "page": "/", "url": url}
        assert app.beacon("event", event).status == 204
    assert (
        app.beacon("event", {"uuid": page_load, "seq": 9, "type": "custom", "name": "signup", "page": "/"}).status
        == 204
    )
    return app


def results(app, body) -> dict:
    reply = app.post("/_ff/api/v1/query", {"date_range": "day", **body}, headers=BEARER)
    assert reply.status == 200, reply.text()
    return {tuple(r["dimensions"]): r["metrics"] for r in reply.json()["results"]}


@pytest.mark.parametrize(
    "dimension,expected",
    [
        # Plausible counts the page view among the events, and names a link click its way.
        ("event:type", {("outbound",): [3], ("custom",): [1], ("pageview",): [1]}),
        ("event:name", {("Outbound Link: Click",): [3], ("signup",): [1], ("pageview",): [1]}),
        ("event:props:url", {("https://a.example/",): [2], ("https://b.example/",): [1], ("(none)",): [2]}),
    ],
)
def test_events_break_down_by_type_name_and_url(app, dimension, expected):
    assert results(app, {"metrics": ["events"], "dimensions": [dimension]}) == expected


def test_the_events_total_counts_page_views_too_as_plausible_does(app):
    assert results(app, {"metrics": ["pageviews", "events"]}) == {(): [1, 5]}
