"""The whole report the dashboard shows and the stats API answers from: footfall.report.stats's
numbers, footfall.report.insights's goals, funnels, properties and exits, and (on the dashboard) the
earlier period's numbers from footfall.report.compare, all read in ONE D1 batch."""

from footfall.database.store import Store
from footfall.report import compare, insights, stats
from footfall.report.goals import Goal


async def report(
    store: Store, q: stats.Query, goals: tuple[Goal, ...] = (), against: str = compare.OFF
) -> tuple[dict, dict[str, int]]:
    """The report, and the rows the store read for each of its statements."""
    rollup, raw, _ = stats._parts(q)

    def finish(out: dict, rows: dict[str, list[dict]]) -> None:
        out.update(insights.assemble(q, rows, out, goals))
        out["totals"]["visit_duration"] = out.pop("visit_duration")
        out["compare"] = compare.assemble(q, against, rows, out["totals"])

    return await stats.report(store, q, insights.plan(q, rollup, raw) + compare.plan(q, against), finish)
