"""Run a stats report: all its statements in one D1 batch, then assemble (footfall.stats)."""

from adapters import d1
from footfall import stats


async def run(env, query: stats.Query) -> tuple[dict, dict[str, int]]:
    """The report, and the rows D1 read for each of its statements."""
    statements = stats.plan(query)
    results = await d1.batch(env, statements)
    rows = {s.name: r.rows for s, r in zip(statements, results)}
    return stats.assemble(query, rows), {s.name: r.rows_read for s, r in zip(statements, results)}


def cost_headers(rows_read: dict[str, int]) -> dict[str, str]:
    """What a load cost in D1 rows read, in total and per statement (for `make bench`)."""
    return {"x-footfall-rows-read": str(sum(rows_read.values())),
            "x-footfall-rows-read-detail": ",".join(f"{k}={v}" for k, v in rows_read.items())}
