"""Every request outside the footfall prefix: forwarded to the origin and streamed back.

Method, headers, body and status pass through; redirects are handed back, not followed;
hop-by-hop headers are dropped both ways. The target host is ORIGIN_URL's (see
footfall.upstream). When ORIGIN_URL is empty the request goes on to where it was addressed,
which on Cloudflare is the origin behind the Worker's route.
"""

from js import AbortController, Headers, Response, clearTimeout, fetch, setTimeout

from adapters import d1, http
from footfall import upstream, writes
from footfall.log import log
from footfall.profile import Client
from footfall.settings import Settings
from handlers.visitor import profile_of

_BODYLESS = ("GET", "HEAD")

_ERROR_PAGE = (
    "<!doctype html><meta charset=utf-8><title>{status}</title>"
    "<h1>{status} {title}</h1><p>{message}</p>"
)


def _error_page(status: int, title: str, message: str):
    page = _ERROR_PAGE.format(status=status, title=title, message=message)
    return http.make_response(page, status, {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"})


def _strip_hop_by_hop(headers) -> None:
    connection = headers.get("connection")
    for name in upstream.connection_listed(connection if isinstance(connection, str) else None):
        headers.delete(name)
    for name in upstream.HOP_BY_HOP:
        headers.delete(name)


async def log_hit(client: Client, env, settings: Settings, site: str, path: str, status: int, now_ms: int):
    """Store the server-side hit of an HTML page; runs in ctx.waitUntil, after the page went out.

    Whatever happens here stays here: the visitor already has their page.
    """
    try:
        who = await profile_of(client, env, settings, site, now_ms)
        await d1.execute(env, writes.hit(path, status, site, now_ms, settings.day_offset_minutes, who))
    except Exception as exc:  # D1 down, unbound, anything: log and let the page be
        log("error", "server-side hit not stored", reason=str(exc))


def _is_html(response) -> bool:
    content_type = response.headers.get("content-type")
    return isinstance(content_type, str) and content_type.lower().startswith("text/html")


async def forward(js_request, env, ctx, settings: Settings, site: str, path: str, now_ms: int):
    method = js_request.method
    headers = Headers.new(js_request.headers)
    _strip_hop_by_hop(headers)
    headers.delete("host")
    target = js_request.url if settings.origin is None else upstream.target_url(settings.origin, js_request.url)
    options = {"method": method, "headers": headers, "redirect": "manual"}
    if method not in _BODYLESS:
        options["body"] = js_request.body

    # The timeout covers the wait for the origin's status and headers, not the streaming of a
    # large body after them. (abort.bind keeps the callback in JS: no Python proxy to create.)
    controller = AbortController.new()
    timer = setTimeout(controller.abort.bind(controller), settings.origin_timeout_ms)
    try:
        # Keyword arguments become fetch()'s options object in one conversion.
        answer = await fetch(target, signal=controller.signal, **options)
    except Exception as exc:  # a JsException: DNS, refused connection, TLS, abort
        if controller.signal.aborted:
            log("error", "origin timed out", timeout_ms=settings.origin_timeout_ms)
            return _error_page(504, "Gateway Timeout", "The site did not answer in time. Please try again.")
        log("error", "origin unreachable", reason=str(exc))
        return _error_page(502, "Bad Gateway", "The site could not be reached. Please try again.")
    finally:
        clearTimeout(timer)

    # A new Response has mutable headers; the upstream one's are immutable in workerd.
    response = Response.new(answer.body, answer)
    _strip_hop_by_hop(response.headers)
    # A page load, not a favicon or an iframe: browsers say so in Sec-Fetch-Dest; crawlers and
    # older browsers don't send it, and then an HTML answer is taken as a page.
    dest = http.header(js_request, "sec-fetch-dest")
    if method == "GET" and dest in (None, "document") and _is_html(response):
        ctx.waitUntil(log_hit(http.client_of(js_request), env, settings, site, path, int(answer.status), now_ms))
    return response
