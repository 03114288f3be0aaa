"""The Durable Objects store's pure parts: what crosses the RPC boundary, which migrations an
object still needs, when its alarm rings, and how one object runs the core's statements.

STORE = "durable-objects" keeps each site in a SQLite-backed Durable Object of its own
(`SiteStore`, named by the site's host; src/edge/objects.py). The Worker sends the same
statements it sends D1; one `execute` or `batch` is one RPC call carrying a JSON string and
answered with one (a string is the simplest value to cross from Python through JS to Python:
no proxies to convert or destroy). Inside the object, `SiteDatabase` runs them on the
object's own SQLite through a small `Storage` port, which the edge implements over
`ctx.storage` and the tests over sqlite3 (tests/support/objects.py).

Maintenance runs in the object's alarm, for that site only: the first write after the alarm
is gone sets one, and the alarm sets the next while raw rows are left to roll up or purge.
"""

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol

from footfall.database import maintenance
from footfall.database.store import Result, Statement, StorageError, batch_name
from footfall.settings import Settings

# The hour's minute the alarm rings at, as the cron trigger's "17 * * * *" (wrangler.toml):
# hourly, so a day is rolled up within an hour of no heartbeat being able to change it.
ALARM_MINUTE = 17
HOUR_MS = 3_600_000

MIGRATIONS_TABLE = "applied_migrations"
CREATE_MIGRATIONS_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (name TEXT NOT NULL PRIMARY KEY, applied_ts INTEGER NOT NULL)"
)
READ_MIGRATIONS = f"SELECT name FROM {MIGRATIONS_TABLE}"
RECORD_MIGRATION = f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_ts) VALUES (?, ?)"
# Raw rows left: the alarm rings again while there are any (a day to roll up, or to purge).
RAW_ROWS_LEFT = (
    "SELECT EXISTS (SELECT 1 FROM pageviews) OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM hits) AS left"
)


# --- the wire: one JSON string each way -------------------------------------------------
def encode_statements(statements: Iterable[Statement]) -> str:
    return json.dumps([[s.name, s.sql, list(s.params)] for s in statements], separators=(",", ":"))


def decode_statements(text: str) -> list[Statement]:
    return [Statement(name, sql, tuple(params)) for name, sql, params in json.loads(text)]


def encode_results(results: Iterable[Result]) -> str:
    return json.dumps(
        {"results": [[r.changes, r.rows, r.rows_read, r.size_after, r.rows_written] for r in results]},
        separators=(",", ":"),
    )


def encode_failure(error: StorageError) -> str:
    return json.dumps({"error": str(error), "transient": error.transient})


def decode_results(text: str) -> list[Result]:
    """The object's answer; a failure inside it becomes the StorageError it was."""
    reply = json.loads(text)
    if "error" in reply:
        raise StorageError(reply["error"], transient=bool(reply.get("transient", True)))
    return [Result(changes, rows, read, size, written) for changes, rows, read, size, written in reply["results"]]


# --- migrations -------------------------------------------------------------------------
def pending(migrations: Iterable[tuple[str, str]], applied: Iterable[str]) -> list[tuple[str, str]]:
    """The migrations not applied yet, in order (their names sort as they were numbered)."""
    done = set(applied)
    return sorted((m for m in migrations if m[0] not in done), key=lambda m: m[0])


# --- the alarm --------------------------------------------------------------------------
def next_alarm_ms(now_ms: int) -> int:
    """The next ALARM_MINUTE past an hour, strictly after `now_ms`."""
    at = now_ms - now_ms % HOUR_MS + ALARM_MINUTE * 60_000
    return at if at > now_ms else at + HOUR_MS


# --- one object's database --------------------------------------------------------------
class Cursor(NamedTuple):
    rows: list[dict]
    rows_read: int
    rows_written: int


class Storage(Protocol):
    """What SiteDatabase needs of a Durable Object's storage (ctx.storage), in Python terms."""

    def exec(self, sql: str, params: tuple) -> Cursor: ...

    def script(self, sql: str) -> None:
        """Run several statements without parameters (a migration file)."""
        ...

    def transaction(self, work: Callable[[], Any]) -> Any:
        """Run `work` all or nothing (transactionSync); its exception rolls back and is raised."""
        ...

    def size(self) -> int: ...

    async def get_alarm(self) -> int | None: ...

    async def set_alarm(self, at_ms: int) -> None: ...


class StorageApi:
    """`Storage` over an object's `ctx.storage` (the SQLite backend's JS API: sql.exec with a
    cursor's toArray/rowsRead/rowsWritten, sql.databaseSize, transactionSync, getAlarm,
    setAlarm). What differs between Pyodide and a CPython double comes in as functions:
    `rows` turns toArray()'s value into dicts, `null` is what SQL NULL is bound as, `callback`
    wraps a Python function for transactionSync and gives back (value, release)."""

    def __init__(
        self,
        storage,
        rows: Callable[[Any], list[dict]] = list,
        null: Any = None,
        callback: Callable[[Callable], tuple[Any, Callable[[], None]]] = lambda f: (f, lambda: None),
    ):
        self._storage = storage
        self._sql = storage.sql
        self._rows = rows
        self._null = null
        self._callback = callback

    def exec(self, sql: str, params: tuple) -> Cursor:
        cursor = self._sql.exec(sql, *[self._null if p is None else p for p in params])
        rows = self._rows(cursor.toArray())  # runs the statement to its end: the counts are final
        return Cursor(rows=rows, rows_read=int(cursor.rowsRead), rows_written=int(cursor.rowsWritten))

    def script(self, sql: str) -> None:
        self._sql.exec(sql).toArray()

    def transaction(self, work: Callable[[], Any]) -> Any:
        wrapped, release = self._callback(work)
        try:
            return self._storage.transactionSync(wrapped)
        finally:
            release()

    def size(self) -> int:
        return int(self._sql.databaseSize)

    async def get_alarm(self) -> int | None:
        at = await self._storage.getAlarm()
        return None if at is None or at is self._null else int(at)

    async def set_alarm(self, at_ms: int) -> None:
        await self._storage.setAlarm(at_ms)


_SELECT = re.compile(r"\s*select\b", re.IGNORECASE)


def storage_error(name: str, exc: Exception) -> StorageError:
    """A failed statement inside the object. A full object (10 GB, SQLITE_FULL) is not worth
    another try; anything else may be (the same rule as D1's errors in edge/d1.py)."""
    text = str(exc)
    full = "SQLITE_FULL" in text or "database or disk is full" in text
    return StorageError(f"{name} failed: {text}", transient=not full)


class SiteDatabase:
    """The statements of one site, run inside its object. Migrations are applied once per
    object (tracked in MIGRATIONS_TABLE, so an object created before a new migration gets it
    on its next call); an instance remembers that, and whether an alarm is set."""

    def __init__(self, storage: Storage, migrations: Iterable[tuple[str, str]], clock_ms: Callable[[], int]):
        self._storage = storage
        self._migrations = tuple(migrations)
        self._clock_ms = clock_ms
        self._migrated = False
        self._alarm_set = False

    def migrate(self) -> list[str]:
        """Apply what is missing; each migration and its record in one transaction."""
        if self._migrated:
            return []
        self._storage.exec(CREATE_MIGRATIONS_TABLE, ())
        applied = [row["name"] for row in self._storage.exec(READ_MIGRATIONS, ()).rows]
        names = []
        for name, sql in pending(self._migrations, applied):

            def apply(name=name, sql=sql) -> None:
                self._storage.script(sql)
                self._storage.exec(RECORD_MIGRATION, (name, self._clock_ms()))

            self._storage.transaction(apply)
            names.append(name)
        self._migrated = True
        return names

    def _run(self, statement: Statement) -> Result:
        # A SELECT changes nothing: only writes pay the two total_changes() probes.
        read = _SELECT.match(statement.sql) is not None
        before = 0 if read else self._total_changes()
        try:
            cursor = self._storage.exec(statement.sql, statement.params)
        except Exception as exc:
            raise storage_error(statement.name, exc) from None
        # rowsWritten counts index entries too (D1's billing unit); `changes` is the rows the
        # statement changed, as D1's meta.changes, which the core reads (a heartbeat that
        # matched, a purge round that found fewer than PURGE_BATCH rows).
        return Result(
            changes=0 if read else self._total_changes() - before,
            rows=cursor.rows,
            rows_read=cursor.rows_read,
            size_after=self._storage.size(),
            rows_written=cursor.rows_written,
        )

    def _total_changes(self) -> int:
        return int(self._storage.exec("SELECT total_changes() AS n", ()).rows[0]["n"])

    def run(self, statements: list[Statement], atomic: bool) -> list[Result]:
        """Run statements; with `atomic`, inside one transaction (a batch: all or nothing)."""
        try:
            self.migrate()
        except Exception as exc:
            raise storage_error("migrations", exc) from None
        if not atomic:
            return [self._run(s) for s in statements]
        results: list[Result] = []

        def work() -> None:
            results.extend(self._run(s) for s in statements)

        try:
            self._storage.transaction(work)
        except StorageError:
            raise
        except Exception as exc:
            raise storage_error(batch_name(statements), exc) from None
        return results

    async def answer(self, payload: str, atomic: bool) -> str:
        """One RPC call: statements in, results (or the failure) out, both as JSON text.
        After a write, an alarm is made sure of (one storage call per object instance)."""
        try:
            results = self.run(decode_statements(payload), atomic)
        except StorageError as exc:
            return encode_failure(exc)
        # changes, not rows_written: a local SQLite's update hook misses WITHOUT ROWID tables.
        if not self._alarm_set and any(r.changes or r.rows_written for r in results):
            await self.ensure_alarm()
        return encode_results(results)

    async def ensure_alarm(self) -> None:
        if await self._storage.get_alarm() is None:
            await self._storage.set_alarm(next_alarm_ms(self._clock_ms()))
        self._alarm_set = True

    async def on_alarm(self, settings: Settings, now_ms: int) -> dict:
        """The object's alarm: this site's maintenance, then the next alarm while raw rows are
        left (a day still to roll up, rows still to purge); else quiet until a write sets one.
        The alarm that rang is gone, so a failure here (raised: the runtime retries the alarm)
        leaves the next write to set another."""
        self._alarm_set = False
        summary = await maintenance.run(InObjectStore(self), settings, now_ms)
        if self._storage.exec(RAW_ROWS_LEFT, ()).rows[0]["left"]:
            await self._storage.set_alarm(next_alarm_ms(self._clock_ms()))
            self._alarm_set = True
        return summary


class ObjectStore:
    """The store port on one object: `call(method, payload)` is the RPC (the edge's stub, or a
    SiteDatabase directly in the in-process tests)."""

    def __init__(self, call: Callable[[str, str], Any], scope: str):
        self._call = call
        self.scope = scope  # the site: app.salts keeps each object's salts apart

    async def execute(self, statement: Statement) -> Result:
        return (await self._send("execute", [statement], statement.name))[0]

    async def batch(self, statements: list[Statement]) -> list[Result]:
        return await self._send("batch", statements, batch_name(statements))

    async def _send(self, method: str, statements: list[Statement], what: str) -> list[Result]:
        try:
            reply = await self._call(method, encode_statements(statements))
        except StorageError:
            raise
        except Exception as exc:  # the call itself: the object restarting, overloaded, unreachable
            raise StorageError(f"{what} failed: the site's Durable Object did not answer: {exc}") from None
        return decode_results(reply)


class InObjectStore:
    """The store port inside the object, for its alarm's maintenance: no RPC, same rules."""

    def __init__(self, database: SiteDatabase):
        self._database = database

    async def execute(self, statement: Statement) -> Result:
        return self._database.run([statement], atomic=False)[0]

    async def batch(self, statements: list[Statement]) -> list[Result]:
        return self._database.run(statements, atomic=True)
