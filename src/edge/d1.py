"""The store port on D1 (binding `DB`): the one module that talks to D1.

It uses the D1 binding's JS API directly. In production the SDK hands the Worker a wrapper
that converts every result to Python; we unwrap it, so the code path is the same in the
cloud and in the local runtime (whose platform-proxy binding the SDK does not wrap).
"""

import json

from js import JSON
from pyodide.ffi import jsnull, to_js

from footfall.database.store import Result, Statement, StorageError, batch_name


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
        size_after=int(getattr(meta, "size_after", 0) or 0),
        rows_written=int(getattr(meta, "rows_written", 0) or 0),
    )


class D1Store:
    def __init__(self, env):
        db = getattr(env, "DB", None)
        self._db = getattr(db, "_binding", db)

    def _binding(self):
        if self._db is None or self._db is jsnull:
            raise StorageError(
                "the D1 binding DB is not configured (see [[d1_databases]] in wrangler.toml)", transient=False
            )
        return self._db

    def _prepare(self, statement: Statement):
        return self._binding().prepare(statement.sql).bind(*[jsnull if p is None else p for p in statement.params])

    async def execute(self, statement: Statement) -> Result:
        try:
            # Preparing is a call into the binding too: a dropped connection fails here.
            return _result(await self._prepare(statement).all())
        except StorageError:
            raise
        except Exception as exc:  # a JsException from D1: SQL error, D1 down or busy
            raise StorageError(f"{statement.name} failed: {exc}") from None

    async def batch(self, statements: list[Statement]) -> list[Result]:
        try:
            prepared = [self._prepare(s) for s in statements]
            results = await self._binding().batch(to_js(prepared))
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(f"{batch_name(statements)} failed: {exc}") from None
        return [_result(r) for r in results]
