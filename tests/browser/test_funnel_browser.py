"""Goals and a 3-step funnel in real Chromium (issue #15): three people walk the demo site
through the Worker, one of them signs up with footfall('signup', {plan: 'pro'}), another by
clicking an element tagged data-footfall-event / data-footfall-prop-plan; the dashboard and
the stats API report the hand-computed numbers, unfiltered and filtered by channel.

The visits go to their own host (funnel.test, mapped to the Worker by Chromium's resolver), so
no other test's page views are in these numbers."""

import json
from urllib.parse import urlencode, urlsplit

import pytest
from tracker_helpers import Beacons, wait_for_rows

from support.chromium import CHROMIUM, PERSON
from support.http import post_json, request
from support.owner import BEARER

HOST = "funnel.test"
# As tests/browser/conftest.py launches Chromium (not imported: with the runtime tier in the
# same run, `conftest` is another folder's), plus the resolver rule for HOST.
GOALS = ("/about/", "signup", "/blog/*")
STEPS = "Visit /about/\nsignup\nVisit /blog/*"
TAGGED = """() => {
  const b = document.createElement('button');
  b.textContent = 'Sign up';
  b.dataset.footfallEvent = 'signup';
  b.dataset.footfallPropPlan = 'free';
  document.body.append(b);
}"""


@pytest.fixture(scope="module")
def site(worker, playwright_instance):
    port = urlsplit(worker).port
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=[*PERSON, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"],
    )
    yield browser, f"http://{HOST}:{port}"
    browser.close()


def owner(worker, method, target, body=None, content_type="application/x-www-form-urlencoded"):
    headers = {**BEARER, "Host": HOST, "Accept": "application/json", "Content-Type": content_type}
    return request(worker, method, target, body, headers=headers)


def person(browser, ip):
    user_agent = (
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{browser.version} Safari/537.36"
    )
    ctx = browser.new_context(user_agent=user_agent, extra_http_headers={"CF-Connecting-IP": ip})
    return ctx, ctx.new_page()


def api(worker, **extra):
    body = {"site_id": HOST, "date_range": "day", "metrics": ["visitors", "events", "conversion_rate"]}
    reply = post_json(worker, "/_ff/api/v1/query", {**body, **extra}, headers={**BEARER, "Host": HOST})
    assert reply.status == 200, reply.body[:300]
    return {tuple(r["dimensions"]): r["metrics"] for r in json.loads(reply.body)["results"]}


def test_a_three_step_funnel_and_goals_walked_in_chromium(site, worker, db):
    browser, base = site
    for goal in GOALS:
        assert (
            owner(worker, "POST", "/_ff/goals", urlencode({"action": "add-goal", "goal": goal}).encode()).status == 204
        )
    funnel = urlencode({"action": "add-funnel", "name": "Read and sign up", "steps": STEPS}).encode()
    assert owner(worker, "POST", "/_ff/goals", funnel).status == 204

    # A, from Google: home, About, signs up (pro) there, then the blog: the whole funnel.
    ctx, page = person(browser, "198.51.100.61")
    beacons = Beacons(page)
    page.goto(base + "/", referer="https://www.google.com/")
    page.click("text=About")
    page.wait_for_url("**/about/")
    beacons.wait_for("init", 2)
    page.evaluate("footfall('signup', {plan: 'pro'})")
    beacons.wait_for("event")
    page.click("text=Blog")
    page.wait_for_url("**/blog/hello.html")
    beacons.wait_for("init", 3)
    ctx.close()
    # B, direct: About, then the blog, no sign-up: step 1.
    ctx, page = person(browser, "198.51.100.62")
    beacons = Beacons(page)
    page.goto(base + "/about/")
    page.click("text=Blog")
    page.wait_for_url("**/blog/hello.html")
    beacons.wait_for("init", 2)
    ctx.close()
    # C, direct: signs up (free) with a tagged button on the home page, then About: step 1
    # only (the sign-up came first).
    ctx, page = person(browser, "198.51.100.63")
    beacons = Beacons(page)
    page.goto(base + "/")
    beacons.wait_for("init")
    page.evaluate(TAGGED)
    page.click("text=Sign up")
    beacons.wait_for("event")
    page.click("text=About")
    page.wait_for_url("**/about/")
    beacons.wait_for("init", 2)
    ctx.close()

    wait_for_rows(db, "SELECT * FROM pageviews WHERE site = ?", (HOST,), count=7)
    events = wait_for_rows(db, "SELECT name, props FROM events WHERE site = ?", (HOST,), count=2)
    assert sorted((e["name"], e["props"]) for e in events) == [
        ("signup", '{"plan": "free"}'),
        ("signup", '{"plan": "pro"}'),
    ]

    # Hand-computed: three people; About: A B C; signup: A C; blog: A B.
    assert api(worker, dimensions=["event:goal"]) == {
        ("Visit /about/",): [3, 3, 100.0],
        ("signup",): [2, 2, 66.67],
        ("Visit /blog/*",): [2, 2, 66.67],
    }
    assert api(worker, dimensions=["event:goal"], filters=[["is", "visit:channel", ["Organic Search"]]]) == {
        ("Visit /about/",): [1, 1, 100.0],
        ("signup",): [1, 1, 100.0],
        ("Visit /blog/*",): [1, 1, 100.0],
    }
    # Events carrying the property, and the page views and the other events without it.
    assert api(worker, dimensions=["event:props:plan"], metrics=["events"]) == {
        ("free",): [1],
        ("pro",): [1],
        ("(none)",): [7],
    }
    # A regular expression, matched in the runtime's Python against each page (queryv2).
    assert api(worker, filters=[["matches", "event:page", ["^/blog/"]]], metrics=["visitors"]) == {(): [2]}

    dashboard = request(worker, "GET", "/_ff/dashboard?period=today", headers={**BEARER, "Host": HOST})
    html = dashboard.body.decode()
    assert "Funnel: Read and sign up" in html
    # Steps 3, 1, 1: a third of step 1 got through.
    assert "Overall conversion: <b>33.3 %</b>" in html
    assert ">66.7 %<" in html  # the sign-up goal's conversion rate
    filtered = request(worker, "GET", "/_ff/dashboard?period=today&channel=search", headers={**BEARER, "Host": HOST})
    assert "Overall conversion: <b>100.0 %</b>" in filtered.body.decode()
