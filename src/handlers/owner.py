"""Who may read: the owner (Bearer token or session cookie), or anyone when the owner made
the dashboard public. Also the security headers every owner-facing page carries."""

import secrets

from adapters import http
from footfall import auth, body
from footfall.settings import Settings


def is_owner(js_request, settings: Settings, now_ms: int) -> bool:
    token = settings.dashboard_token
    if token is None:
        return False
    if auth.bearer_matches(http.header(js_request, "authorization"), token):
        return True
    return auth.session_valid(auth.cookie_value(http.header(js_request, "cookie")), token, now_ms)


def same_origin(js_request, site: str) -> bool:
    """A form POST must come from a page of this site (SameSite=Strict is the first line)."""
    # No Origin: not a browser form post (curl, scripts), and the token itself is the check.
    return body.origin_allowed(http.header(js_request, "origin"), site, frozenset())


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def page_headers(nonce: str) -> dict[str, str]:
    return {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy": (f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; "
                                    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        # same-origin, not no-referrer: with no-referrer a form POST carries "Origin: null",
        # and the login form's own origin check would refuse it.
        "referrer-policy": "same-origin",
    }
