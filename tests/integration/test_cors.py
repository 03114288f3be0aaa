"""CORS: same-origin by default; an allowlist by configuration; never a wildcard."""

import pytest

from support.http import new_uuid, post_json, request
from support.processes import start_worker

ALLOWED = "https://www.allowed.example"


@pytest.fixture(scope="module")
def cors_worker(state, origin):
    proc, url = start_worker(state, {"ORIGIN_URL": origin, "CORS_ORIGINS": f"{ALLOWED}, https://other.example"})
    yield url
    proc.stop()


def test_same_origin_beacons_need_and_get_no_cors_headers(worker, db):
    uuid = new_uuid()
    reply = post_json(worker, "/_ff/init", {"uuid": uuid, "page": "/"}, headers={"Origin": worker})
    assert reply.status == 204 and "access-control-allow-origin" not in reply.headers
    assert db.query("SELECT COUNT(*) AS n FROM pageviews WHERE uuid = ?", (uuid,)) == [{"n": 1}]


def test_by_default_no_origin_is_allowed_cross_site(worker):
    reply = request(worker, "OPTIONS", "/_ff/init", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"})
    assert reply.status == 405 and "access-control-allow-origin" not in reply.headers


def test_an_allowlisted_origin_gets_exactly_itself_back(cors_worker, db):
    pre = request(cors_worker, "OPTIONS", "/_ff/event",
                  headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"})
    assert pre.status == 204
    assert pre.headers["access-control-allow-origin"] == ALLOWED and pre.headers["vary"] == "Origin"
    uuid = new_uuid()
    reply = post_json(cors_worker, "/_ff/init", {"uuid": uuid, "page": "/"}, headers={"Origin": ALLOWED})
    assert reply.status == 204 and reply.headers["access-control-allow-origin"] == ALLOWED
    assert db.query("SELECT COUNT(*) AS n FROM pageviews WHERE uuid = ?", (uuid,)) == [{"n": 1}]


def test_other_origins_are_refused_even_with_an_allowlist(cors_worker):
    for origin in ("https://evil.example", "https://www.allowed.example.evil.example", "null"):
        reply = post_json(cors_worker, "/_ff/init", {"uuid": new_uuid(), "page": "/"}, headers={"Origin": origin})
        assert reply.status == 403 and "access-control-allow-origin" not in reply.headers
        assert "*" not in reply.headers.get("access-control-allow-origin", "")


def test_a_wildcard_is_a_configuration_error(state, origin):
    proc, url = start_worker(state, {"ORIGIN_URL": origin, "CORS_ORIGINS": "*"})
    try:
        reply = post_json(url, "/_ff/init", {"uuid": new_uuid(), "page": "/"})
        assert reply.status == 500 and "CORS_ORIGINS" in reply.json()["message"]
        assert request(url, "GET", "/").status == 200
    finally:
        proc.stop()
