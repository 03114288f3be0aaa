"""A CPython double of a SQLite-backed Durable Object's `ctx.storage`, over sqlite3, and the
Durable Objects store on it for the in-process tier.

`FakeStorage` answers the part of the JS API footfall uses, with the JS names:
`sql.exec(query, *bindings)` -> a cursor (`toArray()`, `one()`, `raw()`, `rowsRead`,
`rowsWritten`), `sql.databaseSize`, `transactionSync(fn)`, `getAlarm()`, `setAlarm(ms)`,
`deleteAlarm()`, `deleteAll()`. What it does not copy: rowsRead is 0 and rowsWritten counts rows
changed without their index entries (the bench measures both on the real runtime).

`ObjectsStore` stands where InProcess puts its store: `for_site(site)` is the store port a
request for that host gets (src/entry.py's store_of with STORE = "durable-objects"), each site
a `SiteDatabase` on a FakeStorage of its own, as each site is an object of its own.
"""

import sqlite3
from collections.abc import Callable

from footfall.database.objects import ObjectStore, SiteDatabase, StorageApi
from footfall.database.store import RetryOnce
from footfall.settings import Settings

from .processes import ROOT


def file_migrations() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text()) for p in sorted((ROOT / "migrations").glob("*.sql"))]


def split_statements(script: str) -> list[str]:
    """SQL text cut at each complete statement (sqlite3 runs one statement per execute)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip() and not all(s.startswith("--") for s in current.strip().splitlines()):
        out.append(current.strip())
    return out


class FakeCursor:
    def __init__(self, rows: list[dict], rows_read: int, rows_written: int):
        self._rows = rows
        self.rowsRead = rows_read
        self.rowsWritten = rows_written

    def toArray(self) -> list[dict]:
        return list(self._rows)

    def one(self) -> dict:
        if len(self._rows) != 1:
            raise RuntimeError("Expected exactly one result from SQL query")
        return self._rows[0]

    def raw(self):
        return iter([list(r.values()) for r in self._rows])


class FakeSql:
    def __init__(self, con: sqlite3.Connection):
        self.con = con

    def exec(self, query: str, *bindings) -> FakeCursor:
        before = self.con.total_changes
        statements = split_statements(query) if not bindings else [query]
        rows: list[dict] = []
        for text in statements:
            rows = [dict(r) for r in self.con.execute(text, bindings).fetchall()]
        return FakeCursor(rows, 0, self.con.total_changes - before)

    @property
    def databaseSize(self) -> int:
        pages = self.con.execute("PRAGMA page_count").fetchone()[0]
        return pages * self.con.execute("PRAGMA page_size").fetchone()[0]


class FakeStorage:
    """`ctx.storage` of one object. `path` ":memory:" or a file (to read it back as a test does
    with the runtime's files)."""

    def __init__(self, path: str = ":memory:"):
        self.con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.con.row_factory = sqlite3.Row
        self.sql = FakeSql(self.con)
        self.alarm: int | None = None
        self._depth = 0

    def transactionSync(self, fn: Callable):
        # Nested calls become savepoints inside the outer one, as in the runtime.
        name = f"tx{self._depth}"
        self.con.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            value = fn()
        except BaseException:
            self.con.execute(f"ROLLBACK TO {name}")
            self.con.execute(f"RELEASE {name}")
            raise
        finally:
            self._depth -= 1
        self.con.execute(f"RELEASE {name}")
        return value

    async def getAlarm(self) -> int | None:
        return self.alarm

    async def setAlarm(self, at_ms: int) -> None:
        self.alarm = int(at_ms)

    async def deleteAlarm(self) -> None:
        self.alarm = None

    async def deleteAll(self) -> None:
        names = [r[0] for r in self.con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
        for name in names:
            kind = self.con.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,)).fetchone()
            if kind is not None and not name.startswith("sqlite_"):
                self.con.execute(f"DROP {kind[0].upper()} IF EXISTS {name}")
        self.alarm = None


class SiteObject:
    """One site's object: its storage and the SiteDatabase the class runs on it."""

    def __init__(self, clock_ms: Callable[[], int], migrations: list[tuple[str, str]]):
        self.storage = FakeStorage()
        self.database = SiteDatabase(StorageApi(self.storage), migrations, clock_ms)
        self.calls: list[str] = []  # the RPC methods called, in order

    async def call(self, method: str, payload: str) -> str:
        self.calls.append(method)
        if method not in ("execute", "batch"):
            raise AttributeError(method)
        return await self.database.answer(payload, atomic=method == "batch")


class ObjectsStore:
    """The SITE_STORE namespace: an object per site, made on first use (getByName)."""

    def __init__(self, clock_ms: Callable[[], int] = lambda: 0, default_site: str = "example.com"):
        self.clock_ms = clock_ms
        self.default_site = default_site
        self.migrations = file_migrations()
        self.objects: dict[str, SiteObject] = {}
        self.fail = False

    def object(self, site: str) -> SiteObject:
        if site not in self.objects:
            self.objects[site] = SiteObject(lambda: self.clock_ms(), self.migrations)
        return self.objects[site]

    def for_site(self, site: str) -> ObjectStore:
        async def call(method: str, payload: str) -> str:
            if self.fail:
                raise RuntimeError("Durable Object reset because its code was updated (test)")
            return await self.object(site).call(method, payload)

        return ObjectStore(call, site)

    @property
    def con(self) -> sqlite3.Connection:
        """The default site's SQLite, for InProcess.rows() and friends (migrated first)."""
        site = self.object(self.default_site)
        site.database.migrate()
        return site.storage.con

    async def ring_alarms(self, settings: Settings, now_ms: int) -> dict:
        """Every object whose alarm is due runs its maintenance, as its alarm() does."""
        summaries = {}
        for site, obj in self.objects.items():
            if obj.storage.alarm is None or obj.storage.alarm > now_ms:
                continue
            obj.storage.alarm = None  # during alarm(), getAlarm() is null
            summaries[site] = await obj.database.on_alarm(settings, now_ms)
        return summaries


class BothStores:
    """app.context.Stores for the copy route: a SQLite store as D1 and an ObjectsStore."""

    def __init__(self, d1, objects: ObjectsStore | None):
        self._d1 = d1
        self._objects = objects

    def d1(self):
        return RetryOnce(self._d1, pause_s=0)

    def site(self, site: str):
        assert self._objects is not None
        return RetryOnce(self._objects.for_site(site), pause_s=0)

    def missing(self) -> str | None:
        return None if self._objects is not None else "SITE_STORE"
