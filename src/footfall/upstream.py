"""Rules of the reverse proxy: where a request goes and which headers cross it.

The target host comes from ORIGIN_URL only. The request contributes nothing but its path and
query, appended after the origin's authority, so no path (`//evil.example`, `/%2F%2Fevil`),
absolute-form target or Host header can point the proxy at another host.
"""

from urllib.parse import urlsplit

from footfall.settings import Origin

# RFC 9110 section 7.6.1: meaningful for one connection only, never forwarded. `host` is
# dropped too: the runtime's fetch sets it from the target URL.
HOP_BY_HOP = (
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
)


def path_and_query(url: str) -> str:
    """The request-target part of a URL: always starts with '/'."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path + ("?" + parts.query if parts.query else "")


def target_url(origin: Origin, request_url: str) -> str:
    return f"{origin.scheme}://{origin.netloc}{origin.base_path}{path_and_query(request_url)}"


def connection_listed(connection_header: str | None) -> list[str]:
    """Header names a Connection header marks as hop-by-hop for this connection."""
    if not connection_header:
        return []
    return [name.strip().lower() for name in connection_header.split(",") if name.strip()]
