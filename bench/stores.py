"""D1 and Durable Objects side by side (#18): what a page view stores and writes in each, by
table (indexes included), where each plan's limits bind at the configured retention, and what
a million page views cost on the paid plan.

The same statements in both: those of VIEWS proxied page views of one day (bench/capacity.py's
mix, after #10: a hit, the page load, its heartbeats and one view in ten with an outbound
click), made by footfall.collect.writes. D1: the local D1 in workerd (bench/d1_costs.mjs; D1's own
meta.rows_written). Durable Objects: the local runtime's object storage (bench/do_costs.mjs on
tools/local-runtime/do-storage.mjs, rowsWritten counted as D1 counts). Bytes by table from
SQLite's dbstat on each database file, less the same file right after the migrations.
"""

import json
import re
import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path

from bench import capacity
from support.processes import apply_migrations

VIEWS = capacity.VIEWS
RETENTION_DAYS = capacity.RETENTION_DAYS
MB, GB = 10**6, 10**9
# Cloudflare's published limits and prices (developers.cloudflare.com: workers/platform/pricing,
# d1/platform/pricing, d1/platform/limits, durable-objects/platform/pricing and /limits).
FREE = {
    "worker_requests": capacity.FREE_REQUESTS,
    "rows_written": capacity.FREE_ROWS_WRITTEN,
    "do_requests": 100_000,
}
D1_CAP = {"free": capacity.FREE_BYTES, "paid": capacity.PAID_BYTES}  # per database
DO_CAP = 10 * GB  # per object (a site); the free plan also caps an account at 5 GB in all
DO_FREE_ACCOUNT = 5 * GB
# "About 1,000 requests per second" per object (durable-objects/platform/limits): a soft limit.
DO_REQUESTS_PER_SECOND = 1_000
PRICE = {
    "worker_request": 0.30 / 1e6,  # Workers Paid, past 10 M a month
    "row_written": 1.00 / 1e6,  # D1 and SQLite Durable Objects alike, past 50 M a month
    "row_read": 0.001 / 1e6,  # past 25 billion a month
    "d1_gb_month": 0.75,  # past 5 GB
    "do_gb_month": 0.20,  # past 5 GB
    "do_request": 0.15 / 1e6,  # past 1 M a month; each RPC call is one
}
# Hourly alarms while raw rows are left (footfall.database.objects): 24 Durable Object requests and 24
# rows written (setAlarm is billed as one) a site a day, whatever the traffic.
ALARMS_PER_DAY = 24


def _table_of(sql: str) -> str:
    match = re.search(r"\b(?:INSERT(?: OR \w+)? INTO|UPDATE)\s+(\w+)", sql)
    return match.group(1) if match else "(read)"


def bytes_by_table(path: Path) -> dict[str, int]:
    """Bytes of each table with its indexes, from SQLite's dbstat (a copy is read: opening a
    database may checkpoint its WAL into it)."""
    con = sqlite3.connect(path)
    try:
        owner = dict(con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
        out: dict[str, int] = defaultdict(int)
        for name, size in con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            out[owner.get(name, name)] += size
        return dict(out)
    finally:
        con.close()


def _growth(after: dict[str, int], before: dict[str, int]) -> dict[str, float]:
    return {t: (after[t] - before.get(t, 0)) / VIEWS for t in after if after[t] != before.get(t, 0)}


def _summary(costs: dict, tables: dict[str, float], statements) -> dict:
    by_table: dict[str, float] = defaultdict(float)
    sql_of = {name: sql for name, sql, _ in statements}
    for name, t in costs["totals"].items():
        by_table[_table_of(sql_of[name])] += t["rows_written"] / VIEWS
    return {
        "rows_written": sum(t["rows_written"] for t in costs["totals"].values()) / VIEWS,
        "rows_read": sum(t["rows_read"] for t in costs["totals"].values()) / VIEWS,
        "written_by_table": dict(by_table),
        "bytes_by_table": tables,
        "bytes": sum(tables.values()),
        "size_per_view": (costs["size_after"] - costs["size_before"]) / VIEWS,
    }


def measure() -> dict:
    statements = capacity._statements(True, True)
    lines = "\n".join(json.dumps(s) for s in statements)
    with tempfile.TemporaryDirectory() as tmp:
        base, state = Path(tmp, "base"), Path(tmp, "state")
        apply_migrations(base)
        apply_migrations(state)
        d1 = capacity.node_json("bench/d1_costs.mjs", ["--persist-to", str(state)], lines)
        d1_tables = _growth(bytes_by_table(capacity.d1_file(state)), bytes_by_table(capacity.d1_file(base)))
        do_file, do_base = Path(tmp, "object.sqlite"), Path(tmp, "object-base.sqlite")
        do = capacity.node_json("bench/do_costs.mjs", ["--file", str(do_file), "--baseline", str(do_base)], lines)
        do_tables = _growth(bytes_by_table(do_file), bytes_by_table(do_base))
    requests = sum(share * capacity.requests_after(t) for t, share in capacity.MIX) + capacity.SCRIPT_PER_VIEW + 1
    return {
        "d1": _summary(d1, d1_tables, statements),
        "objects": {**_summary(do, do_tables, statements), "migration_rows_written": do["migration_rows_written"]},
        "store_calls": len(statements) / VIEWS,  # one D1 call or one RPC each
        "worker_requests": requests,
    }


def limits(m: dict) -> list[tuple[str, str, float]]:
    """(plan, limit, page views a day at which it binds), for each store."""
    d1, do = m["d1"], m["objects"]
    kept = RETENTION_DAYS
    return [
        (
            "both",
            "Workers Free, 100,000 requests a day (proxy mode: the page, its beacons, the script)",
            FREE["worker_requests"] / m["worker_requests"],
        ),
        ("D1", "Free, 100,000 rows written a day", FREE["rows_written"] / d1["rows_written"]),
        ("D1", f"Free, 500 MB, raw rows kept {kept} days", D1_CAP["free"] / (d1["bytes"] * kept)),
        ("D1", f"Paid, 10 GB, raw rows kept {kept} days", D1_CAP["paid"] / (d1["bytes"] * kept)),
        (
            "Durable Objects",
            "Free, 100,000 requests a day (one per store call)",
            FREE["do_requests"] / m["store_calls"],
        ),
        ("Durable Objects", "Free, 100,000 rows written a day", FREE["rows_written"] / do["rows_written"]),
        (
            "Durable Objects",
            f"Free, 5 GB for the account, raw rows kept {kept} days",
            DO_FREE_ACCOUNT / (do["bytes"] * kept),
        ),
        ("Durable Objects", f"Paid, 10 GB per site, raw rows kept {kept} days", DO_CAP / (do["bytes"] * kept)),
        (
            "Durable Objects",
            "Both plans, about 1,000 requests a second per object: page views a **second** per site",
            DO_REQUESTS_PER_SECOND / m["store_calls"],
        ),
    ]


def costs(m: dict) -> dict[str, dict[str, float]]:
    """Dollars per million page views on the paid plan, past the included amounts, with raw
    rows kept RETENTION_DAYS (a million views a month hold a million views' raw rows at 30)."""
    out = {}
    for store, s in (("D1", m["d1"]), ("Durable Objects", m["objects"])):
        held_gb = s["bytes"] * 1e6 * RETENTION_DAYS / 30 / GB
        items = {
            "Worker requests": m["worker_requests"] * 1e6 * PRICE["worker_request"],
            "rows written": s["rows_written"] * 1e6 * PRICE["row_written"],
            "rows read": m["d1"]["rows_read"] * 1e6 * PRICE["row_read"],
            "storage, a month": held_gb * PRICE["d1_gb_month" if store == "D1" else "do_gb_month"],
        }
        if store == "Durable Objects":
            items["object requests"] = m["store_calls"] * 1e6 * PRICE["do_request"]
        items["total"] = sum(items.values())
        out[store] = items
    return out


def _n(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.2f}"


def markdown(m: dict) -> str:
    d1, do = m["d1"], m["objects"]
    tables = sorted(set(d1["bytes_by_table"]) | set(do["bytes_by_table"]) | set(d1["written_by_table"]))
    lines = [
        "## Past one database: D1 and Durable Objects per page view",
        "",
        f"The statements of {VIEWS:,} proxied page views of one day (the mix of the section above: a hit, the "
        "page load, its heartbeats, one view in ten with an outbound click), run on the local D1 in workerd "
        "(`meta.rows_written`) and on the local runtime's Durable Object storage (one object, as one site has; "
        "`rowsWritten` counted as D1 counts). Bytes from SQLite's `dbstat` on each file, indexes included, less "
        f"the file right after the migrations. Store calls per view: {_n(m['store_calls'])} (one D1 call, or one RPC "
        "to the site's object, each).",
        "",
        "| table | D1 bytes / view | D1 rows written / view | Durable Objects bytes / view "
        "| Durable Objects rows written / view |",
        "|---|---|---|---|---|",
    ]
    for t in tables:
        lines.append(
            f"| {t} | {_n(d1['bytes_by_table'].get(t, 0))} | {_n(d1['written_by_table'].get(t, 0))} "
            f"| {_n(do['bytes_by_table'].get(t, 0))} | {_n(do['written_by_table'].get(t, 0))} |"
        )
    lines += [
        f"| **all** | **{_n(d1['bytes'])}** | **{_n(d1['rows_written'])}** | **{_n(do['bytes'])}** "
        f"| **{_n(do['rows_written'])}** |",
        "",
        f"Rows read per view (D1's count; the local object storage counts rows returned, not scanned): "
        f"{_n(d1['rows_read'])}. An object also writes {do['migration_rows_written']} rows once, applying the "
        f"migrations, and each site's alarm adds up to {ALARMS_PER_DAY} object requests and {ALARMS_PER_DAY} rows "
        "written a day (one `setAlarm` each) while raw rows are left.",
        "",
        f"Where each limit binds, raw rows kept {RETENTION_DAYS} days (RETENTION_DAYS in wrangler.toml):",
        "",
        "| store | limit | page views a day |",
        "|---|---|---|",
    ]
    lines += [f"| {store} | {limit} | {_n(views)} |" for store, limit, views in limits(m)]
    lines += [
        "",
        "Dollars per million page views on the paid plan, past the included amounts (raw rows of a million "
        f"views held {RETENTION_DAYS} days; CPU time and object duration not included):",
        "",
        "| store | " + " | ".join(costs(m)["Durable Objects"]) + " |",
        "|---|" + "---|" * len(costs(m)["Durable Objects"]),
    ]
    for store, items in costs(m).items():
        cells = [f"${items[k]:,.2f}" if k in items else "-" for k in costs(m)["Durable Objects"]]
        lines.append(f"| {store} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
