"""The reverse proxy through the runtime's own fetch, streams and HTMLRewriter: bytes arrive
unchanged both ways, repeated Set-Cookie headers stay apart, the tracker's tag is added while
the page streams, and a slow or absent origin gives a clear 504 or 502."""

import pytest

from support.http import request
from support.processes import ROOT, RefusedPort, start_origin, start_worker

SITE = ROOT / "examples" / "site"
PLAIN_PAGE = (
    b"<!doctype html><html><head><meta charset=utf-8><title>plain</title></head>"
    b"<body>" + b"<p>streamed paragraph</p>" * 4000 + b"</body></html>"
)  # ~100 KB: many chunks


@pytest.fixture(scope="module")
def own_origin(tmp_path_factory, state):
    """A Worker in front of an origin of this module's own: a page without the tracker's tag,
    and a short ORIGIN_TIMEOUT_MS."""
    root = tmp_path_factory.mktemp("plain-site")
    (root / "index.html").write_bytes(PLAIN_PAGE)
    (root / "404.html").write_bytes(b"<html><head></head><body>gone</body></html>")
    origin_proc, origin = start_origin(root=root)
    proc, url = start_worker(state, {"ORIGIN_URL": origin, "ORIGIN_TIMEOUT_MS": "500"})
    yield url, origin
    proc.stop()
    origin_proc.stop()


@pytest.mark.parametrize("path", ["/logo.png", "/files/report.pdf", "/style.css"])
def test_file_bodies_are_byte_identical(worker, path):
    reply = request(worker, "GET", path)
    assert reply.status == 200 and reply.body == (SITE / path.lstrip("/")).read_bytes()


@pytest.mark.parametrize("path,status", [("/", 200), ("/about/", 200), ("/missing-page", 404), ("/about", 301)])
def test_status_headers_and_body_pass_through(worker, origin, path, status):
    via, straight = request(worker, "GET", path), request(origin, "GET", path)
    assert via.status == straight.status == status
    if status == 200:
        # The demo site carries no tag: the Worker adds it at the end of <head>, nothing else.
        tag = b'<script defer src="/_ff/script.js"></script>'
        assert via.body == straight.body.replace(b"</head>", tag + b"</head>", 1)
    else:
        assert via.body == straight.body  # no tag in error pages or redirects
    for name in ("content-type", "cache-control", "location"):
        assert via.headers.get(name) == straight.headers.get(name), name


def test_head_has_headers_and_no_body(worker, origin):
    reply = request(worker, "HEAD", "/files/report.pdf")
    assert reply.status == 200 and reply.body == b""
    assert reply.headers["content-type"] == request(origin, "HEAD", "/files/report.pdf").headers["content-type"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_binary_request_body_method_and_query_reach_the_origin(worker, method):
    body = bytes(range(256)) * 40  # binary, larger than one chunk
    reply = request(
        worker,
        method,
        "/__origin/echo?a=1&b=%2F",
        body,
        {"Content-Type": "application/octet-stream", "X-Custom": "kept"},
    )
    echoed = reply.json()
    assert (echoed["method"], echoed["path"]) == (method, "/__origin/echo?a=1&b=%2F")
    assert echoed["body"].encode("latin-1") == body
    assert echoed["headers"]["x-custom"] == "kept"
    assert echoed["headers"]["content-type"] == "application/octet-stream"


def test_hop_by_hop_headers_are_dropped_and_host_is_the_origins(worker, origin):
    reply = request(
        worker,
        "GET",
        "/__origin/echo",
        headers={
            "Connection": "keep-alive, X-Private-Hop",
            "X-Private-Hop": "secret",
            "Keep-Alive": "timeout=5",
            "Proxy-Authorization": "Basic abc",
            "TE": "trailers",
            "Host": "www.my-blog.example",
        },
    )
    headers = reply.json()["headers"]
    for name in ("x-private-hop", "proxy-authorization", "te", "keep-alive"):
        assert name not in headers, name
    assert headers["host"] == origin.removeprefix("http://")


def test_two_set_cookie_headers_stay_two(worker):
    reply = request(worker, "GET", "/__origin/cookie")
    assert [v for k, v in reply.header_list if k == "set-cookie"] == ["a=1; Path=/", "b=2; Path=/"]


@pytest.mark.parametrize("target", ["//evil.example/steal", "/%2F%2Fevil.example/steal", "http://evil.example/steal"])
def test_no_request_target_sends_the_proxy_to_another_host(worker, target):
    reply = request(worker, "GET", target, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert reply.status == 404 and b"footfall demo" in reply.body  # the configured origin's own 404 page


def test_an_html_page_gets_the_tag_at_the_end_of_head_while_it_streams(own_origin):
    url, _ = own_origin
    reply = request(url, "GET", "/", headers={"Sec-Fetch-Dest": "document"})
    tag = b'<script defer src="/_ff/script.js"></script>'
    assert reply.status == 200 and "content-length" not in reply.headers
    assert reply.body == PLAIN_PAGE.replace(b"</head>", tag + b"</head>", 1)


@pytest.mark.parametrize(
    "method,path,headers",
    [
        ("GET", "/missing", {}),
        ("HEAD", "/", {}),
        ("GET", "/", {"Sec-Fetch-Dest": "iframe"}),
    ],
    ids=["404-page", "head", "iframe"],
)
def test_other_answers_are_passed_on_untouched(own_origin, method, path, headers):
    url, origin = own_origin
    via, straight = request(url, method, path, headers=headers), request(origin, method, path)
    assert (via.status, via.body) == (straight.status, straight.body)


def test_a_slow_origin_gives_a_504_within_the_configured_timeout(own_origin):
    url, _ = own_origin
    reply = request(url, "GET", "/__origin/slow?ms=5000", timeout=4)
    assert reply.status == 504 and b"did not answer in time" in reply.body
    assert request(url, "GET", "/").status == 200  # and the next page still works


def test_an_origin_that_is_down_gives_a_clear_502(tmp_path):
    down = RefusedPort()
    proc, url = start_worker(tmp_path, {"ORIGIN_URL": down.url})
    try:
        reply = request(url, "GET", "/")
        assert reply.status == 502
        assert b"could not be reached" in reply.body and b"Traceback" not in reply.body
    finally:
        proc.stop()
        down.close()
