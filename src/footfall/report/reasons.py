"""Why rows were set apart from people, for the dashboard: today's page loads and server hits
of a non-people class, counted per bot reason (footfall/classify/bots.py, footfall/collect/profile.py). Nothing
is dropped on the strength of a score; this is where the owner sees what the filter did and
why, for instance a client rotating its user agent (net:many-visitor-ids).

Today only: past days are rolled up without their reasons, and grouping raw rows over a long
range would cost D1 a read per row. One grouped statement per table, in one batch.
"""

from footfall.database.store import Statement
from footfall.report.queries import PEOPLE_SQL

_GROUPED = (
    "SELECT bot_reasons AS reasons, COUNT(*) AS n FROM {table} "
    f"WHERE day = ? AND site = ? AND bot_reasons IS NOT NULL AND bot_class NOT IN {PEOPLE_SQL} "
    "GROUP BY bot_reasons"
)


def plan(site: str, today: str) -> list[Statement]:
    return [
        Statement("reasons_pageviews", _GROUPED.format(table="pageviews"), (today, site)),
        Statement("reasons_hits", _GROUPED.format(table="hits"), (today, site)),
    ]


def tally(page_rows: list[dict], hit_rows: list[dict]) -> list[dict]:
    """[{reason, pageviews, hits}], most frequent first. A row with several reasons counts
    for each of them."""
    counts: dict[str, list[int]] = {}
    for column, rows in ((0, page_rows), (1, hit_rows)):
        for row in rows:
            for reason in (row["reasons"] or "").split(","):
                if reason:
                    counts.setdefault(reason, [0, 0])[column] += row["n"]
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1]), item[0]))
    return [{"reason": reason, "pageviews": p, "hits": h} for reason, (p, h) in ordered]
