"""Dispatch through the route table, with everything routes share written once.

Order: the site's own paths go to the proxy; under the prefix, an unknown name is a 404
(the prefix is reserved, never proxied); then a bad analytics variable (500 naming it),
OPTIONS preflight for beacons, the method (405 with Allow), the route's access policy, and
the handler. A Rejection becomes its 4xx, storage trouble a 503 with Retry-After; a beacon's
answer carries CORS headers for allowlisted origins whatever it is.
"""

import traceback
from collections.abc import Awaitable, Callable
from typing import NamedTuple

from app import access, guards
from app.access import Access
from app.context import Context
from app.http import Request, Response, json_error, rejection_response
from footfall.database.store import StorageError
from footfall.errors import ConfigError, Rejection
from footfall.log import log

Handler = Callable[[Request, Context], Awaitable[Response]]
RETRY_AFTER_SECONDS = "30"


class Route(NamedTuple):
    """`path` is relative to the prefix; one `{name}` captures the rest of the path between
    the fixed text around it (history/{path}.svg)."""

    path: str
    methods: tuple[str, ...]
    handler: Handler
    access: Access

    def match(self, name: str) -> dict[str, str] | None:
        if "{" not in self.path:
            return {} if name == self.path else None
        head, rest = self.path.split("{", 1)
        key, tail = rest.split("}", 1)
        if len(name) >= len(head) + len(tail) and name.startswith(head) and name.endswith(tail):
            return {key: name[len(head) : len(name) - len(tail)]}
        return None


class Match(NamedTuple):
    route: Route | None  # None: a name under the prefix that no route has (404, never proxied)
    params: dict[str, str]


def find(routes: tuple[Route, ...], prefix: str, path: str) -> Match | None:
    """The route a path names under the prefix, or None for the site's own paths."""
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    name = path[len(prefix) + 1 :]
    for route in routes:
        params = route.match(name)
        if params is not None:
            return Match(route, params)
    return Match(None, {})


def storage_unavailable() -> Response:
    return json_error(
        503,
        "storage_unavailable",
        "analytics storage is unavailable; try again later",
        {"retry-after": RETRY_AFTER_SECONDS},
    )


def preflight(request: Request, ctx: Context) -> Response:
    headers = access.cors_headers(request, ctx.settings)
    if not headers:
        return json_error(405, "method_not_allowed", "use POST", {"allow": "POST"})
    return Response(
        204,
        {
            **headers,
            "access-control-allow-methods": "POST",
            "access-control-allow-headers": "Content-Type",
            "access-control-max-age": "86400",
        },
    )


async def dispatch(routes: tuple[Route, ...], proxy: Handler, request: Request, ctx: Context) -> Response:
    found = find(routes, ctx.settings.prefix, request.path)
    if found is None:
        return await proxy(request, ctx)
    if ctx.settings.problem is not None:
        raise ctx.settings.problem  # footfall's endpoints name it; the site above kept working
    route, params = found
    if route is None:
        return json_error(404, "not_found", "no such footfall endpoint")
    if route.access is Access.BEACON:
        response = await _beacon(route, request._replace(params=params), ctx)
        for name, value in access.cors_headers(request, ctx.settings).items():
            response.headers.set(name, value)
        return response
    if request.method not in route.methods:
        return _method_not_allowed(route)
    if route.access is Access.PUBLIC:  # no credentials to check (logout checks its own)
        return await _run(route, request._replace(params=params), ctx)
    credentials = access.presents_credentials(request)
    wait = guards.owner_locked_out(request.client.ip, ctx.now_ms) if credentials else None
    try:
        owner = await access.is_owner(request, ctx.settings, ctx.now_ms, ctx.store)
    except StorageError as exc:
        log("error", "analytics storage failed", route=route.path, reason=str(exc))
        return storage_unavailable()
    if credentials and not owner and access.guessed(request, ctx.settings):
        guards.owner_failed(request.client.ip, ctx.now_ms)
    if wait is not None:  # locked out: the same 429 whether the credentials were right or not
        return access.too_many_attempts(wait)
    if not access.allowed(route.access, owner, ctx.settings, ctx.site):
        return access.denied(route.access, ctx.settings)
    return await _run(route, request._replace(params=params), ctx._replace(owner=owner))


async def _beacon(route: Route, request: Request, ctx: Context) -> Response:
    if request.method == "OPTIONS":
        return preflight(request, ctx)
    if request.method not in route.methods:
        return _method_not_allowed(route)
    if not access.beacon_from_own_pages(request, ctx.settings):
        return json_error(403, "foreign_origin", "beacons are accepted from this site's own pages only")
    return await _run(route, request, ctx)


def _method_not_allowed(route: Route) -> Response:
    return json_error(
        405, "method_not_allowed", f"use {' or '.join(route.methods)}", {"allow": ", ".join(route.methods)}
    )


async def _run(route: Route, request: Request, ctx: Context) -> Response:
    try:
        return await route.handler(request, ctx)
    except Rejection as rejection:
        return rejection_response(rejection)
    except StorageError as exc:
        log("error", "analytics storage failed", route=route.path, reason=str(exc))
        return storage_unavailable()


async def serve(
    routes: tuple[Route, ...], site: Handler, request: Request, make_context: Callable[[], Context]
) -> Response:
    """The whole answer to a request, never an exception: a broken ORIGIN_URL or
    ORIGIN_TIMEOUT_MS is a 500 naming the variable; anything unexpected is logged with its
    traceback and answered with a generic 500 (the traceback never reaches the client)."""
    try:
        return await dispatch(routes, site, request, make_context())
    except ConfigError as exc:
        log("error", "configuration error", setting=exc.setting, reason=str(exc))
        return json_error(500, "misconfigured", f"footfall is misconfigured: {exc}")
    except Exception:
        log("error", "unhandled exception", traceback=traceback.format_exc())
        return json_error(500, "internal_error", "internal error")
