"""Date ranges and filters as the dashboard and the API take them, validated."""

import re
from datetime import date

from footfall.days import shift_day
from footfall.errors import Rejection
from footfall.queries import FILTER_COLUMNS

PERIODS = {"today": 0, "7d": 6, "30d": 29}
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


def day_range(period: object, today: str, day_from: object = None, day_to: object = None) -> tuple[str, str, str]:
    """(from, to, period name) for "today", "7d", "30d", a [from, to] pair, or custom."""
    if isinstance(period, list):
        if len(period) != 2:
            raise Rejection(400, "invalid_date_range", "date_range must be a period name or [from, to]")
        day_from, day_to, period = period[0], period[1], "custom"
    period = period or "7d"
    if not isinstance(period, str):  # an object or a number: no such period (never a 500)
        raise Rejection(400, "invalid_date_range", "date_range must be a period name or [from, to]")
    if period in PERIODS:
        return shift_day(today, -PERIODS[period]), today, period
    if period != "custom":
        raise Rejection(400, "invalid_date_range", "period must be one of " + ", ".join([*PERIODS, "custom"]))
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
