"""Scroll depth rides on the heartbeat: stored as the deepest point seen, shown as the same
25/50/75/100 milestones the original scroll events give, never counted twice."""

import uuid

import pytest

from footfall.days import local_day
from footfall.report import stats
from support.inprocess import DEFAULT_NOW_MS, InProcess, run_sync

DAY_MS = 86_400_000


def start_view(app: InProcess) -> str:
    page_load = str(uuid.uuid4())
    assert app.beacon("init", {"uuid": page_load, "page": "/long", "referrer": ""}).status == 204
    return page_load


def scroll_milestones(app: InProcess, day: str) -> dict[str, int]:
    q = stats.Query("example.com", day, day, local_day(app.now_ms), app.now_ms)
    report, _ = run_sync(stats.report(app.store, q))
    return {e["name"]: e["count"] for e in report["events"] if e["type"] == "scroll"}


@pytest.mark.parametrize(
    "beats,stored",
    [([10], 10), ([80, 30], 80), ([30, 80], 80), ([0], 0), ([100, 100], 100)],
    ids=["one", "reordered-lower-later", "grows", "zero", "duplicate"],
)
def test_the_deepest_scroll_point_reported_is_kept(beats, stored):
    app = InProcess()
    page_load = start_view(app)
    for n, depth in enumerate(beats, 1):
        app.advance(5_000)
        assert app.beacon("heartbeat", {"uuid": page_load, "total": 5 * n, "scroll": depth}).status == 204
    assert app.rows("SELECT scroll FROM pageviews WHERE uuid = ?", (page_load,)) == [{"scroll": stored}]


@pytest.mark.parametrize(
    "depth,stored",
    [(57.33333333333333, 57), (99.5, 100), (100.00000000000001, 100), (104.2, 100)],
    ids=["fraction", "half-up", "float-noise", "page-shorter-than-window"],
)
def test_a_fractional_depth_is_rounded_and_over_100_is_the_whole_page(depth, stored):
    # The tracker sends the viewport's bottom in % of the page, unrounded (client/src/engagement.js).
    app = InProcess()
    page_load = start_view(app)
    app.advance(5_000)
    assert app.beacon("heartbeat", {"uuid": page_load, "total": 5, "scroll": depth}).status == 204
    assert app.rows("SELECT scroll FROM pageviews WHERE uuid = ?", (page_load,)) == [{"scroll": stored}]


@pytest.mark.parametrize("depth", [-1, -0.2, "50", True], ids=["negative", "negative-fraction", "string", "bool"])
def test_a_bad_scroll_depth_is_rejected_and_changes_nothing(depth):
    app = InProcess()
    page_load = start_view(app)
    app.advance(5_000)
    reply = app.beacon("heartbeat", {"uuid": page_load, "total": 5, "scroll": depth})
    assert (reply.status, reply.json()["error"]) == (400, "invalid_scroll")
    assert app.rows("SELECT seconds, scroll FROM pageviews") == [{"seconds": 0, "scroll": None}]


def test_milestones_from_heartbeats_and_from_old_scroll_events_are_counted_once_each():
    app = InProcess()
    by_heartbeat, by_events, both = start_view(app), start_view(app), start_view(app)
    app.advance(5_000)
    app.beacon("heartbeat", {"uuid": by_heartbeat, "total": 5, "scroll": 60})  # 25, 50
    for n, name in enumerate(("25", "50", "75"), 1):  # an original client: events, no depth
        app.beacon("event", {"uuid": by_events, "type": "scroll", "name": name, "page": "/long", "seq": n})
    # A page load that sent both: its heartbeat's depth is the one that counts.
    app.beacon("event", {"uuid": both, "type": "scroll", "name": "25", "page": "/long", "seq": 1})
    app.beacon("heartbeat", {"uuid": both, "total": 5, "scroll": 100})  # 25, 50, 75, 100
    today = local_day(app.now_ms)
    expected = {"25": 3, "50": 3, "75": 2, "100": 1}
    assert scroll_milestones(app, today) == expected
    # The same numbers once the day is rolled up and read from daily_events.
    app.advance(DAY_MS)
    app.run_maintenance()
    assert scroll_milestones(app, today) == expected
    assert local_day(DEFAULT_NOW_MS) == today
