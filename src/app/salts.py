"""The day's salt for visitor ids, read from D1 once per isolate and day.

Two requests creating the first salt of a day at once both run INSERT ... ON CONFLICT DO
NOTHING and then read the row back in the same batch, so both end with the one salt that won.
After that the isolate keeps it in memory and collection stays at one D1 round trip.
"""

from footfall import sql, visitors
from footfall.store import Statement, Store

_cache: dict[str, bytes] = {}


def forget() -> None:
    """Drop the remembered salts (a test that brings its own database)."""
    _cache.clear()


async def salt_for(store: Store, day: str) -> bytes:
    salt = _cache.get(day)
    if salt is not None:
        return salt
    create = Statement("create_salt", sql.CREATE_SALT, (day, visitors.new_salt().hex()))
    read = Statement("read_salt", sql.READ_SALT, (day,))
    _, found = await store.batch([create, read])
    salt = bytes.fromhex(found.rows[0]["salt"])
    # Keep only the newest two days: the isolate may live across midnight.
    for old in sorted(_cache)[:-1]:
        del _cache[old]
    _cache[day] = salt
    return salt
