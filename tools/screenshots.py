"""The README's pictures of the dashboard, made from a seeded demo (`make screenshots`).

Seeds a fresh local D1 with 60 days of a small blog's traffic (people from search, social, AI
assistants, newsletters and direct; a few devices and countries; some bots and some people
whose blocker stops the tracker), written straight into the database file as the Worker would
have stored it, past days rolled up with footfall's own rollup SQL. Then it starts the Worker
in the local runtime, logs in through the login form in Chromium and photographs the dashboard
at desktop width (30 days) and at phone width (today, by hour), light scheme, into docs/.

Usage: PYTHONPATH=src:tests .venv/bin/python tools/screenshots.py [--out docs]
"""

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from footfall.database.rollups import rollup_day  # noqa: E402
from support.processes import apply_migrations, start_worker  # noqa: E402

SITE = "blog.example"
TOKEN = "screenshot-dashboard-token-0123456789"
DAYS = 60  # 30 days shown, and the 30 before them to compare with
PAGES = [
    "/",
    "/blog/",
    "/blog/2026/static-sites-without-cookies/",
    "/blog/2026/cloudflare-workers-in-python/",
    "/blog/2025/a-year-of-hugo/",
    "/about/",
    "/projects/",
    "/blog/2025/dark-mode-in-css/",
    "/now/",
    "/uses/",
]
# (channel, referrer host, utm_source, utm_campaign), by weight
SOURCES = [
    (40, ("search", "www.google.com", None, None)),
    (10, ("search", "duckduckgo.com", None, None)),
    (18, ("direct", None, None, None)),
    (8, ("social", "news.ycombinator.com", None, None)),
    (5, ("social", "mastodon.social", None, None)),
    (7, ("ai", "chatgpt.com", None, None)),
    (3, ("ai", "perplexity.ai", None, None)),
    (5, ("email", None, "newsletter", "spring-issue")),
    (4, ("referral", "friend.example", None, None)),
]
DEVICES = [
    (30, ("Chrome", "Windows", "desktop")),
    (22, ("Safari", "iOS", "mobile")),
    (18, ("Chrome", "Android", "mobile")),
    (12, ("Safari", "macOS", "desktop")),
    (10, ("Firefox", "Linux", "desktop")),
    (5, ("Edge", "Windows", "desktop")),
    (3, ("Safari", "iOS", "tablet")),
]
COUNTRIES = [(25, "US"), (15, "DE"), (10, "GB"), (8, "FR"), (8, "IN"), (6, "NL"), (6, "SE"), (5, "CA"), (5, "BR")]
CHROMIUM = "/usr/bin/chromium"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def pick(rng: random.Random, weighted):
    return rng.choices([v for _, v in weighted], [w for w, _ in weighted])[0]


def _db_file(state: Path) -> Path:
    return next(p for p in (state / "v3" / "d1").rglob("*.sqlite") if p.name != "metadata.sqlite")


def seed(state: Path, now_ms: int) -> None:
    rng = random.Random(19)
    con = sqlite3.connect(_db_file(state))
    today = datetime.fromtimestamp(now_ms / 1000, tz=UTC).date()
    for back in range(DAYS - 1, -1, -1):
        day = (today - timedelta(days=back)).isoformat()
        midnight = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)
        span = (now_ms - midnight - 60_000) if back == 0 else 86_400_000
        weekday = date.fromisoformat(day).weekday()
        people = int((70 if weekday < 5 else 45) * (1 + 0.5 * (DAYS - back) / DAYS) * rng.uniform(0.85, 1.15))
        if back == 0:
            people = people * span // 86_400_000
        pageviews, hits, events = [], [], []
        for n in range(people):
            visitor = f"{day}-{n}"
            channel, host, utm_source, utm_campaign = pick(rng, SOURCES)
            browser, os_, device = pick(rng, DEVICES)
            country = pick(rng, COUNTRIES)
            # Today, a few people are on the site right now (the "last 5 minutes" panel).
            ts = now_ms - rng.randrange(30_000, 240_000) if back == 0 and n < 3 else midnight + rng.randrange(span)
            blocked = rng.random() < 0.12  # an ad blocker or JavaScript off: hits, no page views
            for i in range(1 + int(rng.expovariate(0.9))):
                path = PAGES[min(int(rng.expovariate(0.45)), len(PAGES) - 1)] if i == 0 else rng.choice(PAGES)
                seconds = int(rng.expovariate(1 / 50))
                hits.append((SITE, ts - 400, day, path, 200, visitor, country, "person"))
                if not blocked:
                    uuid = f"{day.replace('-', '')}-{n:04d}-4000-8000-{i:012d}"
                    pageviews.append(
                        (uuid, SITE, ts, day, path, host if i == 0 else SITE, int(i > 0))
                        + ((channel if i == 0 else "internal"), utm_source if i == 0 else None)
                        + ((utm_campaign if i == 0 else None), visitor, country, browser, os_, device)
                        + ("person", 0, seconds, ts + seconds * 1000, min(100, seconds * 2))
                    )
                    if rng.random() < 0.06:
                        events.append((uuid, 1, SITE, ts + 5_000, day, "outbound", None, path, "https://github.com/"))
                ts += (seconds + rng.randrange(5, 40)) * 1000
        for n in range(rng.randrange(20, 40)):  # crawlers
            kind = rng.choice(["search_crawler", "ai_crawler", "other_bot"])
            hits.append((SITE, midnight + rng.randrange(span), day, rng.choice(PAGES), 200, f"bot-{n}", "US", kind))
        hits.append((SITE, midnight + rng.randrange(span), day, "/wp-login.php", 404, "scan", "NL", "person"))
        con.executemany(
            "INSERT INTO pageviews (uuid, site, ts, day, path, referrer_host, internal, channel, utm_source, "
            "utm_campaign, visitor, country, browser, os, device, bot_class, bot_score, seconds, last_ts, scroll) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            pageviews,
        )
        con.executemany(
            "INSERT INTO hits (site, ts, day, path, status, visitor, country, bot_class) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            hits,
        )
        con.executemany(
            "INSERT INTO events (uuid, seq, site, ts, day, type, name, path, url, bot_class) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'person')",
            events,
        )
        if back >= 2:  # the daily job has rolled up the days before yesterday
            for statement in rollup_day(day, now_ms):
                con.execute(statement.sql, statement.params)
    con.commit()
    con.close()


def photograph(url: str, out: Path) -> list[Path]:
    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, options, query in (
            ("dashboard-desktop.png", {"viewport": {"width": 1280, "height": 900}}, "period=30d"),
            (
                "dashboard-phone.png",
                {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True},
                "period=today",
            ),
        ):
            context = browser.new_context(user_agent=UA, color_scheme="light", **options)
            page = context.new_page()
            page.goto(url + "/_ff/login")
            page.fill("input[name=token]", TOKEN)
            page.click("button")
            page.wait_for_url("**/_ff/dashboard")
            page.goto(f"{url}/_ff/dashboard?site={SITE}&{query}")
            target = out / name
            # Both pictures stop after the first cards: the whole page is very tall.
            width = options["viewport"]["width"]
            clip = {"x": 0, "y": 0, "width": width, "height": 1240 if width > 600 else 1500}
            page.screenshot(path=str(target), full_page=True, clip=clip)
            made.append(target)
            context.close()
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    state = Path(tempfile.mkdtemp(prefix="footfall-screenshots-"))
    apply_migrations(state)
    seed(state, int(time.time() * 1000))
    proc, url = start_worker(state, {"DASHBOARD_TOKEN": TOKEN, "ORIGIN_URL": "http://127.0.0.1:9"})
    try:
        for path in photograph(url, Path(args.out)):
            print(f"[screenshots] {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    finally:
        proc.stop()


if __name__ == "__main__":
    main()
