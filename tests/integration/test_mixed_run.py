"""A scripted mixed run through the real Worker and D1: people with and without JavaScript,
search and AI crawlers, AI assistants, HTTP libraries, a 404, many IPs, user agents and
countries. Then the daily maintenance, twice. Classes, channels, devices, coverage and
rollups must equal the script's own truth, and no IP address or user-agent string may appear
anywhere in the database files."""

import collections
from dataclasses import dataclass, field

import pytest

from support.d1 import LocalDatabase, wrangler_file
from support.http import new_uuid, post_json, request
from support.processes import ROOT, apply_migrations, start_origin, start_worker

DAY_MS = 86_400_000
CHROME_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
SAFARI_IPAD = ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.5 Mobile/15E148 Safari/604.1")
EDGE_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")
DEVICE_OF = {CHROME_WIN: ("Chrome", "Windows", "desktop"), SAFARI_IPHONE: ("Safari", "iOS", "mobile"),
             FIREFOX_LINUX: ("Firefox", "Linux", "desktop"), CHROME_ANDROID: ("Chrome", "Android", "mobile"),
             SAFARI_IPAD: ("Safari", "iOS", "tablet"), EDGE_MAC: ("Edge", "macOS", "desktop")}

REFERRERS = {  # referrer -> channel of the first page view
    "": "direct",
    "https://www.google.com/search?q=footfall": "search",
    "https://chatgpt.com/c/abc": "ai",
    "https://www.perplexity.ai/search/x": "ai",
    "https://t.co/xyz": "social",
    "https://news.ycombinator.com/item?id=1": "social",
    "https://friend.example/links": "referral",
    "https://mail.google.com/mail/u/0/": "email",
}


@dataclass
class Person:
    ip: str
    ua: str
    country: str
    referrer: str
    pages: list[str]
    seconds: list[int]
    events: list[tuple[str, str]] = field(default_factory=list)  # (type, url)
    javascript: bool = True


def people() -> list[Person]:
    uas = list(DEVICE_OF)
    refs = list(REFERRERS)
    crowd = []
    for i in range(16):
        ip = f"198.51.100.{10 + i}" if i % 3 else f"2001:db8:{i:x}::{i + 7:x}"
        n_pages = 1 + i % 3
        pages = ["/", "/about/", "/blog/hello.html"][:n_pages]
        # At most 30 s each: heartbeats arrive at once, and stored time is capped at the
        # wall-clock time since /init plus one 30 s interval.
        seconds = [5 if (i % 4 == 0 and n_pages == 1) else 15 + i, 20, 25][:n_pages]
        events = [("outbound", "https://example.org/elsewhere")] if i % 5 == 0 else []
        crowd.append(Person(ip, uas[i % len(uas)], ["DE", "FR", "US", "JP"][i % 4], refs[i % len(refs)],
                            pages, seconds, events))
    for j in range(3):  # people without JavaScript: the proxy sees them, the tracker does not
        crowd.append(Person(f"203.0.113.{50 + j}", uas[j], "NL", "", ["/", "/about/"][: 1 + j % 2], [], [], False))
    return crowd


# Not people: (user agent, class, paths fetched).
BOTS = [
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "search_crawler", ["/", "/about/"]),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
     "ai_crawler", ["/", "/blog/hello.html"]),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
     "ai_crawler", ["/"]),
    ("curl/8.5.0", "other_bot", ["/"]),
    ("python-requests/2.32.3", "other_bot", ["/about/"]),
]
# An AI assistant fetching a page because a person asked: counted with people, reported apart.
ASSISTANT = ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; "
             "+https://openai.com/bot", ["/blog/hello.html"])


def browser_headers(person: Person, navigate: bool) -> dict:
    return {"User-Agent": person.ua, "CF-Connecting-IP": person.ip, "CF-IPCountry": person.country,
            "Accept-Language": "en-GB,en;q=0.8", "Sec-Fetch-Mode": "navigate" if navigate else "no-cors"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    state = tmp_path_factory.mktemp("mixed")
    apply_migrations(state)
    origin_proc, origin = start_origin()
    proc, worker = start_worker(state, {"ORIGIN_URL": origin})
    crowd = people()
    ips = set()
    for person in crowd:
        ips.add(person.ip)
        for k, path in enumerate(person.pages):
            assert request(worker, "GET", path, headers=browser_headers(person, True)).status == 200
            if not person.javascript:
                continue
            uuid = new_uuid()
            referrer = person.referrer if k == 0 else worker + person.pages[k - 1]
            beacon = {"headers": browser_headers(person, False), "content_type": "text/plain;charset=UTF-8"}
            assert post_json(worker, "/_ff/init", {"uuid": uuid, "page": path, "referrer": referrer}, **beacon).status == 204
            for _ in range(person.seconds[k] // 5):
                assert post_json(worker, "/_ff/heartbeat", {"uuid": uuid, "delta": 5}, **beacon).status == 204
            if k == 0:
                for type_, url in person.events:
                    assert post_json(worker, "/_ff/event", {"uuid": uuid, "type": type_, "url": url,
                                                            "anchor_text": "x", "page": path}, **beacon).status == 204
    # A person who lands on a missing page: the proxy sees the 404, the 404 page's tracker reports it.
    lost = Person("198.51.100.200", CHROME_WIN, "DE", "", ["/missing"], [0])
    ips.add(lost.ip)
    assert request(worker, "GET", "/missing", headers=browser_headers(lost, True)).status == 404
    assert post_json(worker, "/_ff/init", {"uuid": new_uuid(), "page": "/missing", "referrer": ""},
                     headers=browser_headers(lost, False)).status == 204
    for n, (ua, _, paths) in enumerate(BOTS):
        ip = f"192.0.2.{n + 1}"
        ips.add(ip)
        for path in paths:
            request(worker, "GET", path, headers={"User-Agent": ua, "CF-Connecting-IP": ip})
    ips.add("192.0.2.99")
    for path in ASSISTANT[1]:
        request(worker, "GET", path, headers={"User-Agent": ASSISTANT[0], "CF-Connecting-IP": "192.0.2.99"})

    db = LocalDatabase(state)
    expected_hits = sum(len(p.pages) for p in crowd) + 1 + sum(len(b[2]) for b in BOTS) + len(ASSISTANT[1])
    from support.processes import wait_until
    assert wait_until(lambda: db.query("SELECT COUNT(*) AS n FROM hits")[0]["n"] == expected_hits, timeout=15)

    # The next day, once no heartbeat can change today: the maintenance rolls today up.
    request(worker, "GET", f"/__clock?advance_ms={DAY_MS + 7 * 3600 * 1000}")
    assert request(worker, "GET", "/__scheduled?cron=17+*+*+*+*").status == 200, proc.output()[-3000:]
    yield {"db": db, "state": state, "crowd": crowd, "lost": lost, "ips": ips, "worker": worker, "proc": proc}
    proc.stop()
    origin_proc.stop()


def js_people(run):
    return [p for p in run["crowd"] if p.javascript]


def test_every_page_load_has_the_right_class_device_and_channel(run):
    db = run["db"]
    rows = db.query("SELECT * FROM pageviews ORDER BY ts")
    crowd = js_people(run)
    assert len(rows) == sum(len(p.pages) for p in crowd) + 1
    by_visitor = collections.defaultdict(list)
    for row in rows:
        by_visitor[row["visitor"]].append(row)
    assert len(by_visitor) == len(crowd) + 1  # one id per person: same IP and UA on one day
    for person in crowd:
        mine = next(v for v in by_visitor.values() if v[0]["path"] == person.pages[0]
                    and v[0]["country"] == person.country and len(v) == len(person.pages)
                    and (v[0]["browser"], v[0]["os"], v[0]["device"]) == DEVICE_OF[person.ua]
                    and v[0]["channel"] == REFERRERS[person.referrer])
        assert [r["bot_class"] for r in mine] == ["person"] * len(mine)
        assert [r["channel"] for r in mine[1:]] == ["internal"] * (len(mine) - 1)
        assert [r["seconds"] for r in mine] == [s // 5 * 5 for s in person.seconds]


def test_the_404_page_load_is_flagged(run):
    rows = run["db"].query("SELECT status FROM pageviews WHERE path = '/missing'")
    assert rows == [{"status": 404}]


def test_hits_carry_the_class_of_every_visitor(run):
    classes = collections.Counter(r["bot_class"] for r in run["db"].query("SELECT bot_class FROM hits"))
    people_hits = sum(len(p.pages) for p in run["crowd"]) + 1
    expected = collections.Counter({"person": people_hits, "ai_assistant": len(ASSISTANT[1])})
    for _, cls, paths in BOTS:
        expected[cls] += len(paths)
    assert classes == expected


def test_rollups_equal_the_truth_of_the_run(run):
    db, crowd = run["db"], js_people(run)
    day = db.query("SELECT day FROM pageviews LIMIT 1")[0]["day"]
    pages = {r["path"]: r for r in db.query("SELECT * FROM daily_pages WHERE day = ?", (day,))}
    views = collections.Counter(path for p in crowd for path in p.pages)
    visitors = collections.Counter(path for p in crowd for path in set(p.pages))
    entries = collections.Counter(p.pages[0] for p in crowd)
    bounces = collections.Counter(p.pages[0] for p in crowd if len(p.pages) == 1 and p.seconds[0] // 5 * 5 < 10)
    hits = collections.Counter(path for p in run["crowd"] for path in p.pages)
    hits.update(ASSISTANT[1])
    for path in views:
        row = pages[path]
        assert (row["views"], row["visitors"], row["visits"], row["bounces"], row["hits"]) == (
            views[path], visitors[path], entries[path], bounces[path], hits[path]), path
    assert pages["/missing"]["views"] == 0 and pages["/missing"]["not_found"] == 1
    # Tracking coverage: page views the tracker reported / person HTML hits the proxy served.
    coverage = sum(r["views"] for r in pages.values()) / sum(r["hits"] for r in pages.values())
    assert coverage == pytest.approx(sum(views.values()) / sum(hits.values()))
    assert coverage < 1  # the people without JavaScript and the assistant

    dims = collections.defaultdict(dict)
    for r in db.query("SELECT * FROM daily_dimensions WHERE day = ?", (day,)):
        dims[r["dimension"]][r["value"]] = r["views"]
    assert dims["channel"] == dict(collections.Counter(
        [REFERRERS[p.referrer] for p in crowd] + ["internal"] * sum(len(p.pages) - 1 for p in crowd)))
    assert dims["country"] == dict(collections.Counter(p.country for p in crowd for _ in p.pages))
    for index, name in enumerate(("browser", "os", "device")):
        assert dims[name] == dict(collections.Counter(DEVICE_OF[p.ua][index] for p in crowd for _ in p.pages))
    bot_pages = collections.Counter(f"{cls} {path}" for _, cls, paths in BOTS for path in paths)
    assert dims["bot_page"] == dict(bot_pages)
    events = db.query("SELECT type, url, count FROM daily_events WHERE day = ?", (day,))
    assert events == [{"type": "outbound", "url": "https://example.org/elsewhere",
                       "count": sum(len(p.events) for p in crowd)}]


def test_maintenance_twice_changes_nothing_and_old_salts_go(run):
    db, worker = run["db"], run["worker"]
    tables = ("daily_pages", "daily_dimensions", "daily_events")
    before = {t: db.query(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in tables}
    assert request(worker, "GET", "/__scheduled?cron=17+*+*+*+*").status == 200
    assert {t: db.query(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in tables} == before
    assert len(db.query("SELECT * FROM salts")) == 1
    request(worker, "GET", f"/__clock?advance_ms={2 * DAY_MS}")
    assert request(worker, "GET", "/__scheduled?cron=17+*+*+*+*").status == 200
    assert db.query("SELECT * FROM salts") == []
    assert {t: db.query(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in tables} == before


def test_no_ip_address_or_user_agent_is_stored_anywhere(run):
    files = [p for p in (run["state"] / "v3" / "d1").rglob("*") if p.is_file()]
    blob = b"".join(p.read_bytes() for p in files)
    assert blob  # the database files were found and read
    secrets = set(run["ips"]) | {p.ua for p in run["crowd"]} | {b[0] for b in BOTS} | {ASSISTANT[0]}
    for secret in secrets:
        assert secret.encode() not in blob, secret
    # The first half of each user agent too, in case it were cut rather than dropped.
    for ua in {p.ua for p in run["crowd"]}:
        assert ua[: len(ua) // 2].encode() not in blob


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "queries").glob("*.sql")))
def test_saved_queries_run_with_wrangler(run, name):
    """queries/*.sql as the README tells owners to run them (here --local instead of --remote).
    Their clocks are SQLite's date('now'), so only the run's outcome is checked, plus one
    known value where the run's day is inside the query's window."""
    rows = wrangler_file(run["state"], ROOT / "queries" / name)
    assert isinstance(rows, list)
    if name == "today.sql":
        assert rows and {r["bot_class"] for r in rows} >= {"person"}
