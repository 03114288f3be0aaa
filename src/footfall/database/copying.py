"""Moving a deployment's rows between its D1 database and its Durable Objects (#18): D1 ->
one object per site when a site outgrows one database, and objects -> D1 for an export
(`wrangler d1 export` works on D1 only).

The owner's command (tools/copy-store.py) drives it through the owner-only route
`POST {prefix}/api/v1/copy` (handlers/copying.py), in small steps, so that no request comes near
a Worker's limits (50 subrequests on the free plan, CPU time):

1. `plan`: the units to copy for each site: a table and a day (raw rows and daily rollups), a
   month (monthly rollups), or the whole table (the site's goals, funnels, its `sites` row;
   and into an object, the salts and how far the rollups are done), each with its source count;
2. `copy`: one page of one unit: read PAGE_ROWS rows from the source, write them to the target
   in one statement (`INSERT OR IGNORE` on the table's key, the rows as one JSON parameter, so a
   page is two calls whatever its size and no statement nears the 100 bound parameters);
3. `check`: the unit's rows counted on both sides: the target holds at least the source's.

While pages are being written the target's maintenance waits (rollups.MARK_COPYING): an object's
alarm or D1's cron rolling a day up from rows half copied would keep wrong rollups, which the
copied ones, inserted only where missing, would not replace. A day rolled up already that
receives raw rows it lacked goes back to raw rows to be rolled up again (rollups.unroll_after),
and the rollup mark copied is the earlier of the two, the target's later rollups undone alike.

Idempotent: a second run changes nothing but what grew in the source since (a page view's
time on page and scroll); every key is the table's own, and a hit, whose id is only its
database's, is matched on its values instead. Tables not copied: storage_log (one
database's size), owner_session (the owner logs in again), day_clock (maintenance sets it).
"""

import json
import re
from typing import NamedTuple

from footfall.database import rollups
from footfall.database.store import Statement, Store
from footfall.days import shift_day

# Rows read and written per copy step: a pageviews row is ~400 bytes of JSON, so a page is
# ~200 KB, far below the 2 MB a bound string may hold on D1 and in an object.
PAGE_ROWS = 500
DIRECTIONS = ("to-objects", "to-d1")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class Table(NamedTuple):
    name: str
    scope: str  # "day", "month", "site" (the site's rows), "all" (no site column) or "mark" (the rollup mark)
    order: str  # a total order for paging (the key)
    # Columns that identify a row when its own key cannot (hits: the id is per database).
    match: tuple[str, ...] = ()
    directions: tuple[str, ...] = DIRECTIONS
    # On a key the target has already: what to take from the source (ON CONFLICT ... DO UPDATE),
    # else the target's row is kept.
    merge: str = ""


# A page view copied once goes on getting heartbeats in the source for hours (time on page,
# scroll, last_ts only ever grow): a later run brings the grown values over, and only those.
_PAGEVIEW_MERGE = (
    "ON CONFLICT (uuid) DO UPDATE SET seconds = MAX(seconds, excluded.seconds), "
    "scroll = CASE WHEN scroll IS NULL OR excluded.scroll > scroll THEN excluded.scroll ELSE scroll END, "
    "last_ts = excluded.last_ts WHERE excluded.last_ts > pageviews.last_ts"
)
_EARLIER_MARK = (
    "ON CONFLICT (task) DO UPDATE SET done_until = excluded.done_until, updated_ts = excluded.updated_ts "
    "WHERE excluded.done_until < maintenance.done_until"
)
# A rank among the unit's hits of the same values (two requests in one millisecond): the copy
# writes the n-th only while the target holds fewer than n, on whichever page each one falls.
_RANK = "dup_rank"


TABLES: tuple[Table, ...] = (
    Table("pageviews", "day", "uuid", merge=_PAGEVIEW_MERGE),
    Table("events", "day", "uuid, seq"),
    Table("hits", "day", "ts, id", match=("site", "day", "ts", "path", "status", "visitor", "bot_class")),
    Table("daily_pages", "day", "path"),
    Table("daily_dimensions", "day", "dimension, value"),
    Table("daily_events", "day", "type, name, url"),
    Table("daily_totals", "day", "day"),
    Table("daily_goals", "day", "goal"),
    Table("daily_funnels", "day", "funnel, step"),
    Table("daily_props", "day", "type, name, key, value"),
    Table("monthly_pages", "month", "path"),
    Table("monthly_dimensions", "month", "dimension, value"),
    Table("monthly_events", "month", "type, name, url"),
    Table("sites", "site", "site"),
    Table("goals", "site", "name"),
    Table("funnels", "site", "name"),
    # Into an object only: today's salt keeps today's visitor ids across the switch.
    Table("salts", "all", "day", directions=("to-objects",)),
    # How far the rollups are done: the copied days' rollups are not made again. The earlier of
    # the two marks wins (a D1 taking several objects back holds the earliest of theirs).
    Table("maintenance", "mark", "task", merge=_EARLIER_MARK),
)
# Raw rows: a day that receives some after its rollup is rolled up again (LOWER_MARK).
RAW_TABLES = frozenset({"pageviews", "events", "hits"})
BY_NAME = {t.name: t for t in TABLES}


class Unit(NamedTuple):
    site: str
    table: str
    key: str  # the day, the month, or "" (the whole table)
    rows: int = 0  # in the source, when planned


def tables_for(direction: str) -> list[Table]:
    return [t for t in TABLES if direction in t.directions]


def _where(table: Table) -> str:
    return {
        "day": "site = ? AND day = ?",
        "month": "site = ? AND month = ?",
        "site": "site = ?",
        "all": "1 = 1",
        "mark": "task = 'rollup'",
    }[table.scope]


def _params(table: Table, unit: Unit) -> tuple:
    return {"day": (unit.site, unit.key), "month": (unit.site, unit.key), "site": (unit.site,)}.get(table.scope, ())


def plan_statements(direction: str, site: str) -> list[Statement]:
    """One count per table and day/month (or per table) of `site` in the source."""
    out = []
    for table in tables_for(direction):
        key = {"day": "day", "month": "month"}.get(table.scope, "''")
        whole = table.scope in ("all", "mark")  # no site column
        where = _where(table) if whole else "site = ?"
        out.append(
            Statement(
                f"plan_{table.name}",
                f"SELECT {key} AS key, COUNT(*) AS n FROM {table.name} WHERE {where} GROUP BY {key} ORDER BY {key}",
                () if whole else (site,),
            )
        )
    return out


SITES_IN_D1 = Statement(
    "copy_sites",
    "SELECT site FROM sites UNION SELECT DISTINCT site FROM daily_totals UNION SELECT DISTINCT site FROM pageviews "
    "UNION SELECT DISTINCT site FROM hits ORDER BY 1",
    (),
)


def units(direction: str, site: str, counts: list[list[dict]]) -> list[Unit]:
    """The plan's units from the answers to plan_statements (in the same order)."""
    out = []
    for table, rows in zip(tables_for(direction), counts, strict=True):
        out += [Unit(site, table.name, str(r["key"]), int(r["n"])) for r in rows if r["n"]]
    return out


def read_page(unit: Unit, offset: int, limit: int = PAGE_ROWS) -> Statement:
    table = BY_NAME[unit.table]
    columns = "*"
    if table.match:
        columns = f"*, ROW_NUMBER() OVER (PARTITION BY {', '.join(table.match)} ORDER BY id) AS {_RANK}"
    return Statement(
        f"copy_read_{table.name}",
        f"SELECT {columns} FROM {table.name} WHERE {_where(table)} ORDER BY {table.order} LIMIT ? OFFSET ?",
        (*_params(table, unit), limit, offset),
    )


def write_page(unit: Unit, rows: list[dict]) -> Statement | None:
    """One statement that inserts what the target lacks of `rows` (None when there are none).
    Column names come from the source's own rows, and must be plain identifiers."""
    if not rows:
        return None
    table = BY_NAME[unit.table]
    columns = [c for c in rows[0] if not (table.match and c in ("id", _RANK))]
    if not all(_NAME.match(c) for c in columns):
        raise ValueError(f"unexpected column in {table.name}")
    values = ", ".join(f"json_extract(j.value, '$.{c}')" for c in columns)
    names = ", ".join(columns)
    sent = [*columns, _RANK] if table.match else columns
    if table.match:  # no key of its own to ignore on: write the n-th of equal rows while fewer are there
        same = " AND ".join(f"t.{c} IS json_extract(j.value, '$.{c}')" for c in table.match)
        sql = (
            f"INSERT INTO {table.name} ({names}) SELECT {values} FROM json_each(?) j "
            f"WHERE (SELECT COUNT(*) FROM {table.name} t WHERE {same}) < json_extract(j.value, '$.{_RANK}')"
        )
    elif table.merge:  # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT
        sql = f"INSERT INTO {table.name} ({names}) SELECT {values} FROM json_each(?) j WHERE true {table.merge}"
    else:
        sql = f"INSERT OR IGNORE INTO {table.name} ({names}) SELECT {values} FROM json_each(?) j"
        if table.name in ROLLUP_TABLES:
            sql += f" WHERE {_ROLLED[table.scope]}"
    payload = json.dumps([{c: r[c] for c in sent} for r in rows], separators=(",", ":"))
    return Statement(f"copy_write_{table.name}", sql, (payload,))


# Rollup rows are taken only where the target's mark says they belong: for days it has rolled up
# (later ones it reads from raw rows and rolls up itself), months before its mark's. A target
# without a mark yet (a first copy) takes them all; the mark, copied last, settles the rest.
ROLLUP_TABLES = frozenset({*rollups.DAILY_TABLES, *rollups.MONTHLY_TABLES})
_MARK = "(SELECT done_until FROM maintenance WHERE task = 'rollup')"
_ROLLED = {
    "day": f"({_MARK} IS NULL OR json_extract(j.value, '$.day') <= {_MARK})",
    "month": f"({_MARK} IS NULL OR json_extract(j.value, '$.month') < substr({_MARK}, 1, 7))",
}
READ_MARK = Statement("copy_read_mark", f"SELECT {_MARK} AS mark", ())


def _beyond_mark(unit: Unit, mark: str | None) -> bool:
    """A rollup unit the target leaves to its own rollups (see _ROLLED)."""
    if unit.table not in ROLLUP_TABLES or mark is None:
        return False
    return unit.key > mark if BY_NAME[unit.table].scope == "day" else unit.key >= mark[:7]


def count(unit: Unit) -> Statement:
    table = BY_NAME[unit.table]
    sql = f"SELECT COUNT(*) AS n FROM {table.name} WHERE {_where(table)}"
    return Statement(f"copy_count_{table.name}", sql, _params(table, unit))


class Step(NamedTuple):
    read: int
    written: int
    next_offset: int | None


async def copy_page(
    source: Store, target: Store, unit: Unit, offset: int, now_ms: int, redo_from: str, limit: int = PAGE_ROWS
) -> Step:
    """One page of `unit`. `redo_from`: the oldest day whose raw rows the source still holds in
    full (raw rows of older days are purged there), the oldest a rollup may be made again from."""
    rows = (await source.execute(read_page(unit, offset, limit))).rows
    statement = write_page(unit, rows)
    written = 0
    if statement is not None:
        # The page and the mark that holds the target's maintenance back while the copy runs.
        mark = Statement("copy_mark", rollups.MARK_COPYING, (now_ms,))
        written = (await target.batch([statement, mark]))[0].changes
        if written and unit.table in RAW_TABLES and unit.key >= redo_from:
            # A day the target may have rolled up already got raw rows it lacked (the day of
            # the switch, rolled up by the object from its own rows before the second copy
            # brought D1's): back to raw rows, to be rolled up again from all of them.
            await target.batch(rollups.unroll_after(shift_day(unit.key, -1), now_ms))
        elif written and unit.table == "maintenance":
            # The mark arrived or an earlier one won: whatever the target holds of rollups past
            # it goes back to raw rows, and its month is summed again from the days copied.
            mark = (await target.execute(READ_MARK)).rows[0]["mark"]
            await target.batch(rollups.unroll_after(mark, now_ms))
    return Step(len(rows), written, offset + len(rows) if len(rows) == limit else None)


async def check(source: Store, target: Store, unit: Unit) -> dict:
    """The unit's rows on both sides; `ok` when the target holds at least the source's (it may
    hold more: rows it received itself, before or after the switch)."""
    there = (await source.execute(count(unit))).rows[0]["n"]
    here = (await target.execute(count(unit))).rows[0]["n"]
    if unit.table in ROLLUP_TABLES and _beyond_mark(unit, (await target.execute(READ_MARK)).rows[0]["mark"]):
        return {"source": there, "target": here, "ok": True, "rolled_up_by": "target"}
    return {"source": there, "target": here, "ok": here >= there}
