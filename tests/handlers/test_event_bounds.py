"""What one page load can add through /event is bounded (issue 14, item 4): at most
MAX_EVENTS_PER_PAGE_LOAD events, and none more than 6 hours after the page load (as for
heartbeats). Before, events without `seq` were never deduplicated and a 20-day-old uuid still
took them: 200 "signup" events came from one page load. Refused events answer 202 with the
reason in X-Footfall-Ignored; an unknown page load is still a 401."""

import pytest

from footfall.collect.limits import MAX_EVENTS_PER_PAGE_LOAD

UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
HOUR_MS = 3600 * 1000


def signup(seq=None):
    body = {"uuid": UUID, "type": "custom", "name": "signup", "page": "/"}
    return body if seq is None else {**body, "seq": seq}


@pytest.fixture
def page_load(app):
    assert app.beacon("init", {"uuid": UUID, "page": "/"}).status == 204
    return app


def test_a_page_load_takes_at_most_its_share_of_events_without_seq(page_load):
    statuses = [page_load.beacon("event", signup()).status for _ in range(200)]
    assert statuses == [204] * MAX_EVENTS_PER_PAGE_LOAD + [202] * (200 - MAX_EVENTS_PER_PAGE_LOAD)
    assert page_load.count("events") == MAX_EVENTS_PER_PAGE_LOAD


def test_the_refusal_says_why(page_load):
    for _ in range(MAX_EVENTS_PER_PAGE_LOAD):
        page_load.beacon("event", signup())
    reply = page_load.beacon("event", signup())
    assert reply.status == 202
    assert reply.headers.get("x-footfall-ignored") == f"the page load already has {MAX_EVENTS_PER_PAGE_LOAD} events"


def test_a_repeated_event_at_the_limit_is_still_found_not_refused(page_load):
    for seq in range(MAX_EVENTS_PER_PAGE_LOAD):
        assert page_load.beacon("event", signup(seq)).status == 204
    assert page_load.beacon("event", signup(MAX_EVENTS_PER_PAGE_LOAD - 1)).status == 204
    assert page_load.count("events") == MAX_EVENTS_PER_PAGE_LOAD


@pytest.mark.parametrize(
    "after_ms, status, stored",
    [(6 * HOUR_MS, 204, 1), (6 * HOUR_MS + 1, 202, 0), (20 * 24 * HOUR_MS, 202, 0)],
    ids=["6h-taken", "6h-and-1ms-refused", "20-days-refused"],
)
def test_events_stop_six_hours_after_the_page_load(page_load, after_ms, status, stored):
    page_load.advance(after_ms)
    reply = page_load.beacon("event", signup())
    assert reply.status == status
    assert page_load.count("events") == stored
    if status == 202:
        assert reply.headers.get("x-footfall-ignored") == "event more than 6 hours after the page load"


def test_an_unknown_page_load_is_still_a_401(app):
    assert app.beacon("event", signup()).status == 401


def test_another_sites_page_load_is_unknown_not_ignored(page_load):
    reply = page_load.beacon("event", signup(), host="other.example")
    assert reply.status == 401
