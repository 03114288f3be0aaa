"""A scripted mixed run in process: people with and without JavaScript, search and AI
crawlers, an AI assistant, HTTP libraries, a 404, many IPs, user agents and countries, then
the daily maintenance, twice. Classes, channels, devices, coverage and rollups must equal the
script's own truth, and no IP address or user-agent string may be stored anywhere."""

import collections
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.http import Client
from support.inprocess import InProcess

DAY_MS = 86_400_000
QUERIES = Path(__file__).resolve().parents[2] / "queries"
CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
SAFARI_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
DEVICE_OF = {
    CHROME_WIN: ("Chrome", "Windows", "desktop"),
    SAFARI_IPHONE: ("Safari", "iOS", "mobile"),
    FIREFOX_LINUX: ("Firefox", "Linux", "desktop"),
    CHROME_ANDROID: ("Chrome", "Android", "mobile"),
    SAFARI_IPAD: ("Safari", "iOS", "tablet"),
    EDGE_MAC: ("Edge", "macOS", "desktop"),
}

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
HTML = {"content-type": "text/html; charset=utf-8"}
PAGES = {
    path: (200, HTML, b"<html><head></head><body>page</body></html>") for path in ("/", "/about/", "/blog/hello.html")
}
PAGES["/missing"] = (404, HTML, b"<html><head></head><h1>Not found</h1></html>")


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
    uas, refs = list(DEVICE_OF), list(REFERRERS)
    crowd = []
    for i in range(16):
        ip = f"198.51.100.{10 + i}" if i % 3 else f"2001:db8:{i:x}::{i + 7:x}"
        n_pages = 1 + i % 3
        pages = ["/", "/about/", "/blog/hello.html"][:n_pages]
        seconds = [5 if (i % 4 == 0 and n_pages == 1) else 15 + i, 20, 25][:n_pages]
        events = [("outbound", "https://example.org/elsewhere")] if i % 5 == 0 else []
        crowd.append(
            Person(ip, uas[i % len(uas)], ["DE", "FR", "US", "JP"][i % 4], refs[i % len(refs)], pages, seconds, events)
        )
    for j in range(3):  # people without JavaScript: the proxy sees them, the tracker does not
        crowd.append(Person(f"203.0.113.{50 + j}", uas[j], "NL", "", ["/", "/about/"][: 1 + j % 2], [], [], False))
    return crowd


# Not people: (user agent, class, paths fetched).
BOTS = [
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "search_crawler", ["/", "/about/"]),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "ai_crawler",
        ["/", "/blog/hello.html"],
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        "ai_crawler",
        ["/"],
    ),
    ("curl/8.5.0", "other_bot", ["/"]),
    ("python-requests/2.32.3", "other_bot", ["/about/"]),
]
# An AI assistant fetching a page because a person asked: counted with people, reported apart.
ASSISTANT = (
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot",
    ["/blog/hello.html"],
)
LOST = Person("198.51.100.200", CHROME_WIN, "DE", "", ["/missing"], [0])


def browser(person: Person, navigate: bool) -> dict:
    headers = {
        "user-agent": person.ua,
        "accept-language": "en-GB,en;q=0.8",
        "sec-fetch-mode": "navigate" if navigate else "no-cors",
    }
    if not navigate:
        headers["content-type"] = "text/plain;charset=UTF-8"
    return {"headers": headers, "client": Client(ip=person.ip, country=person.country)}


def visit(app: InProcess, person: Person, n: int) -> None:
    for k, path in enumerate(person.pages):
        app.advance(1000)
        assert app.get(path, **browser(person, True)).status == PAGES[path][0]
        if not person.javascript:
            continue
        uuid = f"00000000-0000-4000-8000-{n:06d}{k:06d}"
        referrer = person.referrer if k == 0 else "https://example.com" + person.pages[k - 1]
        app.advance(300)
        assert (
            app.post("/_ff/init", {"uuid": uuid, "page": path, "referrer": referrer}, **browser(person, False)).status
            == 204
        )
        for _ in range(person.seconds[k] // 5):
            app.advance(5000)
            assert app.post("/_ff/heartbeat", {"uuid": uuid, "delta": 5}, **browser(person, False)).status == 204
        if k == 0:
            for type_, url in person.events:
                assert (
                    app.post(
                        "/_ff/event",
                        {"uuid": uuid, "type": type_, "url": url, "anchor_text": "x", "page": path},
                        **browser(person, False),
                    ).status
                    == 204
                )


@pytest.fixture
def run(make_app) -> InProcess:
    app = make_app()
    app.origin.pages.update(PAGES)
    for n, person in enumerate([*people(), LOST]):
        visit(app, person, n)
    for n, (ua, _, paths) in enumerate(BOTS):
        for path in paths:
            app.get(path, headers={"user-agent": ua}, client=Client(ip=f"192.0.2.{n + 1}"))
    for path in ASSISTANT[1]:
        app.get(path, headers={"user-agent": ASSISTANT[0]}, client=Client(ip="192.0.2.99"))
    # The next day, once no heartbeat can change today: the maintenance rolls today up.
    app.advance(DAY_MS + 7 * 3600 * 1000)
    app.run_maintenance()
    return app


def js_people():
    return [p for p in people() if p.javascript]


def test_every_page_load_has_the_right_class_device_and_channel(run):
    rows = run.rows("SELECT * FROM pageviews WHERE path <> '/missing' ORDER BY ts")
    crowd = js_people()
    assert len(rows) == sum(len(p.pages) for p in crowd)
    by_visitor = collections.defaultdict(list)
    for row in rows:
        by_visitor[row["visitor"]].append(row)
    assert len(by_visitor) == len(crowd)  # one id per person: same IP and UA on one day
    for person in crowd:
        [mine] = [
            v
            for v in by_visitor.values()
            if v[0]["country"] == person.country
            and [r["path"] for r in v] == person.pages
            and (v[0]["browser"], v[0]["os"], v[0]["device"]) == DEVICE_OF[person.ua]
            and v[0]["channel"] == REFERRERS[person.referrer]
            and [r["seconds"] for r in v] == [s // 5 * 5 for s in person.seconds]
        ]
        assert [r["bot_class"] for r in mine] == ["person"] * len(mine)
        assert [r["channel"] for r in mine[1:]] == ["internal"] * (len(mine) - 1)
        assert [r["status"] for r in mine] == [200] * len(mine)  # from the proxy's hit a moment before


def test_the_404_page_load_is_flagged(run):
    assert run.rows("SELECT status FROM pageviews WHERE path = '/missing'") == [{"status": 404}]


def test_hits_carry_the_class_of_every_visitor(run):
    classes = collections.Counter(r["bot_class"] for r in run.rows("SELECT bot_class FROM hits"))
    expected = collections.Counter(
        {"person": sum(len(p.pages) for p in people()) + 1, "ai_assistant": len(ASSISTANT[1])}
    )
    for _, cls, paths in BOTS:
        expected[cls] += len(paths)
    assert classes == expected


def test_rollups_equal_the_truth_of_the_run(run):
    crowd = js_people()
    day = "2026-11-20"
    pages = {r["path"]: r for r in run.rows("SELECT * FROM daily_pages WHERE day = ?", (day,))}
    views = collections.Counter(path for p in crowd for path in p.pages)
    visitors = collections.Counter(path for p in crowd for path in set(p.pages))
    entries = collections.Counter(p.pages[0] for p in crowd)
    bounces = collections.Counter(p.pages[0] for p in crowd if len(p.pages) == 1 and p.seconds[0] // 5 * 5 < 10)
    hits = collections.Counter(path for p in people() for path in p.pages)
    hits.update(ASSISTANT[1])
    for path in views:
        row = pages[path]
        assert (row["views"], row["visitors"], row["visits"], row["bounces"], row["hits"]) == (
            views[path],
            visitors[path],
            entries[path],
            bounces[path],
            hits[path],
        ), path
    assert pages["/missing"]["views"] == 0 and pages["/missing"]["not_found"] == 1
    # Tracking coverage: page views the tracker reported / person HTML hits the proxy served.
    coverage = sum(r["views"] for r in pages.values()) / sum(r["hits"] for r in pages.values())
    assert coverage == pytest.approx(sum(views.values()) / sum(hits.values()))
    assert coverage < 1  # the people without JavaScript and the assistant

    dims = collections.defaultdict(dict)
    visits = collections.defaultdict(dict)
    for r in run.rows("SELECT * FROM daily_dimensions WHERE day = ?", (day,)):
        dims[r["dimension"]][r["value"]] = r["views"]
        visits[r["dimension"]][r["value"]] = r["visits"]
    # Each person's pages are one visit, attributed to how it began; internal navigation is
    # never a channel.
    assert dims["channel"] == dict(collections.Counter(REFERRERS[p.referrer] for p in crowd for _ in p.pages))
    assert visits["channel"] == dict(collections.Counter(REFERRERS[p.referrer] for p in crowd))
    assert dims["country"] == dict(collections.Counter(p.country for p in crowd for _ in p.pages))
    for index, name in enumerate(("browser", "os", "device")):
        assert dims[name] == dict(collections.Counter(DEVICE_OF[p.ua][index] for p in crowd for _ in p.pages))
    assert dims["bot_page"] == dict(collections.Counter(f"{cls} {path}" for _, cls, paths in BOTS for path in paths))
    assert run.rows("SELECT type, url, count FROM daily_events WHERE day = ?", (day,)) == [
        {"type": "outbound", "url": "https://example.org/elsewhere", "count": sum(len(p.events) for p in crowd)}
    ]


def test_maintenance_twice_changes_nothing_and_old_salts_go(run):
    tables = ("daily_pages", "daily_dimensions", "daily_events")
    before = {t: run.rows(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in tables}
    run.run_maintenance()
    assert {t: run.rows(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in tables} == before
    assert run.count("salts") == 1
    run.advance(2 * DAY_MS)
    run.run_maintenance()
    assert run.count("salts") == 0
    assert {t: run.rows(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in tables} == before


def test_no_ip_address_or_user_agent_is_stored_anywhere(run):
    everything = run.dump()
    assert "INSERT INTO" in everything  # the dump holds the rows
    secrets = (
        {p.ip for p in people()}
        | {p.ua for p in people()}
        | {b[0] for b in BOTS}
        | {ASSISTANT[0]}
        | {f"192.0.2.{n + 1}" for n in range(len(BOTS))}
        | {"192.0.2.99", LOST.ip}
    )
    for secret in secrets:
        assert secret not in everything, secret
    for ua in {p.ua for p in people()}:  # the first half too, in case it were cut rather than dropped
        assert ua[: len(ua) // 2] not in everything


@pytest.mark.parametrize("name", sorted(p.name for p in QUERIES.glob("*.sql")))
def test_saved_queries_run_on_the_real_schema(run, name):
    assert isinstance(run.rows((QUERIES / name).read_text()), list)
