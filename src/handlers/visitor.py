"""The profile of the request's sender (visitor id, device, bot verdict), for the handlers
that store one: /init and the proxy's server-side hits."""

from adapters import salts
from footfall import profile, visitors
from footfall.clock import local_day
from footfall.settings import Settings


async def profile_of(client: profile.Client, env, settings: Settings, site: str, now_ms: int) -> profile.Profile:
    """Needs the day's salt: a D1 read the first time an isolate sees a day, memory after."""
    salt = None
    if settings.visitor_id == visitors.SALTED_HASH:
        salt = await salts.salt_for(env, local_day(now_ms, settings.day_offset_minutes))
    return profile.build(client, site, settings.visitor_id, salt)
