"""The owner's dashboard and API over HTTP: access control, cookie flags, security headers,
and API numbers equal to the known truth of traffic sent through the public endpoints."""

import json

import pytest

from support.owner import DASHBOARD_TOKEN
from support.http import new_uuid, post_json, request

BEARER = {"Authorization": f"Bearer {DASHBOARD_TOKEN}"}
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize("path,status", [
    ("/_ff/dashboard", 303), ("/_ff/api/v1/query", 401), ("/_ff/api/v1/export", 401), ("/_ff/history/.svg", 401),
])
def test_nothing_is_readable_without_the_token(worker, path, status):
    for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Cookie": "footfall_session=1.abc"}):
        reply = request(worker, "GET", path, headers=headers)
        assert reply.status == status, (path, headers)
        assert b"<table" not in reply.body and b"results" not in reply.body
    if status == 303:
        assert reply.headers["location"] == "/_ff/login"


def login(worker, token=DASHBOARD_TOKEN, origin=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin:
        headers["Origin"] = origin
    return request(worker, "POST", "/_ff/login", f"token={token}".encode(), headers)


def test_login_sets_a_strict_session_cookie_and_logout_clears_it(worker):
    assert login(worker, "not-the-token").status == 401
    reply = login(worker, origin=worker)
    assert reply.status == 303 and reply.headers["location"] == "/_ff/dashboard"
    cookie = reply.headers["set-cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/_ff"):
        assert flag in cookie
    session = cookie.split(";", 1)[0]
    page = request(worker, "GET", "/_ff/dashboard", headers={"Cookie": session})
    assert page.status == 200 and b"daily unique visitors" in page.body
    out = request(worker, "POST", "/_ff/logout", headers={"Cookie": session, "Origin": worker})
    assert out.status == 303 and "Max-Age=0" in out.headers["set-cookie"]


def test_cross_site_login_and_logout_posts_are_refused(worker):
    assert login(worker, origin="https://evil.example").status == 403
    assert request(worker, "POST", "/_ff/logout", headers={"Origin": "https://evil.example"}).status == 403


@pytest.mark.parametrize("path", ["/_ff/dashboard", "/_ff/login"])
def test_owner_pages_forbid_framing_and_carry_a_csp(worker, path):
    reply = request(worker, "GET", path, headers=BEARER)
    assert reply.status == 200
    csp = reply.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert reply.headers["x-frame-options"] == "DENY"
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<style nonce="{nonce}">'.encode() in reply.body


SITE = "truth.test"
# (ip, ua, country, page, referrer, heartbeat seconds)
VISITS = [
    ("198.51.100.1", CHROME, "DE", "/", "https://www.google.com/", 10),
    ("198.51.100.1", CHROME, "DE", "/pricing", f"http://{SITE}/", 30),
    ("198.51.100.2", IPHONE, "FR", "/", "https://t.co/abc", 5),
    ("198.51.100.3", CHROME, "DE", "/blog", "", 0),
    ("198.51.100.4", IPHONE, "US", "/", "https://chatgpt.com/", 20),
]


@pytest.fixture(scope="module")
def seeded(worker):
    for ip, ua, country, page, referrer, seconds in VISITS:
        headers = {"Host": SITE, "User-Agent": ua, "CF-Connecting-IP": ip, "CF-IPCountry": country,
                   "Accept-Language": "en", "Sec-Fetch-Mode": "no-cors"}
        uuid = new_uuid()
        assert post_json(worker, "/_ff/init", {"uuid": uuid, "page": page, "referrer": referrer},
                         headers=headers).status == 204
        for _ in range(seconds // 5):
            post_json(worker, "/_ff/heartbeat", {"uuid": uuid, "delta": 5}, headers=headers)
    return worker


def api(worker, body):
    reply = request(worker, "POST", "/_ff/api/v1/query", json.dumps(body).encode(),
                    {**BEARER, "Content-Type": "application/json"})
    assert reply.status == 200, reply.body
    return reply.json()


def test_api_totals_equal_the_truth(seeded):
    data = api(seeded, {"site_id": SITE, "date_range": "today",
                        "metrics": ["visitors", "pageviews", "visits", "bounce_rate", "time_on_page"]})
    # 4 visitors; 5 page views; 4 visits (one has 2 pages); bounces: /blog (0 s) and ... the
    # 5 s visit is a bounce too (one page, under 10 s): 2 of 4. Median of 10, 30, 5, 20 -> 10.
    assert data["results"] == [{"dimensions": [], "metrics": [4, 5, 4, 0.5, 10]}]
    assert data["meta"]["rows_read"] > 0


@pytest.mark.parametrize("dimension,expected", [
    ("event:page", {"/": [3, 3], "/pricing": [1, 1], "/blog": [1, 1]}),
    ("visit:channel", {"search": [1, 1], "internal": [1, 1], "social": [1, 1], "direct": [1, 1], "ai": [1, 1]}),
    ("visit:country", {"DE": [3, 2], "FR": [1, 1], "US": [1, 1]}),
    ("visit:device", {"desktop": [3, 2], "mobile": [2, 2]}),
    ("visit:browser", {"Chrome": [3, 2], "Safari": [2, 2]}),
])
def test_api_breakdowns_equal_the_truth(seeded, dimension, expected):
    data = api(seeded, {"site_id": SITE, "date_range": "today", "metrics": ["pageviews", "visitors"],
                        "dimensions": [dimension]})
    assert {r["dimensions"][0]: r["metrics"] for r in data["results"]} == expected


def test_api_filters_and_get_form(seeded):
    reply = request(seeded, "GET", f"/_ff/api/v1/query?site_id={SITE}&date_range=today&metrics=pageviews"
                                   f"&filters=country==DE", headers=BEARER)
    assert reply.json()["results"][0]["metrics"] == [3]


@pytest.mark.parametrize("body,code", [
    ({"metrics": ["revenue"]}, "invalid_metrics"),
    ({"dimensions": ["event:page", "visit:country"]}, "invalid_dimensions"),
    ({"filters": [["contains", "event:page", ["/"]]]}, "invalid_filter"),
    ({"filters": [["is", "visitor", ["abc"]]]}, "invalid_filter"),
    ({"date_range": "forever"}, "invalid_date_range"),
    ({"date_range": ["2026-13-01", "2026-12-01"]}, "invalid_date"),
])
def test_api_rejects_bad_queries_with_a_reason(worker, body, code):
    reply = request(worker, "POST", "/_ff/api/v1/query", json.dumps(body).encode(),
                    {**BEARER, "Content-Type": "application/json"})
    assert reply.status == 400 and reply.json()["error"] == code


def test_csv_export_of_raw_rows(seeded):
    reply = request(seeded, "GET", f"/_ff/api/v1/export?table=pageviews&period=today&site={SITE}", headers=BEARER)
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/csv")
    lines = reply.body.decode().strip().splitlines()
    assert lines[0].startswith("uuid,site,ts,day,path") and len(lines) == 1 + len(VISITS)
    assert "198.51.100" not in reply.body.decode()


def test_history_plot_is_an_svg_of_daily_views(seeded):
    reply = request(seeded, "GET", "/_ff/history/.svg", headers={**BEARER, "Host": SITE})
    assert reply.status == 200 and reply.headers["content-type"].startswith("image/svg+xml")
    assert b"/: 3 views in 90 days" in reply.body
