"""All day arithmetic, under the owner's UTC offset: which local day a moment falls on, day
shifts, the last day no heartbeat can change, and the days a recent window touches.

Days are 'YYYY-MM-DD' strings (they sort as dates). Every reader and writer takes its day
from here, so "today", "yesterday" and "the last 5 minutes" agree by construction.
"""

from datetime import UTC, date, datetime, timedelta

# A page load's time can grow for this long (footfall.database.sql: heartbeats after it change nothing).
HEARTBEAT_WINDOW_MS = 6 * 3600 * 1000


def local_day(ts_ms: int, offset_minutes: int = 0) -> str:
    """'YYYY-MM-DD' of a Unix-millisecond time in a zone `offset_minutes` east of UTC."""
    moment = datetime.fromtimestamp(ts_ms / 1000, tz=UTC) + timedelta(minutes=offset_minutes)
    return moment.strftime("%Y-%m-%d")


def shift_day(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def days_between(first: str, last: str) -> list[str]:
    """Every day from `first` to `last`, both included (empty when first > last)."""
    out: list[str] = []
    day = first
    while day <= last:
        out.append(day)
        day = shift_day(day, 1)
    return out


def days_touched(now_ms: int, span_ms: int, offset_minutes: int) -> list[str]:
    """The local days the window (now - span, now] touches: one, or two across midnight."""
    return days_between(local_day(now_ms - span_ms, offset_minutes), local_day(now_ms, offset_minutes))


def last_closed_day(now_ms: int, offset_minutes: int) -> str:
    """The newest day no heartbeat can change any more: its page loads are all older than
    the heartbeat window."""
    return shift_day(local_day(now_ms - HEARTBEAT_WINDOW_MS, offset_minutes), -1)


def month_bounds(day: str) -> tuple[str, str, str]:
    """('YYYY-MM', first day, last day) of the month a day is in."""
    first = date.fromisoformat(day).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first.isoformat()[:7], first.isoformat(), last.isoformat()


def parse_gmt_offset(text: str) -> int:
    """Minutes east of UTC from the runtime's "GMT+05:30" / "GMT-03:00" / "GMT" (Intl's
    longOffset time zone name)."""
    value = text.strip().removeprefix("GMT").removeprefix("UTC")
    if not value:
        return 0
    sign = -1 if value[0] in "-\u2212" else 1
    hours, _, minutes = value[1:].partition(":")
    return sign * (int(hours) * 60 + int(minutes or 0))
