"""A real static site for the deployment-mode tests and benchmarks (#11), and a small origin
that serves it the way GitHub Pages does.

`build_site(root)` writes a multi-page site into `root`: nested folders with an index.html
each, a 404.html, stylesheets, scripts and images, two pages with 16 assets each (the size of
a Sphinx page), a page in ISO-8859-1 with a charset meta, a page with uppercase tags, <head>
attributes and comments that spell `</head>`, a minified page without `</head>`, and a page
that already carries the tracker's tag. No other page carries it: the modes must add it.

The origin (`python -P tests/support/static_site.py --root DIR --port 0`) answers like GitHub
Pages: `/dir` -> 301 `/dir/`, `index.html` per folder, `404.html` with status 404,
`Cache-Control: max-age=600` with `ETag` and `Last-Modified` (304 on a match), gzip when the
client accepts it (`Vary: Accept-Encoding`, a weak ETag), `text/html; charset=utf-8` except
under /legacy/, whose pages are served as ISO-8859-1. Paths under /broken/ answer 500 with an
HTML error page. `GET /__origin/log` (`?reset` empties it) lists the requests it answered.

`--route /_ff/=http://WORKER` plays a Cloudflare zone with a Worker route
`example.com/_ff/*` (the "routes only" mode): requests under the prefix are passed to the
Worker with their Host, method, headers and body; every other request is the origin's own, and
never reaches the Worker.

The server half uses the standard library only (it runs as a script, `-P` keeping this folder's
http.py off sys.path); the helpers at the end start it and the Worker for tests.
"""

import argparse
import gzip
import hashlib
import http.client
import json
import mimetypes
import random
import re
import struct
import subprocess
import threading
import time
import zlib
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PREFIX = "/_ff"
TAG = '<script defer src="/_ff/script.js"></script>'

# The pages, by URL path, and the file that holds each.
PAGES = {
    "/": "index.html",
    "/about/": "about/index.html",
    "/blog/": "blog/index.html",
    "/blog/2024/hello-world/": "blog/2024/hello-world/index.html",
    "/blog/2024/notes.html": "blog/2024/notes.html",
    "/docs/guide/": "docs/guide/index.html",
    "/docs/reference/": "docs/reference/index.html",
    "/legacy/latin1.html": "legacy/latin1.html",
    "/odd/": "odd/index.html",
    "/minified.html": "minified.html",
    "/tagged/": "tagged/index.html",
    "/tagged-in-body/": "tagged-in-body/index.html",
}
# Pages whose source already loads the tracker: in <head>, or before </body> as many owners
# paste scripts.
TAGGED = ["/tagged/", "/tagged-in-body/"]
# Pages whose source has no tag: each mode must give them exactly one.
UNTAGGED = [p for p in PAGES if p not in TAGGED]
# A page whose <head> is never closed by an end tag (minifiers drop optional tags).
NO_HEAD_END = "/minified.html"
# A search engine's ownership check: HTML by name, but no page; served as text/html and read
# byte for byte by the verifier, so nothing may be added to it.
VERIFICATION = "/google1234567890abcdef.html"
VERIFICATION_BODY = b"google-site-verification: google1234567890abcdef.html"
# The two pages that load 16 assets each (the same 16).
HEAVY_PAGES = ["/docs/guide/", "/docs/reference/"]
OTHER_FILES = [
    "/css/site.css",
    "/js/site.js",
    "/img/logo.png",
    "/img/diagram.svg",
    "/img/spinner.gif",
    "/feed.xml",
    "/notes.txt",
    "/data/search.json",
]

_CSS = [f"/css/{n}.css" for n in ("site", "layout", "code", "print")]
_JS = [f"/js/{n}.js" for n in ("site", "menu", "search", "highlight")]
_IMAGES = [
    "/img/logo.png",
    "/img/photo-1.png",
    "/img/photo-2.png",
    "/img/photo-3.png",
    "/img/diagram.svg",
    "/img/chart.svg",
    "/img/spinner.gif",
]
_ICON = "/img/icon.png"
HEAVY_ASSETS = [*_CSS, *_JS, *_IMAGES, _ICON]  # 16
assert len(HEAVY_ASSETS) == 16

# Served as ISO-8859-1 (the header and the page's own meta agree), as a host configured per
# folder would; GitHub Pages itself says utf-8 for every page.
CHARSETS = {"/legacy/": "iso-8859-1"}
# Like GitHub Pages: ten minutes in the browser's cache.
CACHE_CONTROL = "max-age=600"


def _png(width: int, height: int, seed: int) -> bytes:
    """A real PNG (RGB, deterministic noise): bytes that are not UTF-8 and do not compress."""
    rng = random.Random(seed)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# A 1x1 transparent GIF.
_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def _layout(title: str, body: str, head_extra: str = "", assets: bool = False) -> str:
    if assets:
        links = "".join(f'<link rel="stylesheet" href="{c}">\n' for c in _CSS)
        links += f'<link rel="icon" href="{_ICON}">\n'
        scripts = "".join(f'<script src="{j}"></script>\n' for j in _JS)
        images = "".join(f'<p><img src="{i}" alt="" width="64" height="64"></p>\n' for i in _IMAGES)
    else:
        links, scripts, images = '<link rel="stylesheet" href="/css/site.css">\n', "", ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Field Notes</title>
{links}{head_extra}</head>
<body>
<nav><a href="/">Home</a> <a href="/about/">About</a> <a href="/blog/">Blog</a> <a href="/docs/guide/">Guide</a></nav>
<main>
<h1>{title}</h1>
{body}
{images}<p><a id="outbound" href="https://example.org/elsewhere">Elsewhere</a></p>
</main>
{scripts}</body>
</html>
"""


def _pages() -> dict[str, bytes]:
    para = "<p>Plain words about walking, maps and weather, written for the tests of footfall.</p>\n"
    pages = {
        "index.html": _layout("Home", para * 3),
        "about/index.html": _layout("About", para + "<p>Ça marche — «naïve» café ✓ 日本語</p>\n"),
        "blog/index.html": _layout(
            "Blog",
            '<ul><li><a href="/blog/2024/hello-world/">Hello, world</a></li>'
            '<li><a href="notes.html">Notes</a></li></ul>\n',
        ),
        "blog/2024/hello-world/index.html": _layout("Hello, world", para * 40),  # a few KB: many chunks
        "blog/2024/notes.html": _layout("Notes", para),
        "docs/guide/index.html": _layout(
            "Guide", para * 5 + '<p><a id="next" href="/docs/reference/">Reference</a></p>\n', assets=True
        ),
        "docs/reference/index.html": _layout(
            "Reference", para * 5 + '<p><a id="back" href="/docs/guide/">Guide</a></p>\n', assets=True
        ),
        "404.html": _layout("Page not found", "<p>Nothing lives at this address.</p>\n"),
        "500.html": _layout("Something broke", "<p>The server had a bad day.</p>\n"),
        "tagged/index.html": _layout("Already tagged", para, head_extra=TAG + "\n"),
        "tagged-in-body/index.html": _layout("Tagged in the body", para + TAG + "\n" + para * 30),
    }
    encoded = {name: text.encode() for name, text in pages.items()}
    encoded["legacy/latin1.html"] = (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">\n<html>\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\n'
        "<title>Caf\u00e9 cr\u00e8me</title>\n</head>\n<body>\n"
        "<p>Na\u00efve fa\u00e7ade, \u00bd price, \u00a9 1999, se\u00f1or \u00d8ster.</p>\n"
        '<p><a href="/">Home</a></p>\n</body>\n</html>\n'
    ).encode("iso-8859-1")
    encoded["odd/index.html"] = (
        b"<!-- a comment before everything: <head></head> -->\n"
        b'<HTML LANG="en">\n<HEAD data-theme="dark" PROFILE="x">\n'
        b'<META CHARSET="utf-8">\n<!-- </head> inside a comment is no end tag -->\n'
        b"<TITLE>Odd &lt;/head&gt; markup</TITLE>\n"
        b'<SCRIPT>var s = "</head><script src=/_ff/script.js></" + "script>";</SCRIPT>\n'
        b"<STYLE>/* </head> */ body { color: #222 }</STYLE>\n"
        b'</HEAD >\n<BODY CLASS="x">\n<P>Upper case, as in 1998.</P>\n<P><A HREF="/">Home</A></P>\n</BODY>\n</HTML>\n'
    )
    # What html-minifier's removeOptionalTags and similar tools make: no </head>, no <body>.
    encoded["minified.html"] = (
        b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Minified</title>"
        b"<link rel=stylesheet href=/css/site.css><p>No end tag for head, no body tag.<p><a href=/>Home</a>"
    )
    encoded[VERIFICATION.lstrip("/")] = VERIFICATION_BODY
    return encoded


def _other_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for i, css in enumerate(_CSS):
        files[css.lstrip("/")] = (f"/* {css} */\nbody {{ margin: {i}em; font-family: serif }}\n" * 20).encode()
    for js in _JS:
        files[js.lstrip("/")] = (f"// {js}\nwindow.{js[4:-3]}Loaded = true;\n").encode()
    for i, name in enumerate(["logo", "photo-1", "photo-2", "photo-3", "icon"]):
        size = 16 if name == "icon" else 48
        files[f"img/{name}.png"] = _png(size, size, i)
    for name in ("diagram", "chart"):
        files[f"img/{name}.svg"] = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
            f'<title>{name}</title><rect width="64" height="64" fill="#8a5"/></svg>\n'
        ).encode()
    files["img/spinner.gif"] = _GIF
    files["feed.xml"] = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Field Notes</title></channel></rss>\n'
    # Text that looks like a page: no HTML rewriting may touch it.
    files["notes.txt"] = b"<html><head><title>not a page</title></head><body>plain text</body></html>\n"
    files["data/search.json"] = json.dumps({"pages": list(PAGES)}).encode()
    return files


def site_files() -> dict[str, bytes]:
    """Every file of the site, by path relative to its root."""
    return {**_pages(), **_other_files()}


def build_site(root: Path) -> Path:
    """Write the site into `root` (created if missing) and return it."""
    for name, data in site_files().items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def tagged(body: bytes, tag: str = TAG) -> bytes:
    """A page's bytes with `tag` before its first `</head>` end tag (any case, `</HEAD >` too),
    as the proxy and inject.mjs put it; comments and script or style text are skipped."""
    skip = re.compile(rb"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>", re.S | re.I)
    end = re.compile(rb"</head\s*>", re.I)
    pos = 0
    while True:
        head_end = end.search(body, pos)
        skipped = skip.search(body, pos)
        if head_end is None:
            raise ValueError("no </head> in the page")
        if skipped is None or skipped.start() > head_end.start():
            return body[: head_end.start()] + tag.encode() + body[head_end.start() :]
        pos = skipped.end()


# --- the origin -------------------------------------------------------------------------------

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class Handler(BaseHTTPRequestHandler):
    root: Path
    route_prefix: str | None = None
    route_target: str | None = None
    log: list[dict] = []
    log_lock = threading.Lock()
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on, a kept-alive
    # client's delayed ACK holds the body back ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(body)

    def _record(self, status: int, routed: bool) -> None:
        with self.log_lock:
            self.log.append({"method": self.command, "path": self.path, "status": status, "routed": routed})

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _route(self) -> None:
        """Pass the request to the Worker, as Cloudflare does for a route's requests."""
        assert self.route_target is not None
        target = urlsplit(self.route_target)
        body = self._read_body()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        # Cloudflare's edge tells the Worker who connected; the Worker's runtime trusts it here.
        headers["CF-Connecting-IP"] = self.headers.get("CF-Connecting-IP") or self.client_address[0]
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            pairs = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP | {"content-length"}]
            self._record(answer.status, True)
            self._send(answer.status, pairs, data)
        finally:
            conn.close()

    def _file_answer(self, file: Path, status: int, url_path: str) -> None:
        data = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            charset = next((c for p, c in CHARSETS.items() if url_path.startswith(p)), "utf-8")
            kind += f"; charset={charset}"
        elif kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        stat = file.stat()
        etag = f'"{int(stat.st_mtime):x}-{len(data):x}"'
        headers = [("Content-Type", kind), ("Vary", "Accept-Encoding")]
        if status == 200:
            headers += [
                ("Cache-Control", CACHE_CONTROL),
                ("Expires", formatdate(time.time() + 600, usegmt=True)),
                ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
            ]
        accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
        if accepts_gzip and kind.startswith(_COMPRESSIBLE):
            data = gzip.compress(data, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
            etag = "W/" + etag
        if status == 200:
            headers.append(("ETag", etag))
            if self._not_modified(etag, stat.st_mtime):
                self._record(304, False)
                self._send(304, [h for h in headers if h[0] != "Content-Type"])
                return
        self._record(status, False)
        self._send(status, headers, data)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return etag.removeprefix("W/") in wanted or "*" in wanted
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        if self.route_prefix and (parts.path + "/").startswith(self.route_prefix):
            self._route()
            return
        if parts.path == "/__origin/log":
            with self.log_lock:
                data = json.dumps(self.log).encode()
                if "reset" in parts.query:
                    self.log.clear()
            self._send(200, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], data)
            return
        if self.command not in ("GET", "HEAD"):
            self._read_body()
            self._record(405, False)
            self._send(405, [("Content-Type", "text/plain"), ("Allow", "GET, HEAD")], b"method not allowed")
            return
        path = unquote(parts.path)
        if path.startswith("/broken/"):
            self._file_answer(self.root / "500.html", 500, path)
            return
        target = (self.root / path.lstrip("/")).resolve()
        if target != self.root and self.root not in target.parents:
            target = self.root / "__missing__"
        if target.is_dir():
            if not parts.path.endswith("/"):
                self._record(301, False)
                location = parts.path + "/" + (f"?{parts.query}" if parts.query else "")
                self._send(301, [("Location", location), ("Content-Type", "text/html")], b"")
                return
            target = target / "index.html"
        if not target.is_file():
            self._file_answer(self.root / "404.html", 404, path)
            return
        self._file_answer(target, 200, path)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--route", help="PREFIX=URL: requests under PREFIX go to the Worker at URL")
    args = parser.parse_args()
    Handler.root = Path(args.root).resolve()
    if args.route:
        prefix, _, url = args.route.partition("=")
        Handler.route_prefix = prefix.rstrip("/") + "/"
        Handler.route_target = url
    server = ThreadingHTTPServer((args.ip, args.port), Handler)
    ip, port = server.server_address[:2]
    routed = f", {Handler.route_prefix}* routed to {Handler.route_target}" if args.route else ""
    print(f"[static-site] serving {Handler.root} on http://{ip}:{port}{routed}", flush=True)
    server.serve_forever()


# --- helpers for tests and benchmarks (not used by the server) --------------------------------


def start_static_origin(root: Path, route_to: str | None = None):
    """The origin above on a port it binds itself: (Process, url). `route_to` is a Worker's URL
    that gets the requests under /_ff/ (routes-only mode)."""
    import sys

    from support.processes import Process

    args = [sys.executable, "-P", str(Path(__file__).resolve()), "--root", str(root), "--port", "0"]
    if route_to:
        args += ["--route", f"{PREFIX}/={route_to}"]
    proc = Process(args, "serving", name="static-site")
    return proc, proc.url()


def tagged_copy(src: Path, out: Path, *attrs: str) -> Path:
    """tools/site/inject.mjs SRC OUT: the copy a deploy's [build] step makes (or the pages an
    owner tagged by hand). `attrs` are `name=value` options of the tag."""
    from support.processes import ROOT

    args = ["node", "tools/site/inject.mjs", str(src), str(out)]
    for attr in attrs:
        args += ["--attr", attr]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"inject.mjs failed: {done.stderr}")
    return out


MODES = ("proxy", "routes", "assets", "assets+worker-first")
ASSETS_CONFIG = "examples/wrangler.assets.toml"


class ModeRun:
    """footfall in front of the static site in one mode, on ports of its own:

    - `proxy`: the origin behind the Worker (ORIGIN_URL), the Worker adds the tag;
    - `routes`: the owner's tagged pages on the origin, which passes /_ff/* to the Worker
      (INJECT_TAG off): pages never reach it;
    - `assets`: a tagged copy as Workers Static Assets (examples/wrangler.assets.toml), only
      /_ff/* runs the Worker;
    - `assets+worker-first`: the same with run_worker_first = true;
    - `origin`: the origin alone, no footfall (a baseline for benchmarks).

    `url` is where a visitor goes, `worker` the Worker's own address (GET /__stats, /__clock),
    `origin` the site's own server where there is one (GET /__origin/log)."""

    def __init__(self, mode: str, site: Path, work: Path, state: Path | None = None, extra_vars=None):
        from support.processes import apply_migrations, start_worker

        self.mode, self.processes = mode, []
        self.state = state or work / "state"
        self.worker: str | None = None
        self.origin: str | None = None
        if mode != "origin" and state is None:
            apply_migrations(self.state)
        variables = dict(extra_vars or {})
        try:
            if mode in ("proxy", "origin"):
                origin_proc, origin = start_static_origin(site)
                self.processes.append(origin_proc)
                self.url = self.origin = origin
                if mode == "proxy":
                    self.url = self.worker = self._worker(start_worker, {**variables, "ORIGIN_URL": origin})
            elif mode == "routes":
                published = tagged_copy(site, work / "published")
                self.worker = self._worker(start_worker, {**variables, "INJECT_TAG": "false"})
                zone_proc, self.url = start_static_origin(published, route_to=self.worker)
                self.origin = self.url
                self.processes.append(zone_proc)
            elif mode in ("assets", "assets+worker-first"):
                deployed = tagged_copy(site, work / "deployed")
                extra = ["--assets", str(deployed)]
                if mode == "assets+worker-first":
                    extra += ["--run-worker-first", "true"]
                self.url = self.worker = self._worker(start_worker, variables, ASSETS_CONFIG, extra)
            else:
                raise ValueError(f"unknown mode {mode!r}")
        except BaseException:
            self.stop()
            raise

    def _worker(self, start_worker, variables, config="wrangler.toml", extra=()):
        proc, url = start_worker(self.state, variables, config=config, extra_args=tuple(extra))
        self.processes.append(proc)
        return url

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()


def origin_log(url: str, reset: bool = False) -> list[dict]:
    from support.http import request

    return json.loads(request(url, "GET", "/__origin/log" + ("?reset" if reset else "")).body)


def runtime_stats(url: str, reset: bool = False) -> dict:
    """The local runtime's GET /__stats: Worker invocations and requests the assets answered."""
    from support.http import request

    return json.loads(request(url, "GET", "/__stats" + ("?reset" if reset else "")).body)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


if __name__ == "__main__":
    main()
