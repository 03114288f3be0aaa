"""Building JS Responses and reading request bodies, without the SDK's conversion layers.

Responses are made with the JS constructor directly: the runtime returns them as they are,
and the collection endpoints stay within their CPU budget.
"""

import json

from js import Object, Response
from pyodide.ffi import jsnull, to_js

from footfall.errors import Rejection
from footfall.limits import MAX_BODY_BYTES

JSON_HEADERS = {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"}


def header(js_request, name: str) -> str | None:
    """A request header as a Python str, or None (JS `null` is not None in Pyodide)."""
    value = js_request.headers.get(name)
    return None if value is None or value is jsnull else str(value)


def make_response(body, status: int, headers: dict[str, str]):
    init = to_js({"status": status, "headers": headers}, dict_converter=Object.fromEntries)
    return Response.new(body, init)


def no_content():
    """What a beacon gets when all went well."""
    return make_response(None, 204, {"cache-control": "no-store"})


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
