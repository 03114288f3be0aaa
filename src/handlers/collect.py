"""POST {prefix}/init, /heartbeat and /event: the wire contract's collection endpoints.

parse -> normalise -> validate (footfall.body, footfall.payload) -> one D1 statement
(footfall.writes, adapters.d1) -> 204. Checks run in the contract's order: method (405, in
entry.py), media type (415), size (413), JSON (400), fields (400). A statement that changes
nothing means the page load is unknown (401) or already stored (a retried /init, still 204).
"""

from adapters import d1, http
from footfall import body, payload, writes
from footfall.errors import Rejection
from footfall.log import log
from footfall.settings import Settings
from handlers.visitor import profile_of


async def receive(js_request) -> dict:
    """The request's JSON object, after the media type and size checks (entry.py checked the method)."""
    body.check_media_type(http.header(js_request, "content-type"))
    body.check_declared_length(http.header(js_request, "content-length"))
    return body.decode_object(await http.read_body(js_request))


async def statement_for(endpoint, data, js_request, env, settings: Settings, site, now_ms) -> writes.Statement:
    if endpoint == "init":
        record = payload.parse_page_load(data)
        who = await profile_of(http.client_of(js_request), env, settings, site, now_ms)
        return writes.page_load(record, site, now_ms, settings.day_offset_minutes, who)
    if endpoint == "heartbeat":
        return writes.heartbeat(payload.parse_heartbeat(data), site, now_ms)
    return writes.event(payload.parse_event(data, settings.event_names), site, now_ms, settings.day_offset_minutes)


def cors_headers(js_request, settings: Settings) -> dict[str, str]:
    """CORS for the allowlisted origins only; same-origin beacons need none. Never a wildcard."""
    origin = http.header(js_request, "origin")
    if origin is None or origin not in settings.cors_origins:
        return {}
    return {"access-control-allow-origin": origin, "vary": "Origin"}


def preflight(js_request, settings: Settings):
    headers = cors_headers(js_request, settings)
    if not headers:
        return http.json_error(405, "method_not_allowed", "use POST", {"Allow": "POST"})
    return http.make_response(None, 204, {**headers, "access-control-allow-methods": "POST",
                                          "access-control-allow-headers": "Content-Type",
                                          "access-control-max-age": "86400"})


async def handle(endpoint: str, js_request, env, settings: Settings, site: str, now_ms: int):
    response = await _handle(endpoint, js_request, env, settings, site, now_ms)
    for name, value in cors_headers(js_request, settings).items():
        response.headers.set(name, value)
    return response


async def _handle(endpoint: str, js_request, env, settings: Settings, site: str, now_ms: int):
    try:
        if not body.origin_allowed(http.header(js_request, "origin"), site, settings.cors_origins):
            raise Rejection(403, "foreign_origin", "beacons are accepted from this site's own pages only")
        data = await receive(js_request)
        statement = await statement_for(endpoint, data, js_request, env, settings, site, now_ms)
        result = await d1.execute(env, statement)
    except Rejection as rejection:
        return http.rejection_response(rejection)
    except d1.StorageError as exc:
        log("error", "analytics storage failed", endpoint=endpoint, reason=str(exc))
        return http.json_error(503, "storage_unavailable", "analytics storage is unavailable; try again later")

    if endpoint == "init":
        return http.no_content()  # stored, or a retry of a stored page load
    if result.changes == 0:
        # The page load does not exist (or belongs to another site).
        return http.json_error(401, "unknown_page_load", "no page load with this uuid on this site")
    if endpoint == "heartbeat" and result.rows and not result.rows[0].get("accepted"):
        return http.make_response(None, 202, {"cache-control": "no-store",
                                              "x-footfall-ignored": "heartbeat more than 6 hours after the page load"})
    return http.no_content()
