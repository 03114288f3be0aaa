"""Funnels: 2 to 8 goals in order, and how many visitors got how far.

The rule (held by the hand-computed fixture in tests/unit/test_funnels.py): a visitor is one
visitor id on one day (ids are salted per day, footfall/collect/visitors.py), so a funnel is walked
within a day. A visitor enters step 1 with their first conversion of its goal that day, and
reaches step k with their first conversion of step k's goal strictly after the moment they
reached step k-1; anything in between is allowed. Each step's number is the daily unique
visitors who reached it, summed over the days of the range; drop-off is the previous step's
number minus this one's. Under the dashboard's filters only the selected visits' page views
and events count.

Written twice, held equal by the tests: `walk` for raw rows, `rollup` (one statement per
funnel: the first time of each step per visitor, step by step) for the daily job.
"""

import json
import re
from collections import defaultdict
from typing import NamedTuple

from footfall.errors import Rejection
from footfall.report import goals, queries
from footfall.report.goals import EVENT, PAGE, Act, Goal

MIN_STEPS, MAX_STEPS = 2, 8
MAX_FUNNELS = 20
_NAME_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f]{1,120}$")


class Funnel(NamedTuple):
    name: str
    steps: tuple[str, ...]  # goal names, in order
    site: str
    from_day: str = ""


def parse_funnel(name: object, steps: object, known: list[Goal], site: str) -> Funnel:
    """A funnel named `name` over `steps` (goal names, a list or one per line / comma)."""
    if not isinstance(name, str) or not _NAME_RE.match(name.strip()):
        raise Rejection(400, "invalid_funnel", "a funnel needs a name of 1 to 120 characters")
    if isinstance(steps, str):
        steps = [s.strip() for s in re.split(r"[\n,]", steps) if s.strip()]
    if not isinstance(steps, list) or not MIN_STEPS <= len(steps) <= MAX_STEPS:
        raise Rejection(400, "invalid_funnel", f"a funnel has {MIN_STEPS} to {MAX_STEPS} steps, each a goal")
    names = {g.name for g in known}
    unknown = [s for s in steps if s not in names]
    if unknown:
        raise Rejection(400, "invalid_funnel", "every step must be a goal's name: add the goal first")
    return Funnel(name.strip(), tuple(steps), site)


def from_rows(rows: list[dict]) -> list[Funnel]:
    return [Funnel(r["name"], tuple(json.loads(r["steps"])), r["site"], r["from_day"]) for r in rows]


def _clause(goal: Goal, alias: str) -> tuple[str, str]:
    """SQL condition on an `acts` row matching one goal, and its parameter."""
    if goal.kind == PAGE:
        return f"{alias}.kind = '{PAGE}' AND {alias}.key GLOB ?", goals.glob(goal.pattern)
    return f"{alias}.kind = '{EVENT}' AND {alias}.key = ?", goal.pattern


def rollup(scope: queries.Scope, funnel: Funnel, known: dict[str, Goal], capped: bool = False) -> tuple[str, list]:
    """INSERT the scope's visitors per (site, day, step) of one funnel into daily_funnels.
    s1..sN: each visitor's first time at each step after the previous one; no compound SELECT
    (D1 allows at most 5 terms): the steps reached come from one join, counted per step
    number through json_each."""
    acts, params = goals.acts_cte(scope._replace(site=funnel.site), capped)
    ctes, joins, reached = [acts], [], []
    for n, name in enumerate(funnel.steps, 1):
        clause, param = _clause(known[name], "a")
        if n == 1:
            ctes.append(f"s1 AS (SELECT site, day, visitor, MIN(ts) AS t FROM acts a WHERE {clause} GROUP BY 1, 2, 3)")
        else:
            ctes.append(
                f"s{n} AS (SELECT a.site, a.day, a.visitor, MIN(a.ts) AS t FROM acts a JOIN s{n - 1} b "
                f"ON b.site = a.site AND b.day = a.day AND b.visitor IS a.visitor WHERE a.ts > b.t AND {clause} "
                "GROUP BY 1, 2, 3)"
            )
            joins.append(f"LEFT JOIN s{n} ON s{n}.site = s1.site AND s{n}.day = s1.day AND s{n}.visitor IS s1.visitor")
            reached.append(f"(s{n}.t IS NOT NULL)")
        params.append(param)
    steps = json.dumps(list(range(1, len(funnel.steps) + 1)))
    ctes.append(f"reached AS (SELECT s1.site, s1.day, {' + '.join(['1', *reached])} AS n FROM s1 {' '.join(joins)})")
    return (
        "INSERT INTO daily_funnels (site, day, funnel, step, visitors)\nWITH "
        + ",\n".join(ctes)
        + "\nSELECT r.site, r.day, ?, j.value, COUNT(*) FROM reached r, json_each(?) j WHERE j.value <= r.n "
        "GROUP BY r.site, r.day, j.value",
        params + [funnel.name, steps],
    )


DEFINITIONS = "SELECT site, name, steps, from_day FROM funnels"
SITE_DEFINITIONS = DEFINITIONS + " WHERE site = ?"
ROLLED = (
    "SELECT funnel, step, SUM(visitors) AS visitors FROM daily_funnels "
    f"WHERE site = ? AND day >= ? AND day <= MIN(?, {queries.DONE}) GROUP BY funnel, step"
)


def walk(funnel: Funnel, known: dict[str, Goal], acts: list[Act]) -> list[int]:
    """Visitors per step from raw acts (any order): per (day, visitor), greedily in time."""
    matchers = [goals.matcher(known[name]) for name in funnel.steps]
    by_visitor: dict[tuple, list[Act]] = defaultdict(list)
    for a in acts:
        by_visitor[(a.day, a.visitor)].append(a)
    counts = [0] * len(matchers)
    for own in by_visitor.values():
        own.sort(key=lambda a: a.ts)
        since = None
        for step, match in enumerate(matchers):
            at = next((a.ts for a in own if (since is None or a.ts > since) and match(a.kind, a.key)), None)
            if at is None:
                break
            counts[step] += 1
            since = at
    return counts


def report(funnel: Funnel, visitors: list[int]) -> dict:
    """One funnel's steps: visitors, drop-off from the step before, share of step 1."""
    first = visitors[0] if visitors else 0
    steps = []
    for n, (name, count) in enumerate(zip(funnel.steps, visitors, strict=True)):
        before = visitors[n - 1] if n else count
        steps.append(
            {
                "goal": name,
                "visitors": count,
                "dropoff": before - count,
                "conversion_rate": round(count / first, 4) if first else None,
            }
        )
    return {
        "name": funnel.name,
        "steps": steps,
        "conversion_rate": round(visitors[-1] / first, 4) if first else None,
        "from_day": funnel.from_day,
    }
