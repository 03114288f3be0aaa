"""The owner's side in process: who may read what, the login session and its cookie, the
security headers, the size limit of the login form, API numbers equal to the known truth of
traffic sent through the public endpoints, the CSV export, the history plot, and the
"last 5 minutes" panel across the owner's midnight."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.http import Client
from support.owner import BEARER, DASHBOARD_TOKEN

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
FORM = {"content-type": "application/x-www-form-urlencoded"}
SELF = "https://example.com"
SESSION_MS = 7 * 24 * 3600 * 1000
MINUTE = 60_000


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def login(app, token=DASHBOARD_TOKEN, origin=SELF):
    return app.post("/_ff/login", f"token={token}", headers={**FORM, **({"origin": origin} if origin else {})})


def session_cookie(app) -> str:
    reply = login(app)
    assert reply.status == 303
    return reply.headers.get("set-cookie").split(";", 1)[0]


# --- access ------------------------------------------------------------------------------

OWNER_PATHS = [
    ("/_ff/dashboard", 303),
    ("/_ff/api/v1/query", 401),
    ("/_ff/api/v1/export", 401),
    ("/_ff/history/blog.svg", 401),
]
NOT_THE_OWNER = {
    "nothing": {},
    "wrong-bearer": {"authorization": "Bearer wrong-token-wrong-token"},
    "token-without-bearer": {"authorization": DASHBOARD_TOKEN},
    "forged-cookie": {"cookie": "footfall_session=99999999999999.abc"},
    "unsigned-cookie": {"cookie": "footfall_session=1"},
}


@pytest.mark.parametrize("headers", NOT_THE_OWNER.values(), ids=NOT_THE_OWNER.keys())
@pytest.mark.parametrize("path,status", OWNER_PATHS, ids=[p for p, _ in OWNER_PATHS])
def test_nothing_is_readable_without_the_token(app, path, status, headers):
    reply = app.get(path, headers=headers)
    assert reply.status == status
    assert "<table" not in reply.text() and "results" not in reply.text() and "<svg" not in reply.text()
    if status == 303:
        assert reply.headers.get("location") == "/_ff/login"
    if path.startswith("/_ff/api/v1/query"):
        assert reply.headers.get("www-authenticate") == 'Bearer realm="footfall"'


@pytest.mark.parametrize(
    "variables,path,status",
    [
        ({"DASHBOARD_PUBLIC": "true", "PUBLIC_SITES": "example.com"}, "/_ff/dashboard", 200),
        ({"DASHBOARD_PUBLIC": "true", "PUBLIC_SITES": "example.com"}, "/_ff/api/v1/query", 200),
        ({"DASHBOARD_PUBLIC": "true", "PUBLIC_SITES": "example.com"}, "/_ff/history/blog.svg", 200),
        ({"DASHBOARD_PUBLIC": "true", "PUBLIC_SITES": "example.com"}, "/_ff/api/v1/export", 401),
        ({"HISTORY_PUBLIC": "true"}, "/_ff/history/blog.svg", 200),
        ({"HISTORY_PUBLIC": "true"}, "/_ff/dashboard", 303),
        ({"HISTORY_PUBLIC": "true"}, "/_ff/api/v1/query", 401),
    ],
    ids=[
        "public-dashboard",
        "public-api",
        "public-dashboard-history",
        "public-dashboard-no-export",
        "public-history",
        "public-history-not-dashboard",
        "public-history-not-api",
    ],
)
def test_what_a_public_setting_opens_to_anyone(make_app, variables, path, status):
    assert make_app(variables).get(path).status == status


@pytest.mark.parametrize(
    "public,cache", [(False, "private, no-store"), (True, "public, max-age=3600")], ids=["owner-only", "public"]
)
def test_history_plot_is_cached_publicly_only_when_public(make_app, public, cache):
    app = make_app({"HISTORY_PUBLIC": "true" if public else "false"})
    reply = app.get("/_ff/history/blog.svg", headers=BEARER)
    assert reply.status == 200 and reply.headers.get("cache-control") == cache


# --- login and session --------------------------------------------------------------------


def test_login_sets_a_strict_session_cookie_and_logout_clears_it(app):
    assert login(app, "not-the-token-at-all").status == 401
    reply = login(app)
    assert reply.status == 303 and reply.headers.get("location") == "/_ff/dashboard"
    cookie = reply.headers.get("set-cookie")
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/_ff", f"Max-Age={SESSION_MS // 1000}"):
        assert flag in cookie
    session = cookie.split(";", 1)[0]
    page = app.get("/_ff/dashboard", headers={"cookie": f"other=1; {session}"})
    assert page.status == 200 and "daily unique visitors" in page.text()
    out = app.post("/_ff/logout", headers={"cookie": session, "origin": SELF})
    assert out.status == 303 and out.headers.get("location") == "/_ff/login"
    assert "Max-Age=0" in out.headers.get("set-cookie")


@pytest.mark.parametrize(
    "after_ms,status",
    [(SESSION_MS - 1, 200), (SESSION_MS, 303)],
    ids=["valid-until-the-last-ms", "expired-after-7-days"],
)
def test_a_session_lasts_seven_days(app, after_ms, status):
    session = session_cookie(app)
    app.advance(after_ms)
    assert app.get("/_ff/dashboard", headers={"cookie": session}).status == status


def test_a_new_token_logs_every_session_out(make_app):
    session = session_cookie(make_app())
    other = make_app({"DASHBOARD_TOKEN": "another-token-0123456789"})
    assert other.get("/_ff/dashboard", headers={"cookie": session}).status == 303


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://example.com.evil.example"])
def test_cross_site_login_and_logout_posts_are_refused(app, origin):
    assert login(app, origin=origin).status == 403
    assert app.post("/_ff/logout", headers={"origin": origin}).status == 403


def test_a_login_post_without_origin_is_checked_by_the_token_alone(app):
    assert login(app, origin=None).status == 303


@pytest.mark.parametrize("size,status", [(4096, 401), (4097, 413)], ids=["4096-read", "4097-rejected"])
@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
def test_login_form_of_at_most_4096_bytes_is_read(app, size, status, declared):
    body = "token=" + "x" * (size - len("token="))
    reply = app.request("POST", "/_ff/login", body, headers={**FORM, "origin": SELF}, declare_length=declared)
    assert reply.status == status


def test_login_form_declaring_5_mib_is_refused_without_reading_the_body(app):
    body = b"token=" + b"x" * (5 * 1024 * 1024)
    reply = app.request("POST", "/_ff/login", body, headers={**FORM, "origin": SELF})
    assert reply.status == 413 and reply.json()["error"] == "body_too_large"
    assert app.body_reads == []  # never asked for a byte


def test_login_form_streaming_5_mib_is_refused_after_4097_bytes(app):
    body = b"token=" + b"x" * (5 * 1024 * 1024)
    reply = app.request("POST", "/_ff/login", body, headers={**FORM, "origin": SELF}, declare_length=False)
    assert reply.status == 413
    assert app.body_reads == [(4097, 4097)]


@pytest.mark.parametrize("path", ["/_ff/dashboard", "/_ff/login"])
def test_owner_pages_forbid_framing_and_carry_a_csp_with_a_fresh_nonce(app, path):
    replies = [app.get(path, headers=BEARER) for _ in range(2)]
    nonces = []
    for reply in replies:
        assert reply.status == 200
        csp = reply.headers.get("content-security-policy")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
        assert reply.headers.get("x-frame-options") == "DENY"
        assert reply.headers.get("cache-control") == "no-store"
        nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
        assert f'<style nonce="{nonce}">' in reply.text()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


# --- numbers equal to the truth ---------------------------------------------------------------

SITE = "truth.test"
# (ip, ua, country, page, referrer, seconds of heartbeats)
VISITS = [
    ("198.51.100.1", CHROME, "DE", "/", "https://www.google.com/", 10),
    ("198.51.100.1", CHROME, "DE", "/pricing", f"http://{SITE}/", 30),
    ("198.51.100.2", IPHONE, "FR", "/", "https://t.co/abc", 5),
    ("198.51.100.3", CHROME, "DE", "/blog", "", 0),
    ("198.51.100.4", IPHONE, "US", "/", "https://chatgpt.com/", 20),
]


@pytest.fixture
def seeded(app):
    for n, (ip, ua, country, page, referrer, seconds) in enumerate(VISITS):
        headers = {"user-agent": ua, "accept-language": "en", "sec-fetch-mode": "no-cors"}
        client = Client(ip=ip, country=country)
        assert (
            app.post(
                "/_ff/init",
                {"uuid": uid(n), "page": page, "referrer": referrer},
                headers=headers,
                client=client,
                host=SITE,
            ).status
            == 204
        )
        for _ in range(seconds // 5):
            app.advance(5000)
            assert (
                app.post(
                    "/_ff/heartbeat", {"uuid": uid(n), "delta": 5}, headers=headers, client=client, host=SITE
                ).status
                == 204
            )
    return app


def api(app, body):
    reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status == 200, reply.text()
    return reply.json()


def test_api_totals_equal_the_truth(seeded):
    data = api(
        seeded,
        {
            "site_id": SITE,
            "date_range": "today",
            "metrics": ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration"],
        },
    )
    # 4 visitors; 5 page views; 4 visits (one has 2 pages); bounces: /blog (0 s) and the 5 s
    # visit (one page, under 10 s): 2 of 4, 50 %. Visit duration: (10 + 30 + 5 + 20) s / 4.
    assert data["results"] == [{"dimensions": [], "metrics": [4, 5, 4, 50, 16]}]
    assert data["meta"]["rows_read"] >= 0
    assert data["query"]["date_range"] == ["2026-11-20T00:00:00+00:00", "2026-11-20T23:59:59+00:00"]


@pytest.mark.parametrize(
    "dimension,expected",
    [
        ("event:page", {"/": [3, 3], "/pricing": [1, 1], "/blog": [1, 1]}),
        # A visit's channel is its entry's: the visit from Google went on to /pricing inside the
        # site, so search has its two page views and "internal" is no channel at all.
        # Plausible's channel names (footfall's AI channel is its own: AI Assistants).
        (
            "visit:channel",
            {"Organic Search": [2, 1], "Organic Social": [1, 1], "Direct": [1, 1], "AI Assistants": [1, 1]},
        ),
        ("visit:country", {"DE": [3, 2], "FR": [1, 1], "US": [1, 1]}),
        ("visit:device", {"Desktop": [3, 2], "Mobile": [2, 2]}),
        ("visit:browser", {"Chrome": [3, 2], "Safari": [2, 2]}),
    ],
)
def test_api_breakdowns_equal_the_truth(seeded, dimension, expected):
    data = api(
        seeded,
        {"site_id": SITE, "date_range": "today", "metrics": ["pageviews", "visitors"], "dimensions": [dimension]},
    )
    assert {r["dimensions"][0]: r["metrics"] for r in data["results"]} == expected


@pytest.mark.parametrize(
    "filters,pageviews",
    [
        ("country==DE", 3),
        ("country==FR", 1),
        ("country==JP", 0),
        ("country==DE;page==/pricing", 1),
    ],
)
def test_api_filters_in_the_get_form(seeded, filters, pageviews):
    reply = seeded.get(
        f"/_ff/api/v1/query?site_id={SITE}&date_range=today&metrics=pageviews&filters={filters}", headers=BEARER
    )
    assert reply.status == 200 and reply.json()["results"][0]["metrics"] == [pageviews]


def test_the_api_reads_the_requests_own_site_by_default(seeded):
    assert api(seeded, {"date_range": "today", "metrics": ["pageviews"]})["results"][0]["metrics"] == [0]


@pytest.mark.parametrize(
    "body,code",
    [
        ({"metrics": ["revenue"]}, "invalid_metrics"),
        ({"metrics": "visitors,revenue"}, "invalid_metrics"),
        ({"metrics": []}, "invalid_metrics"),
        ({"dimensions": ["event:page", "event:page"]}, "invalid_dimensions"),
        ({"dimensions": ["visit:ip"]}, "invalid_dimensions"),
        ({"filters": [["contains_all", "event:page", ["/"]]]}, "invalid_filter"),
        ({"filters": [["is", "visitor", ["abc"]]]}, "invalid_filter"),
        ({"filters": [["is", "event:page", []]]}, "invalid_filter"),
        ({"filters": 5}, "invalid_filter"),
        ({"date_range": "forever"}, "invalid_date_range"),
        ({"date_range": {"from": "2026-01-01"}}, "invalid_date_range"),
        ({"date_range": ["2026-12-01", "2026-11-01"]}, "invalid_date_range"),
        ({"date_range": ["2016-01-01", "2026-01-09"]}, "invalid_date_range"),
        ({"date_range": ["2026-13-01", "2026-12-01"]}, "invalid_date"),
        ({"site_id": "x" * 254}, "invalid_site"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_api_rejects_bad_queries_with_a_reason(app, body, code):
    reply = app.post("/_ff/api/v1/query", {"metrics": ["visitors"], "date_range": "7d", **body}, headers=BEARER)
    assert reply.status == 400 and reply.json()["error"] == code


@pytest.mark.parametrize("span_days,status", [(3660, 200), (3661, 400)], ids=["3660-days-ok", "3661-days-rejected"])
def test_api_range_spans_at_most_3660_days(app, span_days, status):
    last = datetime(2026, 11, 20)
    date_range = [(last - timedelta(days=span_days)).date().isoformat(), last.date().isoformat()]
    body = {"date_range": date_range, "metrics": ["visitors"]}
    assert app.post("/_ff/api/v1/query", body, headers=BEARER).status == status


def test_csv_export_of_raw_rows_has_no_ip_address(seeded):
    reply = seeded.get(f"/_ff/api/v1/export?table=pageviews&period=today&site={SITE}", headers=BEARER)
    assert reply.status == 200 and reply.headers.get("content-type").startswith("text/csv")
    assert 'filename="footfall-pageviews-2026-11-20-2026-11-20-0.csv"' in reply.headers.get("content-disposition")
    lines = reply.text().strip().splitlines()
    assert lines[0].startswith("uuid,site,ts,day,path") and len(lines) == 1 + len(VISITS)
    assert "198.51.100" not in reply.text() and "link" not in reply.headers


@pytest.mark.parametrize(
    "query,code",
    [
        ("table=salts", "invalid_table"),
        ("table=pageviews&page=-1", "invalid_page"),
        ("table=pageviews&page=100001", "invalid_page"),
        ("table=pageviews&period=forever", "invalid_date_range"),
    ],
)
def test_csv_export_rejects_bad_parameters(app, query, code):
    reply = app.get(f"/_ff/api/v1/export?{query}", headers=BEARER)
    assert reply.status == 400 and reply.json()["error"] == code


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("https://evil.example")', "+1+1", "-2+3", "@SUM(A1)"], ids=["equals", "plus", "minus", "at"]
)
def test_csv_export_defuses_visitor_text_a_spreadsheet_would_run(app, text):
    assert app.beacon("init", {"uuid": uid(1), "page": "/"}).status == 204
    assert (
        app.beacon(
            "event",
            {"uuid": uid(1), "type": "outbound", "url": "https://example.org/", "anchor_text": text, "page": "/"},
        ).status
        == 204
    )
    reply = app.get("/_ff/api/v1/export?table=events&period=today", headers=BEARER)
    rows = list(csv.DictReader(io.StringIO(reply.text())))
    assert [r["anchor_text"] for r in rows] == ["'" + text]


@pytest.mark.parametrize("rows,pages", [(5000, [5000]), (5001, [5000, 1])], ids=["5000-one-page", "5001-two-pages"])
def test_csv_export_pages_5000_rows_with_a_link_to_the_next(app, rows, pages):
    app.store.con.executemany(
        "INSERT INTO daily_pages (site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, "
        "seconds_hist) VALUES ('example.com', '2026-11-19', ?, 1, 1, 1, 0, 0, 0, '{}')",
        [(f"/p{n:05d}",) for n in range(rows)],
    )
    got, target = [], "/_ff/api/v1/export?table=daily_pages&period=7d"
    while target:
        reply = app.get(target, headers=BEARER)
        assert reply.status == 200
        got.append(len(reply.text().strip().splitlines()) - 1)
        link = reply.headers.get("link")
        target = "/_ff/api/v1/export" + link[1:].split(">", 1)[0] if link else None
        assert link is None or link.endswith('>; rel="next"')
    assert got == pages


# --- the history plot -------------------------------------------------------------------------


def history_title(reply) -> str:
    assert reply.status == 200 and reply.headers.get("content-type").startswith("image/svg+xml")
    return re.search(r"<text[^>]*>([^<]*)</text>", reply.text()).group(1)


def test_history_plot_is_an_svg_of_daily_views(seeded):
    assert (
        history_title(seeded.get("/_ff/history/pricing.svg", headers=BEARER, host=SITE))
        == "/pricing: 1 views in 90 days"
    )


def test_history_plot_of_the_home_page(seeded):
    assert history_title(seeded.get("/_ff/history/.svg", headers=BEARER, host=SITE)) == "/: 3 views in 90 days"


@pytest.mark.parametrize(
    "page,url",
    [
        ("/blog/hello.html", "/history/history/blog/hello.html.svg"),
        ("/docs/history/intro", "/history/history/docs/history/intro.svg"),
        ("/history", "/history/history/history.svg"),
        ("/a b", "/history/history/a%20b.svg"),
    ],
    ids=["page", "page-with-history-in-its-path", "page-named-like-the-prefix", "percent-encoded"],
)
def test_history_under_footfall_path_history_reads_the_right_page(make_app, page, url):
    app = make_app({"FOOTFALL_PATH": "/history"})
    for n, other in enumerate((page, "/history/other", "/docs")):
        assert app.beacon("init", {"uuid": uid(n), "page": other}).status == 204
    assert history_title(app.get(url, headers=BEARER)) == f"{page}: 1 views in 90 days"


# --- the last 5 minutes ------------------------------------------------------------------------


def realtime(reply) -> tuple[int, int]:
    assert reply.status == 200
    section = reply.text().split("Last 5 minutes", 1)[1]
    visitors, views = re.findall(r"<b>(\d+)</b>", section)[:2]
    return int(visitors), int(views)


def utc_ms(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    "offset,local_midnight_utc",
    [
        ("+05:00", utc_ms(2026, 11, 20, 19, 0)),
        ("-05:30", utc_ms(2026, 11, 21, 5, 30)),
        ("0", utc_ms(2026, 11, 21, 0, 0)),
    ],
    ids=["east-of-utc", "west-of-utc", "utc"],
)
@pytest.mark.parametrize(
    "viewed_before_ms,counted",
    [
        (2 * MINUTE, True),
        (5 * MINUTE, True),
        (5 * MINUTE + 1, False),
    ],
    ids=["2-min-ago", "exactly-5-min-ago", "5-min-and-1-ms-ago"],
)
def test_last_5_minutes_just_after_local_midnight_includes_views_from_before_it(
    make_app, offset, local_midnight_utc, viewed_before_ms, counted
):
    """Now is 00:01 on the owner's clock; every view here was on the owner's yesterday."""
    now = local_midnight_utc + MINUTE
    app = make_app({"DAY_UTC_OFFSET": offset}, now_ms=now - viewed_before_ms)
    assert app.beacon("init", {"uuid": uid(1), "page": "/late"}).status == 204
    app.now_ms = now
    assert realtime(app.get("/_ff/dashboard?period=today", headers=BEARER)) == ((1, 1) if counted else (0, 0))


def test_the_day_a_view_is_stored_on_is_the_owners(make_app):
    app = make_app({"DAY_UTC_OFFSET": "+05:00"}, now_ms=utc_ms(2026, 11, 20, 19, 0) - 1)
    app.beacon("init", {"uuid": uid(1), "page": "/"})
    app.advance(1)
    app.beacon("init", {"uuid": uid(2), "page": "/"})
    assert [r["day"] for r in app.rows("SELECT day FROM pageviews ORDER BY ts")] == ["2026-11-20", "2026-11-21"]
