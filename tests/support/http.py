"""A small HTTP client on http.client: full control over method, headers and raw bytes
(hostile bodies, chunked uploads, odd request targets), and no redirect following."""

import http.client
import json
import uuid as uuid_module
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    header_list: list[tuple[str, str]]
    body: bytes

    def json(self):
        return json.loads(self.body)


def request(base: str, method: str, target: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, chunked: bool = False, timeout: float = 30) -> Reply:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        if chunked:
            conn.putrequest(method, target)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            data = body or b""
            for i in range(0, len(data), 1000):
                piece = data[i:i + 1000]
                conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            conn.send(b"0\r\n\r\n")
        else:
            conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        pairs = resp.getheaders()
        return Reply(resp.status, {k.lower(): v for k, v in pairs}, [(k.lower(), v) for k, v in pairs], data)
    finally:
        conn.close()


def post_json(base: str, path: str, payload, content_type: str = "application/json", **kw) -> Reply:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return request(base, "POST", path, raw, {"Content-Type": content_type, **kw.pop("headers", {})}, **kw)


def new_uuid() -> str:
    return str(uuid_module.uuid4())
