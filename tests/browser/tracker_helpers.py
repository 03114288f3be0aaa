"""Driving the tracker in a page and reading what reached D1."""

import json
import re

from support.processes import wait_until

# Chromium here never hides a page by itself (other tabs in front or a minimized window leave
# it 'visible'), so tests set the state and dispatch the event a real tab switch would; like
# the browser's own, it bubbles.
SET_VISIBILITY = """(state) => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => state});
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => state !== 'visible'});
  document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));
}"""

# Keeps clicks on links from navigating, so a test can click several; the tracker listens in
# the capture phase and still sees each click.
STAY_ON_PAGE = "document.addEventListener('click', (e) => e.preventDefault())"

# Scrolls to a fraction of the page and resolves once the page has seen the scroll event.
SCROLL_TO = """(fraction) => new Promise((done) => {
  addEventListener('scroll', () => setTimeout(done), {once: true});
  scrollTo(0, fraction * document.documentElement.scrollHeight);
})"""

COLLECTION = re.compile(r"/_ff/(init|heartbeat|event)$")


def set_visibility(page, state: str) -> None:
    page.evaluate(SET_VISIBILITY, state)


class Beacons:
    """Every request the page makes to a collection endpoint, with its JSON body, and the
    Worker's answers to them."""

    def __init__(self, page):
        self.page = page
        self.sent: list[tuple[str, dict]] = []
        self.answers: list[tuple[str, dict, int]] = []
        self._markers: set[str] = set()
        page.on("request", self._seen)
        page.on("requestfinished", self._answered)

    def _seen(self, request):
        match = COLLECTION.search(request.url)
        if match:
            self.sent.append((match.group(1), json.loads(request.post_data or "{}")))
        elif "__settled=" in request.url:
            self._markers.add(request.url)

    def _answered(self, request):
        match = COLLECTION.search(request.url)
        response = request.response() if match else None
        if response is not None:
            self.answers.append((match.group(1), json.loads(request.post_data or "{}"), response.status))

    def of(self, endpoint: str, uuid: str | None = None) -> list[dict]:
        return [body for name, body in self.sent if name == endpoint and uuid in (None, body["uuid"])]

    def wait_for(self, endpoint: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        self._wait(lambda: len(self.of(endpoint)) >= count, timeout)
        return self.of(endpoint)

    def wait_for_total(self, uuid: str, total: int, timeout: float = 10.0) -> list[dict]:
        """The view's heartbeats once one of them reports at least `total` seconds."""
        self._wait(lambda: any(b["total"] >= total for b in self.of("heartbeat", uuid)), timeout)
        return self.of("heartbeat", uuid)

    def wait_for_answers(self, count: int, timeout: float = 10.0) -> list[tuple[str, dict, int]]:
        self._wait(lambda: len(self.answers) >= count, timeout)
        return self.answers

    def settle(self) -> None:
        """Returns once everything the page sent before this call has been seen: a request the
        page makes now reaches the network after the beacons it queued earlier."""
        marker = self.page.evaluate(
            "(n) => { const url = new URL('/_ff/script.js?__settled=' + n, location).href;"
            " fetch(url).catch(() => {}); return url; }",
            len(self._markers),
        )
        self._wait(lambda: marker in self._markers, 10.0)

    def _wait(self, done, timeout: float) -> None:
        # Playwright's sync API delivers events only while it runs a call, so wait through it.
        waited = 0.0
        while not done() and waited < timeout:
            self.page.wait_for_timeout(50)
            waited += 0.05


def wait_for_rows(db, sql: str, params=(), count: int = 1, timeout: float = 10.0) -> list[dict]:
    """Rows of a query once at least `count` exist (beacons arrive asynchronously)."""
    wait_until(lambda: len(db.query(sql, params)) >= count, timeout=timeout)
    return db.query(sql, params)
