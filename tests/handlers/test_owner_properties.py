"""Hypothesis on the owner's side, through the whole app in process: generated session
cookies, Bearer headers, API bodies and dashboard query strings never give a 5xx. The
strategies aim at what broke before (issue 14, item 2): digits that are not ASCII, numbers too
long for int(), lone surrogates, JSON containers where names and dates belong, and every date
`datetime.date` can hold."""

import string
from functools import cache
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

settings.register_profile("owner", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)
# Digits str.isdigit() accepts and int() may not (superscripts, other scripts), ASCII ones, and
# runs long enough to pass int()'s 4,300-digit limit.
DIGITS = (
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=16)
    | st.integers(min_value=0).map(str)
    | st.integers(4290, 4400).map(lambda n: "9" * n)
)
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=[]), max_size=40)
SESSIONS = (
    st.builds(lambda e, s: f"footfall_session={e}.{s}", DIGITS, ANY_TEXT)
    | st.builds(lambda e, g, s: f"footfall_session={e}.{g}.{s}", DIGITS, DIGITS, ANY_TEXT)
    | ANY_TEXT.map(lambda s: "footfall_session=" + s)
)
DAYS = st.dates().map(str) | st.text(alphabet=string.digits + "-", max_size=12)
FILTER_NAMES = st.sampled_from(["event:page", "visit:country", "page", "country"]) | JSON
FILTERS = (
    st.lists(
        st.lists(st.just("is") | JSON, min_size=0, max_size=1).flatmap(
            lambda head: st.tuples(FILTER_NAMES, st.text(max_size=8) | JSON).map(lambda t: [*head, *t])
        ),
        max_size=3,
    )
    | JSON
)
DATE_RANGES = st.sampled_from(["today", "7d", "30d", "custom"]) | st.lists(DAYS | JSON, min_size=2, max_size=2) | JSON
BODIES = st.fixed_dictionaries(
    {},
    optional={
        "metrics": st.lists(st.sampled_from(["visitors", "pageviews", "coverage"]), max_size=2) | JSON,
        "dimensions": st.lists(st.sampled_from(["time:day", "event:page", "visit:country"]), max_size=1) | JSON,
        "filters": FILTERS,
        "date_range": DATE_RANGES,
        "site_id": st.text(max_size=12) | JSON,
    },
)
QUERY_STRINGS = st.fixed_dictionaries(
    {},
    optional={
        "period": st.sampled_from(["today", "7d", "30d", "custom"]) | st.text(max_size=6),
        "date_range": st.sampled_from(["today", "7d", "custom"]),
        "from": DAYS,
        "to": DAYS,
        "page": st.text(max_size=6),
        "country": st.text(max_size=4),
        "table": st.sampled_from(["pageviews", "daily_pages", "x"]),
        "filters": st.text(max_size=20),
    },
)


@cache
def _app() -> InProcess:
    # One app for all examples: no example writes, so they cannot affect each other.
    return InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})


@settings(settings.get_profile("owner"))
@given(SESSIONS, st.sampled_from(["/_ff/dashboard", "/_ff/api/v1/query", "/_ff/history/x.svg"]))
def test_no_session_cookie_gives_a_5xx(cookie, path):
    assert _app().get(path, headers={"cookie": cookie}).status < 500


@settings(settings.get_profile("owner"))
@given(ANY_TEXT)
def test_no_bearer_header_gives_a_5xx(token):
    assert _app().get("/_ff/api/v1/query", headers={"authorization": "Bearer " + token}).status < 500


@settings(settings.get_profile("owner"))
@given(BODIES)
def test_no_api_body_gives_a_5xx(body):
    reply = _app().post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status < 500, (body, reply.text())


@settings(settings.get_profile("owner"))
@given(QUERY_STRINGS, st.sampled_from(["/_ff/dashboard", "/_ff/api/v1/query", "/_ff/api/v1/export"]))
def test_no_owner_query_string_gives_a_5xx(params, path):
    reply = _app().get(f"{path}?{urlencode(params)}", headers=BEARER)
    assert reply.status < 500, (params, reply.text())
