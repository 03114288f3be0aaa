"""The day's salt for visitor ids: where it is kept, and read once per isolate and day.

With a `SALTS` Workers KV binding (wrangler.toml), a day's salt lives in KV under
`salt:<day>` with an expiration two hours after that day ends: then it is gone, and KV has
no point-in-time restore. The daily job writes today's and tomorrow's salts ahead
(`prepare`), so on the request path they are only read, and every location reads the same
one: KV takes up to ~60 s to reach every location, and a salt written a day early has long
arrived. Only when the job has not run (the first hours after deploying) does a request create
the day's salt; two locations may then each create one, and KV keeps the last written. An
isolate that created its salt reads KV again after RECHECK_MS and adopts what KV holds, so
they agree within minutes (a person seen by both meanwhile counts twice that day).

Without the binding, salts live in D1: two requests creating the first salt of a day at once
both run INSERT ... ON CONFLICT DO NOTHING and read the row back in the same batch, so both
end with the one salt that won. The daily job deletes old D1 salts, but D1's Time Travel can
restore a deleted row for up to 30 days (7 on the Free plan): docs/SECURITY.md says so.

After the first read the isolate keeps the salt in memory, so collection stays at one D1
round trip. With STORE = "durable-objects" and no KV each site's object keeps its own salts,
so the isolate remembers them per store (`scope`, the site): one site's salt used for another
would make the same person two visitors of that site across isolates.
"""

from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from footfall.collect import visitors
from footfall.database import sql
from footfall.database.store import Statement, Store
from footfall.days import local_day

DAY_MS = 86_400_000
RECHECK_MS = 2 * 60 * 1000
# How long after its day ends a salt is kept: the day may end later than the owner's offset
# says when TIMEZONE changes to summer time that day, and a request may arrive with a clock
# a little behind.
EXPIRY_MARGIN_MS = 2 * 3600 * 1000


class Vault(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str, expires_at_s: int) -> None: ...


class _Known(NamedTuple):
    salt: bytes
    recheck_at_ms: int | None  # made by this isolate: read the vault again after this


_cache: dict[str, _Known] = {}


def forget() -> None:
    """Drop the remembered salts (a test that brings its own database)."""
    _cache.clear()


def key_of(day: str) -> str:
    return f"salt:{day}"


def expires_at_s(day: str, offset_minutes: int) -> int:
    """When the salt of `day` expires: EXPIRY_MARGIN_MS after the day ends, in Unix seconds."""
    year, month, dom = (int(part) for part in day.split("-"))
    midnight_utc_ms = int(datetime(year, month, dom, tzinfo=UTC).timestamp() * 1000)
    end_ms = midnight_utc_ms + DAY_MS - offset_minutes * 60_000
    return (end_ms + EXPIRY_MARGIN_MS) // 1000


def _remember(key: str, known: _Known) -> bytes:
    # Keep only the newest two days of each scope: the isolate may live across midnight.
    scope = key.rpartition("|")[0]
    for old in sorted(k for k in _cache if k != key and k.rpartition("|")[0] == scope)[:-1]:
        del _cache[old]
    _cache[key] = known
    return known.salt


async def salt_for(
    store: Store, day: str, vault: Vault | None = None, offset_minutes: int = 0, now_ms: int = 0
) -> bytes:
    # KV's salts are every site's; a database's are its own (one per site with Durable Objects).
    key = f"|{day}" if vault is not None else f"{getattr(store, 'scope', '')}|{day}"
    known = _cache.get(key)
    if known is not None and (known.recheck_at_ms is None or now_ms < known.recheck_at_ms):
        return known.salt
    if vault is None:
        return _remember(key, _Known(await _from_d1(store, day), None))
    stored = await vault.get(key_of(day))
    if stored is not None:
        return _remember(key, _Known(bytes.fromhex(stored), None))
    if known is not None:  # ours, not visible yet: keep it a while longer
        return _remember(key, _Known(known.salt, now_ms + RECHECK_MS))
    salt = visitors.new_salt()
    await vault.put(key_of(day), salt.hex(), expires_at_s(day, offset_minutes))
    return _remember(key, _Known(salt, now_ms + RECHECK_MS))


async def prepare(vault: Vault, now_ms: int, offset_minutes: int) -> list[str]:
    """The daily job's part: today's and tomorrow's salts written ahead when missing. The days
    written."""
    written = []
    for day in (local_day(now_ms, offset_minutes), local_day(now_ms + DAY_MS, offset_minutes)):
        if await vault.get(key_of(day)) is None:
            await vault.put(key_of(day), visitors.new_salt().hex(), expires_at_s(day, offset_minutes))
            written.append(day)
    return written


async def _from_d1(store: Store, day: str) -> bytes:
    create = Statement("create_salt", sql.CREATE_SALT, (day, visitors.new_salt().hex()))
    read = Statement("read_salt", sql.READ_SALT, (day,))
    _, found = await store.batch([create, read])
    return bytes.fromhex(found.rows[0]["salt"])
