"""{prefix}/goals: the owner adds and removes goals and funnels (the dashboard's forms, or a
POST with the Bearer token), without a redeploy.

Form fields: action (add-goal, remove-goal, add-funnel, remove-funnel), site, goal (a path or
an event name), name, steps (goal names, one per line). A new goal or funnel is counted over
the days already rolled up from the raw rows still kept (footfall.report.insights.backfill), in the
same batch that stores it; the answer sends the browser back to the dashboard.
"""

import json
from urllib.parse import parse_qsl, urlencode

from app.access import same_origin
from app.context import Context
from app.http import Request, Response, json_error, no_content, redirect
from footfall.collect.limits import MAX_SITE
from footfall.database.store import Statement
from footfall.days import local_day
from footfall.errors import Rejection
from footfall.report import funnels, goals, insights

MAX_FORM_BYTES = 4096
ACTIONS = ("add-goal", "remove-goal", "add-funnel", "remove-funnel")
# The first day a new goal or funnel covers: the oldest raw rows kept for the site.
_FROM_DAY = "(SELECT COALESCE(MIN(day), ?) FROM pageviews WHERE site = ?)"


async def change(request: Request, ctx: Context) -> Response:
    if not same_origin(request):
        return json_error(403, "cross_origin", "change goals from the dashboard's own page")
    form = dict(parse_qsl((await request.read_body(MAX_FORM_BYTES)).decode("utf-8", "replace")))
    action = form.get("action")
    if action not in ACTIONS:
        raise Rejection(400, "invalid_action", "action may be " + ", ".join(ACTIONS))
    site = (form.get("site") or ctx.site).lower()
    if len(site) > MAX_SITE:
        raise Rejection(400, "invalid_site", "site is a host name")
    today = local_day(ctx.now_ms, ctx.settings.day_offset_minutes)
    goal_rows, funnel_rows = await ctx.store.batch(
        [
            Statement("goals", goals.SITE_DEFINITIONS, (site,)),
            Statement("funnels", funnels.SITE_DEFINITIONS, (site,)),
        ]
    )
    found = insights.definitions(goal_rows.rows, funnel_rows.rows, ctx.settings.goals)
    known = {g.name: g for g in found.goals}
    name = (form.get("name") or "").strip()
    if action == "add-goal":
        goal = goals.parse_goal(form.get("goal"), site, form.get("name"))
        if any(g.name == goal.name for g in ctx.settings.goals):
            raise Rejection(409, "goal_exists", "the GOALS variable has a goal by that name")
        if goal.name not in known and len(goal_rows.rows) >= goals.MAX_GOALS:
            raise Rejection(409, "too_many_goals", f"a site has at most {goals.MAX_GOALS} goals")
        statements = [
            Statement(
                "add_goal",
                f"INSERT INTO goals (site, name, kind, pattern, from_day) VALUES (?, ?, ?, ?, {_FROM_DAY}) "
                "ON CONFLICT (site, name) DO UPDATE SET kind = excluded.kind, pattern = excluded.pattern, "
                "from_day = excluded.from_day",
                (site, goal.name, goal.kind, goal.pattern, today, site),
            ),
            *insights.backfill(site, goal, None, known),
        ]
    elif action == "remove-goal":
        if any(name in f.steps for f in found.funnels):
            raise Rejection(409, "goal_in_funnel", "a funnel uses this goal: remove the funnel first")
        statements = [
            Statement("remove_goal", "DELETE FROM goals WHERE site = ? AND name = ?", (site, name)),
            Statement("remove_goal_days", "DELETE FROM daily_goals WHERE site = ? AND goal = ?", (site, name)),
        ]
    elif action == "add-funnel":
        funnel = funnels.parse_funnel(name, form.get("steps"), found.goals, site)
        if funnel.name not in {f.name for f in found.funnels} and len(found.funnels) >= funnels.MAX_FUNNELS:
            raise Rejection(409, "too_many_funnels", f"a site has at most {funnels.MAX_FUNNELS} funnels")
        statements = [
            Statement(
                "add_funnel",
                f"INSERT INTO funnels (site, name, steps, from_day) VALUES (?, ?, ?, {_FROM_DAY}) "
                "ON CONFLICT (site, name) DO UPDATE SET steps = excluded.steps, from_day = excluded.from_day",
                (site, funnel.name, json.dumps(list(funnel.steps)), today, site),
            ),
            *insights.backfill(site, None, funnel, known),
        ]
    else:
        statements = [
            Statement("remove_funnel", "DELETE FROM funnels WHERE site = ? AND name = ?", (site, name)),
            Statement("remove_funnel_days", "DELETE FROM daily_funnels WHERE site = ? AND funnel = ?", (site, name)),
        ]
    await ctx.store.batch(statements)
    if (request.header("accept") or "").startswith("application/json"):
        return no_content()
    return redirect(f"{ctx.settings.prefix}/dashboard?{urlencode({'site': site})}")
