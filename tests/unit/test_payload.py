"""Validation and normalisation of the three wire-contract payloads (footfall.collect.payload)."""

import pytest

from footfall.collect.payload import normalise_referrer, parse_event, parse_heartbeat, parse_page_load, split_page
from footfall.errors import Ignored, Rejection

UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"


def rejected(fn, *args) -> Rejection:
    with pytest.raises(Rejection) as info:
        fn(*args)
    assert info.value.status == 400
    return info.value


@pytest.mark.parametrize(
    "page,path,utm",
    [
        ("/", "/", {}),
        ("/blog/post.html", "/blog/post.html", {}),
        (
            "/p?utm_source=news&utm_medium=email&utm_campaign=fall&utm_term=t&utm_content=c",
            "/p",
            {"utm_source": "news", "utm_medium": "email", "utm_campaign": "fall", "utm_term": "t", "utm_content": "c"},
        ),
        ("/p?q=private&session=abc", "/p", {}),
        ("/p#section?utm_source=x", "/p", {}),
        ("/p?utm_source=first&utm_source=second", "/p", {"utm_source": "first"}),
        ("/app/#/settings?utm_source=x", "/app/#/settings", {"utm_source": "x"}),
        ("/#/reset?token=s3cr3t&email=jane.doe%40example.com", "/#/reset", {}),
        ("/app/?utm_source=x#/settings", "/app/#/settings", {"utm_source": "x"}),
        ("/app/#!/inbox", "/app/#!/inbox", {}),
        ("/cb#access_token=secret", "/cb", {}),
    ],
    ids=[
        "root",
        "file",
        "all-utm",
        "other-params-dropped",
        "fragment-ignored",
        "first-utm-wins",
        "hash-route-query-utm-only",
        "hash-route-token-dropped",
        "hash-route-after-query",
        "hashbang-route",
        "token-fragment-dropped",
    ],
)
def test_split_page_keeps_path_and_utm_only(page, path, utm):
    assert split_page(page) == (path, utm)


@pytest.mark.parametrize(
    "page,ok", [("/" + "a" * 2047, True), ("/" + "a" * 2048, False)], ids=["2048-accepted", "2049-rejected"]
)
def test_page_length_boundary(page, ok):
    if ok:
        assert split_page(page)[0] == page
    else:
        assert rejected(split_page, page).code == "invalid_page"


@pytest.mark.parametrize(
    "page",
    [None, 7, "", "relative", "https://a.example/", "/a\nb", "/\x7f", "/\ud800"],
    ids=["none", "int", "empty", "relative", "absolute", "newline", "del", "lone-surrogate"],
)
def test_bad_pages_are_rejected(page):
    assert rejected(split_page, page).code == "invalid_page"


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("https://www.google.com/search?q=words#frag", "https://www.google.com/search"),
        ("HTTPS://News.Example.COM", "https://news.example.com/"),
        ("android-app://com.slack/", "android-app://com.slack/"),
        ("not a url", None),
        ("https://" + "." * 2030 + "/", None),
        ("https://" + "a." * 127 + "com/", None),
        ("https://a..example/", None),
        ("https://" + "a." * 125 + "com/x", "https://" + "a." * 125 + "com/x"),
    ],
    ids=[
        "query-and-fragment-dropped",
        "lower-cased-host",
        "app-referrer",
        "garbage-dropped",
        "dots-only",
        "longer-than-dns",
        "empty-label",
        "253-characters-kept",
    ],
)
def test_referrer_is_normalised(raw, clean):
    assert normalise_referrer(raw) == clean


def test_page_load_parses_and_lowercases_uuid():
    record = parse_page_load({"uuid": UUID.upper(), "page": "/x?utm_source=a", "referrer": ""})
    assert (record.uuid, record.path, record.referrer, record.utm) == (UUID, "/x", None, {"utm_source": "a"})


@pytest.mark.parametrize(
    "uuid",
    [None, 1, "", "x", UUID + "0", UUID.replace("-", ""), "{" + UUID + "}", UUID + "\n"],
    ids=["missing", "int", "empty", "short", "long", "no-dashes", "braces", "newline-after"],
)
def test_bad_uuids_are_rejected(uuid):
    assert rejected(parse_page_load, {"uuid": uuid, "page": "/"}).code == "invalid_uuid"


@pytest.mark.parametrize(
    "referrer,ok",
    [("https://a.example/" + "x" * 2030, True), ("https://a.example/" + "x" * 2031, False)],
    ids=["2048-accepted", "2049-rejected"],
)
def test_referrer_length_boundary(referrer, ok):
    assert len(referrer) == (2048 if ok else 2049)
    if ok:
        assert parse_page_load({"uuid": UUID, "page": "/", "referrer": referrer}).referrer == referrer
    else:
        assert rejected(parse_page_load, {"uuid": UUID, "page": "/", "referrer": referrer}).code == "invalid_referrer"


@pytest.mark.parametrize("delta", [1, 5, 30])
def test_whitelisted_deltas_are_accepted(delta):
    assert parse_heartbeat({"uuid": UUID, "delta": delta}).delta == delta


@pytest.mark.parametrize(
    "delta",
    [None, 0, 2, 31, -1, 5.0, "5", True, [5], 10**20],
    ids=["missing", "zero", "two", "31", "negative", "float", "string", "bool", "list", "huge"],
)
def test_other_deltas_are_rejected(delta):
    assert rejected(parse_heartbeat, {"uuid": UUID, "delta": delta}).code == "invalid_delta"


def test_anchor_text_is_collapsed_and_cut_to_1024():
    record = parse_event(
        {
            "uuid": UUID,
            "type": "outbound",
            "url": "https://a.example/",
            "page": "/",
            "anchor_text": "  a\tb\n" + "x" * 2000,
        }
    )
    assert record.anchor_text.startswith("a b x") and len(record.anchor_text) == 1024


@pytest.mark.parametrize(
    "fields,code",
    [
        ({"type": "click"}, "invalid_type"),
        ({"type": "outbound"}, "invalid_url"),
        ({"type": "outbound", "url": "https://a.example/" + "x" * 2040}, "invalid_url"),
        ({"type": "scroll"}, "invalid_name"),
        ({"type": "scroll", "name": "60"}, "invalid_name"),
        ({"type": "custom", "name": "not-allowed"}, "invalid_name"),
        ({"type": "outbound", "url": "https://a.example/", "name": "x"}, "invalid_name"),
        ({"type": "scroll", "name": "25", "anchor_text": 5}, "invalid_anchor_text"),
    ],
    ids=[
        "unknown-type",
        "outbound-no-url",
        "long-url",
        "scroll-no-depth",
        "scroll-odd-depth",
        "custom-not-allowed",
        "name-on-outbound",
        "anchor-not-string",
    ],
)
def test_bad_events_are_rejected(fields, code):
    assert rejected(parse_event, {"uuid": UUID, "page": "/", **fields}, frozenset({"signup"})).code == code


def test_allowed_custom_event_is_accepted():
    record = parse_event({"uuid": UUID, "page": "/", "type": "custom", "name": "signup"}, frozenset({"signup"}))
    assert (record.type, record.name, record.url) == ("custom", "signup", None)


@pytest.mark.parametrize(
    "fields,type_",
    [
        ({"type": "outbound", "url": "mailto:owner@example.com"}, "mailto"),
        ({"type": "outbound", "url": "tel:+15550100"}, "tel"),
        ({"type": "download", "url": "MAILTO:owner@example.com"}, "mailto"),  # its "path" ends in .com
        ({"type": "outbound", "url": "https://a.example/"}, "outbound"),
        ({"type": "download", "url": "https://a.example/report.pdf"}, "download"),
        ({"type": "mailto", "url": "mailto:owner@example.com"}, "mailto"),
    ],
    ids=["outbound-mailto", "outbound-tel", "download-mailto", "outbound", "download", "mailto-as-sent"],
)
def test_a_link_event_is_named_by_its_urls_scheme(fields, type_):
    # The tracker calls every link that leaves the host outbound (client/src/events.js).
    assert parse_event({"uuid": UUID, "page": "/", **fields}).type == type_


@pytest.mark.parametrize(
    "type_,sent,stored",
    [
        (
            "download",
            "https://jane:hunter2@Files.Example.net/invoice-7731.pdf?X-Amz-Signature=abc&email=j%40d.org#k=s",
            "https://files.example.net/invoice-7731.pdf",
        ),
        ("outbound", "https://a.example/reset?token=s3cr3t", "https://a.example/reset"),
        ("outbound", "http://a.example:8080", "http://a.example:8080/"),
        ("mailto", "mailto:owner@example.com?subject=Hi&body=from%20jane%40doe.org", "mailto:owner@example.com"),
        ("tel", "tel:+15550100", "tel:+15550100"),
    ],
    ids=["signed-download", "query", "port-kept", "mailto-body", "tel"],
)
def test_a_links_url_is_kept_as_referrers_are(type_, sent, stored):
    # A link on a logged-in page may carry the visitor's own data: the query, the fragment and
    # any user:password@ are dropped before anything is stored.
    assert parse_event({"uuid": UUID, "page": "/", "type": type_, "url": sent}).url == stored


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "outbound", "url": "javascript:alert(1)"},
        {"type": "download", "url": "data:text/html,hi"},
        {"type": "download", "url": "blob:https://a.example/0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"},
    ],
    ids=["javascript", "data", "blob"],
)
def test_a_click_on_a_link_to_no_web_address_is_ignored(fields):
    with pytest.raises(Ignored):
        parse_event({"uuid": UUID, "page": "/", **fields})


def test_a_monitors_page_view_is_ignored_and_other_parameters_are_not_a_mark():
    with pytest.raises(Ignored):
        parse_page_load({"uuid": UUID, "page": "/?utm_source=x&knownBot=1", "referrer": ""})
    for page in ("/?knownBot=0", "/?knownbot=1", "/#knownBot=1"):
        assert parse_page_load({"uuid": UUID, "page": page, "referrer": ""}).path == "/"


@pytest.mark.parametrize("total", [0, 1, 29, 7 * 24 * 3600], ids=["zero", "one", "odd", "max"])
def test_a_running_total_alone_is_a_heartbeat(total):
    beat = parse_heartbeat({"uuid": UUID, "total": total})
    assert (beat.delta, beat.total) == (0, total)


@pytest.mark.parametrize(
    "sent,stored",
    [(0.4, 0), (0.5, 1), (7.4, 7), (2.5, 3), (37.400000000000006, 37), (7 * 24 * 3600 + 0.4, 7 * 24 * 3600)],
    ids=["under-half", "half-up", "down", "even-half-up", "float-noise", "max"],
)
def test_a_fractional_total_is_rounded_half_up(sent, stored):
    # The tracker sends fractional seconds (client/src/engagement.js).
    assert parse_heartbeat({"uuid": UUID, "total": sent}).total == stored


@pytest.mark.parametrize(
    "total",
    [-1, -0.1, 7 * 24 * 3600 + 0.5, "5", True, 10**400, float("nan")],
    ids=["negative", "negative-fraction", "over-max", "string", "bool", "400-digits", "nan"],
)
def test_a_bad_total_alone_is_rejected(total):
    assert rejected(parse_heartbeat, {"uuid": UUID, "total": total}).code == "invalid_total"
