"""TIMEZONE in the real runtime: the edge asks the runtime's Intl for the zone's offset at the
request's moment (edge/zones.py), daylight saving included."""

from datetime import UTC, datetime

import pytest

from support.d1 import LocalDatabase
from support.http import Visitor, new_uuid
from support.processes import RefusedPort, apply_migrations, start_worker


@pytest.fixture(scope="module")
def berlin(tmp_path_factory):
    state = tmp_path_factory.mktemp("berlin")
    apply_migrations(state)
    down = RefusedPort()
    proc, url = start_worker(state, {"ORIGIN_URL": down.url, "TIMEZONE": "Europe/Berlin"})
    yield url, LocalDatabase(state)
    proc.stop()
    down.close()


@pytest.mark.parametrize(
    "utc,local_day",
    [("2026-10-23T22:30:00", "2026-10-24"), ("2026-10-25T22:30:00", "2026-10-25")],
    ids=["summer-time-after-midnight", "winter-time-before-midnight"],
)
def test_days_follow_the_zone_on_both_sides_of_a_daylight_saving_change(berlin, site, utc, local_day):
    url, db = berlin
    now_ms = int(datetime.fromisoformat(utc).replace(tzinfo=UTC).timestamp() * 1000)
    me = Visitor(url, site, {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"})
    page_load = new_uuid()
    assert me.beacon("init", {"uuid": page_load, "page": "/", "referrer": ""}, now_ms=now_ms).status == 204
    assert db.query("SELECT day FROM pageviews WHERE uuid = ?", (page_load,)) == [{"day": local_day}]
