"""tools/copy_store.py over real HTTP (a loopback server standing in for the Worker): a step
that failed on the way (5xx, the connection dropped) is tried again, a refused one (4xx) is not,
and one that keeps failing stops the tool with where it stopped and no traceback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tools.copy_store import CopyStopped, http_post

STEP = {
    "direction": "to-objects",
    "step": "copy",
    "site": "a.test",
    "table": "hits",
    "key": "2026-11-20",
    "offset": 500,
}


@pytest.fixture
def worker():
    """A server answering each request with the next (status, body) of `replies`."""
    replies: list[tuple[int, dict]] = []
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            status, body = replies.pop(0)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", replies, seen
    server.shutdown()
    server.server_close()


def test_a_step_that_failed_on_the_way_is_tried_again(worker):
    url, replies, seen = worker
    replies += [(503, {"error": "restarting"}), (500, {"error": "oops"}), (200, {"read": 500, "written": 3})]
    pauses: list[float] = []
    post = http_post(url, "token", "/_ff", pauses=(1, 2, 4), sleep=pauses.append)
    assert post(STEP) == {"read": 500, "written": 3}
    assert pauses == [1, 2] and seen == [STEP] * 3


def test_a_refused_step_is_not_repeated_and_says_where(worker):
    url, replies, seen = worker
    replies += [(400, {"error": "invalid_table"})]
    post = http_post(url, "token", "/_ff", pauses=(1, 2), sleep=lambda _: None)
    with pytest.raises(CopyStopped, match="step copy, site a.test, table hits, key 2026-11-20, offset 500: HTTP 400"):
        post(STEP)
    assert len(seen) == 1


def test_a_step_that_keeps_failing_stops_after_the_last_pause(worker):
    url, replies, seen = worker
    replies += [(503, {"error": "restarting"})] * 3
    post = http_post(url, "token", "/_ff", pauses=(1, 2), sleep=lambda _: None)
    with pytest.raises(CopyStopped, match="offset 500: HTTP 503"):
        post(STEP)
    assert len(seen) == 3


def test_no_server_at_all_stops_with_the_reason():
    post = http_post("http://127.0.0.1:9", "token", "/_ff", pauses=(0,), sleep=lambda _: None)
    with pytest.raises(CopyStopped, match="step copy, site a.test"):
        post(STEP)
