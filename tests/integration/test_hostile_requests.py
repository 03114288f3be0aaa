"""A corpus of hostile and malformed requests: each gets the right 4xx, never a 5xx, and
the database is byte-for-byte what it was before."""

import json

import pytest

from support.http import new_uuid, post_json, request

PREFIX = "/_ff"
GOOD_UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
JSON = {"Content-Type": "application/json"}


def case(id, endpoint, body, status, code=None, method="POST", headers=JSON, chunked=False):
    return pytest.param(endpoint, method, headers, body, chunked, status, code, id=id)


def page_load(**fields):
    return json.dumps({"uuid": GOOD_UUID, "page": "/", **fields}).encode()


CASES = [
    # Method first (405 with Allow).
    case("get-init", "init", None, 405, "method_not_allowed", method="GET"),
    case("put-heartbeat", "heartbeat", page_load(), 405, "method_not_allowed", method="PUT"),
    case("delete-event", "event", None, 405, "method_not_allowed", method="DELETE"),
    case("options-init", "init", None, 405, "method_not_allowed", method="OPTIONS"),
    # Another site's pages cannot write into this site's numbers (403).
    case("foreign-origin", "init", page_load(), 403, "foreign_origin",
         headers={**JSON, "Origin": "https://evil.example"}),
    case("null-origin", "init", page_load(), 403, "foreign_origin", headers={**JSON, "Origin": "null"}),
    # Media type (415).
    case("no-content-type", "init", page_load(), 415, "unsupported_media_type", headers={}),
    case("form-encoded", "init", b"uuid=x&page=/", 415, "unsupported_media_type",
         headers={"Content-Type": "application/x-www-form-urlencoded"}),
    case("html", "init", page_load(), 415, "unsupported_media_type", headers={"Content-Type": "text/html"}),
    case("multipart", "event", page_load(), 415, "unsupported_media_type",
         headers={"Content-Type": "multipart/form-data; boundary=x"}),
    # Size (413), declared or streamed.
    case("declared-too-large", "init", b"{" + b" " * 5000 + b"}", 413, "body_too_large"),
    case("chunked-too-large", "init", b'{"uuid":"' + b"a" * 6000 + b'"}', 413, "body_too_large", chunked=True),
    case("just-over-4KiB", "init", page_load(referrer="x" * (4097 - len(page_load(referrer="")))), 413, "body_too_large"),
    # Not a JSON object (400).
    case("empty-body", "init", b"", 400, "bad_json"),
    case("not-json", "init", b"uuid=1", 400, "bad_json"),
    case("truncated-json", "init", b'{"uuid": "', 400, "bad_json"),
    case("invalid-utf8", "init", b'{"uuid": "\xff\xfe", "page": "/"}', 400, "bad_encoding"),
    case("lone-surrogate-bytes", "init", b'{"page": "/\xed\xa0\x80"}', 400, "bad_encoding"),
    case("json-array", "init", b'[{"uuid": "x"}]', 400, "not_an_object"),
    case("json-string", "heartbeat", b'"hello"', 400, "not_an_object"),
    case("json-null", "event", b"null", 400, "not_an_object"),
    case("nan", "heartbeat", json.dumps({"uuid": GOOD_UUID}).encode()[:-1] + b', "delta": NaN}', 400, "bad_json"),
    # Either too deep to parse or a valid array: 400 both ways, whichever the interpreter decides.
    case("deep-nesting", "init", b"[" * 2000 + b"]" * 2000, 400),
    case("deep-object", "init", b"{\"a\":" * 600 + b"1" + b"}" * 600, 400),
    case("chunked-bad-json", "init", b"{{{", 400, "bad_json", chunked=True),
    # uuid.
    case("uuid-missing", "init", b'{"page": "/"}', 400, "invalid_uuid"),
    case("uuid-number", "init", b'{"uuid": 12345, "page": "/"}', 400, "invalid_uuid"),
    case("uuid-not-a-uuid", "heartbeat", b'{"uuid": "not-a-uuid", "delta": 5}', 400, "invalid_uuid"),
    case("uuid-sql", "event", json.dumps({"uuid": "'; DROP TABLE pageviews;--", "type": "scroll",
                                          "name": "25", "page": "/"}).encode(), 400, "invalid_uuid"),
    case("uuid-with-braces", "init", b'{"uuid": "{0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42}", "page": "/"}', 400, "invalid_uuid"),
    # page.
    case("page-missing", "init", json.dumps({"uuid": GOOD_UUID}).encode(), 400, "invalid_page"),
    case("page-absolute-url", "init", page_load(page="https://evil.example/"), 400, "invalid_page"),
    case("page-relative", "init", page_load(page="blog/x"), 400, "invalid_page"),
    case("page-object", "init", page_load(page={"$gt": ""}), 400, "invalid_page"),
    case("page-2049", "init", page_load(page="/" + "a" * 2048), 400, "invalid_page"),
    case("page-control-char", "init", page_load(page="/a\u0000b"), 400, "invalid_page"),
    # referrer.
    case("referrer-number", "init", page_load(referrer=5), 400, "invalid_referrer"),
    case("referrer-list", "init", page_load(referrer=["a"]), 400, "invalid_referrer"),
    case("referrer-newline", "init", page_load(referrer="https://a.example/\r\nX-Injected: 1"), 400, "invalid_referrer"),
    # delta.
    case("delta-missing", "heartbeat", json.dumps({"uuid": GOOD_UUID}).encode(), 400, "invalid_delta"),
    case("delta-not-whitelisted", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": 2}).encode(), 400, "invalid_delta"),
    case("delta-huge", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": 10**30}).encode(), 400, "invalid_delta"),
    case("delta-negative", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": -5}).encode(), 400, "invalid_delta"),
    case("delta-string", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": "5"}).encode(), 400, "invalid_delta"),
    case("delta-float", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": 5.0}).encode(), 400, "invalid_delta"),
    case("delta-bool", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": True}).encode(), 400, "invalid_delta"),
    case("total-below-delta", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": 5, "total": 4}).encode(), 400, "invalid_total"),
    case("total-negative", "heartbeat", json.dumps({"uuid": GOOD_UUID, "delta": 5, "total": -1}).encode(), 400, "invalid_total"),
    case("seq-string", "event", page_load(type="scroll", name="25", seq="1"), 400, "invalid_seq"),
    # event fields.
    case("type-unknown", "event", page_load(type="pageview"), 400, "invalid_type"),
    case("type-missing", "event", page_load(), 400, "invalid_type"),
    case("outbound-without-url", "event", page_load(type="outbound"), 400, "invalid_url"),
    case("url-javascript", "event", page_load(type="outbound", url="javascript:alert(1)"), 400, "invalid_url"),
    case("url-too-long", "event", page_load(type="download", url="https://a.example/" + "x" * 2040), 400, "invalid_url"),
    case("scroll-bad-depth", "event", page_load(type="scroll", name="33"), 400, "invalid_name"),
    case("custom-not-allowed", "event", page_load(type="custom", name="buy-now"), 400, "invalid_name"),
    case("anchor-text-object", "event", page_load(type="scroll", name="25", anchor_text={"a": 1}), 400, "invalid_anchor_text"),
]


@pytest.mark.parametrize("endpoint,method,headers,body,chunked,status,code", CASES)
def test_hostile_request_is_rejected_and_writes_nothing(worker, db, endpoint, method, headers, body, chunked, status, code):
    before = db.snapshot()
    reply = request(worker, method, f"{PREFIX}/{endpoint}", body, headers, chunked=chunked)
    assert reply.status == status, reply.body
    if code:
        data = reply.json()
        assert data["error"] == code and data["message"]
        assert "Traceback" not in data["message"]
    if status == 405:
        assert reply.headers["allow"] == "POST"
    assert db.snapshot() == before


def test_page_of_exactly_2048_characters_is_accepted(worker, db):
    uuid = new_uuid()
    page = "/" + "a" * 2047
    assert post_json(worker, f"{PREFIX}/init", {"uuid": uuid, "page": page}).status == 204
    assert db.query("SELECT length(path) AS n FROM pageviews WHERE uuid = ?", (uuid,)) == [{"n": 2048}]


def test_body_of_exactly_4KiB_is_read(worker, db):
    uuid = new_uuid()
    body = json.dumps({"uuid": uuid, "page": "/"}).encode()
    body += b" " * (4096 - len(body))  # whitespace after the object is still valid JSON
    assert post_json(worker, f"{PREFIX}/init", body).status == 204
    assert db.query("SELECT COUNT(*) AS n FROM pageviews WHERE uuid = ?", (uuid,)) == [{"n": 1}]
