"""A site that sends `Referrer-Policy: no-referrer` (as a header or a <meta> tag) is counted, in
real browsers, through the Worker with its own D1.

The Fetch standard gives a POST that is not in "cors" mode (sendBeacon with a text/plain body
is "no-cors") `Origin: null` under that policy, same origin or not
(https://fetch.spec.whatwg.org/#append-a-request-origin-header). Measured here, the tracker's
/init from such a page, header or <meta> alike:
- Firefox 153 ESR: `Origin: null`, `Sec-Fetch-Site: same-origin`, no Referer. The Worker
  refused it (403) until app/access.py read Sec-Fetch-Site.
- Chromium 156: the page's own origin (`Origin: http://127.0.0.1:PORT`),
  `Sec-Fetch-Site: same-origin`, no Referer: counted before and after.
A page opened from disk sends `Origin: null` with `Sec-Fetch-Site: cross-site` in both, and
stays refused (test_tracker.py, test_a_file_page_is_refused_and_nothing_is_stored).

Firefox runs as Debian's firefox-esr, headless, with a fresh profile and no driver (Playwright
needs its own patched Firefox, which cannot be downloaded here); the test waits for the row."""

import os
import shutil
import signal
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tracker_helpers import Beacons, wait_for_rows

from support.d1 import LocalDatabase
from support.processes import apply_migrations, start_worker

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
WAYS = ["header", "meta"]


class NoReferrerSite(BaseHTTPRequestHandler):
    """The site's origin: every page says no-referrer, by header when its path names "header",
    by <meta> otherwise. The pages carry no tag; the Worker adds it."""

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_GET(self):
        by_header = "header" in self.path
        meta = "" if by_header else '<meta name="referrer" content="no-referrer">'
        page = f"<!doctype html><html><head>{meta}<title>No referrer</title></head><body>Hi</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        if by_header:
            self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(page)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(the Worker's URL in front of the no-referrer site, its D1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NoReferrerSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state = tmp_path_factory.mktemp("no-referrer-state")
    apply_migrations(state)
    proc, url = start_worker(state, {"ORIGIN_URL": f"http://127.0.0.1:{server.server_address[1]}"})
    yield url, LocalDatabase(state)
    proc.stop()
    server.shutdown()
    server.server_close()


def stored_views(db, path):
    return wait_for_rows(db, "SELECT path FROM pageviews WHERE path = ?", (path,), timeout=30.0)


@pytest.mark.parametrize("way", WAYS)
def test_chromium_counts_a_page_served_with_no_referrer(page, site, way):
    worker, db = site
    path = f"/chromium/{way}/"
    beacons = Beacons(page)
    init = []
    page.on("request", lambda r: init.append(r) if r.url.endswith("/_ff/init") else None)
    page.goto(worker + path)
    beacons.wait_for("init")
    assert stored_views(db, path) == [{"path": path}]
    sent = init[0].all_headers()
    print(f"Chromium, no-referrer by {way}:", {k: sent.get(k) for k in ("origin", "sec-fetch-site", "referer")})
    assert sent.get("referer") is None  # the policy is in force
    assert sent.get("origin") in (worker, "null") and sent.get("sec-fetch-site") == "same-origin"


@pytest.fixture
def firefox(tmp_path):
    """Open a URL in headless Firefox with a fresh profile; closed after the test."""
    if FIREFOX is None:
        pytest.skip("Firefox is not installed: apt-get install firefox-esr (.ci/run does)")
    started = []

    def open_url(url):
        profile = tmp_path / f"profile-{len(started)}"
        profile.mkdir()
        # MOZ_DISABLE_CONTENT_SANDBOX: Firefox's content sandbox cannot start as root in a container.
        env = {**os.environ, "MOZ_DISABLE_CONTENT_SANDBOX": "1"}
        args = [FIREFOX, "--headless", "--no-remote", "--profile", str(profile), url]
        started.append(
            subprocess.Popen(
                args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
            )
        )

    yield open_url
    for proc in started:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.parametrize("way", WAYS)
def test_firefox_counts_a_page_served_with_no_referrer(firefox, site, way):
    # Origin: null and Sec-Fetch-Site: same-origin: refused (403) before the fix.
    worker, db = site
    path = f"/firefox/{way}/"
    firefox(worker + path)
    assert stored_views(db, path) == [{"path": path}]
