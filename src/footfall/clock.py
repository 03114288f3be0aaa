"""Calendar days under the configured UTC offset."""

from datetime import datetime, timedelta, timezone


def local_day(ts_ms: int, offset_minutes: int = 0) -> str:
    """'YYYY-MM-DD' of a Unix-millisecond time in a zone `offset_minutes` east of UTC."""
    moment = datetime.fromtimestamp(ts_ms / 1000, tz=timezone.utc) + timedelta(minutes=offset_minutes)
    return moment.strftime("%Y-%m-%d")
