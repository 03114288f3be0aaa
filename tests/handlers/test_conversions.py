"""Goals, a funnel, event properties, exit pages, visit duration and the comparison with the
previous period, end to end in process (issue #15): beacons in, goals and a funnel added
through {prefix}/goals, numbers out of the dashboard's report and the stats API, against
hand-computed truth: from raw rows, after the daily job from the rollups (a funnel added
after the job is counted again from the raw rows kept), filtered and unfiltered."""

import uuid as uuid_module
from pathlib import Path

import pytest

from app.http import Client
from footfall.api import statsapi
from footfall.report import overview
from footfall.settings import parse_settings
from support.inprocess import BROWSER_UA, InProcess, run_sync
from support.owner import BEARER, DASHBOARD_TOKEN

DAY, YESTERDAY = "2026-11-20", "2026-11-19"
NOON = 1_795_176_000_000  # 2026-11-20 12:00 UTC
GOOGLE = "https://www.google.com/"
INSIDE = "https://example.com/"
JSON = {**BEARER, "accept": "application/json", "content-type": "application/x-www-form-urlencoded"}
STEPS = "Visit /pricing\nsignup\nVisit /thanks/*"


class Visitor:
    def __init__(self, app: InProcess, ip: str):
        self.app, self.client, self.last = app, Client(ip=ip, country="DE"), None
        self.headers = {"user-agent": BROWSER_UA, "accept-language": "en", "sec-fetch-mode": "no-cors"}

    def view(self, page: str, referrer: str, seconds: int) -> "Visitor":
        self.last = str(uuid_module.uuid4())
        body = {"uuid": self.last, "page": page, "referrer": referrer}
        assert self.app.post("/_ff/init", body, headers=self.headers, client=self.client).status == 204
        self.app.advance(seconds * 1000)
        beat = {"uuid": self.last, "total": seconds}
        assert self.app.post("/_ff/heartbeat", beat, headers=self.headers, client=self.client).status == 204
        self.app.advance(1000)
        return self

    def signup(self, plan: str) -> "Visitor":
        event = {"uuid": self.last, "seq": 1, "type": "custom", "name": "signup", "page": "/", "props": {"plan": plan}}
        assert self.app.post("/_ff/event", event, headers=self.headers, client=self.client).status == 204
        self.app.advance(1000)
        return self


@pytest.fixture
def app():
    variables = {"DASHBOARD_TOKEN": DASHBOARD_TOKEN, "EVENT_NAMES": "signup", "GOALS": "/pricing, signup"}
    app = InProcess(variables, now_ms=NOON - 86_400_000)
    Visitor(app, "198.51.100.5").view("/", "", 4)  # yesterday: one visitor, one bounce
    app.advance(86_400_000 - 10_000)
    # V1 from Google: /, /pricing, signs up (pro), /thanks/pro. One visit of 35 s.
    Visitor(app, "198.51.100.1").view("/", GOOGLE, 10).view("/pricing", INSIDE, 20).signup("pro").view(
        "/thanks/pro", INSIDE + "pricing", 5
    )
    # V2 direct: /pricing, /thanks/basic (no sign-up). 12 s.
    Visitor(app, "198.51.100.2").view("/pricing", "", 8).view("/thanks/basic", INSIDE + "pricing", 4)
    # V3 from Google: /pricing for 3 s, a bounce.
    Visitor(app, "198.51.100.3").view("/pricing", GOOGLE, 3)
    # V4 direct: signs up (free) on /, then /pricing: the sign-up came before the pricing page.
    Visitor(app, "198.51.100.4").view("/", "", 30).signup("free").view("/pricing", INSIDE, 6)
    return app


# Hand-computed. People today: V1..V4 (4 daily unique visitors, 4 visits).
GOALS = {"Visit /pricing": [4, 4, 100.0], "signup": [2, 2, 50.0], "Visit /thanks/*": [2, 2, 50.0]}
# Only the visits from Google (V1, V3): 2 visitors.
GOALS_SEARCH = {"Visit /pricing": [2, 2, 100.0], "signup": [1, 1, 50.0], "Visit /thanks/*": [1, 1, 50.0]}
FUNNEL = [4, 1, 1]  # pricing: V1-V4; then signup: V1 (V4 signed up before pricing); then thanks: V1
FUNNEL_SEARCH = [2, 1, 1]
EXITS = {"/pricing": (2, 0.5), "/thanks/pro": (1, 1.0), "/thanks/basic": (1, 1.0)}  # V3, V4 left on /pricing
DURATION = 22  # (35 + 12 + 3 + 36) s / 4 visits = 21.5, rounded


def add(app, **form):
    reply = app.post("/_ff/goals", "&".join(f"{k}={v}" for k, v in form.items()), headers=JSON)
    return reply


def api(app, dimension: str, filters: str = "", metrics: str = "visitors,events,conversion_rate") -> dict:
    params = f"date_range=custom&from={DAY}&to={DAY}&metrics={metrics}&dimensions={dimension}"
    reply = app.get(f"/_ff/api/v1/query?{params}" + (f"&filters={filters}" if filters else ""), headers=BEARER)
    assert reply.status == 200, reply.text()
    return {r["dimensions"][0]: r["metrics"] for r in reply.json()["results"]}


def report(app, against: str = "off", **params) -> dict:
    settings = parse_settings(app.variables)
    q, _ = statsapi.parse_dashboard(
        {"period": "custom", "from": DAY, "to": DAY, **params}, settings, app.site, app.now_ms
    )
    return run_sync(overview.report(app.store, q, settings.goals, against))[0]


def numbers(app, **filters) -> dict:
    r = report(app, **filters)
    return {
        "goals": {
            g["name"]: [g["visitors"], g["conversions"], round(g["conversion_rate"] * 100, 2)] for g in r["goals"]
        },
        "funnel": [s["visitors"] for s in r["funnels"][0]["steps"]] if r["funnels"] else None,
        "exits": {p["path"]: (p["exits"], p["exit_rate"]) for p in r["exit_pages"]},
        "duration": r["totals"]["visit_duration"],
        "props": {(p["name"], p["key"], p["value"]): p["count"] for p in r["props"]},
    }


TRUTH = {
    "goals": GOALS,
    "funnel": FUNNEL,
    "exits": EXITS,
    "duration": DURATION,
    "props": {("signup", "plan", "pro"): 1, ("signup", "plan", "free"): 1},
}


def test_goals_funnel_exits_and_duration_from_raw_rows_and_after_the_job(app):
    assert add(app, action="add-goal", goal="/thanks/*").status == 204
    assert add(app, action="add-funnel", name="Sign-up", steps=STEPS).status == 204
    assert numbers(app) == TRUTH
    assert api(app, "event:goal") == GOALS
    search = numbers(app, channel="search")
    assert (search["goals"], search["funnel"]) == (GOALS_SEARCH, FUNNEL_SEARCH)
    assert api(app, "event:goal", "channel==Organic%20Search") == GOALS_SEARCH

    app.advance(20 * 3600 * 1000)  # the next day, 08:00: the job rolls up both days
    assert app.run_maintenance()["rolled_up"] == [YESTERDAY, DAY]
    assert numbers(app) == TRUTH
    assert api(app, "event:goal") == GOALS
    assert api(app, "visit:exit_page", metrics="visits") == {"/pricing": [2], "/thanks/pro": [1], "/thanks/basic": [1]}
    search = numbers(app, channel="search")
    assert (search["goals"], search["funnel"]) == (GOALS_SEARCH, FUNNEL_SEARCH)


def test_a_goal_and_a_funnel_added_after_the_job_are_counted_again_from_the_raw_rows(app):
    app.advance(20 * 3600 * 1000)
    app.run_maintenance()
    assert app.rows("SELECT * FROM daily_goals WHERE goal = 'Visit /thanks/*'") == []
    assert add(app, action="add-goal", goal="/thanks/*").status == 204
    assert add(app, action="add-funnel", name="Sign-up", steps=STEPS).status == 204
    assert numbers(app) == TRUTH
    assert {r["step"]: r["visitors"] for r in app.rows("SELECT * FROM daily_funnels WHERE day = ?", (DAY,))} == {
        1: 4,
        2: 1,
        3: 1,
    }


def test_removing_goals_and_funnels(app):
    assert add(app, action="add-goal", goal="/thanks/*").status == 204
    assert add(app, action="add-funnel", name="Sign-up", steps=STEPS).status == 204
    in_use = add(app, action="remove-goal", name="Visit /thanks/*")
    assert in_use.status == 409 and in_use.json()["error"] == "goal_in_funnel"
    assert add(app, action="remove-funnel", name="Sign-up").status == 204
    assert add(app, action="remove-goal", name="Visit /thanks/*").status == 204
    assert set(numbers(app)["goals"]) == {"Visit /pricing", "signup"}  # the GOALS variable's stay
    shadow = add(app, action="add-goal", goal="signup")
    assert shadow.status == 409


@pytest.mark.parametrize(
    "form,status",
    [
        ({"action": "add-goal", "goal": "sign up!"}, 400),
        ({"action": "add-funnel", "name": "F", "steps": "signup"}, 400),
        ({"action": "add-funnel", "name": "F", "steps": "signup%0Anot a goal"}, 400),
        ({"action": "drop-everything"}, 400),
    ],
    ids=["bad-goal", "one-step", "unknown-step", "unknown-action"],
)
def test_goal_changes_outside_the_rules_are_refused(app, form, status):
    assert add(app, **form).status == status


def test_strangers_cannot_change_goals(app):
    reply = app.post(
        "/_ff/goals", "action=add-goal&goal=/x", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert reply.status == 401
    assert app.rows("SELECT * FROM goals") == []


def test_a_form_from_another_site_is_refused(app):
    headers = {**JSON, "origin": "https://evil.example"}
    assert app.post("/_ff/goals", "action=add-goal&goal=/x", headers=headers).status == 403


def test_every_top_line_number_has_its_change_against_the_previous_period(app):
    r = report(app, against="previous")
    assert (r["compare"]["from"], r["compare"]["to"]) == (YESTERDAY, YESTERDAY)
    assert r["compare"]["totals"]["visitors"] == 1 and r["compare"]["totals"]["visit_duration"] == 4
    change = r["compare"]["change"]
    assert change["visitors"] == 300 and change["pageviews"] == 700  # 4 vs 1, 8 vs 1
    assert change["bounce_rate"] == -75.0  # 25 % (V3 of 4 visits) vs 100 %: 75 points down
    assert change["visit_duration"] == 450  # 22 s vs 4 s
    page = app.get(f"/_ff/dashboard?period=custom&from={DAY}&to={DAY}", headers=BEARER).text()
    assert page.count('class="change"') >= 6
    assert "▲ 300 %" in page and "▼ 75 pts" in page
    year = report(app, against="year")
    assert (year["compare"]["from"], year["compare"]["to"]) == ("2025-11-20", "2025-11-20")


def test_the_saved_goal_and_exit_queries_read_the_rollups(app):
    assert add(app, action="add-goal", goal="/thanks/*").status == 204
    app.advance(20 * 3600 * 1000)
    app.run_maintenance()
    folder = Path(__file__).resolve().parents[2] / "queries"

    def saved(name: str) -> list[dict]:  # "today" is this test's, not the wall clock's
        return app.rows((folder / name).read_text().replace("(SELECT day FROM local_today)", "'2026-11-21'"))

    goals = {r["goal"]: r for r in saved("goals.sql")}
    # 5 daily unique visitors over the two days (V5 yesterday, V1-V4 today).
    assert {g: (r["visitors"], r["conversions"], r["conversion_rate"]) for g, r in goals.items()} == {
        "Visit /pricing": (4, 4, 80.0),
        "signup": (2, 2, 40.0),
        "Visit /thanks/*": (2, 2, 40.0),
    }
    exits = {r["path"]: (r["exits"], r["exit_rate"]) for r in saved("exit-pages.sql")}
    assert exits == {"/pricing": (2, 50.0), "/thanks/pro": (1, 100.0), "/thanks/basic": (1, 100.0), "/": (1, 33.3)}
