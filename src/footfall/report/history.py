"""The per-page call-history plot: daily views of one page over the last HISTORY_DAYS days,
from the daily rollups for the days the job has rolled up and from raw rows after them (the
same split as footfall.report.stats, so yesterday is never empty after midnight)."""

from footfall.dashboard import svg
from footfall.database.store import Statement
from footfall.days import days_between, shift_day
from footfall.report.queries import DONE, PEOPLE_SQL

HISTORY_DAYS = 90

_PAST = f"SELECT day, views FROM daily_pages WHERE site = ? AND day >= ? AND day <= MIN(?, {DONE}) AND path = ?"
_RECENT = (
    f"SELECT day, COUNT(*) AS views FROM pageviews WHERE day > MAX(?, {DONE}) AND day <= ? AND site = ? "
    f"AND path = ? AND bot_class IN {PEOPLE_SQL} AND (status IS NULL OR status <> 404) GROUP BY day"
)


def plan(site: str, path: str, today: str) -> list[Statement]:
    start = shift_day(today, -(HISTORY_DAYS - 1))
    return [
        Statement("history_rollups", _PAST, (site, start, today, path)),
        Statement("history_raw", _RECENT, (shift_day(start, -1), today, site, path)),
    ]


def points(rolled_rows: list[dict], raw_rows: list[dict], today: str) -> list[tuple[str, int]]:
    by_day = {r["day"]: r["views"] for r in rolled_rows + raw_rows}
    return [(day, by_day.get(day, 0)) for day in days_between(shift_day(today, -(HISTORY_DAYS - 1)), today)]


def badge(path: str, rolled_rows: list[dict], raw_rows: list[dict], today: str) -> str:
    return svg.history_badge(path, points(rolled_rows, raw_rows, today))
