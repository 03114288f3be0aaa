"""The profile of the request's sender (visitor id, device, bot verdict), for the handlers
that store one: /init and the proxy's server-side hits."""

from app import guards, salts
from app.context import Context
from app.http import Request
from footfall.collect import profile, visitors
from footfall.days import local_day


def client_of(request: Request) -> profile.Client:
    """The parts of a request that say who sent it (see footfall.collect.profile)."""
    h = request.headers
    c = request.client
    return profile.Client(
        ip=c.ip,
        user_agent=h.get("user-agent", ""),
        accept_language=h.get("accept-language"),
        sec_fetch_mode=h.get("sec-fetch-mode"),
        ch_ua=h.get("sec-ch-ua"),
        ch_mobile=h.get("sec-ch-ua-mobile"),
        ch_platform=h.get("sec-ch-ua-platform"),
        country=c.country,
        region=c.region,
        region_name=c.region_name,
        city=c.city,
        asn=c.asn,
        cf_bot_score=c.cf_bot_score,
        cf_verified_category=c.cf_verified_category,
    )


async def profile_of(request: Request, ctx: Context) -> profile.Profile:
    """Needs the day's salt: a read (KV or D1) the first time an isolate sees a day, memory after.
    Many visitor ids from one network in a minute set the sender apart (app/guards.py)."""
    salt = None
    if ctx.settings.visitor_id == visitors.SALTED_HASH:
        offset = ctx.settings.day_offset_minutes
        salt = await salts.salt_for(ctx.store, local_day(ctx.now_ms, offset), ctx.vault, offset, ctx.now_ms)
    who = profile.build(client_of(request), ctx.site, ctx.settings.visitor_id, salt)
    return profile.flag_busy_network(who, guards.visitor_ids_from(ctx.site, request.client.ip, who.visitor, ctx.now_ms))
