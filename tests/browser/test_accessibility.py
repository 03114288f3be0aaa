"""The dashboard and the login page for everyone (#19 item 5), in real Chromium: axe-core's
WCAG 2 A and AA rules (npm axe-core, injected into the page) find nothing on any view of the
dashboard, light and dark, nor on the login page; at phone width the graph's labels are at
least 11 px, the tables fit 360 px and the controls are 44 px tap targets."""

import pytest

from support.http import new_uuid, post_json, request
from support.owner import DASHBOARD_TOKEN
from support.processes import ROOT

AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
SITE = "a11y.test"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
VIEWS = [
    "period=today",
    "period=yesterday",
    "period=7d",
    "period=30d&interval=week",
    "period=12mo",
    "period=today&metric=bounce_rate",
    "period=today&channel=search",
    "period=today&sources=referrer_host&pages=entry_pages&devices=os",
    "period=today&list=pages&q=a",
    "period=today&list=referrer_host",
]
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' '))}));
}"""


@pytest.fixture(scope="module")
def seeded(worker):
    """A little of everything a view can show, on a site of its own."""
    headers = {"Host": SITE, "User-Agent": CHROME, "Accept-Language": "en", "Sec-Fetch-Mode": "no-cors"}
    for n, (page, referrer) in enumerate(
        [("/", "https://www.google.com/"), ("/about/", "https://news.ycombinator.com/"), ("/blog/hello.html", "")]
    ):
        client = {**headers, "CF-Connecting-IP": f"198.51.100.{60 + n}", "CF-IPCountry": "SE"}
        uuid = new_uuid()
        post_json(worker, "/_ff/init", {"uuid": uuid, "page": page, "referrer": referrer}, headers=client)
        post_json(worker, "/_ff/heartbeat", {"uuid": uuid, "total": 12}, headers=client)
    request(worker, "GET", "/missing-page", headers={**headers, "CF-Connecting-IP": "198.51.100.70"})
    return worker


def logged_in(new_person_context, worker, **options):
    context = new_person_context(bypass_csp=True, **options)  # the dashboard's CSP would refuse axe's script
    page = context.new_page()
    page.goto(worker + "/_ff/login")
    page.fill("input[name=token]", DASHBOARD_TOKEN)
    page.click("button")
    page.wait_for_url("**/_ff/dashboard")
    return page


def violations(page) -> list[dict]:
    page.add_script_tag(content=AXE)
    return page.evaluate(RUN_AXE)


def test_the_harness_finds_a_violation_where_there_is_one(new_person_context):
    page = new_person_context(bypass_csp=True).new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="data:,"></main></html>')
    assert [v["id"] for v in violations(page)] == ["image-alt"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_view_of_the_dashboard(new_person_context, seeded, scheme):
    page = logged_in(new_person_context, seeded, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    found = {}
    for view in VIEWS:
        page.goto(f"{seeded}/_ff/dashboard?site={SITE}&{view}")
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        found[view] = violations(page)
    assert {view: v for view, v in found.items() if v} == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_login_page(new_person_context, worker, scheme):
    page = new_person_context(bypass_csp=True, color_scheme=scheme).new_page()
    page.goto(worker + "/_ff/login")
    assert violations(page) == []
    page.fill("input[name=token]", "not the token at all")
    page.click("button")
    page.wait_for_load_state("load")
    assert violations(page) == []


PHONE_CHECKS = """() => {
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const labels = [...document.querySelectorAll('.axis span, .ymax, .legend')];
  const wide = [...document.querySelectorAll('main section')].filter((s) => s.scrollWidth > s.clientWidth + 1);
  const targets = [...document.querySelectorAll('header nav a, nav.tabs a, a.more, button, summary, .totals a')];
  const small = targets.filter((t) => t.getBoundingClientRect().height < 44 && t.offsetParent !== null);
  return {
    labels: labels.length,
    smallest_label: Math.min(...labels.map(px)),
    overflowing: wide.map((s) => s.querySelector('h2')?.textContent),
    small_targets: small.map((t) => t.textContent.trim()),
    page_overflows: document.documentElement.scrollWidth > innerWidth,
  };
}"""


@pytest.mark.parametrize("width", [360, 390])
def test_at_phone_width_labels_are_readable_tables_fit_and_targets_are_44_px(new_person_context, seeded, width):
    page = logged_in(
        new_person_context, seeded, viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True
    )
    for view in ("period=today", "period=30d", "period=today&list=pages"):
        page.goto(f"{seeded}/_ff/dashboard?site={SITE}&{view}")
        checks = page.evaluate(PHONE_CHECKS)
        assert checks["smallest_label"] >= 11 or checks["labels"] == 0, (view, checks)
        assert checks["overflowing"] == [] and not checks["page_overflows"], (view, checks)
        assert checks["small_targets"] == [], (view, checks)
