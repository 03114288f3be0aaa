"""Is this request a person? A bot score 0-100, the reasons behind it, and a class.

Classes: person, ai_assistant (an AI fetching a page because a person asked it to: counted
with people, reported apart), ai_crawler, search_crawler, other_bot, automation.

Signals, strongest first: Cloudflare's own verdict when the zone has it (`request.cf`
verifiedBotCategory and botManagement.score), the user agent (named crawlers, HTTP
libraries, headless browsers, URLs and e-mail addresses that browsers never send), the
headers every real browser sends, and the network (hosting providers' ASNs). Nothing is
dropped on the strength of a score: every row keeps its class, score and reasons, and the
owner decides what to look at.
"""

import re
from functools import lru_cache
from typing import NamedTuple

PERSON, AI_ASSISTANT, AI_CRAWLER, SEARCH_CRAWLER, OTHER_BOT, AUTOMATION = (
    "person",
    "ai_assistant",
    "ai_crawler",
    "search_crawler",
    "other_bot",
    "automation",
)
CLASSES = (PERSON, AI_ASSISTANT, AI_CRAWLER, SEARCH_CRAWLER, OTHER_BOT, AUTOMATION)
# Classes that count as people in reports: an assistant fetches because a person asked.
PEOPLE = (PERSON, AI_ASSISTANT)

# Fetchers acting on a person's request, not crawling.
_AI_ASSISTANT = re.compile(
    r"chatgpt-user|claude-user|perplexity-user|mistralai-user|gemini-user|"
    r"meta-externalfetcher|duckassistbot|google-read-aloud|manus-user|google-agent|"
    r"googleagent-mariner"
)
# Crawlers gathering pages for AI models and AI search.
_AI_CRAWLER = re.compile(
    r"gptbot|oai-searchbot|claudebot|claude-searchbot|claude-web|anthropic-ai|"
    r"perplexitybot|ccbot|google-extended|googleother|bytespider|amazonbot|"
    r"applebot-extended|meta-externalagent|facebookbot|cohere-ai|diffbot|"
    r"imagesiftbot|youbot|timpibot|omgili|ai2bot|ai2bot-dolma|pangubot|"
    r"kangaroo bot|scrapy|img2dataset|icc-crawler|petalbot|webzio|"
    r"iaskspider|friendlycrawler|velenpublicwebcrawler|brightbot|"
    r"mistralai|deepseekbot|qualifiedbot|tiktokspider"
)
_SEARCH_CRAWLER = re.compile(
    r"googlebot|google-inspectiontool|storebot-google|adsbot-google|"
    r"mediapartners-google|apis-google|bingbot|bingpreview|msnbot|adidxbot|"
    r"duckduckbot|duckduckgo-favicons-bot|yandexbot|yandex\w*/|baiduspider|"
    r"applebot|slurp|sogou|seznambot|qwantify|qwantbot|exabot|mojeekbot|"
    r"yeti/|naverbot|coccocbot|360spider|yisou|daum|sputnikbot|"
    r"bravebot|kagibot|marginaliasearch|ecosia"
)
_AUTOMATION = re.compile(
    r"headlesschrome|phantomjs|selenium|webdriver|puppeteer|playwright|"
    r"slimerjs|htmlunit|jsdom|zombie\.js|cypress|\bsplash\b|ghost inspector|ptst/"
)
# Words and tools browsers never put in a user agent.
_OTHER_BOT = re.compile(
    r"bot\b|bot[/_;-]|robot|crawl|spider|slurp|scrap|fetch|archiv|check|monitor|scan|preview|"
    r"validat|lighthouse|pagespeed|gtmetrix|pingdom|uptime|index|search|seo|analy[sz]|metrics|"
    r"feed|rss|reader|proxy|probe|capture|render|screenshot|snapshot|sitemap|link|extract|"
    r"download|http|curl|wget|python|java/|java\b|go-http|okhttp|libwww|perl|ruby|php|node|axios|"
    r"undici|aiohttp|httpx|requests|urllib|apache|jakarta|dart|rust|reqwest|winhttp|cfnetwork|"
    r"postman|insomnia|headless|phantom|\bwww\.|\.com\b|\.net\b|\.org\b|\.io\b|\.fr\b|\.gy\b|@|"
    # Monitoring, audit and SEO services that otherwise dress as a browser.
    r"synthetics|agent\b|-agent|inspector|optimi[sz]er|auditor|verif|favicon|dareboost|datanyze|"
    r"silktide|hotjar|hardenize|securityheaders|collapsify|marketgoo|sindup|testlocally|rigor|"
    r"attracta|trendsmap|evc-batch|appinsights|retroliste|upday|watchtowr|foregenix|geedo|newsai|"
    r"playstore-google|readable/|dlc/|\bylt\b|turingos|physicalweb",
)
_BROWSER_SHAPE = re.compile(r"^Mozilla/5\.0 \(")
_MODERN_CHROMIUM = re.compile(r"Chrome/(\d+)")

# Hosting and cloud networks: people rarely browse from a data centre.
HOSTING_ASNS = frozenset(
    {
        16509,
        14618,
        8987,  # Amazon AWS
        15169,
        396982,
        19527,  # Google Cloud
        8075,
        8068,
        8069,  # Microsoft Azure
        14061,  # DigitalOcean
        16276,  # OVH
        24940,  # Hetzner
        63949,  # Akamai Linode
        20473,  # Vultr (Choopa)
        51167,  # Contabo
        12876,  # Scaleway
        31898,  # Oracle Cloud
        45102,
        37963,  # Alibaba Cloud
        132203,  # Tencent Cloud
        136907,  # Huawei Cloud
        9009,  # M247
        60781,
        28753,  # Leaseweb
    }
)

# Cloudflare's verified-bot categories, for zones that have them.
_VERIFIED_CATEGORY = {
    "AI Crawler": AI_CRAWLER,
    "AI Assistant": AI_ASSISTANT,
    "AI Search": AI_CRAWLER,
    "Search Engine Crawler": SEARCH_CRAWLER,
    "Search Engine Optimization": OTHER_BOT,
}


class Verdict(NamedTuple):
    bot_class: str
    score: int  # 0: surely a person .. 100: surely not
    reasons: tuple[str, ...]


class Signals(NamedTuple):
    """What the edge knows about a request, as plain values (None: not known)."""

    user_agent: str
    accept_language: str | None = None
    sec_fetch_mode: str | None = None
    headers_known: bool = False  # False: judge the user agent alone (corpora, tests)
    cf_bot_score: int | None = None  # request.cf.botManagement.score, 1 (bot) .. 99 (human)
    cf_verified_category: str | None = None
    asn: int | None = None


# Many visitors send the very same user agent (one per browser release): remember the answers.
@lru_cache(maxsize=1024)
def classify_user_agent(ua: str) -> tuple[str, int, str] | None:
    """(class, score, reason) from the user agent alone, or None when it looks like a browser."""
    if not ua or not ua.strip():
        return OTHER_BOT, 90, "ua:empty"
    shape = ua
    ua = ua.lower()  # the patterns are lower case: cheaper than case-insensitive matching
    if _AI_ASSISTANT.search(ua):
        return AI_ASSISTANT, 10, "ua:ai-assistant"
    if _AI_CRAWLER.search(ua):
        return AI_CRAWLER, 100, "ua:ai-crawler"
    if _SEARCH_CRAWLER.search(ua):
        return SEARCH_CRAWLER, 100, "ua:search-crawler"
    if _AUTOMATION.search(ua):
        return AUTOMATION, 95, "ua:automation"
    if _OTHER_BOT.search(ua):
        return OTHER_BOT, 90, "ua:bot-token"
    if not _BROWSER_SHAPE.match(shape):
        return OTHER_BOT, 70, "ua:not-a-browser"
    return None


def classify(signals: Signals) -> Verdict:
    reasons: list[str] = []
    score = 0
    bot_class = None

    if signals.cf_verified_category:
        bot_class = _VERIFIED_CATEGORY.get(signals.cf_verified_category, OTHER_BOT)
        score = 100 if bot_class != AI_ASSISTANT else 10
        reasons.append("cf:verified-bot")

    by_ua = classify_user_agent(signals.user_agent)
    if by_ua:
        ua_class, ua_score, reason = by_ua
        bot_class = bot_class or ua_class
        score = max(score, ua_score)
        reasons.append(reason)

    if signals.cf_bot_score is not None and signals.cf_bot_score < 30:
        score = max(score, 100 - signals.cf_bot_score)
        reasons.append("cf:bot-score")
    if signals.headers_known:
        if not signals.accept_language:
            score += 40
            reasons.append("headers:no-accept-language")
        chromium = _MODERN_CHROMIUM.search(signals.user_agent or "")
        if chromium and int(chromium.group(1)) >= 80 and not signals.sec_fetch_mode:
            score += 30
            reasons.append("headers:no-sec-fetch")
    if signals.asn is not None and signals.asn in HOSTING_ASNS:
        score += 40
        reasons.append("net:hosting-asn")

    score = min(score, 100)
    if bot_class is None:
        bot_class = OTHER_BOT if score >= 50 else PERSON
    return Verdict(bot_class, score, tuple(reasons))
