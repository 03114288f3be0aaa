"""Which requests belong to footfall and which go to the origin.

Everything under the prefix is footfall's (an unknown path there is a 404, never proxied:
the prefix is reserved); everything else is the site's.
"""

# Endpoint name -> the methods it answers.
ENDPOINTS = {
    "init": ("POST",),
    "heartbeat": ("POST",),
    "event": ("POST",),
    "script.js": ("GET", "HEAD"),
    "dashboard": ("GET",),
    "login": ("GET", "POST"),
    "logout": ("POST",),
    "api/v1/query": ("GET", "POST"),
    "api/v1/export": ("GET",),
    "history/": ("GET",),  # history/<path>.svg
}


# The wire contract's beacons (CORS preflight applies to these only).
COLLECTION = ("init", "heartbeat", "event")


def match(prefix: str, path: str) -> str | None:
    """The footfall endpoint a path names ("" for an unknown one), or None for the site."""
    if path == prefix:
        return ""
    if not path.startswith(prefix + "/"):
        return None
    name = path[len(prefix) + 1 :]
    if name.startswith("history/") and name.endswith(".svg"):
        return "history/"
    return name if name in ENDPOINTS and name != "history/" else ""
