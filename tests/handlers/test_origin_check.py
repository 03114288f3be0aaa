"""The Origin check of beacons and of the login and logout forms compares scheme, host and
port with the request's own (issue 14, item 6): the same host on another port or scheme is
another site (RFC 6454), whose pages must not write into this one's numbers or log its owner
in or out."""

import pytest

from support.inprocess import PERSON_HEADERS

UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
PAGE_LOAD = {"uuid": UUID, "page": "/", "referrer": ""}


@pytest.mark.parametrize(
    "origin, status",
    [
        pytest.param("https://example.com", 204, id="same-origin"),
        pytest.param("https://EXAMPLE.com", 204, id="host-case"),
        pytest.param("https://example.com:443", 204, id="default-port-spelled-out"),
        pytest.param(None, 204, id="no-origin-not-a-browser-page"),
        pytest.param("http://example.com", 403, id="other-scheme"),
        pytest.param("https://example.com:8443", 403, id="other-port"),
        pytest.param("http://example.com:443", 403, id="http-on-443"),
        pytest.param("https://example.com.evil.example", 403, id="look-alike-host"),
        pytest.param("ftp://example.com", 403, id="not-http"),
        pytest.param("https://example.com:99999", 403, id="bad-port"),
        pytest.param("null", 403, id="null"),
    ],
)
def test_a_beacon_is_accepted_only_from_the_requests_own_origin(app, origin, status):
    reply = app.post("/_ff/init", PAGE_LOAD, headers={**PERSON_HEADERS, "origin": origin})
    assert reply.status == status
    assert app.count("pageviews") == (1 if status == 204 else 0)


# What browsers send, measured with a sendBeacon on page load (Chromium 156, Firefox 153 ESR):
# a page served with Referrer-Policy: no-referrer (header or <meta>) sends Origin: null and
# Sec-Fetch-Site: same-origin in Firefox, its own origin in Chromium; a page opened from disk
# sends Origin: null and Sec-Fetch-Site: cross-site in both, as does a sandboxed frame in
# Chromium. tests/browser/test_referrer_policy.py runs the first in both browsers.
@pytest.mark.parametrize(
    "origin, fetch_site, status",
    [
        pytest.param("null", "same-origin", 204, id="no-referrer-page-of-this-site"),
        pytest.param("null", "cross-site", 403, id="file-page-or-sandboxed-frame"),
        pytest.param("null", "same-site", 403, id="null-from-a-sibling-host"),
        pytest.param("null", "none", 403, id="null-user-initiated"),
        pytest.param("null", None, 403, id="null-without-fetch-metadata"),
        pytest.param("null", "same-origin, same-origin", 403, id="null-with-a-doubled-header"),
        pytest.param("https://evil.example", "same-origin", 403, id="foreign-origin-wins-over-the-metadata"),
        pytest.param("https://example.com", "cross-site", 204, id="own-origin-decides-without-the-metadata"),
        pytest.param(None, "cross-site", 204, id="no-origin-not-a-browser-page"),
    ],
)
def test_origin_null_is_accepted_only_when_the_browser_says_same_origin(app, origin, fetch_site, status):
    headers = {**PERSON_HEADERS, "origin": origin, "sec-fetch-site": fetch_site}
    reply = app.post("/_ff/init", PAGE_LOAD, headers=headers)
    assert reply.status == status
    assert app.count("pageviews") == (1 if status == 204 else 0)


def test_origin_null_from_this_sites_page_counts_on_every_beacon(app):
    headers = {**PERSON_HEADERS, "origin": "null", "sec-fetch-site": "same-origin"}
    assert app.post("/_ff/init", PAGE_LOAD, headers=headers).status == 204
    assert app.post("/_ff/heartbeat", {"uuid": UUID, "total": 12}, headers=headers).status == 204
    event = {"uuid": UUID, "type": "outbound", "page": "/", "url": "https://example.org/", "seq": 1}
    assert app.post("/_ff/event", event, headers=headers).status == 204
    assert app.count("events") == 1


@pytest.mark.parametrize(
    "url_host, origin, status",
    [
        pytest.param("127.0.0.1:8787", "http://127.0.0.1:8787", 204, id="local-same-port"),
        pytest.param("127.0.0.1:8787", "http://127.0.0.1:9999", 403, id="local-other-port"),
        pytest.param("127.0.0.1:8787", "https://127.0.0.1", 403, id="local-other-scheme-and-port"),
        pytest.param("[::1]:8787", "http://[::1]:8787", 204, id="ipv6-same"),
        pytest.param("[::1]:8787", "http://[::1]:8788", 403, id="ipv6-other-port"),
    ],
)
def test_the_local_runtimes_origin_includes_its_port(app, url_host, origin, status):
    reply = app.request(
        "POST", "/_ff/init", PAGE_LOAD, headers={**PERSON_HEADERS, "origin": origin}, host=url_host, scheme="http"
    )
    assert reply.status == status


def test_cors_origins_still_admit_exactly_the_listed_origin(make_app):
    app = make_app({"CORS_ORIGINS": "https://www.example.com"})
    assert (
        app.post("/_ff/init", PAGE_LOAD, headers={**PERSON_HEADERS, "origin": "https://www.example.com"}).status == 204
    )
    other = app.post("/_ff/init", PAGE_LOAD, headers={**PERSON_HEADERS, "origin": "http://www.example.com"})
    assert other.status == 403


@pytest.mark.parametrize("origin", ["http://example.com", "https://example.com:8443"])
def test_login_and_logout_forms_from_another_port_or_scheme_are_refused(app, origin):
    form = {"content-type": "application/x-www-form-urlencoded", "origin": origin}
    assert app.post("/_ff/login", "token=x", headers=form).status == 403
    assert app.post("/_ff/logout", "", headers=form).status == 403
