"""JS Request -> app.http.Request: method, URL parts, headers, Cloudflare's client facts, and a
body reader that reads at most the limit the handler asks for (plus one byte)."""

import json
from urllib.parse import urlsplit

from js import JSON, Object
from pyodide.ffi import jsnull

from app.http import Client, Opaque, Request

_BODYLESS = ("GET", "HEAD")


def _cf_value(cf, *path):
    """request.cf.a.b as a Python value, or None (no cf object, no such field)."""
    value = cf
    for name in path:
        if value is None or value is jsnull:
            return None
        value = getattr(value, name, None)
    return None if value is jsnull else value


def _number(value) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def client_of(js_request, headers: dict[str, str]) -> Client:
    cf = getattr(js_request, "cf", None)
    return Client(
        ip=headers.get("cf-connecting-ip", ""),
        country=_cf_value(cf, "country") or None,
        region=_cf_value(cf, "regionCode") or None,
        region_name=_cf_value(cf, "region") or None,
        city=_cf_value(cf, "city") or None,
        asn=_number(_cf_value(cf, "asn")),
        cf_bot_score=_number(_cf_value(cf, "botManagement", "score")),
        cf_verified_category=_cf_value(cf, "verifiedBotCategory") or None,
    )


def test_now_ms(js_request) -> int | None:
    """The local runtime's per-request clock for tests (request.cf.testNowMs, set only by
    tools/local-runtime in test mode; on Cloudflare no client can set a cf field)."""
    return _number(_cf_value(getattr(js_request, "cf", None), "testNowMs"))


def _reader(js_request, declared: bool):
    async def read(limit: int) -> bytes:
        stream = js_request.body
        if stream is None or stream is jsnull:
            return b""
        if declared:
            # Content-Length was checked against the limit before this runs (Request.read_body).
            return (await js_request.arrayBuffer()).to_bytes()
        reader = stream.getReader()
        chunks, total = [], 0
        try:
            while total <= limit:
                chunk = await reader.read()
                if chunk.done:
                    break
                data = chunk.value.to_bytes()
                total += len(data)
                chunks.append(data)
        finally:
            if total > limit:
                await reader.cancel()
            reader.releaseLock()
        return b"".join(chunks)[: limit + 1]

    return read


def to_request(js_request) -> Request:
    url = str(js_request.url)
    parts = urlsplit(url)
    # One conversion for all headers: V8 serialises, CPython's C parser reads.
    headers = json.loads(JSON.stringify(Object.fromEntries(js_request.headers)))
    method = str(js_request.method)
    body = js_request.body
    has_body = method not in _BODYLESS and body is not None and body is not jsnull
    return Request(
        method=method,
        url=url,
        path=parts.path or "/",
        query=parts.query,
        headers=headers,
        client=client_of(js_request, headers),
        reader=_reader(js_request, "content-length" in headers),
        stream=Opaque(body) if has_body else None,
    )
