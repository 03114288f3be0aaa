"""The README's stats API example, sent as written, answers with numbers (no null bounce rate)."""

import json
import re
import uuid
from pathlib import Path

from app.http import Client
from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_query_body() -> dict:
    match = re.search(r"-d '(\{[^']*\})'\s*\\\s*\n\s*https://your\.site/_ff/api/v1/query", README.read_text())
    assert match, "the README's curl example for /api/v1/query"
    return json.loads(match.group(1))


def test_the_readme_example_gives_bounce_rates_for_every_row():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    for n, referrer in enumerate(("https://www.google.com/", "https://t.co/x", "")):
        page_load = {"uuid": str(uuid.uuid4()), "page": "/", "referrer": referrer}
        assert app.beacon("init", page_load, client=Client(ip=f"198.51.100.{n + 1}")).status == 204
        app.advance(60_000)
    body = readme_query_body()
    reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status == 200, reply.text()
    results = reply.json()["results"]
    assert len(results) == 3
    bounce = body["metrics"].index("bounce_rate")
    assert all(r["metrics"][bounce] is not None for r in results), results


def test_date_range_month_is_accepted():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    reply = app.post("/_ff/api/v1/query", {"date_range": "month", "metrics": ["visitors"]}, headers=BEARER)
    assert reply.status == 200, reply.text()


def test_the_readme_curl_beacon_plays_a_visitor_not_a_bot():
    # The wire contract's example of a beacon sent by hand, headers and body as written.
    block = README.read_text().split("To play a visitor with curl:", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    headers = dict(h.split(": ", 1) for h in re.findall(r"-H '([^']*)'", block))
    body = json.loads(re.search(r"-d '(\{[^']*\})'", block).group(1))
    app = InProcess({}, site="127.0.0.1:8787")
    assert app.post("/_ff/init", body, headers=headers, host="127.0.0.1:8787", scheme="http").status == 204
    assert app.rows("SELECT bot_class FROM pageviews") == [{"bot_class": "person"}]
