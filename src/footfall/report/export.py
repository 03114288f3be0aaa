"""CSV export of one table for one site and a range of days, EXPORT_PAGE rows at a time.

Table and column names come from EXPORT_TABLES only; the site, days and offset are bound.
"""

import csv
import io

from footfall.database.store import Statement

EXPORT_TABLES = {
    "pageviews": (
        "uuid, site, ts, day, path, referrer, referrer_host, internal, channel, utm_source, utm_medium, "
        "utm_campaign, utm_term, utm_content, visitor, country, browser, os, device, bot_class, "
        "bot_score, bot_reasons, status, seconds, last_ts, region, region_name, city",
        "ts, uuid",
    ),
    "events": ("uuid, seq, site, ts, day, type, name, path, url, anchor_text, bot_class, props", "ts, uuid, seq"),
    "hits": ("id, site, ts, day, path, status, visitor, country, bot_class, bot_score, bot_reasons", "id"),
    "daily_pages": (
        "site, day, path, views, visitors, visits, bounces, seconds_sum, seconds_count, seconds_hist, hits, not_found, "
        "tracked",
        "day, path",
    ),
    "daily_dimensions": ("site, day, dimension, value, views, visitors", "day, dimension, value"),
    "daily_events": ("site, day, type, name, url, count, visitors", "day, type, name, url"),
}
EXPORT_PAGE = 5000
MAX_PAGE = 100_000


def statement(table: str, site: str, day_from: str, day_to: str, page: int) -> Statement:
    columns, order = EXPORT_TABLES[table]  # KeyError for anything not listed
    return Statement(
        f"export_{table}",
        f"SELECT {columns} FROM {table} WHERE site = ? AND day BETWEEN ? AND ? "
        f"ORDER BY {order} LIMIT {EXPORT_PAGE + 1} OFFSET ?",
        (site, day_from, day_to, page * EXPORT_PAGE),
    )


# A leading = + - @ makes spreadsheets run a cell as a formula, and so can a tab or a carriage
# return before one (OWASP, "CSV Injection"): visitors control these cells.
_FORMULA_STARTS = frozenset("=+-@\t\r")


def _cell(value):
    # value[:1] of "" is "", which `in` a string always finds: an empty cell became "'".
    return "'" + value if isinstance(value, str) and value[:1] in _FORMULA_STARTS else value


def to_csv(table: str, rows: list[dict]) -> tuple[str, bool]:
    """The CSV text of at most EXPORT_PAGE rows, and whether more rows follow."""
    names = [c.strip() for c in EXPORT_TABLES[table][0].split(",")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows[:EXPORT_PAGE]:
        writer.writerow([_cell(row[n]) for n in names])
    return out.getvalue(), len(rows) > EXPORT_PAGE
