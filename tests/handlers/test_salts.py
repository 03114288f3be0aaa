"""Where the daily salts live (issue 14, item 8). With the SALTS KV binding a salt is never
written to D1, whose Time Travel would keep a deleted row restorable for up to 30 days; in
KV it carries an expiration two hours after its day ends, after which it is gone. The daily
job writes today's and tomorrow's ahead, so requests only read them."""

import pytest

from app import salts
from support.inprocess import InProcess, run_sync

DAY_MS = 86_400_000
# DEFAULT_NOW_MS of the kit: 2026-11-20 12:00 UTC.
END_OF_NOV_20_UTC_S = 1_795_219_200  # 2026-11-21 00:00 UTC


def page_load(app: InProcess, n: int) -> str:
    uuid = f"00000000-0000-4000-8000-{n:012d}"
    assert app.beacon("init", {"uuid": uuid, "page": "/"}).status == 204
    return app.rows("SELECT visitor FROM pageviews WHERE uuid = ?", (uuid,))[0]["visitor"]


@pytest.fixture
def kv_app(make_app):
    return make_app(kv_salts=True)


def test_with_kv_no_salt_is_ever_written_to_d1(kv_app):
    page_load(kv_app, 1)
    kv_app.run_maintenance()
    assert kv_app.count("salts") == 0
    salt = kv_app.vault.values[salts.key_of("2026-11-20")][0]
    assert salt not in kv_app.dump()


@pytest.mark.parametrize(
    "offset, expires_s",
    [
        ("+00:00", END_OF_NOV_20_UTC_S + 2 * 3600),  # the day ends at 00:00 UTC
        ("+02:00", END_OF_NOV_20_UTC_S),  # ends at 22:00 UTC
        ("-05:00", END_OF_NOV_20_UTC_S + 7 * 3600),  # ends at 05:00 UTC
    ],
    ids=["utc", "east", "west"],
)
def test_a_salt_expires_two_hours_after_its_day_ends(make_app, offset, expires_s):
    app = make_app({"DAY_UTC_OFFSET": offset}, kv_salts=True)
    page_load(app, 1)
    [(key, expiration)] = app.vault.puts
    assert key == "salt:2026-11-20" and expiration == expires_s


def test_once_expired_the_salt_is_gone(kv_app):
    page_load(kv_app, 1)
    kv_app.advance(DAY_MS)
    assert kv_app.vault.values  # still there just after midnight...
    kv_app.now_ms = END_OF_NOV_20_UTC_S * 1000 + 7200 * 1000
    assert run_sync(kv_app.vault.get(salts.key_of("2026-11-20"))) is None  # ...gone two hours after


def test_the_same_person_is_one_visitor_all_day_and_another_the_next(kv_app):
    first = page_load(kv_app, 1)
    kv_app.advance(3600_000)
    assert page_load(kv_app, 2) == first
    kv_app.advance(DAY_MS)
    assert page_load(kv_app, 3) != first


def test_every_isolate_reads_the_same_salt(kv_app):
    first = page_load(kv_app, 1)
    salts.forget()  # another isolate: nothing in memory
    assert page_load(kv_app, 2) == first


def test_the_daily_job_writes_today_and_tomorrow_ahead_so_requests_only_read(kv_app):
    kv_app.run_maintenance()
    assert [k for k, _ in kv_app.vault.puts] == ["salt:2026-11-20", "salt:2026-11-21"]
    kv_app.advance(DAY_MS)
    salts.forget()
    page_load(kv_app, 1)
    assert len(kv_app.vault.puts) == 2  # the request wrote nothing
    kv_app.run_maintenance()
    assert [k for k, _ in kv_app.vault.puts][2:] == ["salt:2026-11-22"]


class SlowKV:
    """KV as seen from two locations while a write has not reached the other one yet."""

    def __init__(self, kv, hidden_for_ms: int):
        self.kv, self.hidden_for_ms, self.written_at = kv, hidden_for_ms, {}

    async def get(self, key):
        at = self.written_at.get(key)
        if at is not None and self.kv.clock_ms() - at < self.hidden_for_ms:
            return None
        return await self.kv.get(key)

    async def put(self, key, value, expires_at_s):
        self.written_at[key] = self.kv.clock_ms()
        await self.kv.put(key, value, expires_at_s)


def test_two_isolates_that_each_made_a_salt_agree_within_minutes(kv_app):
    kv_app.vault = SlowKV(kv_app.vault, hidden_for_ms=60_000)
    a = page_load(kv_app, 1)  # isolate A makes a salt
    a_memory = dict(salts._cache)
    salts.forget()
    b = page_load(kv_app, 2)  # isolate B cannot see it yet and makes another: KV keeps B's
    assert a != b
    salts._cache.clear()
    salts._cache.update(a_memory)  # back in isolate A, still on its own salt...
    kv_app.advance(salts.RECHECK_MS)
    assert page_load(kv_app, 3) == b  # ...until it reads KV again and adopts the one KV kept


def test_without_kv_salts_stay_in_d1_as_before(app):
    page_load(app, 1)
    assert app.count("salts") == 1
