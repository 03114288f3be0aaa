"""Deployment modes (#11): Worker invocations per page view, and the time each mode adds to the
HTML response, on the test kit's static site (tests/support/static_site.py) in the local
runtime.

Invocations: real Chromium (Debian's) views a page with 16 assets (4 stylesheets, 4 scripts,
7 images and an icon) with an empty cache, then another page with the same 16 assets, then the
first page again, each visible for a second and then hidden (the tracker's /init, then its one
heartbeat); GET /__stats counts the Worker's invocations and the requests answered without it.
The browser's cache follows the site's headers: `max-age=600` from the GitHub-Pages-like
origin, `max-age=0, must-revalidate` with an ETag from Workers Static Assets, `max-age=3600`
for the tracker.

Latency: sequential GETs of the 16-asset page's HTML (a document load, no compression) over
one kept-alive connection per target, the targets interleaved round by round so that the
machine's noise falls on all of them alike; the first WARMUP rounds are dropped.
"""

import http.client
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from support.chromium import CHROMIUM, PERSON
from support.static_site import HEAVY_ASSETS, MODES, ModeRun, build_site, origin_log, runtime_stats

PAGE, NEXT = "/docs/guide/", "/docs/reference/"
WARMUP, SAMPLES = 20, 200
FREE_REQUESTS = 100_000  # Workers Free: requests a day
DOCS = "https://developers.cloudflare.com/workers"
DOCUMENT = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Accept": "text/html"}
LABELS = {
    "proxy": "proxy (ORIGIN_URL)",
    "routes": "routes only (`/_ff/*`)",
    "assets": "static assets",
    "assets+worker-first": "static assets, `run_worker_first = true`",
    "origin": "the origin alone (no footfall)",
}
VIEWS = (("first view", PAGE), ("next page, same assets", NEXT), ("same page again", PAGE))
HIDE = """() => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  document.dispatchEvent(new Event('visibilitychange', {bubbles: true}));
}"""


def _without_worker(run: ModeRun, stats: dict) -> int:
    """Requests of the view that reached the site but not the Worker."""
    if run.mode in ("assets", "assets+worker-first"):
        return stats["assets_served"]
    if run.mode == "routes":
        return sum(1 for e in origin_log(run.url) if not e["routed"])
    return 0


def page_views(run: ModeRun, browser) -> dict:
    """Worker invocations (and requests answered without it) per view, in one browser profile."""
    context = browser.new_context(
        user_agent=f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{browser.version} Safari/537.36"
    )
    page = context.new_page()
    beacons: list[str] = []
    page.on("requestfinished", lambda r: beacons.append(r.url.rsplit("/", 1)[-1]) if "/_ff/" in r.url else None)
    out = {}
    try:
        for label, path in VIEWS:
            assert run.worker is not None
            runtime_stats(run.worker, reset=True)
            if run.mode == "routes":
                origin_log(run.url, reset=True)
            sent = len(beacons)
            page.goto(run.url + path, wait_until="networkidle")
            page.wait_for_timeout(1000)  # visible for a second: the heartbeat at hide carries it
            page.evaluate(HIDE)
            deadline = time.monotonic() + 10
            while "heartbeat" not in beacons[sent:] and time.monotonic() < deadline:
                page.wait_for_timeout(50)
            stats = runtime_stats(run.worker)
            assert "init" in beacons[sent:] and "heartbeat" in beacons[sent:], (run.mode, label, beacons[sent:])
            out[label] = {"invocations": stats["invocations"], "without_worker": _without_worker(run, stats)}
    finally:
        context.close()
    return out


class _Client:
    """One kept-alive connection to a target."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def get(self, path: str) -> float:
        for attempt in (1, 2):
            try:
                start = time.perf_counter()
                self.conn.request("GET", path, headers=DOCUMENT)
                response = self.conn.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - start) * 1000
                if response.status != 200 or not body:
                    raise RuntimeError(f"{self.host}:{self.port}{path} answered {response.status}")
                return elapsed
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def first_request_ms(url: str) -> float:
    """The first HTML request a freshly started target answers (a new connection)."""
    return _Client(url).get(PAGE)


def html_latency(runs: dict[str, ModeRun]) -> dict[str, list[float]]:
    clients = {name: _Client(run.url) for name, run in runs.items()}
    samples: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    rng = random.Random(11)
    for round_ in range(WARMUP + SAMPLES):
        rng.shuffle(order)
        for name in order:
            elapsed = clients[name].get(PAGE)
            if round_ >= WARMUP:
                samples[name].append(elapsed)
    return samples


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure() -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = build_site(work / "site")
        runs: dict[str, ModeRun] = {}
        first: dict[str, float] = {}
        try:
            for name in ("origin", *MODES):
                runs[name] = ModeRun(name, site, work / name.replace("+", "-"))
                first[name] = first_request_ms(runs[name].url)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=PERSON)
                try:
                    views = {name: page_views(runs[name], browser) for name in MODES}
                finally:
                    browser.close()
            load_before = os.getloadavg()[0]
            latency = html_latency(runs)
            load_after = os.getloadavg()[0]
        finally:
            for run in runs.values():
                run.stop()
    return {
        "assets": len(HEAVY_ASSETS),
        "views": views,
        "first_request_ms": first,
        "load": (load_before, load_after),
        "latency": {
            name: {"p50": statistics.median(v), "p95": _pct(v, 0.95), "n": len(v)} for name, v in latency.items()
        },
    }


def markdown(result: dict) -> str:
    views, lat, first = result["views"], result["latency"], result["first_request_ms"]
    lines = [
        "## Deployment modes: Worker invocations per page view and time added to the page",
        "",
        f"A page with {result['assets']} assets (4 stylesheets, 4 scripts, 7 images, an icon) on the test "
        "kit's static site, viewed in Chromium: first with an empty cache, then another page with the "
        "same assets, then the first page again; each visible for a second, then hidden (the tracker's "
        "`/init` and its one heartbeat). Counted by the local runtime's `GET /__stats`. The browser "
        "caches as the headers say: `max-age=600` from the GitHub-Pages-like origin, "
        "`max-age=0, must-revalidate` + ETag from Workers Static Assets (a 304 each, answered without "
        "the Worker), `max-age=3600` for the tracker.",
        "",
        "| mode | first view | next page, same assets | same page again | first views a day on the free plan |",
        "|---|---|---|---|---|",
    ]
    for name in MODES:
        v = views[name]
        cells = [f"{v[label]['invocations']} ({v[label]['without_worker']})" for label, _ in VIEWS]
        per_day = FREE_REQUESTS // max(1, v["first view"]["invocations"])
        lines.append(f"| {LABELS[name]} | **{cells[0]}** | {cells[1]} | {cells[2]} | {per_day:,} |")
    lines += [
        "",
        "Each cell: Worker invocations (requests of the view answered without the Worker). The last "
        "column divides Workers Free's 100,000 requests a day by the first view's invocations "
        "(repeat views cost fewer). In the proxy every request is an invocation, assets included; in "
        "routes-only and static-assets mode only the tracker and its beacons are (the tracker is cached "
        "for an hour, so a repeat view costs 2).",
        "",
        f"Time to the whole HTML of that page ({SAMPLES} sequential requests per target after {WARMUP} "
        "warm-up rounds, targets interleaved, one kept-alive connection each, no compression; local "
        "runtime, so the Worker's share is Pyodide in Node, not workerd):",
        "",
        "| target | p50 | p95 | added p50 | added p95 | against |",
        "|---|---|---|---|---|---|",
    ]
    against = {
        "origin": None,
        "proxy": "origin",
        "routes": "origin",
        "assets": "origin",
        "assets+worker-first": "assets",
    }
    for name in ("origin", *MODES):
        row = lat[name]
        base = against[name]
        if base is None:
            added = "–", "–", "–"
        else:
            added = (
                f"{row['p50'] - lat[base]['p50']:+.2f} ms",
                f"{row['p95'] - lat[base]['p95']:+.2f} ms",
                LABELS[base],
            )
        lines.append(
            f"| {LABELS[name]} | {row['p50']:.2f} ms | {row['p95']:.2f} ms | {added[0]} | {added[1]} | {added[2]} |"
        )
    lines += [
        "",
        "Routes-only pages are answered by the origin's own server (the Worker is not on their path: "
        "the difference is noise). Static assets are answered by the runtime's asset router from disk, "
        "a different server from the origin's, so that row compares two file servers, not a Worker "
        "cost; the `run_worker_first` row is measured against it, which isolates what the Worker adds. "
        f"The machine's 1-minute load average was {result['load'][0]:.1f} before and {result['load'][1]:.1f} "
        "after these requests (2 cores): absolute times stretch with it, the comparison within a round "
        "less so.",
        "",
        "First request to a freshly started target (new connection; Python's imports done before "
        '"Ready", the handlers\' own on first use): '
        + ", ".join(f"{LABELS[name]} {first[name]:.1f} ms" for name in ("origin", *MODES))
        + ".",
        "",
        "**Cold isolates in production.** A Python Worker's isolate starts by restoring a memory "
        "snapshot of Pyodide with the Worker's top-level imports, taken at deploy "
        f"([How Python Workers work]({DOCS}/languages/python/how-python-workers-work/)); "
        "Cloudflare's own measurements, with common packages imported, give a mean cold start of about "
        "one second ([Python Workers redux](https://blog.cloudflare.com/python-workers-advancements/), "
        "December 2025, against 2.4x that on AWS Lambda without SnapStart). footfall imports nothing "
        'beyond the standard library and the SDK (its own import is timed in "Cold start" above), but '
        "the runtime's part stays. Cloudflare's documentation gives no per-request figure for Python "
        "Workers. Whatever the figure, it lands on the visitor's page only where the page waits for "
        "the Worker: in the proxy and with `run_worker_first = true` the HTML (and each asset) waits "
        "for the isolate, so a visitor arriving at a cold isolate waits for Python to start before the "
        "first byte. In routes-only and static-assets mode the page, its assets and its 404s never "
        "involve the Worker; a cold isolate delays only the tracker's script and beacons, which are "
        "`defer`, `keepalive` and off the rendering path. Requests to static assets are free and "
        "unlimited and do not invoke the Worker "
        f"([Workers Static Assets, billing]({DOCS}/static-assets/billing-and-limitations/)); "
        "requests that `run_worker_first` matches always do, and on the free plan get a 429 instead "
        "of the asset once the daily quota is spent.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
