"""Plain HTTP values: the `Request` a handler receives and the `Response` it returns.

The edge (edge/requests.py, edge/responses.py) converts them from and to the runtime's JS
objects; the in-process tests build them directly. A request body is read through
`Request.read_body`, the one place where the declared and the streamed size limits apply.
"""

import json
from collections.abc import Awaitable, Callable
from typing import NamedTuple

from footfall.errors import Rejection

JSON_HEADERS = {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"}


class Client(NamedTuple):
    """What Cloudflare's edge says about the sender (request.cf), beside the headers."""

    ip: str = ""
    country: str | None = None
    region: str | None = None  # request.cf.regionCode ("MD")
    region_name: str | None = None  # request.cf.region ("Maryland")
    city: str | None = None  # request.cf.city
    asn: int | None = None
    cf_bot_score: int | None = None
    cf_verified_category: str | None = None


class Opaque(NamedTuple):
    """A runtime object passed through untouched: a body stream the proxy forwards."""

    handle: object


# Reads at most `limit` + 1 bytes of the body (so "too large" is known without reading it all).
BodyReader = Callable[[int], Awaitable[bytes]]


async def _no_body(limit: int) -> bytes:
    return b""


class Request(NamedTuple):
    method: str
    url: str  # absolute, as the client addressed it
    path: str
    query: str  # without the "?"
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", " (fetch's Headers.get)
    client: Client = Client()
    reader: BodyReader = _no_body
    stream: Opaque | None = None  # the body as the runtime has it, for the proxy
    params: dict[str, str] = {}  # parts of the path the route captured

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    async def read_body(self, limit: int) -> bytes:
        """The body, at most `limit` bytes: 413 on a declared or a streamed size above it,
        400 on a Content-Length that is not a number. Nothing beyond limit + 1 is read."""
        declared = self.headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared.strip())
            except ValueError:
                raise Rejection(400, "bad_content_length", "Content-Length is not a number") from None
            if size > limit:
                raise Rejection(413, "body_too_large", f"the body may be at most {limit} bytes")
        data = await self.reader(limit)
        if len(data) > limit:
            raise Rejection(413, "body_too_large", f"the body may be at most {limit} bytes")
        return data


class Headers:
    """Response headers: ordered (name, value) pairs, because Set-Cookie may repeat."""

    __slots__ = ("pairs",)

    def __init__(self, items=None):
        source = items.items() if isinstance(items, dict) else (items or ())
        self.pairs: list[tuple[str, str]] = [(k.lower(), v) for k, v in source]

    def get(self, name: str) -> str | None:
        values = [v for k, v in self.pairs if k == name]
        return ", ".join(values) if values else None

    def set(self, name: str, value: str) -> None:
        self.delete(name)
        self.pairs.append((name.lower(), value))

    def delete(self, name: str) -> None:
        name = name.lower()
        self.pairs = [(k, v) for k, v in self.pairs if k != name]

    def __contains__(self, name: str) -> bool:
        return any(k == name for k, _ in self.pairs)


class Response:
    """What a handler answers. `body` is bytes, text, None or an `Opaque` stream; `inject_head`
    asks the edge to add that HTML at the end of <head> while streaming (HTMLRewriter)."""

    __slots__ = ("status", "headers", "body", "inject_head")

    def __init__(
        self, status: int, headers=None, body: bytes | str | Opaque | None = None, inject_head: str | None = None
    ):
        self.status = status
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.body = body
        self.inject_head = inject_head

    def text(self) -> str:
        """The body as text (tests and the dashboard's own pages; never a stream)."""
        if isinstance(self.body, bytes):
            return self.body.decode()
        return self.body if isinstance(self.body, str) else ""

    def json(self):
        return json.loads(self.text())


def no_content() -> Response:
    """What a beacon gets when all went well."""
    return Response(204, {"cache-control": "no-store"})


def json_response(value, status: int = 200, extra_headers: dict[str, str] | None = None) -> Response:
    return Response(status, {**JSON_HEADERS, **(extra_headers or {})}, json.dumps(value))


def json_error(status: int, code: str, message: str, extra_headers: dict[str, str] | None = None) -> Response:
    return json_response({"error": code, "message": message}, status, extra_headers)


def rejection_response(rejection: Rejection) -> Response:
    return json_error(rejection.status, rejection.code, rejection.message)


def redirect(location: str, extra: dict[str, str] | None = None) -> Response:
    return Response(303, {"location": location, "cache-control": "no-store", **(extra or {})})


def html_page(html: str, status: int, headers: dict[str, str]) -> Response:
    return Response(status, headers, html)
