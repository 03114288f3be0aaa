"""The origin port on the runtime's fetch: the proxy's request out, the origin's answer back
with its body streaming through untouched."""

import json

from js import JSON, AbortController, Object, clearTimeout, fetch, setTimeout
from pyodide.ffi import to_js

from app.context import OriginTimeout, OriginUnreachable
from app.http import Headers, Opaque, Request, Response


def _headers(js_headers) -> Headers:
    joined = json.loads(JSON.stringify(Object.fromEntries(js_headers)))
    # Set-Cookie may repeat and must stay apart (fetch's Headers joins every other header).
    cookies = [str(c) for c in js_headers.getSetCookie()] if "set-cookie" in joined else []
    pairs = [(k, v) for k, v in joined.items() if k != "set-cookie"]
    return Headers(pairs + [("set-cookie", c) for c in cookies])


class FetchOrigin:
    async def fetch(self, request: Request, target: str, headers: dict[str, str], timeout_ms: int) -> Response:
        options = {
            "method": request.method,
            "headers": to_js(headers, dict_converter=Object.fromEntries),
            "redirect": "manual",
        }
        if request.stream is not None:
            options["body"] = request.stream.handle
        # The timeout covers the wait for the origin's status and headers, not the streaming of a
        # large body after them. (abort.bind keeps the callback in JS: no Python proxy to create.)
        controller = AbortController.new()
        timer = setTimeout(controller.abort.bind(controller), timeout_ms)
        try:
            # Keyword arguments become fetch()'s options object in one conversion.
            answer = await fetch(target, signal=controller.signal, **options)
        except Exception as exc:  # a JsException: DNS, refused connection, TLS, abort
            if controller.signal.aborted:
                raise OriginTimeout() from None
            raise OriginUnreachable(str(exc)) from None
        finally:
            clearTimeout(timer)
        return Response(int(answer.status), _headers(answer.headers), Opaque(answer.body))


class AssetsOrigin:
    """The site as Workers Static Assets (the `ASSETS` binding): the requests that reach the
    Worker (run_worker_first, or no asset matched) are answered from the deployed files."""

    def __init__(self, binding):
        self._assets = binding

    async def fetch(self, request: Request, target: str, headers: dict[str, str], timeout_ms: int) -> Response:
        # "manual", as for the origin: a string URL's fetch follows redirects, and the binding
        # would turn the assets' 307 (`/blog` -> `/blog/`) into the page itself under `/blog`.
        options = {
            "method": request.method,
            "headers": to_js(headers, dict_converter=Object.fromEntries),
            "redirect": "manual",
        }
        try:
            answer = await self._assets.fetch(target, **options)
        except Exception as exc:
            raise OriginUnreachable(str(exc)) from None
        return Response(int(answer.status), _headers(answer.headers), Opaque(answer.body))
