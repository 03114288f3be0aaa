"""The local runtime's Workers Static Assets, test hooks and D1 recovery, on a tiny JavaScript
Worker (tests/fixtures/local-runtime-assets) that does not depend on footfall's Python code.

Each runtime here binds port 0 and owns its state and its site directory."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support.processes import ROOT, Process

FIXTURE = "tests/fixtures/local-runtime-assets"
CONFIG = f"{FIXTURE}/wrangler.toml"
PNG = bytes(range(256)) * 4  # not valid UTF-8, must come back byte for byte

PAGES = {
    "index.html": "<!doctype html><html><head><title>home</title></head><body>home</body></html>",
    "about.html": "<!doctype html><html><head><title>about</title></head><body>about</body></html>",
    "blog/index.html": "<!doctype html><html><head><title>blog</title></head><body>blog</body></html>",
    "blog/post.html": "<!doctype html><html><head><title>post</title></head><body>post</body></html>",
    "404.html": "<!doctype html><html><head><title>404</title></head><body>not found page</body></html>",
    "style.css": "body { color: #333 }",
    "data.json": '{"a": 1}',
    # An asset under the Worker's prefix: run_worker_first must still send it to the Worker.
    "_ff/script.js": "console.log('static copy')",
}


def make_site(root: Path) -> Path:
    for name, text in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "img").mkdir()
    (root / "img/logo.png").write_bytes(PNG)
    return root


def start_runtime(tmp: Path, *args: str, trust: bool = True) -> tuple[Process, str]:
    cmd = [
        "node",
        "tools/local-runtime/footfall-dev.mjs",
        "--port",
        "0",
        "--config",
        CONFIG,
        "--persist-to",
        str(tmp / "state"),
        *args,
    ]
    if trust:
        cmd.append("--trust-client-ip")
    proc = Process(cmd, "Ready on", timeout=60)
    match = re.search(r"Ready on (http://\S+)", proc.output())
    assert match, proc.output()
    return proc, match.group(1)


def request(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """(status, headers, body) without following redirects or raising on 4xx/5xx."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def stats(base: str, reset: bool = False) -> dict:
    return json.loads(request(f"{base}/__stats{'?reset' if reset else ''}")[2])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def runtime(tmp_path_factory, site):
    proc, base = start_runtime(tmp_path_factory.mktemp("rt"), "--assets", str(site))
    yield base
    proc.stop()


def test_port_zero_binds_a_real_port_and_says_which(runtime):
    port = int(runtime.rsplit(":", 1)[1])
    assert port > 0
    assert request(f"{runtime}/__stats")[0] == 200


def test_assets_are_answered_without_invoking_the_worker(runtime, site):
    stats(runtime, reset=True)
    for path, file, ctype in [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/about", "about.html", "text/html; charset=utf-8"),
        ("/blog/", "blog/index.html", "text/html; charset=utf-8"),
        ("/style.css", "style.css", "text/css; charset=utf-8"),
        ("/data.json", "data.json", "application/json"),
        ("/img/logo.png", "img/logo.png", "image/png"),
    ]:
        status, headers, body = request(runtime + path)
        assert status == 200, path
        assert body == (site / file).read_bytes(), path
        assert headers["content-type"] == ctype, path
        assert "x-served-by" not in headers, path
    assert stats(runtime) == {
        "invocations": 0,
        "assets_served": 6,
        "asset_binding_fetches": 0,
        "scheduled": 0,
        "d1_restarts": 0,
    }


def test_html_handling_redirects_and_etags_without_the_worker(runtime):
    stats(runtime, reset=True)
    status, headers, _ = request(f"{runtime}/about.html?x=1")
    assert (status, headers["location"]) == (307, "/about?x=1")
    status, headers, _ = request(f"{runtime}/blog")
    assert (status, headers["location"]) == (307, "/blog/")
    etag = request(f"{runtime}/style.css")[1]["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    status, headers, body = request(f"{runtime}/style.css", headers={"If-None-Match": etag})
    assert (status, body, headers["etag"]) == (304, b"", etag)
    status, headers, body = request(f"{runtime}/style.css", method="HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", str(len(PAGES["style.css"])))
    assert stats(runtime)["invocations"] == 0


def test_run_worker_first_rules_invoke_the_worker_even_over_an_asset(runtime):
    stats(runtime, reset=True)
    status, headers, body = request(f"{runtime}/_ff/script.js")
    assert (status, headers["x-served-by"], body) == (200, "worker", b"worker /_ff/script.js")
    assert request(f"{runtime}/_ff/collect", method="POST", body=b"{}")[2] == b"worker /_ff/collect"
    assert stats(runtime)["invocations"] == 2


def test_with_route_rules_not_found_handling_answers_without_the_worker(runtime, site):
    # run_worker_first as a list is Cloudflare's "static routing": a path no rule names and no
    # asset matches gets not_found_handling (here the nearest 404.html) from the assets.
    stats(runtime, reset=True)
    status, headers, body = request(f"{runtime}/blog/missing")
    assert (status, body) == (404, (site / "404.html").read_bytes())
    assert "x-served-by" not in headers
    assert stats(runtime)["invocations"] == 0


def test_without_rules_a_missing_path_invokes_the_worker_and_its_binding_applies_not_found(tmp_path, site):
    proc, base = start_runtime(tmp_path, "--assets", str(site), "--run-worker-first", "false")
    try:
        status, headers, body = request(f"{base}/blog/missing")
        assert (status, headers["x-served-by"], body) == (404, "worker", (site / "404.html").read_bytes())
        assert stats(base) == {
            "invocations": 1,
            "assets_served": 0,
            "asset_binding_fetches": 1,
            "scheduled": 0,
            "d1_restarts": 0,
        }
        # A browser navigation gets the 404 page from the assets, without the Worker
        # (compatibility date 2025-04-01 or later, as on Cloudflare).
        status, headers, body = request(f"{base}/blog/missing", headers={"Sec-Fetch-Mode": "navigate"})
        assert (status, body) == (404, (site / "404.html").read_bytes())
        assert "x-served-by" not in headers
        assert stats(base)["invocations"] == 1
    finally:
        proc.stop()


def test_writes_to_an_asset_are_refused_by_the_assets(runtime):
    stats(runtime, reset=True)
    status, headers, _ = request(f"{runtime}/about", method="POST", body=b"x")
    assert status == 405
    assert stats(runtime)["invocations"] == 0


def test_the_request_clock_reaches_request_cf_and_the_header_does_not(runtime):
    body = json.loads(request(f"{runtime}/_ff/echo", headers={"X-Test-Now-Ms": "1767225600123"})[2])
    assert body["cf"]["testNowMs"] == 1767225600123
    assert "x-test-now-ms" not in body["headers"]
    body = json.loads(request(f"{runtime}/_ff/echo")[2])
    assert "testNowMs" not in body["cf"]


def test_scheduled_takes_its_time_from_now_ms(runtime):
    assert request(f"{runtime}/__scheduled?cron=17+*+*+*+*&now_ms=1767225600000")[0] == 200
    body = json.loads(request(f"{runtime}/_ff/scheduled")[2])
    assert body == {"cron": "17 * * * *", "scheduledTime": 1767225600000}
    assert request(f"{runtime}/__scheduled?now_ms=soon")[0] == 400


def test_without_trust_the_clock_header_is_an_ordinary_header(tmp_path, site):
    proc, base = start_runtime(tmp_path, "--assets", str(site), trust=False)
    try:
        body = json.loads(request(f"{base}/_ff/echo", headers={"X-Test-Now-Ms": "5"})[2])
        assert "testNowMs" not in body["cf"]
        assert body["headers"]["x-test-now-ms"] == "5"
    finally:
        proc.stop()


def test_run_worker_first_flag_sends_everything_to_the_worker(tmp_path, site):
    proc, base = start_runtime(tmp_path, "--assets", str(site), "--run-worker-first", "true")
    try:
        status, headers, body = request(f"{base}/about")
        assert (status, headers["x-served-by"], body) == (200, "worker", (site / "about.html").read_bytes())
        status, headers, _ = request(f"{base}/about.html")
        assert (status, headers["location"]) == (307, "/about")  # through the binding, as on Cloudflare
        assert stats(base) == {
            "invocations": 2,
            "assets_served": 0,
            "asset_binding_fetches": 2,
            "scheduled": 0,
            "d1_restarts": 0,
        }
    finally:
        proc.stop()


def test_negative_rules_keep_paths_on_the_assets(tmp_path, site):
    proc, base = start_runtime(
        tmp_path, "--assets", str(site), "--run-worker-first", "/*", "--run-worker-first", "!/img/*"
    )
    try:
        assert request(f"{base}/img/logo.png")[2] == PNG
        assert request(f"{base}/about")[1]["x-served-by"] == "worker"
        assert stats(base)["invocations"] == 1
    finally:
        proc.stop()


def test_the_mapping_matches_cloudflares_asset_worker(tmp_path):
    """Every html_handling x not_found_handling on a site with the awkward cases, compared with
    the asset worker miniflare runs (Cloudflare's own code) through getPlatformProxy."""
    site = make_site(tmp_path / "site")
    for name in [
        "docs.html",
        "docs/index.html",
        "file",
        "file.html",
        "x/index",
        "only/index.html",
        "café.html",
        "space dir/page.html",
        "blog/404.html",
        "feed.xml",
        "app.js",
    ]:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f"content of {name}")
    files = sorted("/" + str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    paths = set()
    for f in files:
        quoted = urllib.request.quote(f)
        paths.add(quoted)
        if quoted.endswith(".html"):
            paths |= {quoted[:-5], quoted[:-5] + "/"}
        if quoted.endswith("/index.html"):
            stem = quoted[:-11]
            paths |= {stem or "/", stem + "/", stem + "/index"}
    paths |= {
        "/",
        "/index",
        "/missing",
        "/missing/",
        "/blog/missing",
        "/blog/deep/er/x",
        "/nope.css",
        "/blog//post",
        "/caf%c3%a9",
        "/%2e%2e/etc/passwd",
        "/docs",
        "/docs/",
        "/x/",
        "/file/",
    }
    listing = tmp_path / "paths.json"
    listing.write_text(json.dumps(sorted(paths)))
    result = subprocess.run(
        ["node", f"{FIXTURE}/compare-assets.mjs", str(site), str(listing)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["compared"] == 12 * len(paths)
    assert report["differences"] == []


def _workerd_children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            name = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and name == "workerd":
            children.append(int(stat.parent.name))
    return children


def test_d1_binding_recovers_when_its_workerd_dies(tmp_path, site):
    proc, base = start_runtime(tmp_path, "--assets", str(site))
    try:
        assert json.loads(request(f"{base}/_ff/d1")[2]) == {"answer": 42}
        children = _workerd_children(proc.proc.pid)
        assert children, "the platform proxy's workerd was not found"
        for child in children:
            os.kill(child, signal.SIGKILL)  # a process this test started (through the runtime)
        deadline = time.monotonic() + 5
        while any(Path(f"/proc/{c}").exists() for c in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        status, _, body = request(f"{base}/_ff/d1")
        assert (status, json.loads(body)) == (200, {"answer": 42}), proc.output()
        assert stats(base)["d1_restarts"] == 1
        assert "platform proxy restarted" in proc.output()
    finally:
        proc.stop()
