"""GET {prefix}/script.js: the tracker from the site's own domain, cached an hour and
revalidated by its ETag."""

import pytest


def test_the_script_is_served_cacheable_with_an_etag(app):
    reply = app.get("/_ff/script.js")
    assert reply.status == 200 and reply.text()
    assert reply.headers.get("content-type") == "text/javascript; charset=utf-8"
    assert reply.headers.get("cache-control") == "public, max-age=3600" and reply.headers.get("etag")
    assert reply.headers.get("x-content-type-options") == "nosniff"


@pytest.mark.parametrize("etag,status", [("same", 304), ('"other"', 200)], ids=["matching-etag", "stale-etag"])
def test_a_revalidation_costs_a_304_without_body(app, etag, status):
    current = app.get("/_ff/script.js").headers.get("etag")
    reply = app.get("/_ff/script.js", headers={"if-none-match": current if etag == "same" else etag})
    assert reply.status == status and (reply.body is None) == (status == 304)


def test_head_has_the_headers_and_no_body(app):
    reply = app.request("HEAD", "/_ff/script.js")
    assert reply.status == 200 and reply.body is None and reply.headers.get("etag")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_refused_with_allow(app, method):
    reply = app.request(method, "/_ff/script.js", b"")
    assert reply.status == 405 and reply.headers.get("allow") == "GET, HEAD"
