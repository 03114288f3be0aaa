"""The owner's side, pure parts: sessions and tokens (footfall.auth), the rendered page
(footfall.dashboard.render, footfall.dashboard.svg) with hostile values, and periods."""

import pytest

from footfall import auth
from footfall.dashboard import lists, render, svg
from footfall.errors import Rejection
from footfall.report import periods

TOKEN = "0123456789abcdef-token"
NOW = 1_795_305_600_000
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</style><script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "' onmouseover='alert(1)",
]


def test_session_round_trip_and_expiry():
    value = auth.new_session(TOKEN, NOW, generation=3)
    assert auth.session_generation(value, TOKEN, NOW + 1000) == 3
    assert auth.session_generation(value, TOKEN, NOW + auth.SESSION_MS + 1) is None
    assert auth.session_generation(value, TOKEN + "x", NOW) is None  # a new token logs everyone out
    expires, generation, sig = value.split(".")
    assert auth.session_generation(f"{int(expires) + 10**9}.{generation}.{sig}", TOKEN, NOW) is None  # extended
    assert auth.session_generation(f"{expires}.4.{sig}", TOKEN, NOW) is None  # another generation: bad signature
    for bad in (None, "", "x", "1.2", ".", "abc.def", "1.2.3", f"{expires}.{sig}"):
        assert auth.session_generation(bad, TOKEN, NOW) is None


def test_bearer_and_cookie_parsing():
    assert auth.bearer_matches(f"Bearer {TOKEN}", TOKEN) and auth.bearer_matches(f"bearer  {TOKEN} ", TOKEN)
    assert not auth.bearer_matches(f"Basic {TOKEN}", TOKEN) and not auth.bearer_matches(None, TOKEN)
    assert auth.cookie_value(f"a=1; {auth.COOKIE}=v.s; b=2") == "v.s"
    cookie = auth.set_cookie("v", "/_ff")
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/_ff"):
        assert flag in cookie


def hostile_report():
    def row(p):
        return {
            "path": p,
            "pageviews": 1,
            "visitors": 1,
            "visits": 1,
            "bounces": 0,
            "bounce_rate": 0.0,
            "median_seconds": 5,
            "hits": 1,
            "not_found": 1,
        }

    dim = [{"value": p, "pageviews": 1, "visitors": 1} for p in PAYLOADS]
    return {
        "site": PAYLOADS[0],
        "from": "2026-11-15",
        "to": "2026-11-21",
        "filters": [["page", PAYLOADS[1]]],
        "source": {"rollups": None, "raw": None, "note": PAYLOADS[2]},
        "totals": {
            "visitors": 1,
            "pageviews": 1,
            "visits": 1,
            "bounce_rate": 0.5,
            "median_seconds": 61,
            "hits": 2,
            "tracked": 1,
            "coverage": 0.5,
        },
        "series": [
            {
                "day": "2026-11-21",
                "visitors": 1,
                "pageviews": 1,
                "visits": 1,
                "bounces": 0,
                "hits": 2,
                "tracked": 1,
                "coverage": 0.5,
            }
        ],
        "graph": {
            "grain": "day",
            "points": [
                {"time": p, "visitors": 1, "pageviews": 1, "visits": 1, "bounce_rate": 0.5, "median_seconds": 61}
                for p in PAYLOADS
            ],
        },
        "pages": [row(p) for p in PAYLOADS],
        "entry_pages": [row(p) for p in PAYLOADS],
        "not_found": [{"path": p, "count": 1} for p in PAYLOADS],
        "dimensions": {d.name: dim for d in render.DIMENSION_PANELS},
        "bots": {"class": dim, "hit_class": dim, "bot_page": dim},
        "events": [{"type": "custom", "name": p, "url": p, "count": 1, "visitors": 1} for p in PAYLOADS],
        "realtime": {"visitors": 1, "pageviews": 1, "pages": [{"path": p, "pageviews": 1} for p in PAYLOADS]},
        "sites": PAYLOADS,
    }


def test_every_visitor_controlled_value_is_escaped():
    html = render.page(
        hostile_report(), prefix="/_ff", period="7d", params={"page": PAYLOADS[1]}, nonce="n0nce", public=False
    )
    for payload in PAYLOADS:
        assert payload not in html or payload == "javascript:alert(1)"  # plain text is harmless as text
    assert "<script" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_svg_escapes_labels():
    chart = svg.line_chart([("<b>", 1.0), ("x", 2.0)], label='"><script>')
    assert "<b>" not in chart and "<script>" not in chart
    badge = svg.history_badge("/<script>alert(1)</script>", [("2026-11-21", 3)])
    assert "<script>" not in badge and badge.startswith("<svg xmlns=")


@pytest.mark.parametrize(
    "period,start", [("today", "2026-11-21"), ("7d", "2026-11-15"), ("30d", "2026-10-23"), (None, "2026-11-15")]
)
def test_periods(period, start):
    assert periods.day_range(period, "2026-11-21")[:2] == (start, "2026-11-21")


@pytest.mark.parametrize(
    "args",
    [
        ("custom", "2026-11-22", "2026-11-21"),
        ("custom", "x", "2026-11-21"),
        ("custom", "2026-02-30", "2026-03-01"),
        ("forever", None, None),
        (["2016-01-01", "2026-11-21"], None, None),
    ],
)
def test_bad_periods(args):
    with pytest.raises(Rejection):
        periods.day_range(args[0], "2026-11-21", args[1], args[2])


def test_filters_are_whitelisted():
    assert periods.filters([("country", "DE"), ("country", "DE")]) == (("country", "DE"),)
    for bad in ([("path; DROP TABLE", "x")], [("page", "")], [("page", "x" * 3000)], [("page", 5)]):
        with pytest.raises(Rejection):
            periods.filters(bad)


def test_goal_funnel_property_and_exit_panels_escape_what_they_show():
    """Goal names, property values (visitors' data) and exit pages in the #15 panels."""
    report = {
        **hostile_report(),
        "goals": [
            {
                "name": p,
                "kind": "event",
                "pattern": p,
                "variable": False,
                "from_day": None,
                "visitors": 1,
                "conversions": 1,
                "conversion_rate": 0.5,
            }
            for p in PAYLOADS
        ],
        "funnels": [
            {
                "name": PAYLOADS[0],
                "steps": [{"goal": p, "visitors": 1, "dropoff": 0, "conversion_rate": 1.0} for p in PAYLOADS],
                "conversion_rate": 1.0,
                "from_day": "",
            }
        ],
        "props": [
            {"type": "custom", "name": p, "key": "plan", "value": p, "count": 1, "visitors": 1} for p in PAYLOADS
        ],
        "exit_pages": [{"path": p, "exits": 1, "exit_rate": 1.0} for p in PAYLOADS],
        "compare": {
            "kind": "previous",
            "from": PAYLOADS[0],
            "to": PAYLOADS[1],
            "totals": {"visitors": 1},
            "change": {"visitors": 10},
            "series": [],
        },
    }
    html = render.page(report, prefix="/_ff", period="7d", params={}, nonce="n0nce", public=False)
    for payload in PAYLOADS:
        assert payload not in html or payload == "javascript:alert(1)"
    assert "<script" not in html and "onerror=" not in html.replace("onerror=alert", "")


@pytest.mark.parametrize("key", [spec.key for spec in lists.SPECS])
def test_every_tab_and_full_list_escapes_what_it_shows(key):
    """#19's tabs and full lists: values, the text filter and the state in the URL."""
    report = {**hostile_report(), "exit_pages": [{"path": p, "exits": 1, "exit_rate": 1.0} for p in PAYLOADS]}
    group = lists.BY_KEY[key].group
    for params in ({group: key}, {"list": key, "q": PAYLOADS[0][:3], "p": PAYLOADS[1], group: PAYLOADS[2]}):
        html = render.page(report, prefix="/_ff", period="7d", params=params, nonce="n0nce", public=False)
        for payload in PAYLOADS:
            assert payload not in html or payload == "javascript:alert(1)"
        assert 'href="javascript:' not in html
