"""The per-page call-history plot: daily views of one page over the last HISTORY_DAYS days,
past days from the daily rollups and today from raw rows."""

from footfall import svg
from footfall.days import days_between, shift_day
from footfall.queries import PEOPLE_SQL
from footfall.store import Statement

HISTORY_DAYS = 90

_PAST = "SELECT day, views FROM daily_pages WHERE site = ? AND day BETWEEN ? AND ? AND path = ?"
_TODAY = (
    f"SELECT COUNT(*) AS views FROM pageviews WHERE site = ? AND day = ? AND path = ? "
    f"AND bot_class IN {PEOPLE_SQL} AND (status IS NULL OR status <> 404)"
)


def plan(site: str, path: str, today: str) -> list[Statement]:
    start = shift_day(today, -(HISTORY_DAYS - 1))
    return [
        Statement("history_rollups", _PAST, (site, start, shift_day(today, -1), path)),
        Statement("history_today", _TODAY, (site, today, path)),
    ]


def points(past_rows: list[dict], today_rows: list[dict], today: str) -> list[tuple[str, int]]:
    by_day = {r["day"]: r["views"] for r in past_rows}
    by_day[today] = today_rows[0]["views"] if today_rows else 0
    return [(day, by_day.get(day, 0)) for day in days_between(shift_day(today, -(HISTORY_DAYS - 1)), today)]


def badge(path: str, past_rows: list[dict], today_rows: list[dict], today: str) -> str:
    return svg.history_badge(path, points(past_rows, today_rows, today))
