"""The one module that talks to D1 (binding `DB`).

It uses the D1 binding's JS API directly. In production the SDK hands the Worker a wrapper
that converts every result to Python; we unwrap it, so the code path is the same in the
cloud and in the local runtime (whose platform-proxy binding the SDK does not wrap).
"""

from pyodide.ffi import jsnull

from footfall.writes import Statement

# Round trips made by this isolate: read by the benchmarks (bench/), never by request logic.
round_trips = 0


class StorageError(Exception):
    """D1 is unbound or a statement failed; the message names the statement, not its values."""


def _binding(env):
    db = getattr(env, "DB", None)
    return getattr(db, "_binding", db)


async def execute(env, statement: Statement) -> int:
    """Run one statement in one round trip; returns how many rows it changed."""
    global round_trips
    db = _binding(env)
    if db is None:
        raise StorageError("the D1 binding DB is not configured (see [[d1_databases]] in wrangler.toml)")
    params = [jsnull if p is None else p for p in statement.params]
    round_trips += 1
    try:
        result = await db.prepare(statement.sql).bind(*params).run()
    except Exception as exc:  # a JsException from D1: SQL error, D1 down, binding missing
        raise StorageError(f"{statement.name} failed: {exc}") from None
    return int(result.meta.changes)
