"""Goals: what the owner counts as a conversion, and who converted.

A goal is a page path, where `*` stands for any run of characters (`/docs/*`, as Plausible's
pageview goals: https://plausible.io/docs/pageview-goals), or the name of a custom event
(`signup`). Its conversions are the people's page views and custom events that match it; its
visitors the daily unique visitors with at least one (counted per day, as every visitor
number in footfall); its conversion rate those visitors over all visitors of the same
selection.

Goals live in D1 (table `goals`, per site), added and removed from the dashboard; the GOALS
variable adds goals for every site that the dashboard cannot remove. The daily job rolls up
each finished day per goal (`daily_goals`, footfall/report/insights.py); a goal added later is
counted again over the raw rows still kept, so its `from_day` says where its numbers start.

One rule, written twice and held equal by tests/unit/test_goals.py: `matches` here for raw
rows, `ROLLUP` (SQLite's GLOB, `*` alone special) for the job.
"""

import json
import re
from collections.abc import Callable
from typing import NamedTuple

from footfall.collect.text import CONTROL_RE
from footfall.errors import Rejection
from footfall.report import queries

PAGE, EVENT = "page", "event"
EVERY_SITE = "*"  # a goal from the GOALS variable
MAX_GOALS = 50
MAX_PATTERN = 512
MAX_NAME = 120
# A custom event's name, in a goal and in EVENT_NAMES (footfall.settings) alike.
EVENT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$")


class Goal(NamedTuple):
    name: str  # shown on the dashboard, the API's event:goal value
    kind: str  # PAGE or EVENT
    pattern: str  # the path (with * wildcards) or the event name
    site: str = EVERY_SITE
    from_day: str = ""  # the first day its numbers cover ('' : every day)


def _bad(message: str) -> Rejection:
    return Rejection(400, "invalid_goal", message)


def parse_goal(text: object, site: str = EVERY_SITE, name: object = None) -> Goal:
    """A page path starting with '/' (named "Visit <path>", as Plausible names them) or a custom
    event's name. `name` may give another display name."""
    if not isinstance(text, str) or not text.strip():
        raise _bad("a goal is a page path like /thanks/ or /docs/* or a custom event name")
    value = text.strip()
    if value.startswith("/"):
        if len(value) > MAX_PATTERN or CONTROL_RE.search(value):
            raise _bad(f"a page goal is a path of at most {MAX_PATTERN} characters")
        kind, default = PAGE, f"Visit {value}"
    elif EVENT_NAME_RE.fullmatch(value):
        kind, default = EVENT, value
    else:
        raise _bad("an event goal is a custom event name: letters, digits, space, _ . : - (at most 64)")
    if name is None or (isinstance(name, str) and not name.strip()):
        name = default
    if not isinstance(name, str) or len(name.strip()) > MAX_NAME or CONTROL_RE.search(name):
        raise _bad(f"a goal's name is at most {MAX_NAME} characters")
    return Goal(name.strip(), kind, value, site)


def parse_goals(raw: str | None) -> tuple[Goal, ...]:
    """The GOALS variable: goals separated by commas ("/thanks/, /docs/*, signup")."""
    goals = tuple(parse_goal(part) for part in (raw or "").split(",") if part.strip())
    if len(goals) > MAX_GOALS:
        raise _bad(f"at most {MAX_GOALS} goals")
    return goals


def merge(variable: tuple[Goal, ...], stored: list[dict]) -> list[Goal]:
    """The GOALS variable's goals, then the stored ones (a stored goal never shadows one of the
    variable's: adding one by that name is refused)."""
    names = {g.name for g in variable}
    return list(variable) + [
        Goal(r["name"], r["kind"], r["pattern"], r["site"], r["from_day"]) for r in stored if r["name"] not in names
    ]


def glob(pattern: str) -> str:
    """The pattern as an SQLite GLOB in which only `*` is special."""
    return "".join(f"[{c}]" if c in "?[" else c for c in pattern)


def glob_matches(pattern: str) -> Callable[[str], bool]:
    """Whether a text matches `pattern`, in which `*` is any run of characters (as the rollup's
    GLOB). The parts between stars are looked for left to right, each at its first place after
    the last: linear in the text. A regular expression of `.*` runs backtracked: with three stars
    a visitor's path of 2,000 slashes took seconds on every dashboard load."""
    if "*" not in pattern:
        return lambda text: text == pattern
    first, *middle, last = pattern.split("*")

    def matches(text: str) -> bool:
        if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
            return False
        at, end = len(first), len(text) - len(last)
        for part in middle:
            found = text.find(part, at, end)
            if found < 0:
                return False
            at = found + len(part)
        return True

    return matches


def matcher(goal: Goal):
    """(kind, key) -> whether a page view (PAGE, path) or custom event (EVENT, name) converts."""
    if goal.kind == PAGE:
        matches = glob_matches(goal.pattern)
        return lambda kind, key: kind == PAGE and key is not None and matches(key)
    return lambda kind, key: kind == EVENT and key == goal.pattern


def as_json(goals: list[Goal]) -> str:
    """Goals as the rollup SQL reads them (json_each): site, name, kind and what to match."""
    return json.dumps(
        [
            {"site": g.site, "name": g.name, "kind": g.kind, "match": glob(g.pattern) if g.kind == PAGE else g.pattern}
            for g in goals
        ]
    )


# ---- what converts: people's page views and custom events ----------------------------------


def acts_cte(scope: queries.Scope, capped: bool = False) -> tuple[str, list]:
    """`acts`: every people's page view (kind 'page', key = path) and every custom event of one
    (kind 'event', key = name), with the page view's day and visitor (visitor ids are per day)
    and its own time. `capped`: only days the daily job has rolled up."""
    where, params = queries.people_views(scope, alias="p")
    if capped:
        where += f" AND p.day <= {queries.DONE}"
    return (
        f"""acts AS (
  SELECT p.site, p.day, p.visitor, p.ts, '{PAGE}' AS kind, p.path AS key FROM pageviews p WHERE {where}
  UNION ALL
  SELECT p.site, p.day, p.visitor, e.ts, '{EVENT}', e.name FROM pageviews p JOIN events e ON e.uuid = p.uuid
  WHERE {where} AND e.type = 'custom'
)""",
        params + params,
    )


def rollup(scope: queries.Scope, goals: list[Goal], capped: bool = False) -> tuple[str, list]:
    """INSERT the scope's conversions per (site, day, goal) into daily_goals."""
    acts, params = acts_cte(scope, capped)
    return (
        f"""INSERT INTO daily_goals (site, day, goal, visitors, conversions)
WITH {acts},
g AS (
  SELECT json_extract(value, '$.site') AS site, json_extract(value, '$.name') AS name,
         json_extract(value, '$.kind') AS kind, json_extract(value, '$.match') AS match
  FROM json_each(?)
)
SELECT a.site, a.day, g.name, COUNT(DISTINCT a.visitor), COUNT(*)
FROM acts a JOIN g ON g.site IN ('{EVERY_SITE}', a.site) AND g.kind = a.kind
  AND CASE a.kind WHEN '{PAGE}' THEN a.key GLOB g.match ELSE a.key = g.match END
GROUP BY a.site, a.day, g.name""",
        params + [as_json(goals)],
    )


DEFINITIONS = "SELECT site, name, kind, pattern, from_day FROM goals"
SITE_DEFINITIONS = DEFINITIONS + " WHERE site = ?"
ROLLED = (
    "SELECT goal, SUM(visitors) AS visitors, SUM(conversions) AS conversions FROM daily_goals "
    f"WHERE site = ? AND day >= ? AND day <= MIN(?, {queries.DONE}) GROUP BY goal"
)


# ---- the same numbers from raw rows ---------------------------------------------------------


class Act(NamedTuple):
    day: str
    visitor: str | None
    ts: int
    kind: str
    key: str | None


def acts_of(views: list[dict], custom_events: list[dict]) -> list[Act]:
    """People's page views (already selected) and the custom events of those page views."""
    by_uuid = {v["uuid"]: v for v in views}
    out = [Act(v["day"], v["visitor"], v["ts"], PAGE, v["path"]) for v in views]
    for e in custom_events:
        view = by_uuid.get(e["uuid"])
        if view is not None and e["type"] == "custom":
            out.append(Act(view["day"], view["visitor"], e["ts"], EVENT, e["name"]))
    return out


def count(goals: list[Goal], acts: list[Act]) -> dict[str, dict[str, int]]:
    """Per goal name: daily unique visitors who converted, and conversions."""
    out = {}
    for goal in goals:
        match = matcher(goal)
        hits = [a for a in acts if match(a.kind, a.key)]
        visitors = {(a.day, a.visitor) for a in hits if a.visitor is not None}  # as SQL's COUNT(DISTINCT)
        out[goal.name] = {"visitors": len(visitors), "conversions": len(hits)}
    return out
