"""The store port: what the core asks of a database, and what it gets back.

A `Statement` is SQL text with `?` placeholders plus the values bound to them; a `Result` is
what one statement gave. `edge/d1.py` runs them on D1; the in-process tests run them on
SQLite with the real migrations. Handlers see only the `Store` protocol.
"""

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


class StorageError(Exception):
    """The database is unbound or a statement failed; the message names the statement, not its values."""


class Store(Protocol):
    async def execute(self, statement: Statement) -> Result:
        """Run one statement in one round trip."""
        ...

    async def batch(self, statements: list[Statement]) -> list[Result]:
        """Run statements in one round trip, as one transaction (all or nothing)."""
        ...
