"""Plausible's own Stats API v2 query bodies (/work/shared/corpora/plausible-v2: every example of
its documentation, each row of its reference tables, its JSON schema's date ranges) sent to
footfall holding a small known data set, against hand-computed answers (issue #20).

The data set: today is Tuesday 2024-09-10, 18:00 UTC (the site's zone is UTC).
- 2024-01-01: J1 10:02 UTC on / (Germany, Berlin), J2 13:30 on /docs (Estonia, Tallinn),
  J3 16:00 on / (United States); all direct.
- 2024-08-05: A1 on /pricing (Poland), A2 on / (Germany); direct.
- 2024-09-05: V1 from Google (Mac, Chrome; Germany, Berlin): /docs/start 20 s, /pricing 30 s
  and signs up there (Signup, is_customer=true); V2 from t.co with utm_source=twitter,
  utm_medium=social, utm_campaign=Referral (Windows, Firefox; Estonia, Tallinn): /blog/hello
  5 s, a bounce.
- 2024-09-09: V3 20:00 direct (Linux, Chrome; United States, New York): /pricing 15 s,
  /login 10 s and signs up there (is_customer=false); V4 09:00 with utm_source=google,
  utm_medium=cpc, utm_campaign=Brand (iPhone, Safari; Poland, Warsaw): /user/42 3 s, a bounce.
- 2024-09-10: V5 10:00 direct (Mac, Safari; Germany, Munich): /docs/start 8 s, /user/7 12 s;
  V6 11:00 from DuckDuckGo (Windows, Chrome; Estonia, Tartu): /Blog/Post 30 s.
Every visitor is one visit; the goal Signup is the custom event of that name (GOALS).
"""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.http import Client
from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

CORPUS = Path("/work/shared/corpora/plausible-v2/examples.json")
EXAMPLES = {e["id"]: e for e in json.loads(CORPUS.read_text())["examples"]} if CORPUS.exists() else {}
# The corpus is Plausible's documentation as data: it is read where the workplace keeps it and
# never copied into this repository. Where it is absent (a clone elsewhere) these tests say so.
needs_corpus = pytest.mark.skipif(
    not CORPUS.exists(), reason=f"Plausible's documented query bodies are not on this machine ({CORPUS})"
)
SITE = "example.com"
UA = {
    "mac-chrome": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "win-firefox": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "linux-chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 "
    "Safari/537.36",
    "iphone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
    "mac-safari": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Safari/605.1.15",
    "win-chrome": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
}


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


# (name, start, ip, user agent, country, region, city, referrer, page query, views, events)
# views: (path, seconds); events: (path, props) of the custom event Signup, after the views.
PEOPLE = [
    ("J1", "2024-01-01T10:02:00", 1, "mac-chrome", "DE", "BE", "Berlin", "", "", [("/", 20)], []),
    ("J2", "2024-01-01T13:30:00", 2, "win-chrome", "EE", "37", "Tallinn", "", "", [("/docs", 20)], []),
    ("J3", "2024-01-01T16:00:00", 3, "linux-chrome", "US", "NY", "New York", "", "", [("/", 20)], []),
    ("A1", "2024-08-05T12:00:00", 4, "win-chrome", "PL", "14", "Warsaw", "", "", [("/pricing", 20)], []),
    ("A2", "2024-08-05T12:30:00", 5, "mac-chrome", "DE", "BY", "Munich", "", "", [("/", 20)], []),
    (
        "V1",
        "2024-09-05T09:00:00",
        11,
        "mac-chrome",
        "DE",
        "BE",
        "Berlin",
        "https://www.google.com/",
        "",
        [("/docs/start", 20), ("/pricing", 30)],
        [("/pricing", {"is_customer": "true"})],
    ),
    (
        "V2",
        "2024-09-05T10:00:00",
        12,
        "win-firefox",
        "EE",
        "37",
        "Tallinn",
        "https://t.co/abc",
        "?utm_source=twitter&utm_medium=social&utm_campaign=Referral",
        [("/blog/hello", 5)],
        [],
    ),
    (
        "V3",
        "2024-09-09T20:00:00",
        13,
        "linux-chrome",
        "US",
        "NY",
        "New York",
        "",
        "",
        [("/pricing", 15), ("/login", 10)],
        [("/login", {"is_customer": "false"})],
    ),
    (
        "V4",
        "2024-09-09T09:00:00",
        14,
        "iphone",
        "PL",
        "14",
        "Warsaw",
        "",
        "?utm_source=google&utm_medium=cpc&utm_campaign=Brand",
        [("/user/42", 3)],
        [],
    ),
    (
        "V5",
        "2024-09-10T10:00:00",
        15,
        "mac-safari",
        "DE",
        "BY",
        "Munich",
        "",
        "",
        [("/docs/start", 8), ("/user/7", 12)],
        [],
    ),
    (
        "V6",
        "2024-09-10T11:00:00",
        16,
        "win-chrome",
        "EE",
        "78",
        "Tartu",
        "https://duckduckgo.com/",
        "",
        [("/Blog/Post", 30)],
        [],
    ),
]
NOW = "2024-09-10T18:00:00"


@pytest.fixture(scope="module")
def app():
    variables = {
        "DASHBOARD_TOKEN": DASHBOARD_TOKEN,
        "EVENT_NAMES": "Signup",
        "GOALS": "Signup",
        "RETENTION_DAYS": "3650",
    }
    app = InProcess(variables, now_ms=at(NOW))
    for _name, start, ip, ua, country, region, city, referrer, query, views, events in PEOPLE:
        app.now_ms = at(start)
        client = Client(ip=f"198.51.100.{ip}", country=country, region=region, city=city)
        headers = {"user-agent": UA[ua], "accept-language": "en", "sec-fetch-mode": "no-cors"}
        last = None
        for n, (path, seconds) in enumerate(views):
            last = str(uuid.uuid4())
            body = {"uuid": last, "page": path + (query if n == 0 else ""), "referrer": referrer if n == 0 else ""}
            if n:
                body["referrer"] = f"https://{SITE}{views[n - 1][0]}"
            assert app.post("/_ff/init", body, headers=headers, client=client).status == 204
            app.advance(seconds * 1000)
            beat = {"uuid": last, "total": seconds}
            assert app.post("/_ff/heartbeat", beat, headers=headers, client=client).status == 204
            app.advance(1000)
        for seq, (path, props) in enumerate(events, 1):
            event = {"uuid": last, "seq": seq, "type": "custom", "name": "Signup", "page": path, "props": props}
            assert app.post("/_ff/event", event, headers=headers, client=client).status == 204
    app.now_ms = at(NOW)
    return app


def ok(*rows) -> tuple[int, list]:
    return 200, [list(r) for r in rows]


def total(*metrics) -> tuple[int, list]:
    return 200, [[[], list(metrics)]]


def refused(code: str) -> tuple[int, str]:
    return 400, code


def grouped(*rows) -> tuple[int, list]:
    return 200, [[list(dims), list(metrics)] for dims, metrics in rows]


# Hand-computed from the data set above.
EXPECTED = {
    # 7 days (09-04..09-10): V1..V6; events: 9 page views and 2 sign-ups.
    "example-aggregate": total(6, 11),
    "example-custom-date-range": total(2),  # A1, A2
    "example-country-and-city": grouped(
        (["Estonia", "Tallinn"], [1, 1, 100]),  # V2 bounced
        (["Estonia", "Tartu"], [1, 1, 0]),
        (["Germany", "Berlin"], [1, 2, 0]),
        (["Germany", "Munich"], [1, 2, 0]),
        (["Poland", "Warsaw"], [1, 1, 100]),
        (["United States", "New York"], [1, 2, 0]),
    ),
    # Visits without UTM parameters (V1, V3, V5, V6) have no row: unknown values have none.
    "example-utm": grouped((["cpc", "google"], [1, 1, 1]), (["social", "twitter"], [1, 1, 1])),
    # Pages with /docs or /pricing (V1, V3, V5), none from the Referral campaign (V2's).
    "example-filtering": total(3),
    "example-filtering-case-insensitive": total(2),  # /blog/hello and /Blog/Post
    "example-timeseries": grouped(  # Mac (V1, V5) or GNU/Linux (V3)
        (["2024-09-05"], [1, 3]),
        (["2024-09-09"], [1, 3]),
        (["2024-09-10"], [1, 2]),
    ),
    "example-time-labels": grouped((["2024-09-10 10:00:00"], [1]), (["2024-09-10 11:00:00"], [1])),
    "example-custom-properties": grouped(
        (["2024-09-05", "true"], [1]),
        (["2024-09-05", "(none)"], [2]),
        (["2024-09-09", "false"], [1]),
        (["2024-09-09", "(none)"], [2]),
        (["2024-09-10", "(none)"], [2]),
    ),
    "example-pagination": grouped((["social", "twitter"], [1, 1, 1])),
    # Everything: J1-J3, A1, A2, V3, V5 came directly; V1 and V4 (utm_source=google) from Google.
    "example-imports": grouped((["Direct / None"], [7]), (["Google"], [2]), (["DuckDuckGo"], [1]), (["Twitter"], [1])),
    "example-imports-warning": grouped((["Direct / None"], [1]), (["DuckDuckGo"], [1]), (["Twitter"], [1])),
    "example-revenue-metrics": refused("unsupported_metric"),
    "example-revenue-warning": refused("unsupported_metric"),
    "example-filtering-by-segment": refused("unsupported_filter"),
    "example-behavioral-filters": total(2),  # V1 and V3 signed up in a visit that saw /pricing
    "curl-authentication": total(6),
    "date-range-dates": total(3),  # 2024-01-01..2024-07-01: J1, J2, J3
    "date-range-datetimes": total(2),  # 10:00-13:59:59 UTC: J1, J2
    "date-range-realtime": total(1),  # 10:00-10:05 UTC: J1
    "date-range-day": total(2),  # V5, V6
    "date-range-24h": total(3),  # since 09-09 18:00: V3, V5, V6
    "date-range-28d": total(6),
    "date-range-30d": total(6),
    "date-range-91d": total(8),  # and A1, A2
    "date-range-month": total(6),
    "date-range-6mo": total(8),  # since April
    "date-range-12mo": total(11),  # since 2023-10-01: everyone
    "date-range-year": total(11),
    "date-range-all": total(11),
    "filter-is": total(3),  # Germany (V1, V5) or Poland (V4)
    "filter-is_not": total(6),  # every visitor viewed a page other than /pricing
    "filter-contains": total(1),  # V3's /login
    "filter-contains_not": total(5),  # not V1: all its events were on /docs/start or /pricing
    "filter-matches": total(2),  # /user/42, /user/7
    "filter-matches_not": total(5),  # not V4: /user/42 was its only page
    "filter-and": total(1),  # Berlin, Germany: V1
    "filter-or": total(3),  # Germany (V1, V5) or Tallinn (V2)
    "filter-not": total(4),
    "order-by": grouped((["Estonia"], [2]), (["Germany"], [2]), (["Poland"], [1]), (["United States"], [1])),
    "schema-date-range-dates": total(6),
    "schema-date-range-datetimes": total(3),  # 2023-12-31 21:00 to 2024-01-02 09:00 UTC: J1-J3
}


def send(app, example: dict):
    body = {**example["body"], "site_id": SITE}
    return app.post("/_ff/api/v1/query", body, headers=BEARER)


@needs_corpus
def test_every_documented_example_has_its_hand_computed_answer():
    assert EXAMPLES, f"the corpus at {CORPUS}"
    assert set(EXPECTED) == set(EXAMPLES)


@needs_corpus
@pytest.mark.parametrize("example_id", sorted(EXPECTED))
def test_a_documented_query_runs_unchanged_or_is_refused_with_its_reason(app, example_id):
    reply = send(app, EXAMPLES[example_id])
    status, expected = EXPECTED[example_id]
    assert reply.status == status, reply.text()
    data = reply.json()
    if status == 400:
        assert data["error"] == expected and "not supported" in data["message"]
        return
    assert [[r["dimensions"], r["metrics"]] for r in data["results"]] == expected
    assert set(data) == {"results", "meta", "query"}
    assert data["query"]["metrics"] == EXAMPLES[example_id]["body"]["metrics"]


@needs_corpus
def test_at_least_nine_in_ten_documented_queries_are_answered_and_none_fails(app):
    statuses = [send(app, e).status for e in EXAMPLES.values()]
    assert all(s < 500 for s in statuses)
    assert sum(s == 200 for s in statuses) / len(statuses) >= 0.9


@needs_corpus
def test_pagination_and_time_labels_fill_meta_as_plausible_does(app):
    pagination = send(app, EXAMPLES["example-pagination"]).json()
    assert pagination["meta"]["total_rows"] == 2
    labels = send(app, EXAMPLES["example-time-labels"]).json()["meta"]["time_labels"]
    assert labels[0] == "2024-09-10 00:00:00" and labels[-1] == "2024-09-10 23:00:00" and len(labels) == 24
    imports = send(app, EXAMPLES["example-imports"]).json()["meta"]
    assert imports["imports_included"] is False and "imports_warning" in imports


@needs_corpus
def test_meta_says_when_raw_rows_were_read(app):
    filtered = send(app, EXAMPLES["filter-is"]).json()["meta"]["source"]
    assert filtered["raw"] == ["2024-09-04", "2024-09-10"] and filtered["rollups"] is None


# A filter every event passes: it sends a query to the raw-row engine without changing it.
NEUTRAL = ["is_not", "event:page", ["/never-viewed"]]


@pytest.mark.parametrize(
    "dimension,metrics",
    [
        (None, ["visitors", "pageviews", "visits", "bounce_rate", "visit_duration", "events", "views_per_visit"]),
        ("time:day", ["visitors", "pageviews", "visits", "bounce_rate"]),
        ("time:week", ["visitors", "pageviews", "visits", "bounce_rate"]),
        ("time:month", ["visitors", "pageviews", "visits", "bounce_rate"]),
        ("event:page", ["visitors", "pageviews", "percentage"]),
        ("visit:entry_page", ["visits", "bounce_rate"]),
        ("visit:exit_page", ["visits"]),
        ("event:goal", ["visitors", "events", "conversion_rate"]),
        ("visit:country", ["visitors", "pageviews", "visits", "bounce_rate", "percentage"]),
        ("visit:country_name", ["visitors", "pageviews", "visits", "bounce_rate"]),
        ("visit:device", ["visitors", "pageviews", "visits", "bounce_rate"]),
        ("visit:os", ["visitors", "pageviews", "visits", "bounce_rate"]),
        ("visit:browser", ["visitors", "pageviews", "visits", "bounce_rate"]),
        ("visit:utm_source", ["visitors", "pageviews", "visits", "bounce_rate"]),
    ],
    ids=lambda v: str(v),
)
@pytest.mark.parametrize("date_range", ["7d", "all"])
def test_the_rollup_reading_and_the_raw_rows_give_the_same_answer(app, dimension, metrics, date_range):
    body = {
        "site_id": SITE,
        "date_range": date_range,
        "metrics": metrics,
        "dimensions": [dimension] if dimension else [],
    }
    fast = app.post("/_ff/api/v1/query", body, headers=BEARER).json()
    raw = app.post("/_ff/api/v1/query", {**body, "filters": [NEUTRAL]}, headers=BEARER).json()
    assert fast["meta"]["source"]["raw"] != raw["meta"]["source"]["raw"] or fast["meta"]["source"]["rollups"] is None
    assert fast["results"] == raw["results"]
