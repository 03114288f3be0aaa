"""Time zone offsets from the runtime's Intl, which knows every IANA zone and its daylight
saving rules (workerd and Node ship ICU), so the Worker bundles no tz database."""

from typing import Any

from js import Date, Intl, Object
from pyodide.ffi import to_js

from footfall.days import parse_gmt_offset
from footfall.errors import ConfigError

_formatters: dict[str, Any] = {}


def offset_at(zone: str, now_ms: int) -> int:
    """Minutes east of UTC in `zone` at `now_ms`."""
    formatter = _formatters.get(zone)
    if formatter is None:
        options = to_js({"timeZone": zone, "timeZoneName": "longOffset"}, dict_converter=Object.fromEntries)
        try:
            formatter = Intl.DateTimeFormat.new("en-US", options)
        except Exception:  # RangeError: the runtime knows no such zone
            raise ConfigError("TIMEZONE", f"the runtime knows no time zone named {zone!r}") from None
        _formatters[zone] = formatter
    for part in formatter.formatToParts(Date.new(now_ms)):
        if part.type == "timeZoneName":
            return parse_gmt_offset(str(part.value))
    return 0
