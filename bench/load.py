"""Load on loopback: simulated visitors doing what the tracker and a browser do (a proxied
page, /init, heartbeats with running totals, an event), for a bounded time, then a count of
every accepted write against the rows in D1. Nothing accepted may be missing.

    python bench/load.py            # 20 visitors for 60 s against a fresh local runtime
"""

import statistics
import tempfile
import threading
import time
import uuid as uuid_module
from collections import Counter, defaultdict
from pathlib import Path

from support.d1 import LocalDatabase
from support.http import post_json, request
from support.processes import apply_migrations, start_origin, start_worker, wait_until

ROOT = Path(__file__).resolve().parents[1]


CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
PAGES = ["/", "/about/", "/blog/hello.html"]


class Ledger:
    """What the Worker said yes to, and how long each answer took."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.status = Counter()
        self.inits: set[str] = set()
        self.seconds: dict[str, int] = {}
        self.events: set[tuple[str, int]] = set()
        self.pages_served = 0

    def record(self, kind, status, started):
        with self.lock:
            self.latency[kind].append(time.perf_counter() - started)
            self.status[(kind, status)] += 1


def visitor(n: int, url: str, deadline: float, ledger: Ledger) -> None:
    headers = {"User-Agent": CHROME, "Accept-Language": "en", "CF-Connecting-IP": f"198.18.{n // 250}.{n % 250 + 1}"}
    beacon = {**headers, "Sec-Fetch-Mode": "no-cors"}
    k = 0
    while time.monotonic() < deadline:
        path = PAGES[k % len(PAGES)]
        k += 1
        t = time.perf_counter()
        reply = request(
            url, "GET", path, headers={**headers, "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}
        )
        ledger.record("page", reply.status, t)
        if reply.status == 200:
            with ledger.lock:
                ledger.pages_served += 1
        uid = str(uuid_module.uuid4())
        t = time.perf_counter()
        reply = post_json(url, "/_ff/init", {"uuid": uid, "page": path, "referrer": ""}, headers=beacon)
        ledger.record("init", reply.status, t)
        if reply.status != 204:
            continue
        with ledger.lock:
            ledger.inits.add(uid)
        for total in (5, 10, 15):
            t = time.perf_counter()
            reply = post_json(url, "/_ff/heartbeat", {"uuid": uid, "delta": 5, "total": total}, headers=beacon)
            ledger.record("heartbeat", reply.status, t)
            if reply.status == 204:
                with ledger.lock:
                    ledger.seconds[uid] = max(ledger.seconds.get(uid, 0), total)
        t = time.perf_counter()
        reply = post_json(
            url, "/_ff/event", {"uuid": uid, "seq": 1, "type": "scroll", "name": "50", "page": path}, headers=beacon
        )
        ledger.record("event", reply.status, t)
        if reply.status == 204:
            with ledger.lock:
                ledger.events.add((uid, 1))


def run(url: str, db: LocalDatabase, visitors: int = 20, seconds: float = 60) -> dict:
    ledger = Ledger()
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [threading.Thread(target=visitor, args=(n, url, deadline, ledger)) for n in range(visitors)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(seconds + 60)
    elapsed = time.perf_counter() - started

    # Hits are written in ctx.waitUntil, after the page went out: give them a moment.
    wait_until(lambda: db.query("SELECT COUNT(*) AS n FROM hits")[0]["n"] >= ledger.pages_served, timeout=30)
    stored = {r["uuid"]: r["seconds"] for r in db.query("SELECT uuid, seconds FROM pageviews")}
    events = {(r["uuid"], r["seq"]) for r in db.query("SELECT uuid, seq FROM events")}
    hits = db.query("SELECT COUNT(*) AS n FROM hits")[0]["n"]
    requests_total = sum(ledger.status.values())
    return {
        "visitors": visitors,
        "seconds": round(elapsed, 1),
        "requests": requests_total,
        "throughput": round(requests_total / elapsed, 1),
        "server_errors": sum(n for (kind, status), n in ledger.status.items() if status >= 500),
        "statuses": dict(sorted((f"{k} {s}", n) for (k, s), n in ledger.status.items())),
        "latency_ms": {
            kind: {
                "p50": round(statistics.median(v) * 1000, 1),
                "p99": round(sorted(v)[int(len(v) * 0.99) - 1] * 1000, 1),
            }
            for kind, v in ledger.latency.items()
        },
        "lost_page_loads": len(ledger.inits - set(stored)),
        "unaccepted_page_loads_stored": len(set(stored) - ledger.inits),
        "wrong_seconds": sum(1 for u, s in ledger.seconds.items() if stored.get(u) != s),
        "lost_events": len(ledger.events - events),
        "pages_served": ledger.pages_served,
        "hits_stored": hits,
    }


def measure(visitors: int = 20, seconds: float = 60) -> dict:
    state = Path(tempfile.mkdtemp(prefix="footfall-load-"))
    apply_migrations(state)
    origin_proc, origin = start_origin()
    proc, url = start_worker(state, {"ORIGIN_URL": origin})
    try:
        return run(url, LocalDatabase(state), visitors, seconds)
    finally:
        proc.stop()
        origin_proc.stop()


def markdown(r: dict) -> str:
    lines = [
        "## Load: nothing accepted is lost",
        "",
        f"{r['visitors']} simulated visitors on loopback for {r['seconds']} s (page through the proxy, /init, "
        f"three heartbeats, an event, again): {r['requests']:,} requests, **{r['throughput']} requests/s**, "
        f"**{r['server_errors']} server errors**.",
        "",
        "| request | p50 | p99 |",
        "|---|---|---|",
    ]
    for kind, v in r["latency_ms"].items():
        lines.append(f"| {kind} | {v['p50']} ms | {v['p99']} ms |")
    lines += [
        "",
        "Throughput and latency here are the local runtime's (one Node thread running Pyodide, every D1 call "
        "crossing to a separate workerd process), not a production figure; the point of this run is the next line.",
        "",
        f"Accepted writes checked against D1 afterwards: page loads lost **{r['lost_page_loads']}**, stored time "
        f"differing from the last accepted total **{r['wrong_seconds']}**, events lost **{r['lost_events']}**, "
        f"server-side hits stored {r['hits_stored']:,} for {r['pages_served']:,} pages served.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
