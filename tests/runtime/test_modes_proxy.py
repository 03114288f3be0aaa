"""Proxy mode (ORIGIN_URL): a real static site (tests/support/static_site.py) with no tag in its
source, behind the Worker. Every page the Worker serves with status 200 gets the tracker's tag
once, at the end of <head>, and every other byte is the origin's, gzip and ISO-8859-1 included;
error pages, HEAD, 304s, non-HTML and non-document loads are passed on untouched; every request
runs the Worker, and each HTML page is a server-side hit, 404s and 500s included."""

import gzip

import pytest

from support.http import request
from support.processes import start_worker, wait_until
from support.static_site import (
    HEAVY_ASSETS,
    NO_HEAD_END,
    OTHER_FILES,
    PAGES,
    TAG,
    TAGGED,
    VERIFICATION,
    build_site,
    runtime_stats,
    start_static_origin,
    tagged,
)

DOCUMENT = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}
# Pages with an explicit </head>: the tag goes right before it.
HEAD_END_PAGES = [p for p in PAGES if p not in (*TAGGED, NO_HEAD_END)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("static-site"))


@pytest.fixture(scope="module")
def origin(site):
    proc, url = start_static_origin(site)
    yield url
    proc.stop()


@pytest.fixture(scope="module")
def proxy(state, origin):
    proc, url = start_worker(state, {"ORIGIN_URL": origin})
    yield url
    proc.stop()


def both(proxy, origin, method, path, headers=None):
    return request(proxy, method, path, headers=headers), request(origin, method, path, headers=headers)


@pytest.mark.parametrize("path", HEAD_END_PAGES)
def test_each_page_gets_one_tag_before_head_end_and_keeps_every_other_byte(proxy, origin, path):
    via, direct = both(proxy, origin, "GET", path, DOCUMENT)
    assert via.status == direct.status == 200
    assert via.body == tagged(direct.body)
    assert "content-length" not in via.headers  # the length changed
    for name in ("content-type", "cache-control", "last-modified", "vary"):
        assert via.headers.get(name) == direct.headers.get(name), name
    # The bytes are no longer the origin's: its strong ETag comes back weak.
    assert via.headers.get("etag") == "W/" + direct.headers["etag"]


def test_the_tag_lands_before_the_real_head_end_tag_not_one_in_a_comment_or_script(proxy):
    body = request(proxy, "GET", "/odd/", headers=DOCUMENT).body.decode()
    assert body.count(TAG) == 1
    assert body.index(TAG) > body.index("</STYLE>") and body.index(TAG) + len(TAG) == body.index("</HEAD >")


def test_an_iso_8859_1_page_keeps_its_bytes_and_its_charset(proxy, site):
    reply = request(proxy, "GET", "/legacy/latin1.html", headers=DOCUMENT)
    assert reply.headers["content-type"] == "text/html; charset=iso-8859-1"
    source = (site / "legacy/latin1.html").read_bytes()
    assert b"Caf\xe9" in source and reply.body == tagged(source)


@pytest.mark.parametrize("path", ["/", "/blog/2024/hello-world/", "/legacy/latin1.html"])
def test_a_gzip_page_comes_back_gzip_with_the_tag_in_the_decoded_bytes(proxy, origin, path):
    gz = {**DOCUMENT, "Accept-Encoding": "gzip"}
    via, direct = both(proxy, origin, "GET", path, gz)
    assert via.headers["content-encoding"] == direct.headers["content-encoding"] == "gzip"
    assert gzip.decompress(via.body) == tagged(gzip.decompress(direct.body))


def test_a_page_that_already_loads_the_tracker_is_passed_on_unchanged(proxy, origin):
    via, direct = both(proxy, origin, "GET", "/tagged/", DOCUMENT)
    assert via.status == 200 and via.body == direct.body
    assert via.body.count(b"/_ff/script.js") == 1


def test_a_page_with_the_tag_in_its_body_streams_whole(proxy, origin):
    """The rewriter cannot know at </head> that the body will load the tracker: the page gets
    the tag in <head> as well, and must arrive whole (it was cut short where the body's tag
    stood: the script handler had been freed at </head> and threw)."""
    via, direct = both(proxy, origin, "GET", "/tagged-in-body/", DOCUMENT)
    assert via.status == 200 and via.body == tagged(direct.body)


def test_a_page_whose_head_has_no_end_tag_gets_the_tag_at_the_end_of_the_document(proxy, origin):
    """Minifiers drop optional end tags; lol-html then never reports the end of <head> (workerd
    too), and the page went out without the tag."""
    via, direct = both(proxy, origin, "GET", NO_HEAD_END, DOCUMENT)
    assert b"</head>" not in direct.body
    assert via.status == 200 and via.body == direct.body + TAG.encode()


def test_an_html_file_that_is_no_page_is_left_alone(proxy, origin):
    via, direct = both(proxy, origin, "GET", VERIFICATION, DOCUMENT)
    assert direct.headers["content-type"].startswith("text/html")
    assert via.status == 200 and via.body == direct.body


@pytest.mark.parametrize("path", HEAVY_ASSETS + OTHER_FILES)
def test_non_html_is_byte_identical_with_its_length(proxy, origin, path):
    via, direct = both(proxy, origin, "GET", path)
    assert via.status == 200 and via.body == direct.body
    assert via.headers["content-length"] == direct.headers["content-length"]
    assert via.headers.get("content-type") == direct.headers.get("content-type")


def test_html_looking_text_is_not_rewritten(proxy, site):
    reply = request(proxy, "GET", "/notes.txt", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(reply.body) == (site / "notes.txt").read_bytes()


@pytest.mark.parametrize(
    "method,path,headers,status",
    [
        ("GET", "/no/such/page", DOCUMENT, 404),
        ("GET", "/broken/page", DOCUMENT, 500),
        ("GET", "/about", DOCUMENT, 301),
        ("HEAD", "/about/", DOCUMENT, 200),
        ("GET", "/about/", {"Sec-Fetch-Dest": "iframe"}, 200),
        ("GET", "/about/", {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"}, 200),
    ],
    ids=["404-page", "500-page", "redirect", "head", "iframe", "fetch"],
)
def test_other_answers_are_passed_on_untouched(proxy, origin, method, path, headers, status):
    via, direct = both(proxy, origin, method, path, headers)
    assert via.status == direct.status == status
    assert via.body == direct.body and b"/_ff/script.js" not in via.body
    assert via.headers.get("location") == direct.headers.get("location")


@pytest.mark.parametrize("validator", ["If-None-Match", "If-Modified-Since"])
def test_a_revalidation_gets_the_origins_304_and_no_body(proxy, validator):
    first = request(proxy, "GET", "/about/", headers=DOCUMENT)
    value = first.headers["etag"] if validator == "If-None-Match" else first.headers["last-modified"]
    again = request(proxy, "GET", "/about/", headers={**DOCUMENT, validator: value})
    assert again.status == 304 and again.body == b""


def test_every_request_page_or_asset_runs_the_worker(proxy):
    before = runtime_stats(proxy)["invocations"]
    for path in ["/docs/guide/", *HEAVY_ASSETS]:
        assert request(proxy, "GET", path).status == 200
    assert runtime_stats(proxy)["invocations"] - before == 17


def test_each_html_page_served_is_a_server_side_hit_with_its_status(proxy, db):
    site = "proxy-hits.test"
    for path in ["/docs/guide/", "/no/such/page", "/broken/page", "/css/site.css"]:
        request(proxy, "GET", path, headers={**DOCUMENT, "Host": site})
    query = "SELECT path, status FROM hits WHERE site = ? ORDER BY path"
    wait_until(lambda: len(db.query(query, (site,))) >= 3)
    rows = db.query(query, (site,))
    expected = [("/broken/page", 500), ("/docs/guide/", 200), ("/no/such/page", 404)]
    assert [(r["path"], r["status"]) for r in rows] == expected
