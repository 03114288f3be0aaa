"""Checks on a collection request before and after its body is read.

Order matters and follows the wire contract: media type (415), size (413: declared and
streamed, both in app.http.Request.read_body, which reads at most the limit + 1 bytes), then
the bytes themselves (400).
"""

import json
from urllib.parse import urlsplit

from footfall.collect.limits import BODY_MEDIA_TYPES, MAX_BODY_BYTES
from footfall.errors import Rejection

_DEFAULT_PORTS = {"http": 80, "https": 443}


def web_origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL or Origin header, the port filled in from the
    scheme; None for anything else ("null", another scheme, a bad port)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS[scheme]


def origin_allowed(origin: str | None, request_url: str, allowed: frozenset[str]) -> bool:
    """A beacon from the site's own pages, from an allowed origin, or from no browser page at
    all. Browsers always send Origin on a cross-site POST (sendBeacon included), so another
    site's pages cannot write into this site's numbers. "Own" means the same scheme, host and
    port as the request itself (RFC 6454): http://example.com:8080 is another site."""
    if origin is None:
        return True
    if origin in allowed:
        return True
    sender = web_origin(origin)
    return sender is not None and sender == web_origin(request_url)


def check_media_type(content_type: str | None) -> None:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in BODY_MEDIA_TYPES:
        raise Rejection(415, "unsupported_media_type", "send the body as application/json or text/plain")


def _reject_constant(name: str):
    raise ValueError(name)


def decode_object(raw: bytes) -> dict:
    """The body as a JSON object, or a Rejection saying what is wrong with it."""
    if len(raw) > MAX_BODY_BYTES:
        raise Rejection(413, "body_too_large", f"the body may be at most {MAX_BODY_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejection(400, "bad_encoding", "the body is not valid UTF-8") from None
    try:
        # NaN and Infinity are not JSON; Python accepts them unless told not to.
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise Rejection(400, "bad_json", "the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise Rejection(400, "not_an_object", "the body must be a JSON object")
    return value
