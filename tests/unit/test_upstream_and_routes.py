"""Proxy targets (footfall.upstream) and routing (app.routing, app.routes)."""

import pytest

from app import routing
from app.routes import ROUTES
from footfall.settings import Origin
from footfall.upstream import connection_listed, target_url

ORIGIN = Origin("https", "user.github.io", "")


@pytest.mark.parametrize(
    "request_url,target",
    [
        ("https://blog.example/", "https://user.github.io/"),
        ("https://blog.example/a/b.html?x=1&y=%2F", "https://user.github.io/a/b.html?x=1&y=%2F"),
        ("https://blog.example//evil.example/x", "https://user.github.io//evil.example/x"),
        ("https://blog.example/%2F%2Fevil.example", "https://user.github.io/%2F%2Fevil.example"),
        ("https://blog.example/@evil.example", "https://user.github.io/@evil.example"),
        ("https://blog.example", "https://user.github.io/"),
    ],
    ids=["root", "query-kept", "double-slash", "encoded-slashes", "at-sign", "no-path"],
)
def test_target_keeps_the_origins_host_whatever_the_path(request_url, target):
    assert target_url(ORIGIN, request_url) == target


def test_base_path_is_prefixed():
    assert target_url(Origin("https", "user.github.io", "/proj"), "https://x/a?b") == "https://user.github.io/proj/a?b"


def test_connection_listed_names():
    assert connection_listed("keep-alive, X-Hop ,") == ["keep-alive", "x-hop"]
    assert connection_listed(None) == []


@pytest.mark.parametrize(
    "prefix,path,route,params",
    [
        ("/_ff", "/_ff/init", "init", {}),
        ("/_ff", "/_ff/heartbeat", "heartbeat", {}),
        ("/_ff", "/_ff/event", "event", {}),
        ("/_ff", "/_ff/script.js", "script.js", {}),
        ("/_ff", "/_ff/history/blog/a.html.svg", "history/{path}.svg", {"path": "blog/a.html"}),
        # The seam bug: the page's path came from splitting the URL at "/history/", which with
        # FOOTFALL_PATH=/history split at the prefix itself and read the wrong page.
        ("/history", "/history/history/notes/history/x.svg", "history/{path}.svg", {"path": "notes/history/x"}),
        ("/_ff", "/_ff", "", None),
        ("/_ff", "/_ff/", "", None),
        ("/_ff", "/_ff/unknown", "", None),
        ("/_ff", "/_ff/init/x", "", None),
        # The home page's plot: the README documents {prefix}/history/.svg for "/".
        ("/_ff", "/_ff/history/.svg", "history/{path}.svg", {"path": ""}),
        ("/_ff", "/", None, None),
        ("/_ff", "/_ffx/init", None, None),
        ("/_ff", "/blog/_ff/init", None, None),
        ("/_ff", "/_FF/init", None, None),
    ],
    ids=lambda v: str(v),
)
def test_routes(prefix, path, route, params):
    found = routing.find(ROUTES, prefix, path)
    if route is None:
        assert found is None  # the site's
    elif route == "":
        assert found == routing.Match(None, {})  # under the prefix, no such endpoint: 404
    else:
        assert found is not None and found.route is not None
        assert (found.route.path, found.params) == (route, params)
