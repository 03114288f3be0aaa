"""What one dashboard load costs in D1 rows read, with 1,000,000 page views over 365 days.

The data is written straight into the local D1 database file (the same SQLite file
`wrangler d1 execute --local` reads), past days are rolled up with footfall's own rollup SQL,
as the daily job would have done, and raw rows are kept for all 365 days (no retention purge:
the worst case for the raw-row indexes). Then the Worker, in the local runtime, serves the
dashboard and the stats API; D1's own `rows_read` for every statement of the load is summed
and returned in the X-Footfall-Rows-Read header.
"""

import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import capacity
from footfall.database.rollups import rollup_day
from footfall.report import insights
from footfall.report.funnels import Funnel
from footfall.report.goals import parse_goal
from support.http import request
from support.processes import apply_migrations, start_worker

ROOT = Path(__file__).resolve().parents[1]


TOKEN = "bench-dashboard-token-0123456789"
SITE = "127.0.0.1"
TOTAL_VIEWS = 1_000_000
DAYS = 365
BUDGET = 50_000
CHANNELS = ["direct", "search", "social", "ai", "referral", "email", "campaign"]
REFERRERS = {
    "search": "www.google.com",
    "social": "news.ycombinator.com",
    "ai": "chatgpt.com",
    "referral": "friend.example",
    "email": "mail.google.com",
    "campaign": "newsletter.example",
}
COUNTRIES = ["US", "DE", "FR", "GB", "IN", "BR", "JP", "CA", "NL", "SE", "ES", "IT", "PL", "AU", "MX"]
DEVICES = [
    ("Chrome", "Windows", "desktop"),
    ("Safari", "iOS", "mobile"),
    ("Chrome", "Android", "mobile"),
    ("Firefox", "Linux", "desktop"),
    ("Safari", "macOS", "desktop"),
    ("Edge", "Windows", "desktop"),
    ("Safari", "iOS", "tablet"),
]


# The dashboard's default view shows goals and a funnel (#15): three goals and a funnel over
# them, stored as the dashboard stores them and rolled up with every day.
GOALS = [parse_goal("/about/", SITE), parse_goal("signup", SITE), parse_goal("/posts/*", SITE)]
FUNNEL = Funnel("About, sign-up, a post", tuple(g.name for g in GOALS), SITE)
DEFINED = insights.Definitions(GOALS, [FUNNEL])


def seed(state: Path, today: str, now_ms: int) -> dict:
    rng = random.Random(20261121)
    paths = [f"/posts/{i:03d}/" for i in range(300)] + ["/", "/about/", "/archive/"]
    weights = [1 / (i + 1) for i in range(len(paths))]  # a few popular pages, a long tail
    con = sqlite3.connect(capacity.d1_file(state))
    con.execute("PRAGMA synchronous = OFF")
    start = date.fromisoformat(today) - timedelta(days=DAYS - 1)
    per_day = TOTAL_VIEWS // DAYS
    views = hits = events = 0
    for d in range(DAYS):
        day = (start + timedelta(days=d)).isoformat()
        midnight = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)
        # Today is half over: the dashboard reads today's raw rows so far.
        count = per_day + (TOTAL_VIEWS - per_day * DAYS if d == DAYS - 1 else 0)
        span = max(now_ms - midnight - 60_000, 1) if d == DAYS - 1 else 86_400_000 - 1
        pv_rows, hit_rows, ev_rows = [], [], []
        for i in range(count):
            ts = midnight + rng.randrange(span)
            visitor = f"v{d}-{rng.randrange(int(count * 0.6))}"
            channel = rng.choice(CHANNELS)
            browser, os_, device = rng.choice(DEVICES)
            seconds = int(rng.expovariate(1 / 45))
            uuid = f"{d:03d}{i:07d}-0000-4000-8000-000000000000"
            path = rng.choices(paths, weights)[0]
            pv_rows.append(
                (
                    uuid,
                    SITE,
                    ts,
                    day,
                    path,
                    REFERRERS.get(channel),
                    int(channel == "internal"),
                    channel,
                    visitor,
                    rng.choice(COUNTRIES),
                    browser,
                    os_,
                    device,
                    "person",
                    0,
                    seconds,
                    ts + seconds * 1000,
                    "newsletter" if channel == "campaign" else None,
                )
            )
            hit_rows.append((SITE, ts - 500, day, path, 200, visitor, "person"))
            if rng.random() < 0.1:  # people without JavaScript, and crawlers
                hit_rows.append((SITE, ts, day, path, 200, f"n{d}-{i}", "person"))
                hit_rows.append((SITE, ts, day, path, 200, f"b{d}-{i}", rng.choice(["search_crawler", "ai_crawler"])))
            if rng.random() < 0.02:  # a sign-up, with a property
                ev_rows.append(
                    (uuid, 2, SITE, ts + 2000, day, "custom", "signup", path, None, None, "person")
                    + (json.dumps({"plan": rng.choice(["free", "pro"])}),)
                )
            if rng.random() < 0.05:
                ev_rows.append(
                    (
                        uuid,
                        1,
                        SITE,
                        ts + 1000,
                        day,
                        "outbound",
                        None,
                        path,
                        "https://elsewhere.example/",
                        "a link",
                        "person",
                        None,
                    )
                )
        con.executemany(
            "INSERT INTO pageviews (uuid, site, ts, day, path, referrer_host, internal, channel, visitor, "
            "country, browser, os, device, bot_class, bot_score, seconds, last_ts, utm_campaign) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            pv_rows,
        )
        con.executemany(
            "INSERT INTO hits (site, ts, day, path, status, visitor, bot_class) VALUES (?, ?, ?, ?, ?, ?, ?)", hit_rows
        )
        con.executemany(
            "INSERT INTO events (uuid, seq, site, ts, day, type, name, path, url, anchor_text, bot_class, props) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ev_rows,
        )
        if day != today:
            for st in rollup_day(day, now_ms, DEFINED):
                con.execute(st.sql, st.params)
        views, hits, events = views + len(pv_rows), hits + len(hit_rows), events + len(ev_rows)
    for g in GOALS:
        con.execute(
            "INSERT INTO goals (site, name, kind, pattern, from_day) VALUES (?, ?, ?, ?, ?)",
            (SITE, g.name, g.kind, g.pattern, start.isoformat()),
        )
    con.execute(
        "INSERT INTO funnels (site, name, steps, from_day) VALUES (?, ?, ?, ?)",
        (SITE, FUNNEL.name, json.dumps(list(FUNNEL.steps)), start.isoformat()),
    )
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return {"pageviews": views, "hits": hits, "events": events}


def measure(state: Path | None = None) -> dict:
    state = state or Path(tempfile.mkdtemp(prefix="footfall-bench-"))
    now = datetime.now(UTC)
    today = now.date().isoformat()
    started = time.monotonic()
    if not (state / "v3").exists():
        apply_migrations(state)
        counts = seed(state, today, int(now.timestamp() * 1000))
    else:  # reuse a seeded state (bench development): python bench/dashboard_rows.py DIR
        con = sqlite3.connect(capacity.d1_file(state))
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("pageviews", "hits", "events")}
        con.close()
    seeded_s = time.monotonic() - started
    proc, url = start_worker(state, {"DASHBOARD_TOKEN": TOKEN, "ORIGIN_URL": "http://127.0.0.1:9"})
    loads = {}
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        start = (date.fromisoformat(today) - timedelta(days=89)).isoformat()
        year = (date.fromisoformat(today) - timedelta(days=364)).isoformat()
        for period, query in (
            ("today", "period=today"),
            ("7d (the default)", "period=7d"),
            ("30d", "period=30d"),
            ("custom 90 days", f"period=custom&from={start}&to={today}"),
            ("custom 365 days", f"period=custom&from={year}&to={today}"),
        ):
            request(url, "GET", f"/_ff/dashboard?{query}", headers=auth)  # warm the isolate's salt etc.
            reply = request(url, "GET", f"/_ff/dashboard?{query}", headers=auth)
            assert reply.status == 200, reply.body[:300]
            loads[f"dashboard, {period}"] = int(reply.headers["x-footfall-rows-read"])
        reply = request(url, "GET", "/_ff/dashboard?period=7d&country=DE", headers=auth)
        loads["dashboard, 7d, filtered by country (raw rows)"] = int(reply.headers["x-footfall-rows-read"])
        reply = request(
            url,
            "GET",
            "/_ff/api/v1/query?date_range=30d&metrics=visitors,pageviews&dimensions=event:page",
            headers=auth,
        )
        loads["stats API, 30d by page"] = int(reply.headers["x-footfall-rows-read"])
    finally:
        proc.stop()
    return {"counts": counts, "loads": loads, "seed_seconds": seeded_s}


def markdown(r: dict) -> str:
    c = r["counts"]
    lines = [
        "## Dashboard cost at 1,000,000 page views",
        "",
        f"{c['pageviews']:,} page views, {c['hits']:,} server-side hits and {c['events']:,} events over {DAYS} days "
        "in the local D1 (raw rows kept for all days; past days rolled up), with three goals and a funnel over "
        "them on the dashboard and its comparison with the previous period. Rows read per load, from D1's own "
        "`rows_read`:",
        "",
        "| load | rows read | budget |",
        "|---|---|---|",
    ]
    for name, rows in r["loads"].items():
        within = "" if "filtered" in name else (" ✓" if rows <= BUDGET else " ✗ over")
        lines.append(f"| {name} | {rows:,} | {BUDGET:,}{within} |")
    lines += [
        "",
        "Filtered views read raw rows (the rollups are per dimension, not cross-tabulated), so "
        "their cost follows the range; they are limited to the retention window. Long ranges read whole "
        "months from the monthly rollups and only the days around them from the daily ones.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else None)))
