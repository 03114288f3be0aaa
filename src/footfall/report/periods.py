"""Date ranges and filters as the dashboard and the API take them, validated."""

import re
from datetime import date

from footfall.days import shift_day
from footfall.errors import Rejection
from footfall.report.queries import FILTER_COLUMNS

# Periods ending today, by the number of days before today they start. Plausible's Stats API
# v2 vocabulary ("day", "7d", "28d", "30d", "91d"; "month", "6mo", "12mo", "year", "all" below).
PERIODS = {"today": 0, "day": 0, "7d": 6, "28d": 27, "30d": 29, "91d": 90}
CALENDAR_PERIODS = ("month", "6mo", "12mo", "year", "all")
MAX_SPAN_DAYS = 3660
MAX_FILTER_VALUE = 2048
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# No page load is older than Unix time 0; the year after the last one leaves room for the
# month and day arithmetic of a report (a 0001-01-01 range overflowed `date`: a 500).
FIRST_DAY, LAST_DAY = "1970-01-01", "9998-12-31"


def _day(value: object, name: str) -> str:
    if not isinstance(value, str) or not _DAY_RE.match(value):
        raise Rejection(400, "invalid_date", f"{name} must be a date like 2026-11-21")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise Rejection(400, "invalid_date", f"{name} is not a real date") from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise Rejection(400, "invalid_date", f"{name} must be a date from {FIRST_DAY} to {LAST_DAY}")
    return value


def _calendar_start(period: str, today: str) -> str:
    """The first day of a calendar period that ends today: this month, the last 6 or 12
    months (this one included), this year, or everything (as far back as a range may go)."""
    first = date.fromisoformat(today).replace(day=1)
    if period == "month":
        return first.isoformat()
    if period in ("6mo", "12mo"):
        months = 6 if period == "6mo" else 12
        index = first.year * 12 + first.month - 1 - (months - 1)
        return date(index // 12, index % 12 + 1, 1).isoformat()
    if period == "year":
        return first.replace(month=1).isoformat()
    return shift_day(today, -MAX_SPAN_DAYS)  # "all"


def day_range(
    period: object, today: str, day_from: object = None, day_to: object = None, field: str = "period"
) -> tuple[str, str, str]:
    """(from, to, period name) for a period name, a [from, to] pair, or "custom" with from and
    to. `field` names the parameter in error messages (the dashboard's `period`, the API's
    `date_range`)."""
    names = ", ".join([*PERIODS, "yesterday", *CALENDAR_PERIODS, "custom"])
    if isinstance(period, list):
        if len(period) != 2:
            raise Rejection(400, "invalid_date_range", f"{field} must be one of {names} or [from, to]")
        day_from, day_to, period = period[0], period[1], "custom"
    period = period or "7d"
    if not isinstance(period, str):  # an object or a number: no such period (never a 500)
        raise Rejection(400, "invalid_date_range", f"{field} must be one of {names} or [from, to]")
    if period in PERIODS:
        return shift_day(today, -PERIODS[period]), today, period
    if period == "yesterday":
        return shift_day(today, -1), shift_day(today, -1), period
    if period in CALENDAR_PERIODS:
        return _calendar_start(period, today), today, period
    if period != "custom":
        raise Rejection(400, "invalid_date_range", f"{field} must be one of {names} or [from, to]")
    start, end = _day(day_from, "from"), _day(day_to, "to")
    if start > end:
        raise Rejection(400, "invalid_date_range", "from must not be after to")
    if (date.fromisoformat(end) - date.fromisoformat(start)).days > MAX_SPAN_DAYS:
        raise Rejection(400, "invalid_date_range", f"a range may span at most {MAX_SPAN_DAYS} days")
    return start, end, "custom"


def filters(pairs) -> tuple[tuple[str, str], ...]:
    """Validated (name, value) equality filters on whitelisted dimensions."""
    out = []
    for name, value in pairs:
        if name not in FILTER_COLUMNS:
            raise Rejection(400, "invalid_filter", "filters may be on " + ", ".join(FILTER_COLUMNS))
        if not isinstance(value, str) or not value or len(value) > MAX_FILTER_VALUE:
            raise Rejection(
                400, "invalid_filter", f"the {name} filter needs a value of 1 to {MAX_FILTER_VALUE} characters"
            )
        out.append((name, value))
    return tuple(sorted(set(out)))
