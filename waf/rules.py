"""footfall's rate-limiting rules for Cloudflare's WAF, as the Rulesets API takes them (phase
`http_ratelimit`). A request the Worker rejects has already been billed; a request the WAF
blocks never reaches it.

Thresholds come from the tracker's own schedule (client/src/engagement.js), so no real visitor
gets near them. A page view sends /init, one heartbeat when it is hidden and backup heartbeats
at most every 15 s; its busiest 10 seconds are a few SPA navigations (a heartbeat and an /init
each), tab switches (a heartbeat each) and clicks on links or custom events: call it 20. The
original design's clients, a heartbeat per interval, stay under it too. Counters are
per IP address (and Cloudflare data centre), and an office or a mobile carrier puts many
people behind one address, so the limit allows 15 such visitors at their busiest moment at
once: 300 per 10 seconds.
"""

import re

PERIOD_SECONDS = 10  # the only period the Free plan offers
BEACONS_PER_VIEW_WORST_10S = 20
VISITORS_BEHIND_ONE_IP = 15
COLLECT_LIMIT = BEACONS_PER_VIEW_WORST_10S * VISITORS_BEHIND_ONE_IP
COLLECT_TIMEOUT_SECONDS = 10  # the Free plan's only mitigation timeout
# The owner's endpoints (login, dashboard, API, export, history plots): a person clicking
# through the dashboard sends one request per click, a script should pace itself; 20 in 10 s
# leaves room for both and makes guessing the token by brute force hopeless (with the Worker's
# own count of failures per network, app/guards.py, and tokens it refuses when weak).
OWNER_LIMIT = 20
OWNER_TIMEOUT_SECONDS = 600  # Pro and above; the Free plan has one rule only (see README)
REF_COLLECT, REF_OWNER = "footfall-collect", "footfall-owner"
# Refs of footfall's earlier rules, replaced when the rules are applied again.
RETIRED_REFS = frozenset({"footfall-login"})
_PREFIX_RE = re.compile(r"^(/[A-Za-z0-9._~-]+)+$")  # the Worker's own FOOTFALL_PATH rule


def collection_paths(prefix: str) -> list[str]:
    return [f"{prefix}/{name}" for name in ("init", "heartbeat", "event")]


def owner_paths(prefix: str) -> list[str]:
    """Every endpoint that checks the owner's token or session, so that no one of them is left
    to guess on. By path alone: the Pro plan's rate-limiting rules may test the path but not
    the method (only Business and above), so the login page's GETs count too."""
    names = ("login", "logout", "dashboard", "goals", "api/v1/query", "api/v1/export", "api/v1/copy")
    return [f"{prefix}/{name}" for name in names]


def rules(prefix: str = "/_ff", owner_rule: bool = True) -> list[dict]:
    if not _PREFIX_RE.match(prefix):
        raise ValueError("FOOTFALL_PATH must look like /_ff")
    paths = " ".join(f'"{p}"' for p in collection_paths(prefix))
    out = [
        {
            "ref": REF_COLLECT,
            "description": "footfall: collection endpoints, per IP",
            "expression": f"(http.request.uri.path in {{{paths}}})",
            "action": "block",
            "ratelimit": {
                "characteristics": ["ip.src", "cf.colo.id"],
                "period": PERIOD_SECONDS,
                "requests_per_period": COLLECT_LIMIT,
                "mitigation_timeout": COLLECT_TIMEOUT_SECONDS,
            },
            "enabled": True,
        }
    ]
    if owner_rule:
        owner = " ".join(f'"{p}"' for p in owner_paths(prefix))
        out.append(
            {
                "ref": REF_OWNER,
                "description": "footfall: login, dashboard, API, export and history plots, per IP",
                "expression": (
                    f'(http.request.uri.path in {{{owner}}}) or starts_with(http.request.uri.path, "{prefix}/history/")'
                ),
                "action": "block",
                "ratelimit": {
                    "characteristics": ["ip.src", "cf.colo.id"],
                    "period": PERIOD_SECONDS,
                    "requests_per_period": OWNER_LIMIT,
                    "mitigation_timeout": OWNER_TIMEOUT_SECONDS,
                },
                "enabled": True,
            }
        )
    return out


_COMPARABLE = ("ref", "description", "expression", "action", "ratelimit", "enabled")


def _essence(rule: dict) -> dict:
    return {k: rule.get(k) for k in _COMPARABLE}


def merge(existing: list[dict], desired: list[dict]) -> list[dict] | None:
    """The phase's new rule list: the owner's other rules kept in place, footfall's replaced.
    None when nothing would change (so a second run does nothing)."""
    ours = {r["ref"] for r in desired} | RETIRED_REFS
    current = [_essence(r) for r in existing if r.get("ref") in ours]
    if current == [_essence(r) for r in desired]:
        return None
    kept = [r for r in existing if r.get("ref") not in ours]
    return kept + desired
