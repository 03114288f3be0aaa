"""The reverse proxy in process: what reaches the origin, what comes back, the tracker's tag
in HTML page loads only, and the server-side hit logged after the page went out."""

from urllib.parse import urlsplit

import pytest

from app.http import Headers, Response
from support.inprocess import PERSON_HEADERS, InProcess
from support.logs import log_records

HTML = "text/html; charset=utf-8"
PAGES = {
    "/": (200, {"content-type": HTML, "cache-control": "max-age=60"}, b"<html><head><title>home</title></head></html>"),
    "/about/": (200, {"content-type": HTML}, b"<html><head></head><body>About</body></html>"),
    "/about": (301, {"content-type": "text/html", "location": "/about/"}, b""),
    "/style.css": (200, {"content-type": "text/css; charset=utf-8", "cache-control": "max-age=60"}, b"body{}"),
    "/logo.png": (200, {"content-type": "image/png"}, bytes(range(256))),
    "/missing": (404, {"content-type": HTML}, b"<html><head></head><h1>footfall demo: not found</h1></html>"),
    "/feed.xml": (200, {"content-type": "application/xml"}, b"<rss/>"),
    "/upper": (200, {"content-type": "TEXT/HTML"}, b"<html><head></head></html>"),
}
TAG = '<script defer src="/_ff/script.js"></script>'


@pytest.fixture
def site(make_app) -> InProcess:
    app = make_app()
    app.origin.pages.update(PAGES)
    return app


@pytest.fixture
def make_site(make_app):
    def make(variables):
        app = make_app(variables)
        app.origin.pages.update(PAGES)
        return app

    return make


@pytest.mark.parametrize("path", list(PAGES))
def test_status_headers_and_body_pass_through(site, path):
    status, headers, body = PAGES[path]
    reply = site.get(path)
    assert (reply.status, reply.body) == (status, body)
    for name, value in headers.items():
        assert reply.headers.get(name) == value, name
    assert len(site.origin.sent) == 1  # a redirect is handed back, not followed


@pytest.mark.parametrize(
    "origin_url,target,sent",
    [
        ("https://origin.example", "/blog/x.html?a=1&b=%2F", "https://origin.example/blog/x.html?a=1&b=%2F"),
        ("https://user.github.io/project", "/x?y", "https://user.github.io/project/x?y"),
        ("https://user.github.io/project/", "/", "https://user.github.io/project/"),
        ("http://127.0.0.1:8788", "/a%20b", "http://127.0.0.1:8788/a%20b"),
        ("http://[::1]:8788", "/", "http://[::1]:8788/"),
    ],
    ids=["path-and-query", "base-path", "base-path-slash", "port", "ipv6"],
)
def test_the_request_goes_to_origin_url_with_its_path_and_query(make_app, origin_url, target, sent):
    app = make_app({"ORIGIN_URL": origin_url})
    app.get(target)
    assert [s[1] for s in app.origin.sent] == [sent]


def test_without_origin_url_the_request_goes_where_it_was_addressed():
    app = InProcess({})
    app.variables.pop("ORIGIN_URL")  # InProcess sets one by default
    app.get("/page?q=1", host="blog.example.com")
    assert [s[1] for s in app.origin.sent] == ["https://blog.example.com/page?q=1"]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/steal",
        "/%2F%2Fevil.example/steal",
        "/..//evil.example/",
        "/\\\\evil.example/",
        "/@evil.example/",
        "/:@evil.example/",
    ],
)
def test_no_request_can_send_the_proxy_to_another_host(site, target):
    reply = site.get(target, host="evil.example", headers={"x-forwarded-host": "evil.example"})
    assert reply.status == 404
    assert [urlsplit(s[1]).netloc for s in site.origin.sent] == ["origin.example"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_method_and_body_reach_the_origin(site, method):
    body = bytes(range(256)) * 40
    site.request(
        method, "/__origin/echo?a=1", body, headers={"content-type": "application/octet-stream", "x-custom": "kept"}
    )
    [(sent_method, target, headers, sent_body)] = site.origin.sent
    assert (sent_method, target, sent_body) == (method, "https://origin.example/__origin/echo?a=1", body)
    assert headers["x-custom"] == "kept" and headers["content-type"] == "application/octet-stream"


def test_hop_by_hop_headers_and_host_are_not_forwarded(site):
    site.get(
        "/",
        headers={
            "connection": "keep-alive, X-Private-Hop",
            "x-private-hop": "secret",
            "keep-alive": "timeout=5",
            "proxy-authorization": "Basic abc",
            "te": "trailers",
            "upgrade": "websocket",
            "host": "www.my-blog.example",
            "x-kept": "1",
        },
    )
    [(_, _, headers, _)] = site.origin.sent
    for name in ("connection", "x-private-hop", "keep-alive", "proxy-authorization", "te", "upgrade", "host"):
        assert name not in headers, name
    assert headers["x-kept"] == "1"


def test_hop_by_hop_headers_of_the_answer_are_dropped(site):
    site.origin.pages["/h"] = (
        200,
        {
            "content-type": "text/plain",
            "connection": "close, x-hop",
            "x-hop": "1",
            "keep-alive": "timeout=5",
            "transfer-encoding": "chunked",
            "x-end": "kept",
        },
        b"",
    )
    reply = site.get("/h")
    assert [k for k, _ in reply.headers.pairs] == ["content-type", "x-end"]


def test_several_set_cookie_headers_stay_apart(site):
    async def fetch(request, target, headers, timeout_ms):
        return Response(
            200,
            Headers([("content-type", "text/plain"), ("set-cookie", "a=1; Path=/"), ("set-cookie", "b=2; Path=/")]),
            b"cookies",
        )

    site.origin.fetch = fetch
    reply = site.get("/cookie")
    assert [v for k, v in reply.headers.pairs if k == "set-cookie"] == ["a=1; Path=/", "b=2; Path=/"]


@pytest.mark.parametrize(
    "failure,status,text,logged",
    [
        ("unreachable", 502, "could not be reached", "origin unreachable"),
        ("timeout", 504, "did not answer in time", "origin timed out"),
    ],
)
def test_an_origin_that_fails_gives_a_clear_error_page(site, capsys, failure, status, text, logged):
    setattr(site.origin, failure, True)
    reply = site.get("/")
    assert reply.status == status and text in reply.text() and "Traceback" not in reply.text()
    assert reply.headers.get("content-type") == HTML and reply.inject_head is None
    assert logged in [r["message"] for r in log_records(capsys)]
    setattr(site.origin, failure, False)
    assert site.get("/").status == 200  # and the next page works


# --- the tracker's tag --------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,path,headers,tagged",
    [
        ("GET", "/", {}, True),
        ("GET", "/about/", {"sec-fetch-dest": "document"}, True),
        ("GET", "/upper", {}, True),
        ("HEAD", "/", {}, False),
        ("POST", "/", {}, False),
        ("GET", "/", {"sec-fetch-dest": "iframe"}, False),
        ("GET", "/", {"sec-fetch-dest": "empty"}, False),
        ("GET", "/missing", {}, False),
        ("GET", "/about", {}, False),
        ("GET", "/style.css", {}, False),
        ("GET", "/logo.png", {}, False),
        ("GET", "/feed.xml", {}, False),
    ],
    ids=[
        "get-html",
        "document-load",
        "upper-case-type",
        "head",
        "post",
        "iframe",
        "fetch",
        "404",
        "301",
        "css",
        "image",
        "xml",
    ],
)
def test_only_a_get_200_html_document_load_gets_the_tracker_tag(site, method, path, headers, tagged):
    reply = site.request(method, path, b"" if method == "POST" else None, headers=headers)
    assert reply.inject_head == (TAG if tagged else None)
    assert reply.body == PAGES[path][2] or method != "GET"  # the edge adds the tag while streaming


def test_the_tag_points_at_the_script_under_footfall_path(make_site):
    assert (
        make_site({"FOOTFALL_PATH": "/stats"}).get("/").inject_head == '<script defer src="/stats/script.js"></script>'
    )


@pytest.mark.parametrize("value", ["false", "0", "off"])
def test_inject_tag_false_turns_the_tag_off(make_site, value):
    assert make_site({"INJECT_TAG": value}).get("/").inject_head is None


def test_inject_tag_true_keeps_the_tag(make_site):
    assert make_site({"INJECT_TAG": "true"}).get("/").inject_head == TAG


@pytest.mark.parametrize(
    "value,attributes",
    [
        ("data-hash", ' data-hash=""'),
        ("data-hash data-downloads=pdf|zip", ' data-hash="" data-downloads="pdf|zip"'),
    ],
    ids=["flag", "flag-and-value"],
)
def test_tag_attributes_add_data_attributes_to_the_tag(make_site, value, attributes):
    assert (
        make_site({"TAG_ATTRIBUTES": value}).get("/").inject_head
        == f'<script defer src="/_ff/script.js"{attributes}></script>'
    )


# --- the server-side hit ---------------------------------------------------------------------


def hits(app):
    return app.rows("SELECT path, status, bot_class FROM hits ORDER BY id")


@pytest.mark.parametrize(
    "method,path,headers,expected",
    [
        ("GET", "/", PERSON_HEADERS, [{"path": "/", "status": 200, "bot_class": "person"}]),
        ("GET", "/missing", PERSON_HEADERS, [{"path": "/missing", "status": 404, "bot_class": "person"}]),
        (
            "GET",
            "/about/",
            {"user-agent": "curl/8.5.0"},
            [{"path": "/about/", "status": 200, "bot_class": "other_bot"}],
        ),
        ("GET", "/logo.png", PERSON_HEADERS, []),
        ("HEAD", "/", PERSON_HEADERS, []),
        ("GET", "/", {**PERSON_HEADERS, "sec-fetch-dest": "iframe"}, []),
        ("GET", "/", {**PERSON_HEADERS, "dnt": "1"}, []),
        ("GET", "/", {**PERSON_HEADERS, "sec-gpc": "1"}, []),
    ],
    ids=["page", "404-page", "bot", "image", "head", "iframe", "dnt", "gpc"],
)
def test_an_html_page_load_is_logged_as_a_hit_after_the_response(site, method, path, headers, expected):
    site.request(method, path, headers=headers)
    assert hits(site) == expected


def test_parts_of_a_page_and_pages_sent_as_files_are_not_page_loads(site):
    # A download manager resuming a page (Range, 206) and an HTML report served as a download:
    # no hit is stored and the bytes are left as the origin sent them.
    html = {"content-type": "text/html"}
    site.origin.pages["/part"] = (206, {**html, "content-range": "bytes 0-9/40"}, b"<html><he")
    site.origin.pages["/report.html"] = (200, {**html, "content-disposition": "attachment; filename=r.html"}, b"<p>")
    for _ in range(3):
        assert site.get("/part", headers={**PERSON_HEADERS, "range": "bytes=0-9"}).inject_head is None
    assert site.get("/", headers={**PERSON_HEADERS, "range": "bytes=0-"}).inject_head is None
    assert site.get("/report.html", headers=PERSON_HEADERS).inject_head is None
    assert hits(site) == []


def test_a_tagged_page_keeps_only_a_weak_etag(site):
    # The tag changes the bytes: the origin's strong ETag no longer names them.
    html = {"content-type": "text/html"}
    site.origin.pages["/strong"] = (200, {**html, "etag": '"abc"'}, b"<html><head></head></html>")
    site.origin.pages["/weak"] = (200, {**html, "etag": 'W/"def"'}, b"<html><head></head></html>")
    assert site.get("/strong", headers=PERSON_HEADERS).headers.get("etag") == 'W/"abc"'
    assert site.get("/weak", headers=PERSON_HEADERS).headers.get("etag") == 'W/"def"'
    site.origin.pages["/file.css"] = (200, {"content-type": "text/css", "etag": '"css"'}, b"a{}")
    assert site.get("/file.css", headers=PERSON_HEADERS).headers.get("etag") == '"css"'


def test_a_beacon_from_a_404_page_is_flagged_404(site):
    site.get("/missing", headers=PERSON_HEADERS)
    site.advance(800)
    assert site.beacon("init", {"uuid": "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42", "page": "/missing"}).status == 204
    assert site.rows("SELECT path, status FROM pageviews") == [{"path": "/missing", "status": 404}]
