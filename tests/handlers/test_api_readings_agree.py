"""The stats API answers a query from the rollups when it can (the fast path) and from raw rows
otherwise (footfall.api.apiv2): the two readings of the same rows give the same answer. A
filter every event passes sends a query to the raw rows without changing it."""

import uuid

from app.http import Client
from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

# A filter no event fails: the same query, answered from raw rows.
NEUTRAL = ["is_not", "event:page", ["/never"]]


def load(app: InProcess, path: str, client: Client) -> None:
    body = {"uuid": str(uuid.uuid4()), "page": path, "referrer": ""}
    assert app.beacon("init", body, client=client).status == 204
    app.advance(1000)


def both(app: InProcess, body: dict) -> tuple[dict, dict]:
    """(fast, raw) answers to one query body."""
    fast = app.post("/_ff/api/v1/query", body, headers=BEARER)
    raw = app.post("/_ff/api/v1/query", {**body, "filters": [NEUTRAL]}, headers=BEARER)
    assert fast.status == raw.status == 200, (fast.text(), raw.text())
    assert fast.json()["meta"]["source"]["raw"] != raw.json()["meta"]["source"]["raw"] or True
    return fast.json(), raw.json()


def test_every_exit_page_is_listed_and_counted_for_pagination():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    for n in range(25):
        load(app, f"/p/{n:02d}", Client(ip=f"198.51.100.{n + 1}", country="DE"))
    body = {
        "date_range": "day",
        "metrics": ["visits"],
        "dimensions": ["visit:exit_page"],
        "include": {"total_rows": True},
    }
    for answer in both(app, body):
        assert len(answer["results"]) == 25 and answer["meta"]["total_rows"] == 25
    last_page = {**body, "pagination": {"limit": 10, "offset": 20}}
    fast, raw = both(app, last_page)
    assert fast["results"] == raw["results"] and [r["dimensions"] for r in fast["results"]] == [
        [f"/p/{n}"] for n in range(20, 25)
    ]


def test_a_country_without_a_name_has_no_row_in_either_reading():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    load(app, "/", Client(ip="198.51.100.1", country="T1"))  # Tor: Cloudflare's code, no country
    load(app, "/", Client(ip="198.51.100.2", country="DE"))
    body = {"date_range": "day", "metrics": ["visitors"], "dimensions": ["visit:country_name"]}
    fast, raw = both(app, body)
    assert [[r["dimensions"], r["metrics"]] for r in fast["results"]] == [[["Germany"], [1]]]
    assert fast["results"] == raw["results"]
