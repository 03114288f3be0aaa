"""The real local D1 through the Worker's edge adapter: rows read back with `wrangler d1
execute` as a user would, work done after the response (ctx.waitUntil), the per-request
clock, the cron entry's maintenance on a database of its own, nothing identifying in the
database files, and a Worker with no D1 binding at all."""

import uuid as uuid_module
from datetime import UTC, datetime

import pytest

from support.d1 import LocalDatabase, wrangler_file_results, wrangler_query
from support.http import Visitor, new_uuid, post_json, request
from support.processes import ROOT, RefusedPort, apply_migrations, start_worker, wait_until

SIX_HOURS_MS = 6 * 3600 * 1000
DAY_MS = 86_400_000


def test_stored_rows_read_back_with_wrangler_d1_execute(visitor, state):
    uuid = new_uuid()
    assert visitor.beacon("init", {"uuid": uuid, "page": "/read-back"}).status == 204
    assert visitor.beacon("heartbeat", {"uuid": uuid, "delta": 30}).status == 204
    assert visitor.beacon("event", {"uuid": uuid, "type": "scroll", "name": "50", "page": "/read-back"}).status == 204
    rows = wrangler_query(
        state,
        "SELECT p.site, p.path, p.seconds, e.type, e.name FROM pageviews p "
        f"JOIN events e ON e.uuid = p.uuid WHERE p.uuid = '{uuid}'",
    )
    assert rows == [{"site": visitor.site, "path": "/read-back", "seconds": 30, "type": "scroll", "name": "50"}]


def test_a_page_loads_hit_is_stored_after_the_response(visitor, db):
    reply = visitor.get("/about/", headers={"Sec-Fetch-Dest": "document"})
    assert reply.status == 200
    rows = wait_until(lambda: db.query("SELECT path, status, bot_class FROM hits WHERE site = ?", (visitor.site,)))
    assert rows == [{"path": "/about/", "status": 200, "bot_class": "person"}]


@pytest.mark.parametrize(
    "after_ms,status,seconds",
    [(SIX_HOURS_MS, 204, 5), (SIX_HOURS_MS + 1000, 202, 0)],
    ids=["6h-counted", "6h-and-1s-ignored"],
)
def test_the_request_clock_decides_the_six_hour_window(visitor, db, after_ms, status, seconds):
    uuid, start = new_uuid(), 1_795_176_000_000
    assert visitor.beacon("init", {"uuid": uuid, "page": "/"}, now_ms=start).status == 204
    assert visitor.beacon("heartbeat", {"uuid": uuid, "delta": 5}, now_ms=start + after_ms).status == status
    assert db.query("SELECT ts, seconds FROM pageviews WHERE uuid = ?", (uuid,)) == [{"ts": start, "seconds": seconds}]


def test_no_ip_address_or_user_agent_reaches_the_database_files(worker, site, state):
    ua = (
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 "
        f"Unique/{site}"
    )
    ip = f"2001:db8:{uuid_module.uuid4().int % 65536:x}::1"
    me = Visitor(worker, site, {"User-Agent": ua, "CF-Connecting-IP": ip, "Accept-Language": "en"})
    uuid = new_uuid()
    assert me.get("/", headers={"Sec-Fetch-Dest": "document"}).status == 200
    assert me.beacon("init", {"uuid": uuid, "page": "/"}).status == 204
    assert me.beacon("heartbeat", {"uuid": uuid, "delta": 5}).status == 204
    db = LocalDatabase(state)
    assert wait_until(lambda: db.query("SELECT 1 FROM hits WHERE site = ?", (site,)))
    blob = b"".join(p.read_bytes() for p in (state / "v3" / "d1").rglob("*") if p.is_file())
    assert site.encode() in blob  # the rows are in these files
    for secret in (ua, ua[: len(ua) // 2], ip):
        assert secret.encode() not in blob, secret


@pytest.fixture(scope="module")
def lonely(tmp_path_factory):
    """A Worker with a database of its own (its maintenance state is its own) and no origin."""
    state = tmp_path_factory.mktemp("lonely")
    apply_migrations(state)
    down = RefusedPort()
    proc, url = start_worker(state, {"ORIGIN_URL": down.url})
    yield url, LocalDatabase(state)
    proc.stop()
    down.close()


def test_the_cron_entry_rolls_up_a_closed_day_in_d1(lonely, site):
    url, db = lonely
    day_start = int(datetime(2026, 3, 10, tzinfo=UTC).timestamp() * 1000)
    me = Visitor(
        url,
        site,
        {
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Accept-Language": "en",
        },
    )
    for n, page in enumerate(("/", "/", "/about/")):
        assert (
            me.beacon("init", {"uuid": new_uuid(), "page": page}, now_ms=day_start + 3600_000 * (n + 9)).status == 204
        )
    reply = request(url, "GET", f"/__scheduled?cron=17+*+*+*+*&now_ms={day_start + DAY_MS + 7 * 3600_000}")
    assert reply.status == 200
    rows = db.query("SELECT day, path, views FROM daily_pages WHERE site = ? ORDER BY path", (site,))
    assert rows == [
        {"day": "2026-03-10", "path": "/", "views": 2},
        {"day": "2026-03-10", "path": "/about/", "views": 1},
    ]


@pytest.fixture(scope="module")
def unbound(tmp_path_factory, origin):
    proc, url = start_worker(
        tmp_path_factory.mktemp("unbound"),
        {"ORIGIN_URL": origin},
        config=str(ROOT / "tests" / "fixtures" / "wrangler.no-d1.toml"),
    )
    yield proc, url
    proc.stop()


@pytest.mark.parametrize(
    "endpoint,payload",
    [
        ("init", {"page": "/"}),
        ("heartbeat", {"delta": 5}),
        ("event", {"type": "scroll", "name": "25", "page": "/"}),
    ],
)
def test_without_a_d1_binding_collection_answers_503_and_logs_it(unbound, endpoint, payload):
    proc, url = unbound
    reply = post_json(url, f"/_ff/{endpoint}", {"uuid": new_uuid(), **payload})
    assert reply.status == 503 and reply.headers["retry-after"] == "30"
    assert reply.json()["error"] == "storage_unavailable"
    assert wait_until(lambda: "the D1 binding DB is not configured" in proc.output())


@pytest.mark.parametrize("path", ["/", "/blog/hello.html", "/logo.png"])
def test_without_a_d1_binding_the_site_keeps_working(unbound, path):
    assert request(unbound[1], "GET", path).status == 200


def test_every_saved_query_runs_with_wrangler_d1_execute(visitor, state, tmp_path):
    """queries/*.sql as the README tells owners to run them (here --local, not --remote), all
    in one file so that wrangler starts once."""
    assert visitor.beacon("init", {"uuid": new_uuid(), "page": "/saved-queries"}).status == 204
    files = sorted((ROOT / "queries").glob("*.sql"))
    combined = tmp_path / "all.sql"
    combined.write_text("\n".join(f.read_text() for f in files))
    results = wrangler_file_results(state, combined)
    assert len(results) == len(files) and all(isinstance(rows, list) for rows in results)
