"""Who is behind a request, in the words footfall stores: a visitor id, a country, a browser
family, OS and device type, and a bot verdict. The IP address and the user-agent string go in
and never come out.
"""

from typing import NamedTuple

from footfall import bots, useragent, visitors
from footfall.limits import MAX_USER_AGENT


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

    @property
    def reasons(self) -> str | None:
        return ",".join(self.verdict.reasons) or None


def _country(code: str | None) -> str | None:
    # Cloudflare uses ISO 3166-1 alpha-2, plus XX (unknown) and T1 (Tor).
    if code and len(code) == 2 and code.isalnum():
        return code.upper()
    return None


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
    return Profile(visitor, _country(client.country), device.browser, device.os, device.device, verdict)
