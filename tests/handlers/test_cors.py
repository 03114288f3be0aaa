"""CORS on the beacons: same-origin by default, an allowlist by configuration (CORS_ORIGINS),
exactly the asking origin back, never a wildcard."""

import pytest

ALLOWED = "https://www.allowed.example"
PAGE_LOAD = {"uuid": "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42", "page": "/"}
PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}


@pytest.fixture
def cors_app(make_app):
    return make_app({"CORS_ORIGINS": f"{ALLOWED}/, https://other.example"})


@pytest.mark.parametrize(
    "origin",
    # The same host on another port or scheme is another site: tests/handlers/test_origin_check.py.
    [None, "https://example.com", "https://example.com:443", "https://EXAMPLE.com"],
    ids=["no-origin", "same-origin", "same-origin-default-port", "same-host-upper-case"],
)
def test_same_site_beacons_need_and_get_no_cors_headers(app, origin):
    reply = app.beacon("init", PAGE_LOAD, headers={"origin": origin} if origin else {})
    assert reply.status == 204 and "access-control-allow-origin" not in reply.headers
    assert app.count("pageviews") == 1


@pytest.mark.parametrize("endpoint", ["init", "heartbeat", "event"])
def test_by_default_no_origin_is_allowed_cross_site(app, endpoint):
    reply = app.request("OPTIONS", f"/_ff/{endpoint}", headers={"origin": ALLOWED, **PREFLIGHT})
    assert reply.status == 405 and reply.headers.get("allow") == "POST"
    assert "access-control-allow-origin" not in reply.headers


@pytest.mark.parametrize("endpoint", ["init", "heartbeat", "event"])
def test_an_allowlisted_origin_gets_a_preflight_with_exactly_itself_back(cors_app, endpoint):
    reply = cors_app.request("OPTIONS", f"/_ff/{endpoint}", headers={"origin": ALLOWED, **PREFLIGHT})
    assert reply.status == 204
    assert reply.headers.get("access-control-allow-origin") == ALLOWED and reply.headers.get("vary") == "Origin"
    assert reply.headers.get("access-control-allow-methods") == "POST"
    assert reply.headers.get("access-control-allow-headers") == "Content-Type"


def test_an_allowlisted_origins_beacon_is_stored_and_answered_with_its_origin(cors_app):
    reply = cors_app.beacon("init", PAGE_LOAD, headers={"origin": ALLOWED})
    assert reply.status == 204 and reply.headers.get("access-control-allow-origin") == ALLOWED
    assert cors_app.count("pageviews") == 1


def test_an_allowlisted_origin_can_read_why_its_beacon_was_rejected(cors_app):
    reply = cors_app.request("POST", "/_ff/init", b"{{{", headers={"origin": ALLOWED})
    assert reply.status == 400 and reply.json()["error"] == "bad_json"
    assert reply.headers.get("access-control-allow-origin") == ALLOWED


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://www.allowed.example.evil.example",
        "http://www.allowed.example",
        "null",
        "https://www.allowed.example:444",
    ],
    ids=["other-site", "suffix-look-alike", "other-scheme", "null", "other-port"],
)
def test_other_origins_are_refused_even_with_an_allowlist(cors_app, origin):
    reply = cors_app.beacon("init", PAGE_LOAD, headers={"origin": origin})
    assert reply.status == 403 and reply.json()["error"] == "foreign_origin"
    assert "access-control-allow-origin" not in reply.headers
    pre = cors_app.request("OPTIONS", "/_ff/init", headers={"origin": origin, **PREFLIGHT})
    assert pre.status == 405 and "access-control-allow-origin" not in pre.headers
    assert cors_app.count("pageviews") == 0


@pytest.mark.parametrize(
    "value",
    ["*", "https://a.example, *", "www.example.com", "https://a.example/path"],
    ids=["wildcard", "wildcard-in-list", "no-scheme", "with-path"],
)
def test_a_bad_cors_origins_is_a_configuration_error_and_the_site_keeps_working(make_app, value):
    app = make_app({"CORS_ORIGINS": value})
    app.origin.pages["/"] = (200, {"content-type": "text/plain"}, b"home")
    reply = app.beacon("init", PAGE_LOAD)
    assert reply.status == 500 and "CORS_ORIGINS" in reply.json()["message"]
    assert app.get("/").status == 200
    assert app.count("pageviews") == 0
