"""One client rotating its user agent cannot become hundreds of daily unique visitors (issue
14, item 4): before, 300 page loads from one IP with 300 user agents were 300 visitors. The
isolate counts visitor ids per network (an IPv4 address, an IPv6 /64) per minute; past
BUSY_NETWORK_VISITORS the rows are set apart (other_bot) with the reason
net:many-visitor-ids, which the dashboard shows."""

import pytest

from app.http import Client
from footfall.collect.profile import BUSY_NETWORK_REASON, BUSY_NETWORK_VISITORS
from support.owner import BEARER

MINUTE_MS = 60_000


def chrome(n: int) -> str:
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/131.0.{n // 100}.{n % 100} Safari/537.36"
    )


def init(app, n: int, ip: str = "198.51.100.7", ua: str | None = None):
    headers = {"user-agent": ua or chrome(n), "accept-language": "en", "sec-fetch-mode": "no-cors"}
    uuid = f"00000000-0000-4000-8000-{n:012d}"
    reply = app.post("/_ff/init", {"uuid": uuid, "page": "/"}, headers=headers, client=Client(ip=ip))
    assert reply.status == 204


def classes(app) -> dict[str, int]:
    return {r["bot_class"]: r["n"] for r in app.rows("SELECT bot_class, COUNT(*) AS n FROM pageviews GROUP BY 1")}


def test_rotating_user_agents_from_one_address_count_as_few_people(app):
    for n in range(300):
        init(app, n)
    assert classes(app) == {"person": BUSY_NETWORK_VISITORS, "other_bot": 300 - BUSY_NETWORK_VISITORS}
    flagged = app.rows("SELECT bot_score, bot_reasons FROM pageviews WHERE bot_class = 'other_bot'")
    assert all(BUSY_NETWORK_REASON in r["bot_reasons"] and r["bot_score"] >= 60 for r in flagged)
    answer = app.post("/_ff/api/v1/query", {"date_range": "today", "metrics": ["visitors"]}, headers=BEARER).json()
    assert answer["results"][0]["metrics"] == [BUSY_NETWORK_VISITORS]


def test_an_ipv6_client_cannot_escape_by_changing_address_within_its_64(app):
    for n in range(30):
        init(app, n, ip=f"2001:db8:5:6::{n + 1:x}")
    assert classes(app)["other_bot"] == 30 - BUSY_NETWORK_VISITORS


def test_people_on_different_addresses_are_people(app):
    for n in range(30):
        init(app, n, ip=f"198.51.100.{n + 1}")
    assert classes(app) == {"person": 30}


def test_one_person_reloading_is_one_visitor_id_and_never_flagged(app):
    for n in range(50):
        init(app, n, ua=chrome(1))
    assert classes(app) == {"person": 50}


def test_the_count_starts_again_each_minute(app):
    for n in range(BUSY_NETWORK_VISITORS):
        init(app, n)
    app.advance(MINUTE_MS)
    for n in range(BUSY_NETWORK_VISITORS, 2 * BUSY_NETWORK_VISITORS):
        init(app, n)
    assert classes(app) == {"person": 2 * BUSY_NETWORK_VISITORS}


def test_server_side_hits_are_set_apart_the_same_way(app):
    app.origin.pages["/"] = (200, {"content-type": "text/html"}, b"<html><head></head></html>")
    for n in range(20):
        headers = {"user-agent": chrome(n), "accept-language": "en", "sec-fetch-dest": "document"}
        app.get("/", headers=headers, client=Client(ip="198.51.100.7"))
    rows = app.rows("SELECT bot_class, COUNT(*) AS n FROM hits GROUP BY 1")
    assert {r["bot_class"]: r["n"] for r in rows} == {"person": BUSY_NETWORK_VISITORS, "other_bot": 10}


@pytest.mark.parametrize("period", ["today", "7d"])
def test_the_dashboard_says_why_rows_were_set_apart(app, period):
    for n in range(25):
        init(app, n)
    html = app.get(f"/_ff/dashboard?period={period}", headers=BEARER).text()
    assert "Why (today)" in html and BUSY_NETWORK_REASON in html


def test_the_dashboard_of_a_past_range_has_no_reasons_table(app):
    html = app.get("/_ff/dashboard?period=custom&from=2026-01-01&to=2026-01-31", headers=BEARER).text()
    assert "Why (today)" not in html
