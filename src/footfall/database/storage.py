"""How full the database is, and when it would be full at the current rate.

D1 answers every statement with the database's size after it (meta.size_after); the daily
job keeps one size a day in storage_log. A database is capped (500 MB on the free plan,
10 GB on the paid one; writes fail beyond it, and beacons then answer 503 while the site keeps
working), so the owner sees the share used and the days left, with a warning from 80 %.
"""

from datetime import date

from footfall.database.store import Statement

WARN_SHARE = 0.8
LOG_DAYS = 8

READ_LOG = Statement("storage_log", f"SELECT day, bytes FROM storage_log ORDER BY day DESC LIMIT {LOG_DAYS}", ())
WRITE_LOG = "INSERT INTO storage_log (day, bytes) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET bytes = excluded.bytes"


def growth_per_day(log_rows: list[dict]) -> float | None:
    """Bytes a day between the oldest and the newest logged size (None with fewer than two days)."""
    rows = sorted(log_rows, key=lambda r: r["day"])
    if len(rows) < 2:
        return None
    days = (date.fromisoformat(rows[-1]["day"]) - date.fromisoformat(rows[0]["day"])).days
    return (rows[-1]["bytes"] - rows[0]["bytes"]) / days if days > 0 else None


def summary(size_bytes: int, log_rows: list[dict], cap_bytes: int) -> dict:
    """The size, its share of the cap, the days left at the logged rate, and whether to warn."""
    share = size_bytes / cap_bytes if cap_bytes else 0.0
    rate = growth_per_day(log_rows)
    days_left = int((cap_bytes - size_bytes) / rate) if rate and rate > 0 and size_bytes < cap_bytes else None
    return {
        "bytes": size_bytes,
        "cap_bytes": cap_bytes,
        "share": round(share, 4),
        "bytes_per_day": round(rate) if rate is not None else None,
        "days_left": days_left,
        "warn": share >= WARN_SHARE,
    }


def describe(s: dict) -> str:
    """ "Database: 12.3 MB of 500 MB (2 %), full in about 40 days at this rate." """
    mb = s["bytes"] / 1e6
    cap = s["cap_bytes"] / 1e6
    text = f"Database: {mb:,.1f} MB of {cap:,.0f} MB ({s['share'] * 100:.0f} %)"
    if s["days_left"] is not None:
        text += f", full in about {s['days_left']:,} days at this rate"
    return text + "."
