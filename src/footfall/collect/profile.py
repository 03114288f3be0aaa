"""Who is behind a request, in the words footfall stores: a visitor id, a country, a browser
family, OS and device type, and a bot verdict. The IP address and the user-agent string go in
and never come out.
"""

from typing import NamedTuple

from footfall.classify import bots, useragent
from footfall.collect import visitors
from footfall.collect.limits import MAX_USER_AGENT
from footfall.collect.text import clean_text

MAX_PLACE = 100


class Client(NamedTuple):
    """What the edge read from one request (plain values, None when absent)."""

    ip: str
    user_agent: str
    accept_language: str | None = None
    sec_fetch_mode: str | None = None
    ch_ua: str | None = None
    ch_mobile: str | None = None
    ch_platform: str | None = None
    country: str | None = None
    region: str | None = None
    region_name: str | None = None
    city: str | None = None
    asn: int | None = None
    cf_bot_score: int | None = None
    cf_verified_category: str | None = None


class Profile(NamedTuple):
    visitor: str | None
    country: str | None
    browser: str | None
    os: str | None
    device: str
    verdict: bots.Verdict
    region: str | None = None  # ISO 3166-2, "US-MD"
    region_name: str | None = None
    city: str | None = None

    @property
    def reasons(self) -> str | None:
        return ",".join(self.verdict.reasons) or None


def _country(code: str | None) -> str | None:
    # Cloudflare uses ISO 3166-1 alpha-2, plus XX (unknown) and T1 (Tor).
    if code and len(code) == 2 and code.isalnum():
        return code.upper()
    return None


def _place(name: str | None) -> str | None:
    """A region's or city's name from Cloudflare, as text fit to store: no controls, at most
    MAX_PLACE characters."""
    if not isinstance(name, str):
        return None
    clean = clean_text(name)[:MAX_PLACE]
    return clean or None


def build(client: Client, site: str, visitor_mode: str, salt: bytes | None) -> Profile:
    ua = client.user_agent[:MAX_USER_AGENT]
    if visitor_mode == visitors.ANONYMIZED_IP:
        visitor = visitors.anonymize_ip(client.ip)
    else:
        visitor = visitors.salted_id(salt or b"", site, client.ip, ua)
    verdict = bots.classify(
        bots.Signals(
            user_agent=ua,
            accept_language=client.accept_language,
            sec_fetch_mode=client.sec_fetch_mode,
            headers_known=True,
            cf_bot_score=client.cf_bot_score,
            cf_verified_category=client.cf_verified_category,
            asn=client.asn,
        )
    )
    device = useragent.parse(ua, client.ch_ua, client.ch_mobile, client.ch_platform)
    country = _country(client.country)
    code = _place(client.region)
    return Profile(
        visitor,
        country,
        device.browser,
        device.os,
        device.device,
        verdict,
        f"{country}-{code}" if country and code and len(code) <= 3 and code.isalnum() else None,
        _place(client.region_name),
        _place(client.city),
    )


# Different visitor ids from one network (an IPv4 address, an IPv6 /64) in one minute, as the
# isolate counts them (app/guards.py), beyond which the client is taken to be rotating its user
# agent: a home or an office rarely shows more on one site in one minute, a script rotating
# user agents shows one per request. The first BUSY_NETWORK_VISITORS stay as they were.
BUSY_NETWORK_VISITORS = 10
BUSY_NETWORK_REASON = "net:many-visitor-ids"
BUSY_NETWORK_SCORE = 60


def flag_busy_network(who: Profile, visitor_ids: int) -> Profile:
    """`who`, set apart from people when its network has shown more than BUSY_NETWORK_VISITORS
    visitor ids this minute: the reason added, the score raised, a people class made
    other_bot (a named bot keeps its class)."""
    if visitor_ids <= BUSY_NETWORK_VISITORS:
        return who
    verdict = who.verdict
    bot_class = bots.OTHER_BOT if verdict.bot_class in bots.PEOPLE else verdict.bot_class
    score = min(100, max(verdict.score + BUSY_NETWORK_SCORE, BUSY_NETWORK_SCORE))
    return who._replace(verdict=bots.Verdict(bot_class, score, (*verdict.reasons, BUSY_NETWORK_REASON)))
