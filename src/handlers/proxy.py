"""Every request outside the footfall prefix: forwarded to the origin and streamed back.

Method, headers, body and status pass through; redirects are handed back, not followed;
hop-by-hop headers are dropped both ways. The target host is ORIGIN_URL's (see
footfall.upstream). When ORIGIN_URL is empty the request goes on to where it was addressed,
which on Cloudflare is the origin behind the Worker's route. An HTML page a person loads is
logged as a server-side hit after the response went out, and (unless INJECT_TAG is off)
gets the tracker's tag at the end of its <head> while it streams through.
"""

from app.context import Context, OriginTimeout, OriginUnreachable
from app.http import Headers, Request, Response
from footfall import upstream
from footfall.collect import payload, privacy, writes
from footfall.log import log
from handlers.visitors import profile_of

_ERROR_PAGE = "<!doctype html><meta charset=utf-8><title>{status}</title><h1>{status} {title}</h1><p>{message}</p>"


def _error_page(status: int, title: str, message: str) -> Response:
    page = _ERROR_PAGE.format(status=status, title=title, message=message)
    return Response(status, {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}, page)


def forward_headers(headers: dict[str, str], site: str) -> dict[str, str]:
    """What the origin gets: no hop-by-hop headers, no Host (fetch sets the origin's), none of
    the owner's footfall credentials, and this site added to the loop header."""
    dropped = set(upstream.HOP_BY_HOP) | set(upstream.connection_listed(headers.get("connection"))) | {"host"}
    out = {k: v for k, v in upstream.without_credentials(headers).items() if k not in dropped}
    out[upstream.LOOP_HEADER] = ", ".join([*upstream.via(headers), site])
    return out


def _strip_hop_by_hop(headers: Headers) -> None:
    for name in upstream.connection_listed(headers.get("connection")):
        headers.delete(name)
    for name in upstream.HOP_BY_HOP:
        headers.delete(name)


def _is_html(response: Response) -> bool:
    return (response.headers.get("content-type") or "").lower().startswith("text/html")


def _is_attachment(response: Response) -> bool:
    return (response.headers.get("content-disposition") or "").strip().lower().startswith("attachment")


def is_page_load(request: Request, response: Response) -> bool:
    """A page load, not a favicon or an iframe: browsers say so in Sec-Fetch-Dest; crawlers and
    older browsers don't send it, and then an HTML answer is taken as a page. A 304 to a
    document request is a browser showing the page it revalidated (a reload of a page sent
    with max-age): often without Content-Type, still a page served (footfall.report.queries.SERVED_HIT).
    Browsers send Sec-Fetch-Dest only to secure origins (https, localhost); elsewhere a
    navigation is known by asking for HTML first. A part of a page (a Range request: download
    managers resuming) and a page sent as a file to save (Content-Disposition: attachment) are
    not page loads: no hit, no tag."""
    dest = request.header("sec-fetch-dest")
    if request.method != "GET" or dest not in (None, "document") or request.header("range") is not None:
        return False
    if response.status == 206 or _is_attachment(response):
        return False
    if response.status == 304:
        return dest == "document" or (request.header("accept") or "").startswith("text/html")
    return _is_html(response)


def tracker_tag(ctx: Context) -> str:
    attributes = "".join(f' {name}="{value}"' for name, value in ctx.settings.tag_attributes)
    return f'<script defer src="{ctx.settings.prefix}/script.js"{attributes}></script>'


async def log_hit(request: Request, ctx: Context, status: int) -> None:
    """Store the server-side hit of an HTML page; runs after the page went out. Whatever
    happens here stays here: the visitor already has their page."""
    try:
        who = await profile_of(request, ctx)
        statement = writes.hit(
            payload.hit_path(request.path), status, ctx.site, ctx.now_ms, ctx.settings.day_offset_minutes, who
        )
        await ctx.store.execute(statement)
    except Exception as exc:  # storage down, unbound, anything: log and let the page be
        log("error", "server-side hit not stored", reason=str(exc))


async def forward(request: Request, ctx: Context) -> Response:
    settings = ctx.settings
    if upstream.looped(request.headers, ctx.site):
        log("error", "proxy loop refused", via=request.headers.get(upstream.LOOP_HEADER, ""))
        return _error_page(
            508, "Loop Detected", "This site's origin is the site itself. Set ORIGIN_URL to where the site is hosted."
        )
    target = request.url if settings.origin is None else upstream.target_url(settings.origin, request.url)
    try:
        headers = forward_headers(request.headers, ctx.site)
        response = await ctx.origin.fetch(request, target, headers, settings.origin_timeout_ms)
    except OriginTimeout:
        log("error", "origin timed out", timeout_ms=settings.origin_timeout_ms)
        return _error_page(504, "Gateway Timeout", "The site did not answer in time. Please try again.")
    except OriginUnreachable as exc:
        log("error", "origin unreachable", reason=str(exc))
        return _error_page(502, "Bad Gateway", "The site could not be reached. Please try again.")
    _strip_hop_by_hop(response.headers)
    if is_page_load(request, response):
        tracked = not (settings.honour_dnt and privacy.asks_not_to_be_tracked(request.headers))
        if tracked:
            ctx.tasks.defer(log_hit(request, ctx, response.status))
        if settings.inject_tag and response.status == 200:
            response.inject_head = tracker_tag(ctx)
            # The bytes are no longer the origin's: its strong ETag would name them wrongly (a
            # resumed download splicing two bodies); a weak one still serves revalidation.
            etag = response.headers.get("etag")
            if etag and not etag.startswith("W/"):
                response.headers.set("etag", "W/" + etag)
    return response
