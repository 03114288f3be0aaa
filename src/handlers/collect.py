"""POST {prefix}/init, /heartbeat and /event: the wire contract's collection endpoints.

parse -> normalise -> validate (footfall.collect.body, footfall.collect.payload) -> one statement
(footfall.collect.writes) on the store -> 204. The route table has already checked the method and
the Origin; here come the visitor's privacy signals (Do Not Track, Global Privacy Control:
nothing is read or stored, and the answer is the same 204 an accepted beacon gets), then the
media type (415), size (413), JSON (400) and fields (400); a valid beacon with nothing to
store (a monitor's ?knownBot=1 page view, a click on a javascript: link) is a 202. A statement
that changes nothing means the page load is unknown (401) or already stored (a retried /init,
still 204).
"""

from app.context import Context
from app.http import Request, Response, json_error, no_content
from footfall.collect import body, payload, privacy, writes
from footfall.collect.limits import MAX_BODY_BYTES, MAX_EVENTS_PER_PAGE_LOAD
from footfall.errors import Ignored
from handlers.visitors import profile_of


async def _receive(request: Request) -> dict:
    body.check_media_type(request.header("content-type"))
    return body.decode_object(await request.read_body(MAX_BODY_BYTES))


def _refused(request: Request, ctx: Context) -> bool:
    return ctx.settings.honour_dnt and privacy.asks_not_to_be_tracked(request.headers)


async def init(request: Request, ctx: Context) -> Response:
    if _refused(request, ctx):
        return no_content()
    try:
        record = payload.parse_page_load(await _receive(request))
    except Ignored as ignored:
        return _ignored(str(ignored))
    who = await profile_of(request, ctx)
    await ctx.store.execute(writes.page_load(record, ctx.site, ctx.now_ms, ctx.settings.day_offset_minutes, who))
    return no_content()  # stored, or a retry of a stored page load


async def heartbeat(request: Request, ctx: Context) -> Response:
    if _refused(request, ctx):
        return no_content()
    record = payload.parse_heartbeat(await _receive(request))
    result = await ctx.store.execute(writes.heartbeat(record, ctx.site, ctx.now_ms))
    if result.changes == 0:
        return _unknown_page_load()
    if result.rows and not result.rows[0].get("accepted"):
        return _ignored("heartbeat more than 6 hours after the page load")
    return no_content()


async def event(request: Request, ctx: Context) -> Response:
    if _refused(request, ctx):
        return no_content()
    try:
        record = payload.parse_event(await _receive(request), ctx.settings.event_names)
    except Ignored as ignored:
        return _ignored(str(ignored))
    result = await ctx.store.execute(writes.event(record, ctx.site, ctx.now_ms, ctx.settings.day_offset_minutes))
    if result.changes:
        return no_content()
    why = await ctx.store.execute(writes.event_refusal(record, ctx.site, ctx.now_ms))
    if not why.rows:
        return _unknown_page_load()
    if why.rows[0]["too_old"]:
        return _ignored("event more than 6 hours after the page load")
    return _ignored(f"the page load already has {MAX_EVENTS_PER_PAGE_LOAD} events")


def _ignored(reason: str) -> Response:
    """Accepted and not stored, and why (the wire contract's 202)."""
    return Response(202, {"cache-control": "no-store", "x-footfall-ignored": reason})


def _unknown_page_load() -> Response:
    # The page load does not exist (or belongs to another site).
    return json_error(401, "unknown_page_load", "no page load with this uuid on this site")
