"""The store port: what the core asks of a database, and what it gets back.

A `Statement` is SQL text with `?` placeholders plus the values bound to them; a `Result` is
what one statement gave. `edge/d1.py` runs them on D1; the in-process tests run them on
SQLite with the real migrations. Handlers see only the `Store` protocol.
"""

import asyncio
from typing import NamedTuple, Protocol


class Statement(NamedTuple):
    name: str  # named in logs and errors, never the parameters (they are visitor data)
    sql: str
    params: tuple


class Result(NamedTuple):
    changes: int
    rows: list[dict]
    rows_read: int
    size_after: int = 0  # the database's size in bytes after the statement (D1's meta.size_after)
    rows_written: int = 0  # rows written, index entries included (D1's meta.rows_written, a DO cursor's rowsWritten)


def batch_name(statements: list[Statement]) -> str:
    """How logs and errors name a batch: its statements' names, each once, never their values."""
    return f"batch ({', '.join(dict.fromkeys(s.name for s in statements))})"


class StorageError(Exception):
    """The database is unbound or a statement failed; the message names the statement, not its values.
    `transient`: worth one more try (a busy or locked database); an unbound one is not."""

    def __init__(self, message: str, transient: bool = True):
        super().__init__(message)
        self.transient = transient


class Store(Protocol):
    async def execute(self, statement: Statement) -> Result:
        """Run one statement in one round trip."""
        ...

    async def batch(self, statements: list[Statement]) -> list[Result]:
        """Run statements in one round trip, as one transaction (all or nothing)."""
        ...


# A statement that failed wrote nothing (SQLite statements are atomic), and every statement
# footfall sends is idempotent (ON CONFLICT, largest totals, keyed events, upserts), so one
# more try after a pause is safe; it rides out a database that is busy for a moment (seen
# locally as SQLITE_BUSY while another process reads the files; D1 asks writers to retry).
RETRY_PAUSE_S = 0.05


class RetryOnce:
    """A store that tries a failed statement (or batch) once more before giving up."""

    def __init__(self, store: Store, pause_s: float = RETRY_PAUSE_S):
        self._store = store
        self._pause_s = pause_s
        # Whose rows the store holds: "" for the one D1 database, the site for its Durable
        # Object (footfall.database.objects.ObjectStore); app.salts remembers salts per scope.
        self.scope: str = getattr(store, "scope", "")

    async def execute(self, statement: Statement) -> Result:
        try:
            return await self._store.execute(statement)
        except StorageError as exc:
            if not exc.transient:
                raise
            await asyncio.sleep(self._pause_s)
            return await self._store.execute(statement)

    async def batch(self, statements: list[Statement]) -> list[Result]:
        try:
            return await self._store.batch(statements)
        except StorageError as exc:
            if not exc.transient:
                raise
            await asyncio.sleep(self._pause_s)
            return await self._store.batch(statements)
