"""Run the Worker's handlers in this process: a plain request in, the real migrations in
SQLite, a pinned clock, an origin that answers from a dict. No Node, no Pyodide, no ports.

    app = InProcess({"EVENT_NAMES": "signup"})
    reply = app.post("/_ff/init", {"uuid": ..., "page": "/", "referrer": ""})
    app.rows("SELECT * FROM pageviews")

`app.advance(ms)` moves this client's clock only; deferred work (ctx.waitUntil) runs after
each response, as on the edge. `app.body_reads` records each call of a request's body reader
as (bytes asked for, bytes given), so a test can show that a body was never read.
"""

import asyncio
import concurrent.futures
import json
import sqlite3
import zoneinfo
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app import guards, salts
from app.context import Context, OriginTimeout, OriginUnreachable, localized
from app.http import Client, Headers, Opaque, Request, Response
from app.routes import ROUTES, SITE
from app.routing import serve
from footfall.database import maintenance
from footfall.database.store import Result, RetryOnce, Statement, StorageError
from footfall.errors import ConfigError
from footfall.settings import DEFAULT_PREFIX, parse_prefix, parse_settings

if TYPE_CHECKING:
    from .objects import ObjectsStore

ROOT = Path(__file__).resolve().parents[2]
# 2026-11-20 12:00:00 UTC: a fixed, ordinary moment (not near midnight).
DEFAULT_NOW_MS = 1_795_176_000_000
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
PERSON_HEADERS = {"user-agent": BROWSER_UA, "accept-language": "en-GB,en;q=0.9"}


def migrated_sqlite() -> sqlite3.Connection:
    # check_same_thread off: under Playwright's sync API run_sync runs each request on a thread
    # of its own (one at a time), and they all use this connection.
    con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    con.row_factory = sqlite3.Row
    for migration in sorted((ROOT / "migrations").glob("*.sql")):
        con.executescript(migration.read_text())
    return con


def zoneinfo_offset_at(zone: str, now_ms: int) -> int:
    """CPython's stand-in for the runtime's Intl (edge/zones.py): the system's tz database."""
    try:
        info = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError("TIMEZONE", f"the runtime knows no time zone named {zone!r}") from None
    offset = datetime.fromtimestamp(now_ms / 1000, tz=UTC).astimezone(info).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def run_sync(work: Coroutine):
    """Run a coroutine to its end from synchronous test code. Where this thread already runs
    an event loop (Playwright's sync API starts one), on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


class SqliteStore:
    """The store port on SQLite with the real migrations; `fail` makes every call a StorageError."""

    def __init__(self, con: sqlite3.Connection | None = None):
        self.con = con or migrated_sqlite()
        self.fail = False
        self.statements: list[str] = []  # names of statements run, in order

    def _run(self, statement: Statement) -> Result:
        self.statements.append(statement.name)
        before = self.con.total_changes
        try:
            rows = [dict(r) for r in self.con.execute(statement.sql, statement.params).fetchall()]
        except sqlite3.Error as exc:
            raise StorageError(f"{statement.name} failed: {exc}") from None
        page_count = self.con.execute("PRAGMA page_count").fetchone()[0]
        page_size = self.con.execute("PRAGMA page_size").fetchone()[0]
        return Result(
            changes=self.con.total_changes - before, rows=rows, rows_read=0, size_after=page_count * page_size
        )

    async def execute(self, statement: Statement) -> Result:
        if self.fail:
            raise StorageError(f"{statement.name} failed: storage is down (test)")
        return self._run(statement)

    async def batch(self, statements: list[Statement]) -> list[Result]:
        if self.fail:
            raise StorageError("batch failed: storage is down (test)")
        self.con.execute("BEGIN")
        try:
            results = [self._run(s) for s in statements]
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")
        return results


class DictOrigin:
    """The site behind the proxy: path -> (status, headers, body). Records what it was sent.
    `timeout` / `unreachable` make it fail as a real origin can."""

    def __init__(self, pages: dict[str, tuple[int, dict, bytes]] | None = None):
        self.pages = pages or {}
        self.sent: list[tuple[str, str, dict[str, str], bytes | None]] = []
        self.timeout = False
        self.unreachable = False

    async def fetch(self, request: Request, target: str, headers: dict[str, str], timeout_ms: int) -> Response:
        body = request.stream.handle if request.stream is not None else None
        self.sent.append((request.method, target, headers, body))
        if self.timeout:
            raise OriginTimeout()
        if self.unreachable:
            raise OriginUnreachable("connection refused (test)")
        status, page_headers, page = self.pages.get(
            urlsplit(target).path, (404, {"content-type": "text/html"}, b"<h1>Not found</h1>")
        )
        return Response(status, Headers(page_headers), page)


class Deferred:
    def __init__(self):
        self.pending: list[Coroutine] = []

    def defer(self, work: Coroutine) -> None:
        self.pending.append(work)


class MemoryKV:
    """Workers KV for the salt vault port (edge/kv.py), in memory: a value is gone once its
    expiration (Unix seconds) has passed on the given clock, as KV's are."""

    def __init__(self, clock_ms):
        self.clock_ms = clock_ms
        self.values: dict[str, tuple[str, int]] = {}
        self.puts: list[tuple[str, int]] = []  # (key, expiration) of each write

    async def get(self, key: str) -> str | None:
        value = self.values.get(key)
        if value is None or value[1] * 1000 <= self.clock_ms():
            self.values.pop(key, None)
            return None
        return value[0]

    async def put(self, key: str, value: str, expires_at_s: int) -> None:
        self.puts.append((key, expires_at_s))
        self.values[key] = (value, expires_at_s)


class InProcess:
    def __init__(
        self,
        variables: dict[str, str] | None = None,
        now_ms: int = DEFAULT_NOW_MS,
        store: "SqliteStore | ObjectsStore | None" = None,
        origin: DictOrigin | None = None,
        site: str = "example.com",
        kv_salts: bool = False,
        stores=None,
    ):
        self.variables = {"ORIGIN_URL": "https://origin.example", **(variables or {})}
        self.now_ms = now_ms
        self.store = store or SqliteStore()
        self.origin = origin or DictOrigin()
        self.site = site
        self.body_reads: list[tuple[int, int]] = []  # (limit + 1 asked for, bytes given) per read
        # kv_salts: a SALTS KV binding (salts there, with expirations); else salts live in D1.
        self.vault = MemoryKV(lambda: self.now_ms) if kv_salts else None
        self.stores = stores  # app.context.Stores: D1 and the objects side by side (the copy route)
        salts.forget()  # the isolate's salt cache belongs to another database
        guards.forget()  # and so does its memory of recent senders

    # --- the clock ---------------------------------------------------------------------
    def advance(self, ms: int) -> None:
        self.now_ms += ms

    # --- requests ----------------------------------------------------------------------
    def request(
        self,
        method: str,
        target: str,
        body: bytes | str | dict | None = None,
        headers: dict[str, str] | None = None,
        client: Client | None = None,
        declare_length: bool = True,
        host: str | None = None,
        scheme: str = "https",
    ) -> Response:
        if isinstance(body, dict | list):
            body = json.dumps(body)
        raw = body.encode() if isinstance(body, str) else body
        given = {k.lower(): v for k, v in (headers or {}).items()}
        if raw is not None and declare_length:
            given.setdefault("content-length", str(len(raw)))
        if raw is not None:
            given.setdefault("content-type", "application/json")
        given = {k: v for k, v in given.items() if v is not None}  # a header given as None is left out
        parts = urlsplit(target)
        url = f"{scheme}://{host or self.site}{target}"  # host may carry a port

        async def reader(limit: int) -> bytes:
            given = (raw or b"")[: limit + 1]
            self.body_reads.append((limit + 1, len(given)))
            return given

        request = Request(
            method=method,
            url=url,
            path=parts.path or "/",
            query=parts.query,
            headers=given,
            client=client or Client(ip="203.0.113.9", country="DE"),
            reader=reader,
            stream=None if raw is None else Opaque(raw),
        )
        return run_sync(self._serve(request))

    async def _serve(self, request: Request) -> Response:
        tasks = Deferred()

        def context() -> Context:
            settings = localized(parse_settings(self.variables), self.now_ms, zoneinfo_offset_at)
            site = (urlsplit(request.url).hostname or "").lower()
            # As in production (entry.py): a failed statement is tried once more. The Durable
            # Objects store (support/objects.py) gives each site the store of its own object.
            for_site = getattr(self.store, "for_site", None)
            store = RetryOnce(for_site(site) if for_site else self.store, pause_s=0)
            return Context(settings, site, self.now_ms, store, self.origin, tasks, vault=self.vault, stores=self.stores)

        response = await serve(ROUTES, SITE, request, context)
        for work in tasks.pending:  # after the response, as ctx.waitUntil
            await work
        return response

    def get(self, target: str, **kw) -> Response:
        return self.request("GET", target, **kw)

    def post(self, target: str, payload=None, **kw) -> Response:
        return self.request("POST", target, body=payload if payload is not None else b"", **kw)

    @property
    def prefix(self) -> str:
        """Where footfall's endpoints are (FOOTFALL_PATH; /_ff by default or when it is bad)."""
        try:
            return parse_prefix(self.variables.get("FOOTFALL_PATH"))
        except ConfigError:
            return DEFAULT_PREFIX

    def beacon(self, endpoint: str, payload: dict, **kw) -> Response:
        """A beacon as a person's browser sends it (their user agent and language)."""
        headers = {**PERSON_HEADERS, **kw.pop("headers", {})}
        return self.post(f"{self.prefix}/{endpoint}", payload, headers=headers, **kw)

    def run_maintenance(self) -> dict:
        """The cron entry's work: salts ahead in the vault (when there is one), then maintenance."""
        settings = localized(parse_settings(self.variables), self.now_ms, zoneinfo_offset_at)
        if self.vault is not None:
            run_sync(salts.prepare(self.vault, self.now_ms, settings.day_offset_minutes))
        ring_alarms = getattr(self.store, "ring_alarms", None)
        if ring_alarms is not None:  # the Durable Objects store: each object's alarm, when due
            return run_sync(ring_alarms(settings, self.now_ms))
        return run_sync(maintenance.run(self.store, settings, self.now_ms))

    # --- reading back ------------------------------------------------------------------
    def rows(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self.store.con.execute(sql, params)]

    def count(self, table: str) -> int:
        return self.store.con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table, as a comparable value: what any write would change."""
        tables = [
            r[0]
            for r in self.store.con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: [tuple(r) for r in self.store.con.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}

    def dump(self) -> str:
        """The whole database as SQL text: to show that a value is stored nowhere."""
        return "\n".join(self.store.con.iterdump())
