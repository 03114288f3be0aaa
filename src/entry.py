"""footfall's Worker entrypoint: route each request, and never let an exception out.

Requests under FOOTFALL_PATH (default /_ff) go to footfall's handlers; everything else is
the site's and goes to the proxy. See docs/ARCHITECTURE.md for a request's whole way.
"""

import time
import traceback
from urllib.parse import urlsplit

from workers import WorkerEntrypoint

from adapters import d1, http
from footfall import routes
from footfall.errors import ConfigError, Rejection
from footfall.log import log
from footfall.settings import VARIABLES, parse_settings
from handlers import collect, proxy, script

# Parsed settings, kept for the isolate's life: a Worker's variables are fixed per deployment
# (a new deploy starts new isolates), and reading a dozen of them per request costs CPU.
_settings = None


def load_settings(env):
    global _settings
    if _settings is None:
        values = {}
        for name in VARIABLES:
            value = getattr(env, name, None)
            values[name] = None if value is None else str(value)
        # A bad ORIGIN_URL or ORIGIN_TIMEOUT_MS raises and leaves this unset: every request
        # then reports it again, until the variable is fixed and the Worker redeployed.
        _settings = parse_settings(values)
    return _settings


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        # workerd hands a class entrypoint the JS Request; the SDK's Request wraps one.
        js_request = getattr(request, "js_object", request)
        try:
            return await self._route(js_request)
        except ConfigError as exc:
            log("error", "configuration error", setting=exc.setting, reason=str(exc))
            return http.json_error(500, "misconfigured", f"footfall is misconfigured: {exc}")
        except Exception:
            log("error", "unhandled exception", traceback=traceback.format_exc())
            return http.json_error(500, "internal_error", "internal error")

    async def _route(self, js_request):
        settings = load_settings(self.env)
        url = urlsplit(js_request.url)
        site = (url.hostname or "").lower()
        now_ms = int(time.time() * 1000)
        endpoint = routes.match(settings.prefix, url.path)
        if endpoint is None:
            return await proxy.forward(js_request, self.env, self.ctx, settings, site, url.path, now_ms)
        if settings.problem is not None:
            raise settings.problem  # footfall's endpoints name it; the site above kept working
        if endpoint == "":
            return http.json_error(404, "not_found", "no such footfall endpoint")
        allowed = routes.ENDPOINTS[endpoint]
        if js_request.method == "OPTIONS" and endpoint in routes.COLLECTION:
            return collect.preflight(js_request, settings)
        if js_request.method not in allowed:
            return http.json_error(405, "method_not_allowed", f"use {' or '.join(allowed)}",
                                   {"Allow": ", ".join(allowed)})
        if endpoint == "script.js":
            return script.serve(js_request)
        if endpoint in routes.COLLECTION:
            return await collect.handle(endpoint, js_request, self.env, settings, site, now_ms)
        return await self._owner(endpoint, js_request, settings, site, url.path, now_ms)

    async def _owner(self, endpoint, js_request, settings, site, path, now_ms):
        """The owner's pages and API; D1 trouble there is a 503, never a stack trace."""
        # Imported on first use: visitors' requests never pay for the dashboard's modules.
        from handlers import api, dashboard

        try:
            if endpoint == "dashboard":
                return await dashboard.dashboard(js_request, self.env, settings, site, now_ms)
            if endpoint == "login":
                return await dashboard.login(js_request, settings, site, now_ms)
            if endpoint == "logout":
                return await dashboard.logout(js_request, settings, site)
            if endpoint == "history/":
                return await dashboard.history(js_request, self.env, settings, site, path, now_ms)
            if endpoint == "api/v1/query":
                return await api.query(js_request, self.env, settings, site, now_ms)
            return await api.export(js_request, self.env, settings, site, now_ms)
        except Rejection as rejection:
            return http.rejection_response(rejection)
        except d1.StorageError as exc:
            log("error", "analytics storage failed", endpoint=endpoint, reason=str(exc))
            return http.json_error(503, "storage_unavailable", "analytics storage is unavailable; try again later")

    async def scheduled(self, controller, env=None, ctx=None):
        """The cron trigger: rollups, old salts, retention (handlers/maintenance.py)."""
        from handlers import maintenance

        try:
            await maintenance.run(self.env, load_settings(self.env), int(time.time() * 1000))
        except Exception:
            # Logged, then raised so the run counts as failed; the next run resumes.
            log("error", "maintenance failed", traceback=traceback.format_exc())
            raise
