"""Rules of the reverse proxy: where a request goes and which headers cross it.

The target host comes from ORIGIN_URL only. The request contributes nothing but its path and
query, appended after the origin's authority, so no path (`//evil.example`, `/%2F%2Fevil`),
absolute-form target or Host header can point the proxy at another host.
"""

from urllib.parse import urlsplit

from footfall.auth import COOKIE
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


# Every request the proxy sends carries the hosts it went through, as `Via` does (RFC 9110
# section 7.6.3). A request that comes back carrying this site's own host has looped: an
# ORIGIN_URL naming the Worker itself, or (ORIGIN_URL empty) a Host that names the Worker.
LOOP_HEADER = "x-footfall-via"


def via(headers: dict[str, str]) -> list[str]:
    """The hosts a request has already been proxied through (LOOP_HEADER, comma-separated)."""
    return [h.strip().lower() for h in (headers.get(LOOP_HEADER) or "").split(",") if h.strip()]


def looped(headers: dict[str, str], site: str) -> bool:
    return site.lower() in via(headers)


def without_credentials(headers: dict[str, str]) -> dict[str, str]:
    """The request's headers minus the owner's credentials for footfall: a Bearer token and
    footfall's session cookie never reach the origin (a site path like /_ff/.. is '/', and a
    script may send its token anywhere). Other Authorization schemes (Basic, for an origin
    behind a password) and the site's own cookies pass."""
    out = dict(headers)
    authorization = out.get("authorization", "")
    if authorization.strip().lower().startswith("bearer"):
        del out["authorization"]
    if "cookie" in out:
        kept = [p for p in out["cookie"].split(";") if p.strip() and p.strip().partition("=")[0].strip() != COOKIE]
        if kept:
            out["cookie"] = ";".join(kept).strip()
        else:
            del out["cookie"]
    return out


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
