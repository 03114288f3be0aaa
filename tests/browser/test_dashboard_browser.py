"""The dashboard in real Chromium: hostile values stored through the public endpoints stay
inert, and the page renders seeded data with no console errors."""

import pytest

from support.http import new_uuid, post_json, request
from support.owner import DASHBOARD_TOKEN
from support.processes import ROOT

SITE = "xss.test"
MARK = "window.__footfall_xss"
PAYLOADS = [
    f"<script>{MARK}=1</script>",
    f'"><img src=x onerror="{MARK}=2">',
    f'<svg onload="{MARK}=3">',
    f"</style><script>{MARK}=4</script>",
    f"' autofocus onfocus='{MARK}=5'",
]
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture(scope="module")
def hostile(worker):
    """Every field a visitor controls, filled with payloads through the public endpoints."""
    headers = {
        "Host": SITE,
        "User-Agent": CHROME,
        "Accept-Language": "en",
        "Sec-Fetch-Mode": "no-cors",
        "CF-Connecting-IP": "198.51.100.77",
    }
    for n, payload in enumerate(PAYLOADS):
        uuid = new_uuid()
        page = "/" + payload.replace("?", "") + f"?utm_source={payload}&utm_campaign={payload}"
        assert (
            post_json(
                worker,
                "/_ff/init",
                {"uuid": uuid, "page": page, "referrer": f"https://ref{n}.example/{payload}"},
                headers=headers,
            ).status
            == 204
        ), payload
        assert (
            post_json(
                worker,
                "/_ff/event",
                {
                    "uuid": uuid,
                    "type": "outbound",
                    "page": "/",
                    "url": f"https://out.example/{payload}",
                    "anchor_text": payload,
                },
                headers=headers,
            ).status
            == 204
        )
        # A server-side hit for a missing page, whose path is the payload: the 404 panel shows it.
        request(worker, "GET", "/" + payload.replace("?", "").replace("#", "").replace(" ", "%20"), headers=headers)
    return worker


def logged_in_page(context, worker):
    page = context.new_page()
    page.goto(worker + "/_ff/login")
    page.fill("input[name=token]", DASHBOARD_TOKEN)
    page.click("button")
    page.wait_for_url("**/_ff/dashboard")
    return page


def test_xss_payloads_stay_inert_in_the_dashboard(context, hostile):
    page = logged_in_page(context, hostile)
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(hostile + f"/_ff/dashboard?site={SITE}&period=today")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate(f"typeof {MARK}") == "undefined"
    text = page.inner_text("body")
    for payload in PAYLOADS:
        assert payload.split(">")[0] in text  # shown as text
    assert page.locator("main script, main img, main svg[onload]").count() == 0
    # Following a filter link made from a payload keeps it inert too.
    page.locator("main a[href*='page=']").first.click()
    page.wait_for_load_state("load")
    assert "page" in page.url and page.evaluate(f"typeof {MARK}") == "undefined" and dialogs == []


def test_dashboard_renders_seeded_data_without_console_errors(context, worker):
    headers = {
        "User-Agent": CHROME,
        "Accept-Language": "en",
        "Sec-Fetch-Mode": "no-cors",
        "CF-Connecting-IP": "198.51.100.78",
        "CF-IPCountry": "SE",
    }
    for page_path in ("/", "/about/", "/blog/hello.html"):
        post_json(
            worker,
            "/_ff/init",
            {"uuid": new_uuid(), "page": page_path, "referrer": "https://duckduckgo.com/"},
            headers=headers,
        )
    page = logged_in_page(context, worker)
    messages = []
    page.on("console", lambda m: messages.append(m) if m.type in ("error", "warning") else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    reply = page.goto(worker + "/_ff/dashboard?period=today")
    assert reply.status == 200
    out = ROOT / "test-results" / "dashboard.png"
    out.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    assert [m.text for m in messages] == []
    for title in (
        "Overview",
        "Daily unique visitors by hour",
        "Sources",
        "Pages",
        "Locations",
        "Devices",
        "Events",
        "Last 5 minutes",
        "Not found (404)",
        "Bots and AI",
        "Tracking coverage",
    ):
        assert page.locator("h2", has_text=title).count() == 1, title
    # One graph (#19): the metric clicked, by hour today, the previous period dashed beside it.
    assert page.locator("svg.chart").count() == 1
    page.click("nav.tabs >> text=Referrers")
    assert "duckduckgo.com" in page.inner_text("body")
    assert out.stat().st_size > 20_000
