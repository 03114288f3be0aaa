"""Run a stats report: all its statements in one D1 batch, then assemble (footfall.stats)."""

from adapters import d1
from footfall import stats


async def run(env, query: stats.Query) -> tuple[dict, int]:
    """The report and the rows D1 read to make it."""
    statements = stats.plan(query)
    results = await d1.batch(env, statements)
    rows = {s.name: r.rows for s, r in zip(statements, results)}
    return stats.assemble(query, rows), sum(r.rows_read for r in results)
