"""The reverse proxy: the site behind footfall answers exactly as it would on its own."""

import json
from pathlib import Path

import pytest

from support.http import request
from support.processes import ROOT, free_port, start_worker

SITE = ROOT / "examples" / "site"


def direct(origin, method, path, **kw):
    return request(origin, method, path, **kw)


@pytest.mark.parametrize("path,status", [
    ("/", 200), ("/about/", 200), ("/blog/hello.html", 200), ("/style.css", 200),
    ("/missing-page", 404), ("/about", 301),
])
def test_status_headers_and_body_pass_through(worker, origin, path, status):
    via, straight = request(worker, "GET", path), direct(origin, "GET", path)
    assert via.status == straight.status == status
    assert via.body == straight.body
    for name in ("content-type", "cache-control", "location"):
        assert via.headers.get(name) == straight.headers.get(name), name


def test_redirect_is_handed_back_not_followed(worker):
    reply = request(worker, "GET", "/about")
    assert reply.status == 301 and reply.headers["location"] == "/about/"
    assert b"About" not in reply.body


@pytest.mark.parametrize("path", ["/logo.png", "/files/report.pdf"])
def test_binary_bodies_are_byte_identical(worker, path):
    reply = request(worker, "GET", path)
    assert reply.status == 200
    assert reply.body == (SITE / path.lstrip("/")).read_bytes()


def test_head_has_headers_and_no_body(worker, origin):
    reply = request(worker, "HEAD", "/files/report.pdf")
    assert reply.status == 200 and reply.body == b""
    assert reply.headers["content-type"] == direct(origin, "HEAD", "/files/report.pdf").headers["content-type"]


def test_post_body_method_and_query_reach_the_origin(worker):
    body = bytes(range(256)) * 40  # binary, larger than one chunk
    reply = request(worker, "POST", "/__origin/echo?a=1&b=%2F", body,
                    {"Content-Type": "application/octet-stream", "X-Custom": "kept"})
    echoed = reply.json()
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/__origin/echo?a=1&b=%2F"
    assert echoed["body"].encode("latin-1") == body
    assert echoed["headers"]["x-custom"] == "kept"
    assert echoed["headers"]["content-type"] == "application/octet-stream"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_pass_through(worker, method):
    reply = request(worker, method, "/__origin/echo", b"x=1", {"Content-Type": "text/plain"})
    assert reply.json()["method"] == method


def test_hop_by_hop_headers_are_dropped_and_host_is_the_origins(worker, origin):
    reply = request(worker, "GET", "/__origin/echo", headers={
        "Connection": "keep-alive, X-Private-Hop", "X-Private-Hop": "secret", "Keep-Alive": "timeout=5",
        "Proxy-Authorization": "Basic abc", "TE": "trailers", "Host": "www.my-blog.example"})
    headers = reply.json()["headers"]
    for name in ("x-private-hop", "proxy-authorization", "te", "keep-alive"):
        assert name not in headers, name
    assert headers["host"] == origin.removeprefix("http://")


def test_multiple_set_cookie_headers_survive(worker):
    reply = request(worker, "GET", "/__origin/cookie")
    cookies = [v for k, v in reply.header_list if k == "set-cookie"]
    assert cookies == ["a=1; Path=/", "b=2; Path=/"]


@pytest.mark.parametrize("target", [
    "//evil.example/steal", "/%2F%2Fevil.example/steal", "http://evil.example/steal",
    "/..//evil.example/", "/\\\\evil.example/",
])
def test_no_request_can_send_the_proxy_to_another_host(worker, origin, target):
    reply = request(worker, "GET", target, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    # The answer is the configured origin's own 404 page: the request never left for evil.example.
    assert reply.status == 404
    assert b"footfall demo" in reply.body


def test_origin_down_gives_a_clear_502(state):
    proc, url = start_worker(state, {"ORIGIN_URL": f"http://127.0.0.1:{free_port()}"})
    try:
        reply = request(url, "GET", "/")
        assert reply.status == 502
        assert b"could not be reached" in reply.body and b"Traceback" not in reply.body
    finally:
        proc.stop()


def test_slow_origin_gives_a_504_within_the_configured_timeout(state, origin):
    proc, url = start_worker(state, {"ORIGIN_URL": origin, "ORIGIN_TIMEOUT_MS": "300"})
    try:
        reply = request(url, "GET", "/__origin/slow?ms=3000")
        assert reply.status == 504 and b"did not answer in time" in reply.body
        assert request(url, "GET", "/").status == 200  # and the next page still works
    finally:
        proc.stop()
