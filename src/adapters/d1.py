"""The one module that talks to D1 (binding `DB`).

It uses the D1 binding's JS API directly. In production the SDK hands the Worker a wrapper
that converts every result to Python; we unwrap it, so the code path is the same in the
cloud and in the local runtime (whose platform-proxy binding the SDK does not wrap).
"""

import json
from typing import NamedTuple

from js import JSON
from pyodide.ffi import jsnull, to_js

from footfall.writes import Statement

class StorageError(Exception):
    """D1 is unbound or a statement failed; the message names the statement, not its values."""


class Result(NamedTuple):
    changes: int
    rows: list[dict]
    rows_read: int


def _binding(env):
    db = getattr(env, "DB", None)
    db = getattr(db, "_binding", db)
    if db is None or db is jsnull:
        raise StorageError("the D1 binding DB is not configured (see [[d1_databases]] in wrangler.toml)")
    return db


def _prepare(db, statement: Statement):
    return db.prepare(statement.sql).bind(*[jsnull if p is None else p for p in statement.params])


def _rows(js_rows) -> list[dict]:
    """Rows as plain dicts. Through JSON: V8 serialises, CPython's C parser reads, which is
    several times faster than converting proxies value by value, and SQL NULL becomes None."""
    if js_rows is None or js_rows is jsnull or js_rows.length == 0:
        return []
    return json.loads(JSON.stringify(js_rows))


def _result(js_result) -> Result:
    meta = js_result.meta
    return Result(
        changes=int(getattr(meta, "changes", 0) or 0),
        rows=_rows(js_result.results),
        rows_read=int(getattr(meta, "rows_read", 0) or 0),
    )


async def execute(env, statement: Statement) -> Result:
    """Run one statement in one round trip."""
    db = _binding(env)
    try:
        return _result(await _prepare(db, statement).all())
    except Exception as exc:  # a JsException from D1: SQL error, D1 down
        raise StorageError(f"{statement.name} failed: {exc}") from None


async def batch(env, statements: list[Statement]) -> list[Result]:
    """Run statements in one round trip, as one transaction (all or nothing)."""
    db = _binding(env)
    try:
        results = await db.batch(to_js([_prepare(db, s) for s in statements]))
    except Exception as exc:
        names = ", ".join(dict.fromkeys(s.name for s in statements))
        raise StorageError(f"batch ({names}) failed: {exc}") from None
    return [_result(r) for r in results]
