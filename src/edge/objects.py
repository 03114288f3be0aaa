"""The Durable Objects store (STORE = "durable-objects") at the edge: the Worker's side of
the RPC (`site_store`) and the object itself (`SiteStore`, exported by src/entry.py).

One SQLite-backed Durable Object per site, named by the site's host (binding SITE_STORE,
wrangler.toml). Everything that decides lives in footfall/database/objects.py; this module only turns
`ctx.storage` into that module's `Storage` port and back: JS arrays through JSON, SQL NULL as
`jsnull`, a Python function into `transactionSync`.
"""

import json
import time
import traceback

from js import JSON, Date
from pyodide.ffi import JsProxy, create_proxy, jsnull
from workers import DurableObject

from app.context import localized
from assets.schema import MIGRATIONS
from edge.d1 import D1Store
from edge.settings import load_settings
from edge.zones import offset_at
from footfall.database.objects import ObjectStore, SiteDatabase, StorageApi
from footfall.database.store import RetryOnce, StorageError, Store
from footfall.log import log

BINDING = "SITE_STORE"
UNBOUND = (
    'STORE = "durable-objects" needs the Durable Object binding SITE_STORE: uncomment '
    "[[durable_objects.bindings]] and its [[migrations]] (new_sqlite_classes) in wrangler.toml"
)


def _unwrap(value):
    """The JS object under the SDK's wrapper (the SDK wraps bindings in production; the local
    runtime may not), so both take the same code path, as edge/d1.py does. A JS object is
    never asked for `_binding`: on a Durable Object stub every name is an RPC method."""
    if value is None or isinstance(value, JsProxy):
        return value
    return getattr(value, "_binding", value)


def site_store(env, site: str) -> ObjectStore:
    """The store port on `site`'s object. The binding is looked up on the first statement, so
    a missing one is a StorageError the routes turn into a 503 (the site keeps working)."""
    stubs: dict = {}

    async def call(method: str, payload: str) -> str:
        if "stub" not in stubs:
            namespace = _unwrap(getattr(env, BINDING, None))
            if namespace is None or namespace is jsnull:
                raise StorageError(UNBOUND, transient=False)
            by_name = getattr(namespace, "getByName", None)
            stubs["stub"] = by_name(site) if by_name else namespace.get(namespace.idFromName(site))
        return str(await getattr(_unwrap(stubs["stub"]), method)(payload))

    return ObjectStore(call, site)


class EdgeStores:
    """app.context.Stores over the bindings: D1 and each site's object, for the owner's copy."""

    def __init__(self, env):
        self._env = env

    def d1(self) -> Store:
        return RetryOnce(D1Store(self._env))

    def site(self, site: str) -> Store:
        return RetryOnce(site_store(self._env, site))

    def missing(self) -> str | None:
        absent = [name for name in ("DB", BINDING) if getattr(self._env, name, None) in (None, jsnull)]
        return " and ".join(absent) or None


def _js_rows(array) -> list[dict]:
    """Rows as dicts through JSON, as edge/d1.py reads D1's (SQL NULL becomes None)."""
    return json.loads(JSON.stringify(array)) if array.length else []


def _js_callback(work):
    proxy = create_proxy(work)
    return proxy, proxy.destroy


def js_storage(storage) -> StorageApi:
    """footfall.database.objects.Storage over a Durable Object's `ctx.storage` (SQLite backend)."""
    return StorageApi(_unwrap(storage), rows=_js_rows, null=jsnull, callback=_js_callback)


def _now_ms() -> int:
    # The runtime's clock (Date.now): the local runtime moves it for its alarm hook.
    try:
        return int(Date.now())
    except Exception:
        return int(time.time() * 1000)


class SiteStore(DurableObject):
    """One site's rows. `execute` and `batch` are the RPC methods the Worker calls (a JSON
    string in, a JSON string out); `alarm` runs that site's maintenance."""

    def __init__(self, ctx, env):
        super().__init__(ctx, env)
        self.database = SiteDatabase(js_storage(ctx.storage), MIGRATIONS, _now_ms)

    async def execute(self, payload: str) -> str:
        return await self.database.answer(str(payload), atomic=False)

    async def batch(self, payload: str) -> str:
        return await self.database.answer(str(payload), atomic=True)

    async def alarm(self, *_info) -> None:
        now_ms = _now_ms()
        settings = localized(load_settings(self.env), now_ms, offset_at)
        try:
            await self.database.on_alarm(settings, now_ms)
        except Exception:
            # Logged, then raised: the runtime retries a failed alarm (with backoff).
            log("error", "maintenance failed", traceback=traceback.format_exc())
            raise
