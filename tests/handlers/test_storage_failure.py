"""When the store fails, every route that uses it answers 503 with Retry-After and logs why,
while the site behind the proxy, the script and the login page keep working."""

import pytest

from support.inprocess import PERSON_HEADERS
from support.logs import log_records
from support.owner import BEARER

UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
UNAVAILABLE = {"error": "storage_unavailable", "message": "analytics storage is unavailable; try again later"}

STORE_ROUTES = [
    pytest.param("POST", "/_ff/init", {"uuid": UUID, "page": "/"}, {}, id="init"),
    pytest.param("POST", "/_ff/heartbeat", {"uuid": UUID, "delta": 5}, {}, id="heartbeat-delta"),
    pytest.param("POST", "/_ff/heartbeat", {"uuid": UUID, "total": 5}, {}, id="heartbeat-total"),
    pytest.param("POST", "/_ff/event", {"uuid": UUID, "type": "scroll", "name": "25", "page": "/"}, {}, id="event"),
    pytest.param("GET", "/_ff/dashboard", None, BEARER, id="dashboard"),
    pytest.param("GET", "/_ff/api/v1/query?metrics=visitors", None, BEARER, id="api-get"),
    pytest.param("POST", "/_ff/api/v1/query", {"metrics": ["visitors"], "date_range": "7d"}, BEARER, id="api-post"),
    pytest.param("GET", "/_ff/api/v1/export?table=pageviews", None, BEARER, id="export"),
    pytest.param("GET", "/_ff/history/blog/hello.html.svg", None, BEARER, id="history"),
]


@pytest.fixture
def down(app):
    app.origin.pages.update(
        {
            "/": (200, {"content-type": "text/html; charset=utf-8"}, b"<html><head></head><body>home</body></html>"),
            "/logo.png": (200, {"content-type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
        }
    )
    assert app.beacon("init", {"uuid": UUID, "page": "/"}).status == 204
    app.store.fail = True
    return app


@pytest.mark.parametrize("method,path,body,headers", STORE_ROUTES)
def test_a_route_using_the_store_answers_503_with_retry_after_and_logs_it(down, capsys, method, path, body, headers):
    capsys.readouterr()
    reply = down.request(method, path, body, headers={**PERSON_HEADERS, **headers})
    assert reply.status == 503
    assert reply.json() == UNAVAILABLE
    assert reply.headers.get("retry-after") == "30"
    assert "analytics storage failed" in [r["message"] for r in log_records(capsys)]


@pytest.mark.parametrize("path,status", [("/", 200), ("/logo.png", 200), ("/missing", 404)])
def test_the_site_keeps_working_without_storage(down, capsys, path, status):
    reply = down.get(path, headers=PERSON_HEADERS)
    assert reply.status == status
    if path == "/":  # its server-side hit could not be stored: logged, the page is unharmed
        assert "server-side hit not stored" in [r["message"] for r in log_records(capsys)]


@pytest.mark.parametrize("path", ["/_ff/script.js", "/_ff/login"])
def test_pages_that_need_no_storage_keep_working(down, path):
    assert down.get(path).status == 200


def test_beacons_are_accepted_again_when_the_store_is_back(down):
    assert down.beacon("heartbeat", {"uuid": UUID, "delta": 5}).status == 503
    down.store.fail = False
    down.advance(5000)
    assert down.beacon("heartbeat", {"uuid": UUID, "delta": 5}).status == 204
    assert down.rows("SELECT seconds FROM pageviews") == [{"seconds": 5}]


def test_a_failing_statement_answers_503_too(app):
    """Not only an unreachable store: a statement the database refuses (here: its table gone)."""
    app.store.con.execute("DROP TABLE events")
    assert app.beacon("init", {"uuid": UUID, "page": "/"}).status == 204
    reply = app.beacon("event", {"uuid": UUID, "type": "scroll", "name": "25", "page": "/"})
    assert reply.status == 503 and reply.headers.get("retry-after") == "30"
