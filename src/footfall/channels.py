"""Where a page view came from: the referrer's host, whether it is the site itself, and a
channel: campaign, email, ai, search, social, referral, internal or direct.

Campaign parameters win over the referrer (the owner tagged the link on purpose); AI
assistants are their own channel, ahead of search, because that is the question owners ask.
"""

from urllib.parse import urlsplit

DIRECT, INTERNAL, CAMPAIGN, EMAIL, AI, SEARCH, SOCIAL, REFERRAL = (
    "direct",
    "internal",
    "campaign",
    "email",
    "ai",
    "search",
    "social",
    "referral",
)

# Host suffixes per channel; "google." style entries match any country domain.
AI_HOSTS = (
    "chatgpt.com",
    "chat.openai.com",
    "openai.com",
    "perplexity.ai",
    "claude.ai",
    "gemini.google.com",
    "bard.google.com",
    "copilot.microsoft.com",
    "copilot.cloud.microsoft",
    "chat.mistral.ai",
    "chat.deepseek.com",
    "deepseek.com",
    "you.com",
    "phind.com",
    "poe.com",
    "meta.ai",
    "grok.com",
    "kagi.com/assistant",
    "duck.ai",
    "character.ai",
    "pi.ai",
)
SEARCH_HOSTS = (
    "google.",
    "bing.com",
    "duckduckgo.com",
    "search.yahoo.",
    "yahoo.co",
    "yandex.",
    "baidu.com",
    "ecosia.org",
    "qwant.com",
    "startpage.com",
    "search.brave.com",
    "kagi.com",
    "naver.com",
    "seznam.cz",
    "sogou.com",
    "so.com",
    "mojeek.com",
    "ask.com",
    "aol.com",
)
SOCIAL_HOSTS = (
    "facebook.com",
    "fb.me",
    "fb.com",
    "instagram.com",
    "t.co",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "lnkd.in",
    "reddit.com",
    "news.ycombinator.com",
    "youtube.com",
    "youtu.be",
    "pinterest.",
    "tiktok.com",
    "bsky.app",
    "threads.net",
    "mastodon.",
    "mstdn.",
    "tumblr.com",
    "vk.com",
    "weibo.com",
    "telegram.org",
    "t.me",
    "whatsapp.com",
    "discord.com",
    "slack.com",
    "lobste.rs",
    "quora.com",
    "medium.com",
    "substack.com",
)
EMAIL_HOSTS = (
    "mail.google.com",
    "outlook.live.com",
    "outlook.office.com",
    "outlook.office365.com",
    "mail.yahoo.com",
    "mail.proton.me",
    "app.fastmail.com",
    "mail.zoho.com",
    "webmail.",
)
EMAIL_MEDIUMS = ("email", "e-mail", "newsletter", "mail")


def referrer_host(referrer: str | None) -> str | None:
    if not referrer:
        return None
    try:
        host = urlsplit(referrer).hostname
    except ValueError:
        return None
    return host or None


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def is_internal(host: str | None, site: str) -> bool:
    return host is not None and host != "" and _bare(host) == _bare(site)


def _matches(host: str, referrer: str | None, suffixes: tuple[str, ...]) -> bool:
    for entry in suffixes:
        if "/" in entry:  # host plus path prefix
            if (host + urlsplit(referrer or "").path).startswith(entry):
                return True
        elif entry.endswith("."):  # any top-level domain
            if host.startswith(entry) or f".{entry}" in f".{host}":
                return True
        elif host == entry or host.endswith("." + entry):
            return True
    return False


def channel(referrer: str | None, site: str, utm: dict[str, str]) -> str:
    medium = (utm.get("utm_medium") or "").lower()
    if medium in EMAIL_MEDIUMS:
        return EMAIL
    host = referrer_host(referrer)
    if is_internal(host, site):
        return INTERNAL
    if utm.get("utm_source") or utm.get("utm_campaign") or medium:
        return CAMPAIGN
    if not host:
        return DIRECT
    if _matches(host, referrer, AI_HOSTS):
        return AI
    if _matches(host, referrer, EMAIL_HOSTS):
        return EMAIL
    if _matches(host, referrer, SEARCH_HOSTS):
        return SEARCH
    if _matches(host, referrer, SOCIAL_HOSTS):
        return SOCIAL
    return REFERRAL
