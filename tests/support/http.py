"""A small HTTP client on http.client: full control over method, headers and raw bytes
(hostile bodies, chunked uploads, odd request targets), and no redirect following."""

import http.client
import json
import socket
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


def request(
    base: str,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    chunked: bool = False,
    timeout: float = 30,
) -> Reply:
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
                piece = data[i : i + 1000]
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


def answer_before_body(
    base: str,
    method: str,
    target: str,
    headers: dict[str, str],
    first_bytes: bytes,
    chunked: bool = False,
    timeout: float = 15,
) -> int:
    """Send the head and only `first_bytes` of a body that claims to be much larger (by
    Content-Length, or as an unfinished chunked stream), then read the status line. A server
    that waits for the whole body times out here instead of answering."""
    parts = urlsplit(base)
    head = [f"{method} {target} HTTP/1.1", "Connection: close"]
    if not any(k.lower() == "host" for k in headers):
        head.append(f"Host: {parts.hostname}:{parts.port}")
    head += [f"{k}: {v}" for k, v in headers.items()]
    if chunked:
        head.append("Transfer-Encoding: chunked")
        first_bytes = f"{len(first_bytes):x}\r\n".encode() + first_bytes + b"\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + first_bytes)
        received = b""
        while b"\r\n" not in received:
            piece = sock.recv(4096)
            if not piece:
                break
            received += piece
    return int(received.split(b" ", 2)[1])


class Visitor:
    """Requests to one Worker as one visitor of one site, optionally at a given time
    (X-Test-Now-Ms: the local runtime's per-request clock, request.cf.testNowMs)."""

    def __init__(self, base: str, site: str, headers: dict[str, str] | None = None):
        self.base, self.site = base, site
        self.headers = {"Host": site, **(headers or {})}

    def _headers(self, now_ms: int | None, extra: dict | None) -> dict:
        clock = {} if now_ms is None else {"X-Test-Now-Ms": str(now_ms)}
        return {**self.headers, **clock, **(extra or {})}

    def get(self, path: str, now_ms: int | None = None, headers: dict | None = None, **kw):
        return request(self.base, kw.pop("method", "GET"), path, headers=self._headers(now_ms, headers), **kw)

    def beacon(self, endpoint: str, payload, now_ms: int | None = None, headers: dict | None = None, **kw):
        return post_json(self.base, f"/_ff/{endpoint}", payload, headers=self._headers(now_ms, headers), **kw)
