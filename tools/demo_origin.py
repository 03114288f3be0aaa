"""The demo origin `make dev` and the tests put behind the Worker: a static site served the
way GitHub Pages serves one (folder -> 301 to folder/, index.html, 404.html with status 404,
max-age with an ETag and 304 to a matching If-None-Match).

Besides the files it answers a few paths under /__origin/ that the proxy tests need:
  /__origin/echo    any method: the method, path, headers and body it received, as JSON
  /__origin/slow    waits ?ms= milliseconds before answering (timeout tests)
  /__origin/cookie  sets two cookies (multiple Set-Cookie headers must survive the proxy)

Usage: python tools/demo_origin.py [--port 8788] [--root examples/site]
"""

import argparse
import hashlib
import json
import mimetypes
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class Handler(BaseHTTPRequestHandler):
    root: Path
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def _send(self, status, body: bytes, content_type, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _special(self, path, query) -> bool:
        if path == "/__origin/echo":
            body = self._body()
            data = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("latin-1"),
            }
            self._send(200, json.dumps(data).encode(), "application/json")
            return True
        if path == "/__origin/slow":
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000)
            self._send(200, b"slow answer", "text/plain")
            return True
        if path == "/__origin/cookie":
            self._send(200, b"cookies", "text/plain", [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/")])
            return True
        return False

    def _serve(self):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if self._special(path, parse_qs(parts.query)):
            return
        if self.command not in ("GET", "HEAD"):
            self._body()
            self._send(405, b"method not allowed", "text/plain", [("Allow", "GET, HEAD")])
            return
        target = (self.root / path.lstrip("/")).resolve()
        if self.root not in target.parents and target != self.root:
            target = self.root / "__missing__"
        if target.is_dir():
            if not parts.path.endswith("/"):
                self._send(301, b"", "text/html", [("Location", parts.path + "/")])
                return
            target = target / "index.html"
        if not target.is_file():
            page = self.root / "404.html"
            self._send(404, page.read_bytes() if page.is_file() else b"not found", "text/html; charset=utf-8")
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript",):
            kind += "; charset=utf-8"
        body = target.read_bytes()
        # Cacheable for a minute, with a validator: a browser shows a page again from its cache
        # while it is fresh and revalidates it on a reload, answered 304 when it is unchanged.
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        cache = [("Cache-Control", "max-age=60"), ("ETag", etag)]
        if etag in (self.headers.get("If-None-Match") or ""):
            self.send_response(304)
            for name, value in cache:
                self.send_header(name, value)
            self.end_headers()
            return
        self._send(200, body, kind, cache)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8788)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent / "examples" / "site"))
    args = parser.parse_args()
    Handler.root = Path(args.root).resolve()
    server = ThreadingHTTPServer((args.ip, args.port), Handler)
    print(f"[demo-origin] serving {Handler.root} on http://{args.ip}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
