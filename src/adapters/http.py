"""Building JS Responses and reading request bodies, without the SDK's conversion layers.

Responses are made with the JS constructor directly: the runtime returns them as they are,
and the collection endpoints stay within their CPU budget.
"""

import json

from js import Object, Response
from pyodide.ffi import jsnull, to_js

from footfall.errors import Rejection
from footfall.limits import MAX_BODY_BYTES
from footfall.profile import Client

JSON_HEADERS = {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"}


def header(js_request, name: str) -> str | None:
    """A request header as a Python str, or None (JS `null` is not None in Pyodide)."""
    value = js_request.headers.get(name)
    return None if value is None or value is jsnull else str(value)


def make_response(body, status: int, headers: dict[str, str]):
    init = to_js({"status": status, "headers": headers}, dict_converter=Object.fromEntries)
    return Response.new(body, init)


# The most frequent answer, its options built once: a Response only reads them.
_NO_CONTENT = to_js({"status": 204, "headers": {"cache-control": "no-store"}}, dict_converter=Object.fromEntries)


def no_content():
    """What a beacon gets when all went well."""
    return Response.new(None, _NO_CONTENT)


def json_error(status: int, code: str, message: str, extra_headers: dict[str, str] | None = None):
    headers = dict(JSON_HEADERS)
    if extra_headers:
        headers.update(extra_headers)
    return make_response(json.dumps({"error": code, "message": message}), status, headers)


def rejection_response(rejection: Rejection, extra_headers: dict[str, str] | None = None):
    return json_error(rejection.status, rejection.code, rejection.message, extra_headers)


async def read_body(js_request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, reading at most `limit` + 1 bytes (413 beyond `limit`).

    The caller has already rejected a Content-Length above the limit; this also bounds a
    chunked body that declared no length.
    """
    stream = js_request.body
    if stream is None or stream is jsnull:
        return b""
    if header(js_request, "content-length") is not None:
        # Declared and already checked against the limit: one read, no stream plumbing.
        return (await js_request.arrayBuffer()).to_bytes()
    reader = stream.getReader()
    chunks, total = [], 0
    try:
        while True:
            chunk = await reader.read()
            if chunk.done:
                break
            data = chunk.value.to_bytes()
            total += len(data)
            if total > limit:
                raise Rejection(413, "body_too_large", f"the body may be at most {limit} bytes")
            chunks.append(data)
    finally:
        if total > limit:
            await reader.cancel()
        reader.releaseLock()
    return b"".join(chunks)


def _cf_value(cf, *path):
    """request.cf.a.b as a Python value, or None (no cf object, no such field)."""
    value = cf
    for name in path:
        if value is None or value is jsnull:
            return None
        value = getattr(value, name, None)
    return None if value is jsnull else value


def client_of(js_request) -> Client:
    """The parts of a request that say who sent it (see footfall.profile)."""
    cf = getattr(js_request, "cf", None)
    asn = _cf_value(cf, "asn")
    score = _cf_value(cf, "botManagement", "score")
    return Client(
        ip=header(js_request, "cf-connecting-ip") or "",
        user_agent=header(js_request, "user-agent") or "",
        accept_language=header(js_request, "accept-language"),
        sec_fetch_mode=header(js_request, "sec-fetch-mode"),
        ch_ua=header(js_request, "sec-ch-ua"),
        ch_mobile=header(js_request, "sec-ch-ua-mobile"),
        ch_platform=header(js_request, "sec-ch-ua-platform"),
        country=_cf_value(cf, "country"),
        asn=int(asn) if isinstance(asn, (int, float)) else None,
        cf_bot_score=int(score) if isinstance(score, (int, float)) else None,
        cf_verified_category=_cf_value(cf, "verifiedBotCategory") or None,
    )
