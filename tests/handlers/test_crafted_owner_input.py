"""Crafted input on the owner's side (session cookie, Bearer header, API body, dashboard query
string): always a 4xx or the login redirect, never a 500. Each case here was a 500 once
(issue 14, item 2); tests/unit/test_properties.py and tests/handlers/test_owner_properties.py
generate their kind."""

import pytest

from support.owner import BEARER

OWNER_PATHS = ("/_ff/dashboard", "/_ff/api/v1/query", "/_ff/api/v1/export", "/_ff/history/x.svg")


@pytest.mark.parametrize("path", OWNER_PATHS)
@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param("footfall_session=\u00b2.abc", id="superscript-digit-expiry"),
        pytest.param("footfall_session=" + "9" * 5000 + ".abc", id="5000-digit-expiry"),
        pytest.param("footfall_session=\u00e9\u00ff.\u00e9", id="latin-1-bytes"),
        pytest.param("footfall_session=1.\udcff", id="lone-surrogate-signature"),
        pytest.param("footfall_session=\u0661\u0662.abc", id="arabic-indic-digits"),
    ],
)
def test_a_crafted_session_cookie_is_a_stranger_not_a_500(app, path, cookie):
    reply = app.get(path, headers={"cookie": cookie})
    assert reply.status in (303, 401)


@pytest.mark.parametrize("authorization", ["Bearer \udcff", "Bearer \u00e9\u00b2", "Bearer " + "\u00ff" * 4000])
def test_a_crafted_bearer_token_is_a_401_not_a_500(app, authorization):
    assert app.get("/_ff/api/v1/query", headers={"authorization": authorization}).status == 401


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"filters": [["is", ["event:page"], "/"]]}, id="filter-name-list"),
        pytest.param({"filters": [["is", {"a": 1}, "/"]]}, id="filter-name-object"),
        pytest.param({"filters": [["is", "event:page", {"a": 1}]]}, id="filter-value-object"),
        pytest.param({"filters": {"is": "event:page"}}, id="filters-object"),
        pytest.param({"date_range": {"from": "2026-11-01"}}, id="date-range-object"),
        pytest.param({"date_range": ["0001-01-01", "0001-01-02"]}, id="year-0001"),
        pytest.param({"date_range": ["0001-01-01", "2026-11-20"]}, id="from-year-0001"),
        pytest.param({"date_range": ["1969-12-31", "1969-12-31"]}, id="before-unix-time"),
        pytest.param({"date_range": ["9999-12-31", "9999-12-31"]}, id="year-9999"),
        pytest.param({"date_range": [["2026-11-01"], {"a": 1}]}, id="date-range-of-containers"),
    ],
)
def test_crafted_api_queries_are_a_400(app, body):
    reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status == 400, reply.text()


@pytest.mark.parametrize("path", ["/_ff/dashboard", "/_ff/api/v1/query", "/_ff/api/v1/export"])
@pytest.mark.parametrize("day", ["0001-01-01", "1969-12-31", "9999-12-31"])
def test_a_day_outside_1970_to_9998_is_a_400_in_every_query_string(app, path, day):
    reply = app.get(f"{path}?period=custom&date_range=custom&from={day}&to={day}", headers=BEARER)
    assert reply.status == 400, reply.text()


@pytest.mark.parametrize("day_from, day_to", [("1970-01-01", "1970-03-05"), ("9998-12-01", "9998-12-31")])
def test_the_first_and_last_days_allowed_still_answer(app, day_from, day_to):
    for path in ("/_ff/dashboard", "/_ff/api/v1/export"):
        assert app.get(f"{path}?period=custom&from={day_from}&to={day_to}", headers=BEARER).status == 200
    body = {"date_range": [day_from, day_to], "metrics": ["visitors"]}
    assert app.post("/_ff/api/v1/query", body, headers=BEARER).status == 200
