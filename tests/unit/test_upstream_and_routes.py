"""Proxy targets (footfall.upstream) and routing (footfall.routes)."""

import pytest

from footfall import routes
from footfall.settings import Origin
from footfall.upstream import connection_listed, target_url

ORIGIN = Origin("https", "user.github.io", "")


@pytest.mark.parametrize("request_url,target", [
    ("https://blog.example/", "https://user.github.io/"),
    ("https://blog.example/a/b.html?x=1&y=%2F", "https://user.github.io/a/b.html?x=1&y=%2F"),
    ("https://blog.example//evil.example/x", "https://user.github.io//evil.example/x"),
    ("https://blog.example/%2F%2Fevil.example", "https://user.github.io/%2F%2Fevil.example"),
    ("https://blog.example/@evil.example", "https://user.github.io/@evil.example"),
    ("https://blog.example", "https://user.github.io/"),
], ids=["root", "query-kept", "double-slash", "encoded-slashes", "at-sign", "no-path"])
def test_target_keeps_the_origins_host_whatever_the_path(request_url, target):
    assert target_url(ORIGIN, request_url) == target


def test_base_path_is_prefixed():
    assert target_url(Origin("https", "user.github.io", "/proj"), "https://x/a?b") == "https://user.github.io/proj/a?b"


def test_connection_listed_names():
    assert connection_listed("keep-alive, X-Hop ,") == ["keep-alive", "x-hop"]
    assert connection_listed(None) == []


@pytest.mark.parametrize("path,endpoint", [
    ("/_ff/init", "init"), ("/_ff/heartbeat", "heartbeat"), ("/_ff/event", "event"), ("/_ff/script.js", "script.js"),
    ("/_ff", ""), ("/_ff/", ""), ("/_ff/unknown", ""), ("/_ff/init/x", ""),
    ("/", None), ("/_ffx/init", None), ("/blog/_ff/init", None), ("/_FF/init", None),
])
def test_routes(path, endpoint):
    assert routes.match("/_ff", path) == endpoint
