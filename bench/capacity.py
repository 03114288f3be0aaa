"""What a page view costs on Cloudflare's free plans, before and after #10, per deployment mode.

Requests per view come from the tracker's schedule: after #10, read from client/src/engagement.js
(the backup beats; the Chromium test tests/browser/test_tracker.py holds the counts on the
wire); before, the counts measured in Chromium at fdc999d (issue #10's table, the original
design's heartbeat-per-interval client with deltas of 1, 5 and 30 s). D1 rows written and read,
and bytes stored, are D1's own figures (meta.rows_written, rows_read, size_after from the local
D1 in workerd) for the real statements (footfall.collect.writes) of a simulated day of views.
"""

import json
import re
import subprocess
import tempfile
import uuid as uuid_module
from pathlib import Path

from footfall.collect import payload, profile, writes
from footfall.days import local_day
from support.processes import ROOT, apply_migrations

# The mix of visible times (seconds, share of views): half leave within seconds, a long tail
# reads for minutes. The times are those measured before #10, so "before" needs no model.
MIX = ((4, 0.50), (29, 0.15), (89, 0.15), (119, 0.10), (299, 0.07), (600, 0.03))
# Requests per view before #10 (Chromium, issue #10): init + a heartbeat per interval + 30/5/1 flush.
BEFORE_REQUESTS = {4: 5, 29: 10, 89: 22, 119: 23, 299: 29, 600: 31}
# Views of 29 s or more scroll to half the page: two scroll events before, the heartbeat's
# `scroll` after.
SCROLLED_FROM_SECONDS = 29
OUTBOUND_SHARE = 0.1  # one view in ten ends with an outbound click (one event either way)
VIEWS = 1000
# The configured retention (wrangler.toml [vars]): this section's and bench/stores.py's.
RETENTION_DAYS = int(re.search(r'RETENTION_DAYS = "(\d+)"', (ROOT / "wrangler.toml").read_text()).group(1))
FREE_REQUESTS, FREE_ROWS_WRITTEN, FREE_ROWS_READ = 100_000, 100_000, 5_000_000
FREE_BYTES, PAID_BYTES = 500 * 10**6, 10 * 10**9
# script.js is cached for an hour: one fetch (or 304) per visit; visits average two views.
SCRIPT_PER_VIEW = 0.5
MODES = (
    ("proxy, page with 0 assets", 0, True),
    ("proxy, page with 5 assets", 5, True),
    ("proxy, page with 15 assets", 15, True),
    ("routes only / static assets", None, False),
)


def schedule() -> tuple[float, float]:
    """(first backup beat, longest gap) in seconds, read from the tracker's source."""
    source = (ROOT / "client/src/engagement.js").read_text()
    first = float(re.search(r"FIRST_BEAT_MS = ([\d.e]+)", source).group(1)) / 1000
    longest = float(re.search(r"LONGEST_GAP_MS = ([\d.e]+)", source).group(1)) / 1000
    return first, longest


def beats_before(visible: float) -> list[float]:
    """Backup beats (seconds visible) that fire before the view ends: 15 s, then doubling gaps."""
    first, longest = schedule()
    out, at, gap = [], first, first
    while at < visible:
        out.append(at)
        gap = min(gap * 2, longest)
        at += gap
    return out


def requests_after(visible: float) -> int:
    """init, the backup beats, and the flush at hide (when time is left to report)."""
    beats = beats_before(visible)
    return 1 + len(beats) + (1 if not beats or beats[-1] < visible else 0)


def _statements(after: bool, proxied: bool) -> list[tuple[str, str, list]]:
    """The statements of VIEWS views over one day, in order, as D1 would get them."""
    out: list[tuple[str, str, list]] = []
    start = 1_795_132_800_000  # 2026-11-20 00:00 UTC
    n = 0
    for visible, share in MIX:
        for _ in range(round(VIEWS * share)):
            n += 1
            now = start + n * 60_000
            client = profile.Client(
                ip=f"198.51.{n % 250}.{n % 199}",
                user_agent="Mozilla/5.0 (X11; Linux x86_64) "
                "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
                accept_language="en",
                country="DE",
            )
            who = profile.build(client, "blog.example", "salted-hash", b"s" * 32)
            path = f"/posts/{n % 40}.html"
            if proxied:
                s = writes.hit(path, 200, "blog.example", now - 200, 0, who)
                out.append((s.name, s.sql, list(s.params)))
            page_load = str(uuid_module.uuid4())
            record = payload.parse_page_load({"uuid": page_load, "page": path, "referrer": "https://www.google.com/"})
            s = writes.page_load(record, "blog.example", now, 0, who)
            out.append((s.name, s.sql, list(s.params)))
            scrolled = visible >= SCROLLED_FROM_SECONDS
            if after:
                times = [*beats_before(visible), visible]
                for i, t in enumerate(times):
                    beat = payload.Heartbeat(page_load, 0, int(t), 50 if scrolled and i == len(times) - 1 else None)
                    s = writes.heartbeat(beat, "blog.example", now + int(t * 1000))
                    out.append((s.name, s.sql, list(s.params)))
            else:
                for i in range(BEFORE_REQUESTS[visible] - 1):
                    s = writes.heartbeat(payload.Heartbeat(page_load, 1, i + 1), "blog.example", now + (i + 1) * 1000)
                    out.append((s.name, s.sql, list(s.params)))
                for seq, milestone in enumerate(("25", "50") if scrolled else (), 1):
                    event = payload.Event(page_load, seq, "scroll", path, milestone, None, None)
                    s = writes.event(event, "blog.example", now + 2000, 0)
                    out.append((s.name, s.sql, list(s.params)))
            if n % round(1 / OUTBOUND_SHARE) == 0:
                event = payload.Event(page_load, 99, "outbound", path, None, "https://example.org/", "a link")
                s = writes.event(event, "blog.example", now + 3000, 0)
                out.append((s.name, s.sql, list(s.params)))
    assert local_day(start) == "2026-11-20"
    return out


def node_json(script: str, args: list[str], lines: str) -> dict:
    """Run a Node bench script with statements (JSON lines) on stdin; its last line is JSON."""
    out = subprocess.run(["node", script, *args], input=lines, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{script} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def d1_file(state: Path) -> Path:
    """The local D1's database file under a --persist-to directory."""
    files = [p for p in (state / "v3" / "d1").rglob("*.sqlite") if "metadata" not in p.name]
    assert len(files) == 1, files
    return files[0]


def _d1_costs(statements) -> dict:
    with tempfile.TemporaryDirectory() as state:
        apply_migrations(Path(state))
        lines = "\n".join(json.dumps(s) for s in statements)
        return node_json("bench/d1_costs.mjs", ["--persist-to", state], lines)


def measure() -> dict:
    results = {}
    for after in (False, True):
        for proxied in (True, False):
            costs = _d1_costs(_statements(after, proxied))
            written = sum(t["rows_written"] for t in costs["totals"].values())
            read = sum(t["rows_read"] for t in costs["totals"].values())
            results[(after, proxied)] = {
                "rows_written": written / VIEWS,
                "rows_read": read / VIEWS,
                "bytes": (costs["size_after"] - costs["size_before"]) / VIEWS,
                "by_statement": {k: v["rows_written"] / VIEWS for k, v in costs["totals"].items()},
            }
    beacons = {
        after: sum(share * (requests_after(t) if after else BEFORE_REQUESTS[t]) for t, share in MIX)
        for after in (False, True)
    }
    beacons_by_time = {t: (BEFORE_REQUESTS[t], requests_after(t)) for t, _ in MIX}
    return {"d1": results, "beacons": beacons, "by_time": beacons_by_time}


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if n >= 100 else f"{n:,.1f}"


def markdown(m: dict) -> str:
    lines = [
        "## Cost per page view and what fits in the free plans",
        "",
        "Mix of visible times: "
        + ", ".join(f"{int(s * 100)} % {t} s" for t, s in MIX)
        + f"; views of {SCROLLED_FROM_SECONDS} s or more scroll halfway; one in "
        f"{round(1 / OUTBOUND_SHARE)} ends with an outbound click; `script.js` once per two views (cached an hour). "
        "Requests per view by visible time, then hidden (before: Chromium at fdc999d; after: the schedule in "
        "`client/src/engagement.js`, held on the wire by `tests/browser/test_tracker.py`):",
        "",
        "| visible | " + " | ".join(f"{t} s" for t in m["by_time"]) + " |",
        "|---|" + "---|" * len(m["by_time"]),
        "| before | " + " | ".join(str(b) for b, _ in m["by_time"].values()) + " |",
        "| after | " + " | ".join(str(a) for _, a in m["by_time"].values()) + " |",
        "",
        f"D1 figures are D1's own (local D1 in workerd: `meta.rows_written`, `rows_read`, `size_after`) for the "
        f"real statements of {VIEWS:,} such views; bytes stored are raw rows, kept {RETENTION_DAYS} days "
        "(rollups add little and are shared by all views of a page and day).",
        "",
        "| mode | | Worker requests / view | D1 rows written / view | D1 rows read / view | bytes stored / view "
        "| views/day, Workers Free (100k req) | views/day, D1 Free writes (100k) | views/day, D1 Free reads (5M) "
        f"| views/day to fill 500 MB in {RETENTION_DAYS} days | same, 10 GB (paid) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, assets, proxied in MODES:
        for after in (False, True):
            d1 = m["d1"][(after, proxied)]
            requests = m["beacons"][after] + SCRIPT_PER_VIEW + ((1 + assets) if proxied else 0)
            cells = [
                label if not after else "",
                "after" if after else "before",
                _fmt(requests),
                _fmt(d1["rows_written"]),
                _fmt(d1["rows_read"]),
                _fmt(d1["bytes"]),
                _fmt(FREE_REQUESTS / requests),
                _fmt(FREE_ROWS_WRITTEN / d1["rows_written"]),
                _fmt(FREE_ROWS_READ / max(d1["rows_read"], 0.01)),
                _fmt(FREE_BYTES / (d1["bytes"] * RETENTION_DAYS)),
                _fmt(PAID_BYTES / (d1["bytes"] * RETENTION_DAYS)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    after = m["d1"][(True, True)]["by_statement"]
    lines += [
        "",
        "Rows written per view after, by statement (proxy mode): "
        + ", ".join(f"{k} {v:.2f}" for k, v in after.items())
        + ". An insert into a table with one index counts 2, an update of unindexed columns 1.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
