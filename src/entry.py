"""footfall's Worker entrypoint: settings, one dispatch through the route table, and the
last-resort catch. The edge converts the JS request and response (edge/); everything
between is plain Python (app/, handlers/, footfall/). See docs/ARCHITECTURE.md.
"""

import time
import traceback
from urllib.parse import urlsplit

from workers import WorkerEntrypoint

from app import salts
from app.context import Context, localized
from app.http import json_error
from app.routes import ROUTES, SITE
from app.routing import serve
from edge.d1 import D1Store
from edge.kv import vault_of
from edge.objects import EdgeStores, SiteStore, site_store
from edge.origin import AssetsOrigin, FetchOrigin
from edge.requests import test_now_ms, to_request
from edge.responses import to_js_response
from edge.settings import load_settings
from edge.tasks import WaitUntil
from edge.zones import offset_at
from footfall.database import maintenance
from footfall.database.store import RetryOnce, Store
from footfall.log import log
from footfall.settings import Settings

# The Durable Object class wrangler.toml's SITE_STORE binding names lives in the entry module.
__all__ = ["Default", "SiteStore"]

_fetch_origin = FetchOrigin()


def site_origin(env) -> FetchOrigin | AssetsOrigin:
    """Where the site's own requests go: the deployed files when the Worker has an ASSETS
    binding (static-assets mode, wrangler.toml [assets]), else fetch (ORIGIN_URL or the route)."""
    assets = getattr(env, "ASSETS", None)
    return _fetch_origin if assets is None else AssetsOrigin(assets)


def store_of(env, settings: Settings, site: str) -> Store:
    """Where this request's rows live: the D1 database, or the site's own Durable Object."""
    if settings.store == "durable-objects":
        return site_store(env, site)
    return D1Store(env)


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        # workerd hands a class entrypoint the JS Request; the SDK's Request wraps one.
        js_request = getattr(request, "js_object", request)
        try:
            plain = to_request(js_request)
        except Exception:
            log("error", "unreadable request", traceback=traceback.format_exc())
            return to_js_response(json_error(400, "bad_request", "the request could not be read"))

        now_ms = test_now_ms(js_request) or int(time.time() * 1000)

        def context() -> Context:
            settings = localized(load_settings(self.env), now_ms, offset_at)
            site = (urlsplit(plain.url).hostname or "").lower()
            return Context(
                settings=settings,
                site=site,
                now_ms=now_ms,
                store=RetryOnce(store_of(self.env, settings, site)),
                origin=site_origin(self.env),
                tasks=WaitUntil(self.ctx),
                vault=vault_of(self.env),
                stores=EdgeStores(self.env),
            )

        return to_js_response(await serve(ROUTES, SITE, plain, context))

    async def scheduled(self, controller, env=None, ctx=None):
        """The cron trigger: rollups, old salts, retention (footfall/database/maintenance.py), on D1.
        With STORE = "durable-objects" each site's object runs its own in its alarm
        (edge/objects.py); D1 is still looked after while it is bound (rows not moved yet)."""
        now_ms = int(getattr(controller, "scheduledTime", 0) or time.time() * 1000)
        vault = vault_of(self.env)
        if vault is not None:
            # Today's and tomorrow's salts ahead of the requests that read them (app/salts.py).
            # Apart from maintenance: either failing leaves the other to run.
            try:
                settings = localized(load_settings(self.env), now_ms, offset_at)
                written = await salts.prepare(vault, now_ms, settings.day_offset_minutes)
                log("info", "salts prepared", written=written)
            except Exception:
                log("error", "salts not prepared", traceback=traceback.format_exc())
        if load_settings(self.env).store == "durable-objects" and getattr(self.env, "DB", None) is None:
            return
        try:
            await maintenance.run(
                RetryOnce(D1Store(self.env)), localized(load_settings(self.env), now_ms, offset_at), now_ms
            )
        except Exception:
            # Logged, then raised so the run counts as failed; the next run resumes.
            log("error", "maintenance failed", traceback=traceback.format_exc())
            raise
