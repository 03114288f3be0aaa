"""HTMLRewriter in the local runtime, called from Python through Pyodide's FFI the way footfall's
edge calls it (tests/fixtures/local-runtime-python/entry.py): the tag lands at the end of
<head>, every other byte is kept, and the page streams through without being buffered."""

import http.client
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from support.processes import Process

CONFIG = "tests/fixtures/local-runtime-python/wrangler.toml"
TAG = b'<script defer src="/_ff/script.js"></script>'

UTF8_PAGE = (
    '<!DOCTYPE html>\n<html lang="fr"><head>\n  <meta charset="utf-8">\n  <title>Café — ünïcödé ✓</title>\n'
    "  <!-- </head> in a comment is not the end of head -->\n"
    '  <script>var s = "</he" + "ad>";</script>\n</head>\n'
    "<body class=x><p>Ça marche — 日本語</p>\n</body></html>\n"
).encode()
LATIN1_PAGE = (
    '<html><head><meta charset="iso-8859-1"><title>caf\xe9</title></head><body>\xe9\xe8\xff</body></html>'
).encode("latin-1")
CSS = b"body{color:red}\n/* \xff not UTF-8 */\n"


def with_tag(page: bytes) -> bytes:
    head_end = page.rindex(b"</head>")
    return page[:head_end] + TAG + page[head_end:]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_bytes(UTF8_PAGE)
    (root / "latin.html").write_bytes(LATIN1_PAGE)
    (root / "style.css").write_bytes(CSS)
    return root


@pytest.fixture(scope="module")
def runtime(tmp_path_factory, site):
    state = tmp_path_factory.mktemp("state")
    proc = Process(
        [
            "node",
            "tools/local-runtime/footfall-dev.mjs",
            "--port",
            "0",
            "--config",
            CONFIG,
            "--persist-to",
            str(state),
            "--assets",
            str(site),
            "--trust-client-ip",
        ],
        "Ready on",
        timeout=90,
    )
    match = re.search(r"Ready on http://([\d.]+):(\d+)", proc.output())
    assert match, proc.output()
    yield proc, match.group(1), int(match.group(2))
    proc.stop()


def get(runtime, path, headers=None):
    _, host, port = runtime
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_the_tag_is_injected_from_python_and_every_other_byte_kept(runtime):
    resp, body = get(runtime, "/")
    assert resp.status == 200, runtime[0].output()
    assert body == with_tag(UTF8_PAGE)
    assert resp.getheader("content-length") is None  # the Worker dropped it, the length changed


def test_a_python_object_with_create_proxy_works_as_a_handler(runtime):
    resp, body = get(runtime, "/?handler=object&text=per-request")
    assert resp.status == 200, runtime[0].output()
    assert body == with_tag(UTF8_PAGE).replace(b"<body class=x>", b"<body class=x><!-- per-request -->")


def test_a_non_utf8_page_keeps_its_bytes(runtime):
    resp, body = get(runtime, "/latin")
    assert resp.status == 200
    assert body == with_tag(LATIN1_PAGE)


def test_non_html_passes_through_untouched(runtime):
    resp, body = get(runtime, "/style.css")
    assert (resp.status, body) == (200, CSS)


def test_the_request_clock_reaches_python(runtime):
    resp, body = get(runtime, "/_ff/now", headers={"X-Test-Now-Ms": "1767225600123"})
    assert json.loads(body) == {"testNowMs": 1767225600123}
    resp, body = get(runtime, "/_ff/now")
    assert json.loads(body) == {"testNowMs": None}


class GatedPage:
    """An origin that sends the page up to `<body>` and the rest only once released."""

    FIRST = b"<!doctype html><html><head><title>slow</title></head><body><p>first part</p>"
    REST = b"<p>second part</p></body></html>"

    def __init__(self):
        self.release = threading.Event()
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(gate.FIRST)
                self.wfile.flush()
                gate.release.wait(30)
                self.wfile.write(gate.REST)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/page"

    def close(self):
        self.release.set()
        self.server.shutdown()


def test_the_rewritten_page_streams_before_the_origin_has_finished(runtime):
    origin = GatedPage()
    _, host, port = runtime
    try:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/page?upstream=" + quote(origin.url, safe=""))
        resp = conn.getresponse()
        assert resp.status == 200
        received = b""
        # The origin is still holding back the rest: this only arrives if nothing is buffered.
        while b"first part" not in received:
            try:
                chunk = resp.read1(65536)
            except TimeoutError:
                pytest.fail(f"the page was buffered; received so far: {received!r}")
            assert chunk, received
            received += chunk
        assert with_tag(origin.FIRST + origin.REST).startswith(received)
        assert TAG in received
        origin.release.set()
        received += resp.read()
        assert received == with_tag(origin.FIRST + origin.REST)
        conn.close()
    finally:
        origin.close()
