"""A corpus of hostile and malformed requests to the collection endpoints: each gets the
right 4xx, never a 5xx, and every table is exactly what it was before. Boundaries come in
pairs: the largest accepted value next to the smallest rejected one."""

import json

import pytest

from support.inprocess import PERSON_HEADERS

GOOD_UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
STORED_UUID = "11111111-2222-4333-8444-555555555555"  # a page load that exists: heartbeats reach it
JSON = {"content-type": "application/json"}
MAX_BODY = 4096


def case(id, endpoint, body, status, code=None, method="POST", headers=JSON, chunked=False):
    return pytest.param(endpoint, method, headers, body, chunked, status, code, id=id)


def page_load(**fields) -> bytes:
    return json.dumps({"uuid": GOOD_UUID, "page": "/", **fields}).encode()


def beat(**fields) -> bytes:
    return json.dumps({"uuid": STORED_UUID, **fields}).encode()


def padded(body: bytes, size: int) -> bytes:
    """`body` with whitespace after the object up to `size` bytes (still valid JSON)."""
    return body + b" " * (size - len(body))


CASES = [
    # Method first (405 with Allow).
    case("get-init", "init", None, 405, "method_not_allowed", method="GET"),
    case("head-init", "init", None, 405, method="HEAD"),
    case("put-heartbeat", "heartbeat", page_load(), 405, "method_not_allowed", method="PUT"),
    case("delete-event", "event", None, 405, "method_not_allowed", method="DELETE"),
    case("options-init-without-cors", "init", None, 405, "method_not_allowed", method="OPTIONS"),
    # Another site's pages cannot write into this site's numbers (403).
    case(
        "foreign-origin", "init", page_load(), 403, "foreign_origin", headers={**JSON, "origin": "https://evil.example"}
    ),
    case(
        "look-alike-origin",
        "init",
        page_load(),
        403,
        "foreign_origin",
        headers={**JSON, "origin": "https://example.com.evil.example"},
    ),
    case("null-origin", "init", page_load(), 403, "foreign_origin", headers={**JSON, "origin": "null"}),
    # Media type (415).
    case("no-content-type", "init", page_load(), 415, "unsupported_media_type", headers={"content-type": None}),
    case(
        "form-encoded",
        "init",
        b"uuid=x&page=/",
        415,
        "unsupported_media_type",
        headers={"content-type": "application/x-www-form-urlencoded"},
    ),
    case("html", "init", page_load(), 415, "unsupported_media_type", headers={"content-type": "text/html"}),
    case(
        "multipart",
        "event",
        page_load(),
        415,
        "unsupported_media_type",
        headers={"content-type": "multipart/form-data; boundary=x"},
    ),
    # Size (413), declared or streamed: 4096 bytes are read (see the accepted pair below).
    case("declared-4097", "init", padded(page_load(), MAX_BODY + 1), 413, "body_too_large"),
    case("declared-far-too-large", "init", b"{" + b" " * 5000 + b"}", 413, "body_too_large"),
    case("streamed-4097", "init", padded(page_load(), MAX_BODY + 1), 413, "body_too_large", chunked=True),
    case("streamed-far-too-large", "init", b'{"uuid":"' + b"a" * 6000 + b'"}', 413, "body_too_large", chunked=True),
    case(
        "content-length-not-a-number",
        "init",
        page_load(),
        400,
        "bad_content_length",
        headers={**JSON, "content-length": "12abc"},
    ),
    # Not a JSON object (400).
    case("empty-body", "init", b"", 400, "bad_json"),
    case("not-json", "init", b"uuid=1", 400, "bad_json"),
    case("truncated-json", "init", b'{"uuid": "', 400, "bad_json"),
    case("invalid-utf8", "init", b'{"uuid": "\xff\xfe", "page": "/"}', 400, "bad_encoding"),
    case("lone-surrogate-bytes", "init", b'{"page": "/\xed\xa0\x80"}', 400, "bad_encoding"),
    case("json-array", "init", b'[{"uuid": "x"}]', 400, "not_an_object"),
    case("json-string", "heartbeat", b'"hello"', 400, "not_an_object"),
    case("json-null", "event", b"null", 400, "not_an_object"),
    case("nan", "heartbeat", beat()[:-1] + b', "delta": NaN}', 400, "bad_json"),
    case("infinity", "heartbeat", beat()[:-1] + b', "total": Infinity}', 400, "bad_json"),
    # Either too deep to parse or a valid array: 400 both ways, whichever the interpreter decides.
    case("deep-nesting", "init", b"[" * 2000 + b"]" * 2000, 400),
    case("deep-object", "init", b'{"a":' * 600 + b"1" + b"}" * 600, 400),
    case("streamed-bad-json", "init", b"{{{", 400, "bad_json", chunked=True),
    # uuid.
    case("uuid-missing", "init", b'{"page": "/"}', 400, "invalid_uuid"),
    case("uuid-number", "init", b'{"uuid": 12345, "page": "/"}', 400, "invalid_uuid"),
    case("uuid-not-a-uuid", "heartbeat", b'{"uuid": "not-a-uuid", "delta": 5}', 400, "invalid_uuid"),
    case(
        "uuid-sql",
        "event",
        json.dumps({"uuid": "'; DROP TABLE pageviews;--", "type": "scroll", "name": "25", "page": "/"}).encode(),
        400,
        "invalid_uuid",
    ),
    case(
        "uuid-with-braces",
        "init",
        b'{"uuid": "{0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42}", "page": "/"}',
        400,
        "invalid_uuid",
    ),
    # page: 2048 characters are accepted (below), 2049 are not.
    case("page-missing", "init", json.dumps({"uuid": GOOD_UUID}).encode(), 400, "invalid_page"),
    case("page-absolute-url", "init", page_load(page="https://evil.example/"), 400, "invalid_page"),
    case("page-relative", "init", page_load(page="blog/x"), 400, "invalid_page"),
    case("page-object", "init", page_load(page={"$gt": ""}), 400, "invalid_page"),
    case("page-2049", "init", page_load(page="/" + "a" * 2048), 400, "invalid_page"),
    case("page-control-char", "init", page_load(page="/a\u0000b"), 400, "invalid_page"),
    # referrer.
    case("referrer-number", "init", page_load(referrer=5), 400, "invalid_referrer"),
    case("referrer-list", "init", page_load(referrer=["a"]), 400, "invalid_referrer"),
    case(
        "referrer-newline", "init", page_load(referrer="https://a.example/\r\nX-Injected: 1"), 400, "invalid_referrer"
    ),
    # delta and total (on a page load that exists: only validation stands between it and a write).
    case("delta-and-total-missing", "heartbeat", beat(), 400, "invalid_delta"),
    case("delta-not-whitelisted", "heartbeat", beat(delta=2), 400, "invalid_delta"),
    case("delta-huge", "heartbeat", beat(delta=10**30), 400, "invalid_delta"),
    case("delta-negative", "heartbeat", beat(delta=-5), 400, "invalid_delta"),
    case("delta-string", "heartbeat", beat(delta="5"), 400, "invalid_delta"),
    case("delta-float", "heartbeat", beat(delta=5.0), 400, "invalid_delta"),
    case("delta-bool", "heartbeat", beat(delta=True), 400, "invalid_delta"),
    case("total-below-delta", "heartbeat", beat(delta=5, total=4), 400, "invalid_total"),
    case("total-negative", "heartbeat", beat(delta=5, total=-1), 400, "invalid_total"),
    case("total-alone-negative", "heartbeat", beat(total=-1), 400, "invalid_total"),
    case("total-alone-string", "heartbeat", beat(total="30"), 400, "invalid_total"),
    case("total-over-a-week", "heartbeat", beat(total=7 * 24 * 3600 + 1), 400, "invalid_total"),
    # An integer of 400 digits is JSON (too long for a float: 500 before).
    case("total-400-digits", "heartbeat", b'{"uuid": "%s", "total": 1%s}' % (STORED_UUID.encode(), b"0" * 400), 400),
    # A lone surrogate spelled as a JSON escape (no UTF-8 text holds one: 500 before).
    case(
        "page-lone-surrogate", "init", b'{"uuid": "%s", "page": "/\\ud800"}' % GOOD_UUID.encode(), 400, "invalid_page"
    ),
    case("uuid-newline-after", "init", b'{"uuid": "%s\\n", "page": "/"}' % GOOD_UUID.encode(), 400, "invalid_uuid"),
    case("seq-string", "event", page_load(type="scroll", name="25", seq="1"), 400, "invalid_seq"),
    # event fields.
    case("type-unknown", "event", page_load(type="pageview"), 400, "invalid_type"),
    case("type-missing", "event", page_load(), 400, "invalid_type"),
    case("outbound-without-url", "event", page_load(type="outbound"), 400, "invalid_url"),
    # A click on a javascript: link: accepted and not stored (footfall.collect.payload._event_url).
    case("url-javascript", "event", page_load(type="outbound", url="javascript:alert(1)"), 202),
    case(
        "url-too-long", "event", page_load(type="download", url="https://a.example/" + "x" * 2040), 400, "invalid_url"
    ),
    case("scroll-bad-depth", "event", page_load(type="scroll", name="33"), 400, "invalid_name"),
    case("custom-not-allowed", "event", page_load(type="custom", name="buy-now"), 400, "invalid_name"),
    case(
        "anchor-text-object",
        "event",
        page_load(type="scroll", name="25", anchor_text={"a": 1}),
        400,
        "invalid_anchor_text",
    ),
]


@pytest.fixture
def app(make_app):
    app = make_app()
    assert app.beacon("init", {"uuid": STORED_UUID, "page": "/stored"}).status == 204
    return app


@pytest.mark.parametrize("endpoint,method,headers,body,chunked,status,code", CASES)
def test_hostile_request_is_rejected_and_writes_nothing(app, endpoint, method, headers, body, chunked, status, code):
    before = app.snapshot()
    reply = app.request(
        method, f"/_ff/{endpoint}", body, headers={**PERSON_HEADERS, **headers}, declare_length=not chunked
    )
    assert reply.status == status, reply.body
    if code:
        data = reply.json()
        assert data["error"] == code and data["message"]
        assert "Traceback" not in data["message"]
    if status == 405:
        assert reply.headers.get("allow") == "POST"
    assert app.snapshot() == before


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "streamed"])
def test_a_body_over_the_limit_is_never_read_past_limit_plus_one_byte(app, chunked):
    body = b"{" + b" " * (5 * 1024 * 1024) + b"}"
    reply = app.request("POST", "/_ff/init", body, headers={**PERSON_HEADERS, **JSON}, declare_length=not chunked)
    assert reply.status == 413
    asked = app.body_reads[1:]  # the first read was the fixture's page load
    assert asked == ([] if not chunked else [(MAX_BODY + 1, MAX_BODY + 1)])


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "streamed"])
def test_body_of_exactly_4096_bytes_is_read_and_stored(app, chunked):
    body = padded(page_load(), MAX_BODY)
    reply = app.request("POST", "/_ff/init", body, headers={**PERSON_HEADERS, **JSON}, declare_length=not chunked)
    assert reply.status == 204
    assert app.count("pageviews") == 2 and app.rows("SELECT 1 FROM pageviews WHERE uuid = ?", (GOOD_UUID,))


def test_page_of_exactly_2048_characters_is_accepted(app):
    page = "/" + "a" * 2047
    assert app.beacon("init", {"uuid": GOOD_UUID, "page": page}).status == 204
    assert app.rows("SELECT length(path) AS n FROM pageviews WHERE uuid = ?", (GOOD_UUID,)) == [{"n": 2048}]


@pytest.mark.parametrize(
    "total,status", [(7 * 24 * 3600, 204), (7 * 24 * 3600 + 1, 400)], ids=["a-week-accepted", "a-week-and-1s-rejected"]
)
def test_total_of_up_to_a_week_is_accepted(app, total, status):
    assert app.beacon("heartbeat", {"uuid": STORED_UUID, "total": total}).status == status
