"""The one D1 statement each collection request makes: SQL text plus bound parameters.

Pure functions of the validated record, the site and the clock, so the exact values that
reach D1 are unit-tested without a database.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from footfall import sql
from footfall.clock import local_day
from footfall.payload import Event, Heartbeat, PageLoad


@dataclass(frozen=True)
class Statement:
    name: str  # named in logs and errors, never the parameters (they are visitor data)
    sql: str
    params: tuple


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


def page_load(record: PageLoad, site: str, now_ms: int, offset_minutes: int = 0) -> Statement:
    utm = record.utm
    return Statement(
        "insert_page_load",
        sql.INSERT_PAGE_LOAD,
        (
            record.uuid,
            site,
            now_ms,
            local_day(now_ms, offset_minutes),
            record.path,
            record.referrer,
            _host(record.referrer),
            utm.get("utm_source"),
            utm.get("utm_medium"),
            utm.get("utm_campaign"),
            utm.get("utm_term"),
            utm.get("utm_content"),
            now_ms,
        ),
    )


def heartbeat(record: Heartbeat, site: str, now_ms: int) -> Statement:
    return Statement("add_time_on_page", sql.ADD_TIME_ON_PAGE, (record.delta, now_ms, record.uuid, site))


def event(record: Event, site: str, now_ms: int, offset_minutes: int = 0) -> Statement:
    return Statement(
        "insert_event",
        sql.INSERT_EVENT,
        (
            now_ms,
            local_day(now_ms, offset_minutes),
            record.type,
            record.name,
            record.path,
            record.url,
            record.anchor_text,
            record.uuid,
            site,
        ),
    )
