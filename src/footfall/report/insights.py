"""The owner's next questions, on top of a report (footfall.report.stats): goals and their conversion
rates, funnels, custom events' properties, exit pages and visit duration (issue #15).

Like the report itself, no number depends on whether the daily job has run: rolled-up days
come from `daily_goals`, `daily_funnels`, `daily_props` and `daily_pages.exits`, which the job
writes in the same batch as the day's other rollups (`rollup`), and the days after from the
raw rows the report already reads (plus the custom events of those days), through the same
rules (footfall.report.goals, footfall.report.funnels, footfall.report.props). Under filters everything comes from
the selected visits' raw rows, as the report's other numbers do.

- A visit's **duration** is the sum of its page views' visible seconds; the report's
  `visit_duration` is the mean over its visits.
- A visit's **exit page** is its last page view's path; a page's exit rate is its exits over
  its page views.
"""

import json
from collections import defaultdict
from typing import NamedTuple

from footfall.database.store import Statement
from footfall.days import month_bounds
from footfall.report import funnels, goals, queries, visits
from footfall.report.funnels import Funnel
from footfall.report.goals import Goal
from footfall.report.visits import ratio


class Definitions(NamedTuple):
    goals: list[Goal]
    funnels: list[Funnel]


def definitions(goal_rows: list[dict], funnel_rows: list[dict], variable: tuple[Goal, ...] = ()) -> Definitions:
    """The goals and funnels in force: the GOALS variable's and the stored ones."""
    return Definitions(goals.merge(variable, goal_rows), funnels.from_rows(funnel_rows))


def props_rollup(scope: queries.Scope) -> tuple[str, list]:
    """INSERT per (site, day, type, name, key, value): the people's events carrying that
    property value, and their daily unique visitors (events on their page view's day, as
    footfall.report.queries.events counts them)."""
    where, params = queries.people_views(scope._replace(filters=()), alias="p")
    return (
        f"""INSERT INTO daily_props (site, day, type, name, key, value, count, visitors)
SELECT p.site, p.day, e.type, COALESCE(e.name, ''), j.key, j.value, COUNT(*), COUNT(DISTINCT p.visitor)
FROM pageviews p JOIN events e ON e.uuid = p.uuid, json_each(e.props) j
WHERE {where} AND e.props IS NOT NULL
GROUP BY p.site, p.day, e.type, e.name, j.key, j.value""",
        params,
    )


PROPS_ROLLED = (
    "SELECT type, name, key, value, SUM(count) AS count, SUM(visitors) AS visitors FROM daily_props "
    f"WHERE site = ? AND day >= ? AND day <= MIN(?, {queries.DONE}) GROUP BY type, name, key, value"
)


def props_count(events: list[dict], views_by_uuid: dict[str, dict]) -> list[dict]:
    """Raw custom events (of selected people's page views) -> rows shaped as ROLLED's, on
    their page view's day (as props_rollup counts them)."""
    groups: dict[tuple, list] = defaultdict(lambda: [0, set()])
    for e in events:
        view = views_by_uuid.get(e["uuid"])
        if view is None or not e.get("props"):
            continue
        for key, value in json.loads(e["props"]).items():
            group = groups[(view["day"], e["type"], e["name"] or "", key, value)]
            group[0] += 1
            if view["visitor"] is not None:
                group[1].add(view["visitor"])
    return [
        {"day": d, "type": t, "name": n, "key": k, "value": v, "count": c, "visitors": len(who)}
        for (d, t, n, k, v), (c, who) in groups.items()
    ]


# ---- the daily job ----------------------------------------------------------------------------

_EXITS = """
INSERT INTO daily_pages (site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, seconds_hist,
                         exits)
{cte},
ends AS (
  SELECT site, day, path,
         ROW_NUMBER() OVER (PARTITION BY site, day, visitor, visit_no ORDER BY ts DESC) AS from_last
  FROM numbered
)
SELECT site, day, path, 0, 0, 0, 0, 0, 0, '{{}}', COUNT(*) FROM ends WHERE from_last = 1 GROUP BY site, day, path
ON CONFLICT (site, day, path) DO UPDATE SET exits = excluded.exits
"""
_MONTH_EXITS = """
INSERT INTO monthly_pages (site, month, path, views, visitors, visits, bounces, seconds_sum, seconds_count,
                           seconds_hist, hits, not_found, exits)
SELECT site, ?1, path, 0, 0, 0, 0, 0, 0, '{}', 0, 0, SUM(exits) FROM daily_pages
WHERE day BETWEEN ?2 AND ?3 GROUP BY site, path
ON CONFLICT (site, month, path) DO UPDATE SET exits = excluded.exits
"""


# The rollup tables this module fills (footfall.database.rollups lists the others).
ROLLED_TABLES = ("daily_goals", "daily_funnels", "daily_props")


def rollup(day: str, found: Definitions) -> list[Statement]:
    """One day's goals, funnels, properties and exits, for every site: statements that follow
    the day's other rollups (and its month's) in the job's batch (footfall.database.rollups)."""
    scope = queries.Scope(day, day)
    out = [Statement(f"delete_{table}", f"DELETE FROM {table} WHERE day = ?", (day,)) for table in ROLLED_TABLES]
    if found.goals:
        out.append(Statement("rollup_goals", *_tuple(goals.rollup(scope, found.goals))))
    known = {g.name: g for g in found.goals}
    for n, funnel in enumerate(found.funnels):
        if all(step in known for step in funnel.steps):
            out.append(Statement(f"rollup_funnel_{n}", *_tuple(funnels.rollup(scope, funnel, known))))
    out.append(Statement("rollup_props", *_tuple(props_rollup(scope))))
    cte, params = queries._visits_cte(scope)
    out.append(Statement("rollup_exits", _EXITS.format(cte=cte), tuple(params)))
    out.append(Statement("rollup_month_exits", _MONTH_EXITS, month_bounds(day)))
    return out


def _tuple(built: tuple[str, list]) -> tuple[str, tuple]:
    return built[0], tuple(built[1])


def backfill(site: str, goal: Goal | None, funnel: Funnel | None, known: dict[str, Goal]) -> list[Statement]:
    """A new goal's or funnel's numbers for the days already rolled up, from the raw rows still
    kept (older days have none for it: its from_day says so)."""
    scope = queries.Scope("0000-01-01", "9999-12-31", site)
    if goal is not None:
        return [
            Statement("clear_goal", "DELETE FROM daily_goals WHERE site = ? AND goal = ?", (site, goal.name)),
            Statement("backfill_goal", *_tuple(goals.rollup(scope, [goal], capped=True))),
        ]
    assert funnel is not None
    return [
        Statement("clear_funnel", "DELETE FROM daily_funnels WHERE site = ? AND funnel = ?", (site, funnel.name)),
        Statement("backfill_funnel", *_tuple(funnels.rollup(scope, funnel, known, capped=True))),
    ]


# ---- the report -------------------------------------------------------------------------------


def plan(q, rollup_days: tuple[str, str] | None, raw_days: tuple[str, str] | None) -> list[Statement]:
    """Statements for the report's batch (stats.plan's split of the range: rollup days only
    without filters)."""
    out = [
        Statement("i_goals", goals.SITE_DEFINITIONS, (q.site,)),
        Statement("i_funnels", funnels.SITE_DEFINITIONS, (q.site,)),
    ]
    if rollup_days:
        args = (q.site, *rollup_days)
        out += [
            Statement("i_r_goals", goals.ROLLED, args),
            Statement("i_r_funnels", funnels.ROLLED, args),
            Statement("i_r_props", PROPS_ROLLED, args),
        ]
    if raw_days:
        scope = queries.Scope(raw_days[0], raw_days[1], q.site, unrolled=not q.filters)
        where, params = queries.events_scope(scope).where()  # the raw page views' events
        out.append(
            Statement(
                "i_t_custom",
                f"SELECT uuid, day, ts, type, name, props FROM events WHERE {where} AND type = 'custom'",
                tuple(params),
            )
        )
    return out


def _selected_views(q, raw_rows: list[dict]) -> tuple[list[visits.Visit], list[dict]]:
    chosen = [v for v in visits.visits_of(raw_rows) if visits.selected(v, q.filters, queries.FILTER_COLUMNS)]
    return chosen, [view for visit in chosen for view in visit.views]


def assemble(q, rows: dict[str, list[dict]], report: dict, variable: tuple[Goal, ...] = ()) -> dict:
    """The report's goals, funnels, event properties, exit pages and visit duration."""
    found = definitions(rows.get("i_goals", []), rows.get("i_funnels", []), variable)
    chosen, views = _selected_views(q, rows.get("t_rows", []))
    custom = rows.get("i_t_custom", [])
    acts = goals.acts_of(views, custom)
    known = {g.name: g for g in found.goals}
    total_visitors = report["totals"]["visitors"]

    raw_goals = goals.count(found.goals, acts)
    rolled_goals = {r["goal"]: r for r in rows.get("i_r_goals", [])}
    goal_rows = []
    for g in found.goals:
        rolled = rolled_goals.get(g.name, {})
        visitors_ = raw_goals[g.name]["visitors"] + (rolled.get("visitors") or 0)
        conversions = raw_goals[g.name]["conversions"] + (rolled.get("conversions") or 0)
        goal_rows.append(
            {
                "name": g.name,
                "kind": g.kind,
                "pattern": g.pattern,
                "variable": g.site == goals.EVERY_SITE,
                "from_day": g.from_day or None,
                "visitors": visitors_,
                "conversions": conversions,
                "conversion_rate": ratio(visitors_, total_visitors),
            }
        )

    rolled_steps: dict[str, dict[int, int]] = defaultdict(dict)
    for r in rows.get("i_r_funnels", []):
        rolled_steps[r["funnel"]][r["step"]] = r["visitors"]
    funnel_rows = []
    for f in found.funnels:
        if not all(step in known for step in f.steps):
            continue
        counts = funnels.walk(f, known, acts)
        counts = [n + rolled_steps[f.name].get(i, 0) for i, n in enumerate(counts, 1)]
        funnel_rows.append(funnels.report(f, counts))

    by_uuid = {v["uuid"]: v for v in views}
    groups: dict[tuple, dict[str, int]] = defaultdict(lambda: {"count": 0, "visitors": 0})
    for r in rows.get("i_r_props", []) + props_count(custom, by_uuid):
        group = groups[(r["type"], r["name"], r["key"], r["value"])]
        group["count"] += r["count"]
        group["visitors"] += r["visitors"]  # daily unique visitors, summed over days
    prop_rows = [
        {"type": t, "name": n, "key": k, "value": v, **g}
        for (t, n, k, v), g in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][2], -kv[1]["count"], kv[0][3]))
    ]

    # Exits: rolled-up page rows (footfall.report.stats reads them with their exits), then the
    # selected raw visits.
    page_filter = next((v for k, v in q.filters if queries.FILTER_COLUMNS[k] == "path"), None)
    exits: dict[str, dict[str, int]] = defaultdict(lambda: {"exits": 0, "views": 0})
    for r in _rolled_pages(rows):
        exits[r["path"]]["exits"] += r.get("exits") or 0
        exits[r["path"]]["views"] += r.get("views") or 0
    for visit in chosen:
        exits[visit.views[-1]["path"]]["exits"] += 1
        for v in visit.views:
            if page_filter is None or v["path"] == page_filter:
                exits[v["path"]]["views"] += 1
    ranked = sorted((p for p in exits if exits[p]["exits"]), key=lambda p: (-exits[p]["exits"], p))
    return {
        "goals": goal_rows,
        "funnels": funnel_rows,
        "props": prop_rows[:100],
        "exit_pages": [
            {"path": p, "exits": exits[p]["exits"], "exit_rate": ratio(exits[p]["exits"], exits[p]["views"])}
            for p in ranked[: q.top or None]  # 0: every row (the stats API pages them itself)
        ],
        "visit_duration": mean_duration(q, rows, report["totals"]["visits"], chosen),
    }


def _rolled_pages(rows: dict[str, list[dict]]) -> list[dict]:
    return [r for key, values in rows.items() if key.startswith("r_pages") for r in values]


def mean_duration(q, rows: dict[str, list[dict]], visit_count: int, chosen: list | None = None) -> int | None:
    """Mean visit duration in seconds: every people's page view belongs to one visit, so the
    rolled-up days' durations are their pages' seconds; raw days' are the selected visits'."""
    if chosen is None:
        chosen = _selected_views(q, rows.get("t_rows", []))[0]
    seconds = sum(r.get("seconds_sum") or 0 for r in _rolled_pages(rows))
    seconds += sum(v["seconds"] or 0 for visit in chosen for v in visit.views)
    return round(seconds / visit_count) if visit_count else None
