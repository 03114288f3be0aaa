"""Request bodies as only the runtime delivers them: chunked (no Content-Length), and bodies
that claim more than they send, which must be refused without being read."""

import json

import pytest

from support.http import answer_before_body, new_uuid, request

MAX_BODY = 4096


def padded(body: bytes, size: int) -> bytes:
    return body + b" " * (size - len(body))  # whitespace after the object: still valid JSON


def stored(db, uuid) -> int:
    return db.query("SELECT COUNT(*) AS n FROM pageviews WHERE uuid = ?", (uuid,))[0]["n"]


@pytest.mark.parametrize(
    "size,status",
    [(MAX_BODY, 204), (MAX_BODY + 1, 413), (6000, 413)],
    ids=["4096-stored", "4097-rejected", "6000-rejected"],
)
def test_a_chunked_beacon_is_read_up_to_4096_bytes(worker, db, site, size, status):
    uuid = new_uuid()
    body = padded(json.dumps({"uuid": uuid, "page": "/chunked"}).encode(), size)
    reply = request(worker, "POST", "/_ff/init", body, {"Content-Type": "text/plain", "Host": site}, chunked=True)
    assert reply.status == status, reply.body
    assert stored(db, uuid) == (1 if status == 204 else 0)


def test_a_chunked_body_that_is_not_json_is_a_400(worker, site):
    reply = request(
        worker, "POST", "/_ff/init", b"{{{", {"Content-Type": "application/json", "Host": site}, chunked=True
    )
    assert reply.status == 400 and reply.json()["error"] == "bad_json"


@pytest.mark.parametrize(
    "path,content_type",
    [
        ("/_ff/init", "application/json"),
        ("/_ff/login", "application/x-www-form-urlencoded"),
    ],
    ids=["beacon", "login-form"],
)
@pytest.mark.parametrize("chunked", [False, True], ids=["declared-5MiB", "chunked-unending"])
def test_a_body_larger_than_allowed_is_refused_before_it_has_arrived(worker, site, path, content_type, chunked):
    headers = {"Content-Type": content_type, "Origin": f"http://{site}"}
    if not chunked:
        headers["Content-Length"] = str(5 * 1024 * 1024)
    # 8 KiB sent of 5 MiB promised: the answer must come without waiting for the rest.
    status = answer_before_body(
        worker, "POST", path, {**headers, "Host": site}, b"token=" + b"x" * 8192, chunked=chunked
    )
    assert status == 413
