"""The isolate's short memory of who is doing what (footfall/collect/recent.py), and the limits on it.

- Failed owner credentials per network: after MAX_OWNER_FAILURES in a window, the owner's
  endpoints and the login answer 429 to any credentials for the rest of it, right or wrong, so
  a guess tells nothing (it is still parsed and counted: the answer is the same either way).
  The WAF rule footfall-owner (waf/rules.py) limits the same paths before the Worker; this is
  the line that needs no Cloudflare plan.
- Visitor ids per network: many different visitor ids from one network in a minute (a client
  rotating its user agent) is a bot signal (footfall/collect/profile.py).

Module-level, so it lives as long as the isolate; a test that needs a fresh memory calls
`forget()`.
"""

from footfall.collect import recent

OWNER_FAILURE_WINDOW_MS = 10 * 60 * 1000
MAX_OWNER_FAILURES = 10
VISITOR_WINDOW_MS = 60 * 1000
_MAX_NETWORKS = 10_000

owner_failures = recent.Tally(OWNER_FAILURE_WINDOW_MS, _MAX_NETWORKS)
visitor_ids = recent.Distinct(VISITOR_WINDOW_MS, _MAX_NETWORKS, cap=64)


def forget() -> None:
    global owner_failures, visitor_ids
    owner_failures = recent.Tally(OWNER_FAILURE_WINDOW_MS, _MAX_NETWORKS)
    visitor_ids = recent.Distinct(VISITOR_WINDOW_MS, _MAX_NETWORKS, cap=64)


def owner_locked_out(ip: str, now_ms: int) -> int | None:
    """Seconds until this network may try the owner's credentials again, or None."""
    if owner_failures.count(recent.network_of(ip), now_ms) < MAX_OWNER_FAILURES:
        return None
    return (OWNER_FAILURE_WINDOW_MS - now_ms % OWNER_FAILURE_WINDOW_MS) // 1000 + 1


def owner_failed(ip: str, now_ms: int) -> None:
    owner_failures.add(recent.network_of(ip), now_ms)


def visitor_ids_from(site: str, ip: str, visitor: str | None, now_ms: int) -> int:
    """How many different visitor ids this network has shown on `site` this minute, this one
    included (ids differ per site by design, so sites are counted apart)."""
    if visitor is None:
        return 0
    return visitor_ids.add(f"{site}\x00{recent.network_of(ip)}", visitor, now_ms)
