"""Property tests (Hypothesis) on every validator and parser: whatever comes in, they answer
with a clean value or their declared rejection, never another exception, and what they
accept stays within the limits."""

import string
from datetime import date
from urllib.parse import quote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from app import routing
from app.routes import ROUTES
from footfall import auth, upstream
from footfall.classify import bots, channels, useragent
from footfall.collect import body, payload, visitors
from footfall.collect.limits import (
    EVENT_TYPES,
    HEARTBEAT_DELTAS,
    MAX_ANCHOR_TEXT,
    MAX_PATH,
    MAX_REFERRER,
    MAX_SCROLL_PERCENT,
    MAX_TOTAL_SECONDS,
    MAX_URL,
)
from footfall.errors import ConfigError, Ignored, Rejection
from footfall.report import periods, stats
from footfall.settings import Origin, parse_settings

settings.register_profile("footfall", max_examples=300, deadline=None)
settings.load_profile("footfall")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3000),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
UUIDS = st.uuids().map(str) | st.text(max_size=40)
PATHS = (
    st.text(max_size=2100)
    | st.text(alphabet=string.printable, max_size=60).map(lambda s: "/" + s)
    # utm values as a URL carries them, percent-encoded: controls appear only once decoded.
    | st.tuples(st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "utm_term"]), st.text(max_size=40)).map(
        lambda kv: f"/p?{kv[0]}={quote(kv[1], safe='')}"
    )
)
FIELDS = {
    "uuid": UUIDS,
    "page": PATHS,
    "referrer": st.none()
    | st.text(max_size=2100)
    | JSON
    | st.builds(lambda u, h: f"https://{u}@{h}/x", st.text(max_size=12), st.sampled_from(["a.example", "[::1]:80"])),
    "delta": st.sampled_from([1, 5, 30, 0, 2, -5, True, 5.0, "5"]) | JSON,
    # The tracker sends fractional seconds and percentages (client/src/engagement.js).
    "total": st.integers() | st.floats() | JSON,
    "scroll": st.integers() | st.floats() | JSON,
    "type": st.sampled_from(sorted(EVENT_TYPES)) | st.text(max_size=10),
    "name": st.text(max_size=70) | JSON,
    "url": st.text(max_size=2100)
    | st.sampled_from(["https://a.example/x", "mailto:a@b.c", "tel:+1", "javascript:void(0)", "data:,x"]),
    "anchor_text": st.text(max_size=3000) | JSON,
    "seq": st.integers() | JSON,
}
BODIES = st.fixed_dictionaries({}, optional=FIELDS) | st.dictionaries(st.text(max_size=8), JSON, max_size=5)


def no_controls(value: str) -> bool:
    return not any(ord(c) < 32 or 127 <= ord(c) <= 159 for c in value)


@given(st.binary(max_size=5000))
def test_decode_object(raw):
    try:
        value = body.decode_object(raw)
    except Rejection as r:
        assert r.status in (400, 413)
    else:
        assert isinstance(value, dict)


@given(st.none() | st.text(max_size=100))
def test_media_type_and_length_checks(value):
    for check in (body.check_media_type,):
        try:
            check(value)
        except Rejection as r:
            assert r.status in (400, 413, 415)


@given(BODIES)
def test_page_load(data):
    try:
        record = payload.parse_page_load(data)
    except Rejection as r:
        assert r.status == 400 and r.code.startswith("invalid_")
        return
    except Ignored:  # a monitor's page (knownBot=1)
        assert "knownBot=1" in data["page"]
        return
    assert record.path.startswith("/") and len(record.path) <= MAX_PATH and no_controls(record.path)
    assert record.referrer is None or (len(record.referrer) <= MAX_REFERRER and "?" not in record.referrer)
    assert set(record.utm) <= {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}
    assert all(v and no_controls(v) for v in record.utm.values())
    assert record.referrer is None or "@" not in record.referrer.split("/")[2]
    assert len(record.uuid) == 36 and record.uuid == record.uuid.lower()


@given(BODIES)
def test_heartbeat(data):
    try:
        record = payload.parse_heartbeat(data)
    except Rejection as r:
        assert r.status == 400
        return
    # Either the original form (a whitelisted delta) or the running total alone (delta 0).
    assert record.delta in HEARTBEAT_DELTAS or (record.delta == 0 and record.total is not None)
    assert type(record.delta) is int
    assert record.total is None or (type(record.total) is int and record.delta <= record.total <= MAX_TOTAL_SECONDS)
    assert record.scroll is None or (type(record.scroll) is int and 0 <= record.scroll <= MAX_SCROLL_PERCENT)


@given(BODIES, st.frozensets(st.text(max_size=10), max_size=3))
def test_event(data, names):
    try:
        record = payload.parse_event(data, names)
    except Rejection as r:
        assert r.status == 400
        return
    except Ignored:  # a link to no web page, mailto: or tel: address
        assert urlsplit(data["url"].strip()).scheme.lower() not in ("http", "https", "mailto", "tel")
        return
    assert record.type in EVENT_TYPES
    assert record.type not in ("outbound", "download") or urlsplit(record.url).scheme.lower() in ("http", "https")
    assert record.url is None or (len(record.url) <= MAX_URL and no_controls(record.url))
    assert record.anchor_text is None or (
        len(record.anchor_text) <= MAX_ANCHOR_TEXT and no_controls(record.anchor_text)
    )
    assert record.type != "custom" or record.name in names


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "FOOTFALL_PATH",
                "ORIGIN_URL",
                "ORIGIN_TIMEOUT_MS",
                "EVENT_NAMES",
                "VISITOR_ID",
                "DAY_UTC_OFFSET",
                "RETENTION_DAYS",
                "DASHBOARD_TOKEN",
                "DASHBOARD_PUBLIC",
                "HISTORY_PUBLIC",
                "PUBLIC_SITES",
            ]
        ),
        st.text(max_size=80),
    )
)
def test_settings(variables):
    try:
        parsed = parse_settings(variables)
    except ConfigError as e:
        assert e.setting in ("ORIGIN_URL", "ORIGIN_TIMEOUT_MS") and e.setting in variables
        return
    assert parsed.problem is None or parsed.problem.setting in variables
    assert parsed.prefix.startswith("/") and not parsed.prefix.endswith("/")
    assert -14 * 60 <= parsed.day_offset_minutes <= 14 * 60


@given(st.text(alphabet=string.printable.replace("#", "").replace("?", ""), max_size=80), st.text(max_size=30))
def test_proxy_target_never_leaves_the_origin(path, query):
    origin = Origin("https", "user.github.io", "")
    target = upstream.target_url(origin, "https://blog.example/" + path + "?" + query)
    assert target.startswith("https://user.github.io/")
    assert urlsplit(target).hostname == "user.github.io"


@given(st.text(max_size=60), st.text(max_size=60))
def test_routes(prefix, path):
    found = routing.find(ROUTES, "/" + prefix.strip("/") if prefix.strip("/") else "/_ff", path)
    assert found is None or found.route is None or found.route in ROUTES


@given(
    st.none() | st.text(max_size=200),
    st.text(max_size=40),
    st.dictionaries(st.sampled_from(["utm_source", "utm_medium", "utm_campaign"]), st.text(max_size=10)),
)
def test_channel(referrer, site, utm):
    assert channels.channel(referrer, site, utm) in {
        "direct",
        "internal",
        "campaign",
        "email",
        "ai",
        "search",
        "social",
        "referral",
    }


@given(
    st.text(max_size=600),
    st.none() | st.text(max_size=80),
    st.none() | st.text(max_size=4),
    st.none() | st.text(max_size=20),
)
def test_user_agent_parsing(ua, ch_ua, ch_mobile, ch_platform):
    device = useragent.parse(ua, ch_ua, ch_mobile, ch_platform)
    assert device.device in ("desktop", "mobile", "tablet", "tv")
    verdict = bots.classify(
        bots.Signals(
            user_agent=ua, accept_language=ch_ua, headers_known=bool(ch_mobile), cf_bot_score=len(ua) % 100, asn=len(ua)
        )
    )
    assert verdict.bot_class in bots.CLASSES and 0 <= verdict.score <= 100


@given(st.text(max_size=60))
def test_anonymize_ip(text):
    network = visitors.anonymize_ip(text)
    assert network is None or network.endswith(("/24", "/48"))


# Session cookie values as an attacker would shape them: an expiry of digits str.isdigit()
# accepts and int() may not (superscripts, other scripts), or too many for int(); any text.
EXPIRIES = (
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=16)
    | st.integers(min_value=0).map(str)
    | st.integers(4290, 4400).map(lambda n: "9" * n)
)
ANY_TEXT = st.text(st.characters(codec=None), max_size=120)
SESSION_VALUES = (
    st.none()
    | ANY_TEXT
    | st.builds(lambda e, s: f"{e}.{s}", EXPIRIES, ANY_TEXT)
    | st.builds(lambda e, g, s: f"{e}.{g}.{s}", EXPIRIES, EXPIRIES, ANY_TEXT)
)


@given(SESSION_VALUES, st.none() | ANY_TEXT | ANY_TEXT.map(lambda t: "Bearer " + t), st.integers(0, 2**53))
def test_sessions_and_cookies(value, header, now):
    generation = auth.session_generation(value, "owner-token-0123456789", now)
    assert generation is None or isinstance(generation, int)
    assert auth.bearer_matches(header, "owner-token-0123456789") in (True, False)
    found = auth.cookie_value(header)
    assert found is None or isinstance(found, str)


# Any date `datetime.date` holds, with its first and last months made likely.
DAYS = (
    st.none()
    | st.text(max_size=12)
    | st.dates().map(str)
    | st.dates(max_value=date(1, 2, 28)).map(str)
    | st.dates(min_value=date(9999, 12, 1)).map(str)
)


@given(JSON | st.lists(DAYS, min_size=2, max_size=2), DAYS, DAYS)
def test_periods(period, day_from, day_to):
    """Any range day_range accepts can be planned: every date `datetime.date` holds is tried
    (a year-0001 range once overflowed in stats)."""
    try:
        start, end, _ = periods.day_range(period, "2026-11-21", day_from, day_to)
    except Rejection as r:
        assert r.status == 400
        return
    assert start <= end
    stats.plan(stats.Query("example.com", start, end, "2026-11-21", 1_795_176_000_000))


@given(st.lists(st.tuples(st.text(max_size=12), JSON), max_size=4))
def test_filters(pairs):
    try:
        result = periods.filters(pairs)
    except Rejection as r:
        assert r.status == 400
        return
    assert all(isinstance(v, str) and 0 < len(v) <= periods.MAX_FILTER_VALUE for _, v in result)
