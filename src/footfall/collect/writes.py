"""The D1 statements of the request path: SQL text plus bound parameters.

Pure functions of validated records, the request's profile, the site and the clock, so the
exact values that reach D1 are unit-tested without a database.
"""

import secrets

from footfall.classify import channels
from footfall.collect.limits import MAX_SEQ
from footfall.collect.payload import Event, Heartbeat, PageLoad
from footfall.collect.profile import Profile
from footfall.database import sql
from footfall.database.store import Statement
from footfall.days import local_day


def page_load(record: PageLoad, site: str, now_ms: int, offset_minutes: int, who: Profile) -> Statement:
    utm = record.utm
    host = channels.referrer_host(record.referrer)
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
            host,
            int(channels.is_internal(host, site)),
            channels.channel(record.referrer, site, utm),
            utm.get("utm_source"),
            utm.get("utm_medium"),
            utm.get("utm_campaign"),
            utm.get("utm_term"),
            utm.get("utm_content"),
            who.visitor,
            who.country,
            who.browser,
            who.os,
            who.device,
            who.verdict.bot_class,
            who.verdict.score,
            who.reasons,
            now_ms - sql.HIT_LOOKBACK_MS,
            local_day(now_ms - sql.HIT_LOOKBACK_MS, offset_minutes),  # the lookback may cross midnight
            who.region,
            who.region_name,
            who.city,
        ),
    )


def heartbeat(record: Heartbeat, site: str, now_ms: int) -> Statement:
    return Statement(
        "add_time_on_page", sql.ADD_TIME_ON_PAGE, (now_ms, record.delta, record.uuid, site, record.total, record.scroll)
    )


def event(record: Event, site: str, now_ms: int, offset_minutes: int = 0) -> Statement:
    # Without the tracker's seq (a hand-made request) every event is its own: a random key.
    seq = record.seq if record.seq is not None else secrets.randbelow(2**52) + MAX_SEQ + 1
    return Statement(
        "insert_event",
        sql.INSERT_EVENT,
        (
            seq,
            now_ms,
            local_day(now_ms, offset_minutes),
            record.type,
            record.name,
            record.path,
            record.url,
            record.anchor_text,
            record.uuid,
            site,
            record.props,
        ),
    )


def event_refusal(record: Event, site: str, now_ms: int) -> Statement:
    """Why an event was not stored (see sql.EVENT_REFUSAL)."""
    return Statement("event_refusal", sql.EVENT_REFUSAL, (now_ms, record.uuid, site))


def hit(path: str, status: int, site: str, now_ms: int, offset_minutes: int, who: Profile) -> Statement:
    return Statement(
        "insert_hit",
        sql.INSERT_HIT,
        (
            site,
            now_ms,
            local_day(now_ms, offset_minutes),
            path,
            status,
            who.visitor,
            who.country,
            who.verdict.bot_class,
            who.verdict.score,
            who.reasons,
        ),
    )
