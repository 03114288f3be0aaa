"""TIMEZONE: days follow the owner's zone, daylight saving included (Europe/Berlin leaves
summer time on 2026-10-25 at 03:00, from +02:00 to +01:00)."""

import uuid
from datetime import UTC, datetime

import pytest

from support.inprocess import InProcess


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    "utc,local_day",
    [
        ("2026-10-23T22:30:00", "2026-10-24"),  # 00:30 summer time: +02:00
        ("2026-10-25T00:30:00", "2026-10-25"),  # 02:30 summer time, the night of the change
        ("2026-10-25T22:30:00", "2026-10-25"),  # 23:30 winter time: +01:00
        ("2026-10-25T23:30:00", "2026-10-26"),  # 00:30 winter time
    ],
    ids=["summer-after-midnight", "change-night", "winter-before-midnight", "winter-after-midnight"],
)
def test_a_page_view_gets_the_day_of_the_owners_zone_across_a_daylight_saving_change(utc, local_day):
    app = InProcess({"TIMEZONE": "Europe/Berlin"}, now_ms=ms(utc))
    assert app.beacon("init", {"uuid": str(uuid.uuid4()), "page": "/", "referrer": ""}).status == 204
    assert app.rows("SELECT day FROM pageviews") == [{"day": local_day}]


def test_no_fixed_offset_gets_both_sides_of_the_change_right():
    # What DAY_UTC_OFFSET could do: +02:00 is right in summer and wrong in winter, and +01:00
    # the other way round.
    for offset in ("+02:00", "+01:00"):
        days = []
        for utc in ("2026-10-23T22:30:00", "2026-10-25T22:30:00"):
            app = InProcess({"DAY_UTC_OFFSET": offset}, now_ms=ms(utc))
            app.beacon("init", {"uuid": str(uuid.uuid4()), "page": "/", "referrer": ""})
            days += [r["day"] for r in app.rows("SELECT day FROM pageviews")]
        assert days != ["2026-10-24", "2026-10-25"]


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "berlin", "Europe/Berlin; DROP"], ids=["unknown", "bad-case", "junk"]
)
def test_a_bad_timezone_is_named_and_the_site_keeps_working(zone):
    app = InProcess({"TIMEZONE": zone})
    reply = app.beacon("init", {"uuid": str(uuid.uuid4()), "page": "/", "referrer": ""})
    assert reply.status == 500 and "TIMEZONE" in reply.json()["message"]
    app.origin.pages["/"] = (200, {"content-type": "text/plain"}, b"the site")
    assert app.get("/").status == 200
    assert app.count("pageviews") == 0
