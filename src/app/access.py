"""Who may call what: the owner (Bearer token or session cookie), beacons from the site's own
pages, and the security headers of every owner-facing page. The route table (app/routes.py)
names one policy per route; app/routing.py applies it before the handler runs."""

import secrets
from enum import Enum

from app import sessions
from app.http import Request, Response, json_error, json_response, redirect
from footfall import auth
from footfall.collect import body
from footfall.database.store import Store
from footfall.settings import Settings


class Access(Enum):
    BEACON = "beacon"  # anyone, from this site's pages or an allowed origin (beacon_from_own_pages)
    PUBLIC = "public"  # anyone
    OWNER = "owner"  # the owner only
    # The owner, or anyone for a site in PUBLIC_SITES when DASHBOARD_PUBLIC (the handler checks
    # the site a request asks for with `may_read`: ?site= and site_id name any site).
    OWNER_OR_PUBLIC = "owner-or-public"
    DASHBOARD = "dashboard"  # as OWNER_OR_PUBLIC; others are sent to the login page
    HISTORY = "history"  # the owner, or anyone when HISTORY_PUBLIC or this site is public


async def is_owner(request: Request, settings: Settings, now_ms: int, store: Store) -> bool:
    """The owner's Bearer token, or a session cookie that is signed, unexpired and of the
    current session generation (one store read, only for a correctly signed cookie)."""
    token = settings.dashboard_token
    if token is None:
        return False
    if auth.bearer_matches(request.header("authorization"), token):
        return True
    generation = auth.session_generation(auth.cookie_value(request.header("cookie")), token, now_ms)
    return generation is not None and generation == await sessions.current(store)


def guessed(request: Request, settings: Settings) -> bool:
    """Credentials that did not make the sender the owner and could be a guess at the token: a
    Bearer token, or a session cookie without the token's signature. A signed cookie that expired
    or that a logout revoked is the owner's own (a phone still holding one, sending it with every
    same-site request); counting it would lock the owner's network out."""
    token = settings.dashboard_token
    if request.header("authorization") is not None:
        return True
    cookie = auth.cookie_value(request.header("cookie"))
    return cookie is not None and (token is None or not auth.session_signed(cookie, token))


def presents_credentials(request: Request) -> bool:
    """An Authorization header or footfall's session cookie: something to check, right or wrong."""
    return request.header("authorization") is not None or auth.cookie_value(request.header("cookie")) is not None


def too_many_attempts(retry_after_s: int) -> Response:
    return json_error(
        429,
        "too_many_attempts",
        "too many wrong tokens or sessions from this network; try again later",
        {"retry-after": str(retry_after_s)},
    )


def same_origin(request: Request) -> bool:
    """A form POST must come from a page of this site (SameSite=Strict is the first line).
    No Origin: not a browser form post (curl, scripts), and the token itself is the check."""
    return body.origin_allowed(request.header("origin"), request.url, frozenset())


def beacon_from_own_pages(request: Request, settings: Settings) -> bool:
    """Whether a beacon comes from this site's own pages or an origin in CORS_ORIGINS, or from
    no browser page at all (no Origin: curl, scripts; the body's checks still apply).

    `Origin: null` alone does not say where a beacon comes from. A page opened from disk sends
    it, and so does a page of this site served with `Referrer-Policy: no-referrer` (header or
    <meta>) in a browser that follows the Fetch standard there: a POST whose mode is not "cors"
    (sendBeacon with text/plain is "no-cors") carries `Origin: null` under that policy
    (https://fetch.spec.whatwg.org/#append-a-request-origin-header). Firefox 153 does so;
    Chromium 156 sends the page's origin. `Sec-Fetch-Site` tells the two apart: the browser
    sets it (a forbidden header name: no page can) and says `same-origin` only when the page
    has the request's own origin; a file: page says `cross-site`. Browsers send it to https
    and localhost addresses only (Chrome 76, Firefox 90, Safari 16.4), so on a plain http site
    such a beacon stays refused. tests/browser/test_referrer_policy.py measures both browsers."""
    origin = request.header("origin")
    if body.origin_allowed(origin, request.url, settings.cors_origins):
        return True
    return origin == "null" and request.header("sec-fetch-site") == "same-origin"


def public_site(settings: Settings, site: str) -> bool:
    """Whether anyone may read `site`'s dashboard: DASHBOARD_PUBLIC and the site listed."""
    return settings.dashboard_public and site.lower() in settings.public_sites


def may_read(owner: bool, settings: Settings, site: str) -> bool:
    """Whether the sender may read the numbers of `site` (the one a request asks for)."""
    return owner or public_site(settings, site)


def allowed(access: Access, owner: bool, settings: Settings, site: str) -> bool:
    """The route's policy, for a request addressed to `site`."""
    if access in (Access.PUBLIC, Access.BEACON):
        return True
    if access is Access.OWNER:
        return owner
    if access is Access.HISTORY:
        return owner or settings.history_public or public_site(settings, site)
    # The site asked for is checked again by the handler (may_read); this lets a stranger on
    # one host read a listed site by name.
    return owner or (settings.dashboard_public and bool(settings.public_sites))


def closed() -> Response:
    return json_error(
        404,
        "dashboard_disabled",
        "set the DASHBOARD_TOKEN secret (wrangler secret put DASHBOARD_TOKEN; locally DASHBOARD_TOKEN=... in"
        " .dev.vars) to open the dashboard",
    )


def denied(access: Access, settings: Settings) -> Response:
    """The answer to a request its route's policy refuses."""
    if access is Access.DASHBOARD:
        if settings.dashboard_token is None:
            return closed()
        return redirect(f"{settings.prefix}/login")
    if access is Access.HISTORY:
        return json_error(401, "unauthorized", "log in, or make history plots public (HISTORY_PUBLIC)")
    return json_response(
        {"error": "unauthorized", "message": "send Authorization: Bearer <DASHBOARD_TOKEN>"},
        401,
        {"www-authenticate": 'Bearer realm="footfall"'},
    )


def cors_headers(request: Request, settings: Settings) -> dict[str, str]:
    """CORS for the allowlisted origins only; same-origin beacons need none. Never a wildcard."""
    origin = request.header("origin")
    if origin is None or origin not in settings.cors_origins:
        return {}
    return {"access-control-allow-origin": origin, "vary": "Origin"}


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def page_headers(nonce: str) -> dict[str, str]:
    return {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy": (
            f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        # same-origin, not no-referrer: with no-referrer a form POST carries "Origin: null",
        # and the login form's own origin check would refuse it.
        "referrer-policy": "same-origin",
    }
