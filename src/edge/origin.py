"""The origin port on the runtime's fetch: the proxy's request out, the origin's answer back
with its body streaming through untouched."""

import json

from js import JSON, AbortController, Object, clearTimeout, fetch, setTimeout
from pyodide.ffi import to_js

from app.context import OriginTimeout, OriginUnreachable
from app.http import Headers, Opaque, Request, Response


def _headers(js_headers) -> Headers:
    pairs = json.loads(JSON.stringify(Object.entries(js_headers)))
    # Set-Cookie may repeat; fetch's Headers joins the rest, and keeps cookies apart here.
    cookies = list(js_headers.getSetCookie()) if hasattr(js_headers, "getSetCookie") else []
    if cookies:
        pairs = [p for p in pairs if p[0] != "set-cookie"] + [["set-cookie", str(c)] for c in cookies]
    return Headers(pairs)


class FetchOrigin:
    async def fetch(self, request: Request, target: str, headers: dict[str, str], timeout_ms: int) -> Response:
        options = {"method": request.method, "headers": to_js(headers, dict_converter=Object.fromEntries),
                   "redirect": "manual"}
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
