"""Driving the tracker in a page and reading what reached D1."""

import json
import re

from support.processes import wait_until

# Chromium never hides a page by itself here (see shared NOTES): tests set the state and
# dispatch the event a real tab switch would.
SET_VISIBILITY = """(state) => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => state});
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => state !== 'visible'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""

# Keeps clicks on links from navigating, so a test can click several; the tracker listens in
# the capture phase and still sees each click.
STAY_ON_PAGE = "document.addEventListener('click', (e) => e.preventDefault())"


def set_visibility(page, state: str) -> None:
    page.evaluate(SET_VISIBILITY, state)


class Beacons:
    """Every request the page makes to a collection endpoint, with its JSON body."""

    def __init__(self, page):
        self.page = page
        self.sent: list[tuple[str, dict]] = []
        page.on("request", self._seen)

    def _seen(self, request):
        match = re.search(r"/_ff/(init|heartbeat|event)$", request.url)
        if match:
            self.sent.append((match.group(1), json.loads(request.post_data or "{}")))

    def of(self, endpoint: str) -> list[dict]:
        return [body for name, body in self.sent if name == endpoint]

    def wait_for(self, endpoint: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        # Playwright's sync API delivers events only while it runs a call, so wait through it.
        waited = 0.0
        while len(self.of(endpoint)) < count and waited < timeout:
            self.page.wait_for_timeout(50)
            waited += 0.05
        return self.of(endpoint)


def wait_for_rows(db, sql: str, params=(), count: int = 1, timeout: float = 10.0) -> list[dict]:
    """Rows of a query once at least `count` exist (beacons arrive asynchronously)."""
    wait_until(lambda: len(db.query(sql, params)) >= count, timeout=timeout)
    return db.query(sql, params)
