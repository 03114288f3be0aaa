"""The whole report the dashboard shows and the stats API answers from: footfall.stats's
numbers, footfall.insights's goals, funnels, properties and exits, and (on the dashboard) the
earlier period's numbers from footfall.compare, all read in ONE D1 batch."""

from footfall import compare, insights, stats
from footfall.goals import Goal
from footfall.store import Store


async def report(
    store: Store, q: stats.Query, goals: tuple[Goal, ...] = (), against: str = compare.OFF
) -> tuple[dict, dict[str, int]]:
    """The report, and the rows the store read for each of its statements."""
    rollup, raw, _ = stats._parts(q)
    statements = stats.plan(q) + insights.plan(q, rollup, raw) + compare.plan(q, against)
    results = await store.batch(statements)
    rows = {s.name: r.rows for s, r in zip(statements, results, strict=True)}
    out = stats.assemble(q, rows)
    out.update(insights.assemble(q, rows, out, goals))
    out["totals"]["visit_duration"] = out.pop("visit_duration")
    out["compare"] = compare.assemble(q, against, rows, out["totals"], out["totals"]["visit_duration"])
    return out, {s.name: r.rows_read for s, r in zip(statements, results, strict=True)}
