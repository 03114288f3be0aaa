"""POST {prefix}/init, /heartbeat and /event: the wire contract's collection endpoints.

parse -> normalise -> validate (footfall.body, footfall.payload) -> one D1 statement
(footfall.writes, adapters.d1) -> 204. Checks run in the contract's order: method (405, in
entry.py), media type (415), size (413), JSON (400), fields (400). A statement that changes nothing
means the page load is unknown (401) or already stored (a retried /init, still 204).
"""

from adapters import d1, http
from footfall import body, payload, writes
from footfall.errors import Rejection
from footfall.log import log
from footfall.settings import Settings

async def receive(js_request) -> dict:
    """The request's JSON object, after the media type and size checks (entry.py checked the method)."""
    body.check_media_type(http.header(js_request, "content-type"))
    body.check_declared_length(http.header(js_request, "content-length"))
    return body.decode_object(await http.read_body(js_request))


def statement_for(endpoint: str, data: dict, settings: Settings, site: str, now_ms: int) -> writes.Statement:
    if endpoint == "init":
        return writes.page_load(payload.parse_page_load(data), site, now_ms)
    if endpoint == "heartbeat":
        return writes.heartbeat(payload.parse_heartbeat(data), site, now_ms)
    return writes.event(payload.parse_event(data, settings.event_names), site, now_ms)


async def handle(endpoint: str, js_request, env, settings: Settings, site: str, now_ms: int):
    try:
        statement = statement_for(endpoint, await receive(js_request), settings, site, now_ms)
    except Rejection as rejection:
        return http.rejection_response(rejection)

    try:
        changed = await d1.execute(env, statement)
    except d1.StorageError as exc:
        log("error", "analytics storage failed", endpoint=endpoint, reason=str(exc))
        return http.json_error(503, "storage_unavailable", "analytics storage is unavailable; try again later")

    if changed == 0 and endpoint != "init":
        # The page load this refers to does not exist (or belongs to another site).
        return http.json_error(401, "unknown_page_load", "no page load with this uuid on this site")
    return http.no_content()
