"""Goals and funnels (footfall/report/goals.py, footfall/report/funnels.py) against a hand-computed fixture:
the daily job's SQL and the raw-row rules give the same numbers."""

import pytest
from hypothesis import given, settings, strategies

from footfall.report import funnels, goals, insights
from footfall.report.funnels import Funnel
from footfall.report.goals import parse_goal
from support.schema import memory_database

DAY = "2026-11-20"
T0 = 1_795_132_800_000  # 2026-11-20T00:00:00Z
MIN = 60_000

PRICING = parse_goal("/pricing")
SIGNUP = parse_goal("signup")
THANKS = parse_goal("/thanks/*")
KNOWN = {g.name: g for g in (PRICING, SIGNUP, THANKS)}
FUNNEL = Funnel("Sign-up", (PRICING.name, SIGNUP.name, THANKS.name), "s")

# (visitor, minute, page or "!event", bot class, status)
ACTS = [
    # a: the whole funnel in order, with a page in between.
    ("a", 0, "/", "person", None),
    ("a", 1, "/pricing", "person", None),
    ("a", 2, "!signup", "person", None),
    ("a", 3, "/about/", "person", None),
    ("a", 4, "/thanks/pro", "person", None),
    # b: pricing, then thanks without signing up: step 1 only.
    ("b", 0, "/pricing", "person", None),
    ("b", 2, "/thanks/basic", "person", None),
    # c: signed up before seeing pricing: step 1 only (steps count in order).
    ("c", 0, "!signup", "person", None),
    ("c", 5, "/pricing", "person", None),
    # d: thanks first (does not count), then pricing and signup: steps 1 and 2.
    ("d", 0, "/thanks/x", "person", None),
    ("d", 1, "/pricing", "person", None),
    ("d", 2, "!signup", "person", None),
    # e: a crawler does everything: never counted.
    ("e", 0, "/pricing", "ai_crawler", None),
    ("e", 1, "!signup", "ai_crawler", None),
    ("e", 2, "/thanks/y", "ai_crawler", None),
    # f: a person who only reads; g: a 404 on /pricing is not a page view.
    ("f", 0, "/about/", "person", None),
    ("g", 0, "/pricing", "person", 404),
]
# Hand-computed. People: a, b, c, d, f (5 daily unique visitors).
GOALS = {
    "Visit /pricing": {"visitors": 4, "conversions": 4},  # a, b, c, d
    "signup": {"visitors": 3, "conversions": 3},  # a, c, d
    "Visit /thanks/*": {"visitors": 3, "conversions": 3},  # a, b, d
}
STEPS = [4, 2, 1]  # pricing: a b c d; then signup: a d; then thanks: a


@pytest.fixture
def con():
    con = memory_database()
    # c's event needs a page view before it: c's entry view on / at minute 0.
    con.execute(
        "INSERT INTO pageviews (uuid, site, ts, day, path, visitor, seconds, last_ts, bot_class) "
        "VALUES ('c-entry', 's', ?, ?, '/', 'c', 3, ?, 'person')",
        (T0 - 1, DAY, T0 + 2999),
    )
    return con


def seeded(con):
    views = {"c": "c-entry"}
    for n, (visitor, minute, page, bot_class, status) in enumerate(ACTS):
        ts = T0 + minute * MIN + n
        if page.startswith("!"):
            con.execute(
                "INSERT INTO events (uuid, seq, site, ts, day, type, name, path, bot_class) "
                "VALUES (?, ?, 's', ?, ?, 'custom', ?, '/', ?)",
                (views[visitor], n, ts, DAY, page[1:], bot_class),
            )
            continue
        uuid = f"{visitor}{n}"
        views[visitor] = uuid
        con.execute(
            "INSERT INTO pageviews (uuid, site, ts, day, path, visitor, seconds, last_ts, bot_class, status) "
            "VALUES (?, 's', ?, ?, ?, ?, 12, ?, ?, ?)",
            (uuid, ts, DAY, page, visitor, ts + 12_000, bot_class, status),
        )
    return con


def rows(con, sql, params=()):
    cur = con.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_the_jobs_sql_counts_goals_and_funnel_steps_as_computed_by_hand(con):
    seeded(con)
    found = insights.Definitions([PRICING, SIGNUP, THANKS], [FUNNEL])
    for st in insights.rollup(DAY, found):
        con.execute(st.sql, st.params)
    got = {
        r["goal"]: {"visitors": r["visitors"], "conversions": r["conversions"]}
        for r in rows(con, "SELECT * FROM daily_goals")
    }
    assert got == GOALS
    steps = {r["step"]: r["visitors"] for r in rows(con, "SELECT * FROM daily_funnels WHERE funnel = 'Sign-up'")}
    assert [steps.get(n, 0) for n in (1, 2, 3)] == STEPS


def test_raw_rows_give_the_same_numbers(con):
    seeded(con)
    views = [
        r
        for r in rows(con, "SELECT uuid, day, ts, path, visitor, bot_class, status FROM pageviews")
        if r["bot_class"] in ("person", "ai_assistant") and r["status"] != 404
    ]
    events = rows(con, "SELECT uuid, day, ts, type, name, props FROM events")
    acts = goals.acts_of(views, events)
    assert goals.count([PRICING, SIGNUP, THANKS], acts) == GOALS
    assert funnels.walk(FUNNEL, KNOWN, acts) == STEPS


@pytest.mark.parametrize(
    "pattern,path,matches",
    [
        ("/docs/*", "/docs/a/b", True),
        ("/docs/*", "/docs", False),
        ("/blog*", "/blog", True),
        ("/*/edit", "/post/1/edit", True),
        ("/a?b", "/a?b", True),  # only * is special
        ("/a?b", "/axb", False),
        ("/[x]", "/[x]", True),
        ("/[x]", "/x", False),
        ("/thanks/", "/thanks/", True),
        ("/thanks/", "/Thanks/", False),
    ],
    ids=lambda v: str(v),
)
def test_page_goal_wildcards_match_alike_in_python_and_in_sqlite(pattern, path, matches):
    goal = parse_goal(pattern)
    assert goals.matcher(goal)("page", path) is matches
    con = memory_database()
    assert bool(con.execute("SELECT ? GLOB ?", (path, goals.glob(pattern))).fetchone()[0]) is matches


@settings(max_examples=400, deadline=None)
@given(
    pattern=strategies.text(alphabet="/ab*", max_size=8).filter(lambda p: p.startswith("/")),
    path=strategies.text(alphabet="/ab", max_size=10),
)
def test_page_goal_wildcards_match_as_sqlites_glob_whatever_the_pattern(pattern, path):
    con = memory_database()
    truth = bool(con.execute("SELECT ? GLOB ?", (path, goals.glob(pattern))).fetchone()[0])
    assert goals.glob_matches(pattern)(path) is truth


class CountingText(str):
    searches = 0

    def find(self, *args):
        CountingText.searches += 1
        return super().find(*args)


def test_a_page_goal_looks_for_each_part_once_whatever_the_path():
    # A visitor's path of 2,047 slashes against "/*/*/*/thanks": a regular expression of `.*`
    # runs backtracked through it for seconds on every dashboard load.
    CountingText.searches = 0
    assert goals.glob_matches("/*/*/*/thanks")(CountingText("/" * 2047)) is False
    assert goals.glob_matches("/*/*/*/thanks")(CountingText("/" * 2040 + "thanks")) is True
    assert CountingText.searches <= 2 * 2


@pytest.mark.parametrize(
    "text,kind,name",
    [("/thanks/", "page", "Visit /thanks/"), ("signup", "event", "signup"), (" /docs/* ", "page", "Visit /docs/*")],
)
def test_a_goal_is_a_path_or_an_event_name(text, kind, name):
    goal = parse_goal(text)
    assert (goal.kind, goal.name) == (kind, name)


@pytest.mark.parametrize("text", ["", "   ", "sign up!", "x" * 65, "/" + "a" * 512, "/a\x00b", None, 3])
def test_a_goal_that_is_neither_is_refused(text):
    with pytest.raises(Exception, match="goal"):
        parse_goal(text)


def test_a_funnel_needs_two_to_eight_known_goals():
    known = [PRICING, SIGNUP, THANKS]
    assert funnels.parse_funnel("F", "Visit /pricing, signup", known, "s").steps == ("Visit /pricing", "signup")
    for steps in (["signup"], ["signup"] * 9, ["signup", "nope"]):
        with pytest.raises(Exception, match="funnel|goal"):
            funnels.parse_funnel("F", steps, known, "s")


def test_the_goals_variable_is_read_or_named_when_wrong():
    from footfall.settings import parse_settings

    settings = parse_settings({"GOALS": "/thanks/, /docs/*, signup"})
    assert [(g.name, g.kind, g.site) for g in settings.goals] == [
        ("Visit /thanks/", "page", "*"),
        ("Visit /docs/*", "page", "*"),
        ("signup", "event", "*"),
    ]
    wrong = parse_settings({"GOALS": "/thanks/, sign up!"})
    assert wrong.goals == () and wrong.problem is not None and wrong.problem.setting == "GOALS"
