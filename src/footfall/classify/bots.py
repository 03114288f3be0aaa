"""Is this request a person? A bot score 0-100, the reasons behind it, and a class.

Classes: person, ai_assistant (an AI fetching a page because a person asked it to: counted
with people, reported apart), ai_crawler, search_crawler, other_bot, automation.

Signals, strongest first: Cloudflare's own verdict when the zone has it (`request.cf`
verifiedBotCategory and botManagement.score), the user agent (named crawlers, monitors,
previewers and performance tools, HTTP libraries, headless browsers, URLs and e-mail addresses
that browsers never send), the headers every real browser sends, and the network (hosting
providers' ASNs). Nothing is dropped on the strength of a score: every row keeps its class,
score and reasons, and the owner decides what to look at.

A person stays a person whatever their browser's age or region: words are looked for where
bots write them (product tokens, `compatible;` comments), not in the platform comment where
phones put their model names (CUBOT, Phantom6, DiLink), and an old or unusual browser only
raises the score (`ua:outdated-browser`, `ua:unusual-shape`): alone it never makes a bot.
Measured on Matomo's labelled fixtures and three npm corpora: bench/corpora.py.
"""

import re
from functools import lru_cache
from typing import NamedTuple

from footfall.classify.wordlist import compile_words, without_browser_tokens

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

# Fetchers acting on a person's request, not crawling. The name alone is only a claim: it
# counts beside a plausible browser user agent (see _assistant) or a verified signal.
_AI_ASSISTANT = re.compile(
    r"(?:chatgpt-user|chatgpt-browser|claude-user|perplexity-user|mistralai-user|gemini-user|kimi-user|"
    r"manus-user|amzn-user|meta-externalfetcher|duckassistbot|google-read-aloud|googleagent-mariner|"
    r"devin(?<!\wdevin))(?:/[\w.]+)?"  # each name starts with a plain character: footfall.classify.wordlist
)
# Crawlers gathering pages for AI models and AI search.
_AI_CRAWLER = compile_words(
    r"gptbot|oai-searchbot|claudebot|claude-searchbot|claude-web|anthropic|"
    r"perplexitybot|ccbot|google-extended|googleother|google-cloudvertexbot|gemini-ai|bard-ai|"
    r"bytespider|amazonbot|amzn-searchbot|applebot-extended|meta-externalagent|facebookbot|cohere|"
    r"diffbot|imagesiftbot|youbot|timpibot|omgili|ai2bot|pangubot|kangaroo bot|scrapy|img2dataset|"
    r"icc-crawler|petalbot|webzio|webz\.io|iaskspider|iaskbot|friendlycrawler|velenpublicwebcrawler|"
    r"brightbot|mistralai|deepseekbot|qualifiedbot|tiktokspider|chatglm|kimibot|kimi-searchbot|xai-bot|"
    r"groq-bot|huggingface|replicate-bot|runpod-bot|together-bot|sbintuitionsbot|shapbot|wrtnbot|"
    r"firecrawl|crawlspace|andibot|iboubot|zanistabot|goguides|prorata|linkreader|terracotta|sentibot|"
    r"udv-ai|ias[ _](?:crawler|wombles)|novaact|liner ?bot|poggio|bigsur\.ai|character-ai|"
    r"google-notebooklm|google-pinpoint|githubcopilot"
)
_SEARCH_CRAWLER = compile_words(
    r"googlebot|google-inspectiontool|storebot-google|adsbot-google|"
    r"mediapartners-google|apis-google|bingbot|bingpreview|msnbot|adidxbot|"
    r"duckduckbot|duckduckgo-favicons-bot|yandex(?!search)\w*/|yandexadditional|baiduspider|"
    r"applebot|slurp|sogou[\w -]*spider|seznambot|qwantify|qwantbot|exabot|mojeekbot|"
    r"yeti/|naverbot|coccocbot|360spider|yisouspider|daumoa|sputnikbot|"
    r"bravebot|kagibot|marginaliasearch|ecosiabot"
)
_AUTOMATION = compile_words(
    r"headlesschrome|phantomjs|selenium|webdriver|puppeteer|playwright|"
    r"slimerjs|htmlunit|jsdom|zombie\.js|cypress|\bsplash\b|ghost inspector|ptst/"
)
# Words and tools browsers never put in a user agent (looked for outside the platform comment).
_OTHER_BOT = compile_words(
    r"bot\b|bot[/_;-]|robot|crawl|spider|slurp|scrap|fetch|archiv|check|monitor|scan|preview|"
    r"validat|lighthouse|indexer|search ?bot|\bseo\b|seo\w*(?:bot|spider|crawler)|analy[sz]|metrics|"
    r"feed|rss|reader|probe|capture|render|screenshot|snapshot|sitemap|extract|download|proxy/|"
    r"https?[-_]?client|curl|wget|python|java/\d|go-http|okhttp|libwww-perl|perl/|ruby/|\bphp/|"
    r"node-fetch|node\.js|axios|undici|aiohttp|httpx|requests|urllib|apache|jakarta|"
    r"dart:io|\brust[/-]|reqwest|winhttp|postman|insomnia|headless|"
    r"agent\b|-agent|inspector|optimi[sz]er|auditor|advisor|verif|favicon|synthetic|"
    # URLs and e-mail addresses (a contact for the site owner).
    r"https?://|\bwww\."
)
# Kept apart from the word list above, whose alternatives all start with a plain character
# (footfall.classify.wordlist): HTTP libraries named first, domains as product names, e-mail addresses.
_OTHER_BOT_SHAPES = re.compile(
    r"^(?:java|ruby|php|node|dart)|[a-z][a-z0-9-]*\.(?:com|net|org|io|fr|gy|ai|me|co)\b(?!\.)|[\w.+-]@[a-z][\w-]*\.[a-z]"
)
# Monitoring, audit, performance, SEO and security services, previewers and fetchers that
# otherwise dress as a browser: their names, wherever they stand (platform comment included).
_NAMED_TOOLS = compile_words(
    r"pagespeed|page speed|gtmetrix|pingdom|uptime|dareboost|datanyze|silktide|hotjar|hardenize|"
    r"securityheaders|collapsify|marketgoo|sindup|testlocally|rigor\b|attracta|trendsmap|evc-batch|"
    r"appinsights|retroliste|upday|watchtowr|foregenix|geedo|newsai|playstore-google|readable/|dlc/|"
    r"\bylt\b|turingos|physicalweb|statuscake|catchpoint|cloudflare(?:observatory|diagnostics)|"
    r"dmbrowser|functionize|convertify|assetnote|detectify|whatcms|pageburst|morningscore|\bhlb/|"
    r"measurement|iplabel|\btime/\d{10}|laravel|reaver|prospect|"
    r"\bbw/\d|google-|"
    r"-google|duplexweb|gemini-deep-research|geckoversion|firefoxversion|nutch|heritrix|httrack|"
    r"transcoder|browsershots|firefox mutant|outbrain|patchwatch|infrawatch|zgrab|xtate|leadradar|"
    r"keydrop|jiankong|360jk|newsnow|openvas|link(?:check|walk|dex|pad|expand|lint|tiger)|biglotron|"
    r"mixnode|exchange check|javafx"
)
# The platform comment of a browser: "Mozilla/5.0 (Linux; Android 10; CUBOT J9)" names the
# device, and phone makers pick any word. Only unmistakable bot traits are looked for there.
_PLATFORM_COMMENT = re.compile(
    r"^(?:mozilla|opera)/\d\.\d+ ?\((?!compatible[;)])(?:[^()]|\([^()]*\))*\)|^mozilla/4\.0 \(compatible; msie [^()]*\)"
)
_COMMENT_BOT = compile_words(r"crawl|spider(?! \d)|scrap|check|https?://|https?-?client|bot[/;)]|-agent")
_COMMENT_BOT_SHAPES = re.compile(r"[\w.+-]@[a-z][\w-]*\.[a-z]|[a-z][a-z0-9-]*\.(?:com|net|org|io|co)\b(?!\.)")
# Words every browser's user agent has somewhere: the platform it runs on.
_PLATFORM = compile_words(
    r"windows|linux|android|mac|iphone|ipad|ipod|x11|cros|symbian|series ?[46]0|blackberry|bb10|"
    r"playstation|nintendo|tizen|kaios|mobile|tablet|smart-?tv|web0s|webos|java|midp|j2me|bsd|sunos|"
    r"haiku|beos|amiga|os/2|risc|syllable|brew|hp-ux|irix|qnx|aix|unix|openvms|win(?:98|95|nt|32|64)|"
    r"\(en-|\[en\]|ubuntu|fedora|gnu|rim|palm|mot-|sonyericsson|samsung|nokia|kindle|silk|roku|"
    r"hbbtv|netrange|ce-html|dalvik|\btv\b|dtv|crkey|\bps\d|astro;|harmony|netfront|inferno|cygwin"
)
# A "compatible;" comment names the real client: a browser (MSIE, Konqueror) or else a bot.
_COMPATIBLE = re.compile(r"\(compatible(?:\)|;\s*([^)]*))")
_COMPATIBLE_BROWSERS = re.compile(
    r"^(?:msie|konqueror|opera|ie \d|googletv|webtv|nintendo|playstation|ms-office|mozilla|u;)|"
    r"windows|amiga|beos|haiku|syllable|brew|linux|mac os|android|symbian|os/2|risc"
)
# A comment inside the engine's "(KHTML, like Gecko)" carries a product only fetchers add.
_KHTML_COMMENT = re.compile(r"\(khtml, like gecko;")
_BROWSER_SHAPE = re.compile(r"^Mozilla/\d")
# Traces of a browser in user agents that are not shaped like today's (old phones, TVs,
# consoles, Presto Opera, UC Browser, Android's system HTTP stack that Matomo counts as its
# browser): with one of these and no bot trait, the user agent is a person's.
_BROWSER_TRACE = re.compile(
    r"mozilla/\d|applewebkit|gecko|presto/|trident/|msie|chrome/|safari|firefox/|opera|android|iphone|"
    r"ipad|windows|linux|midp|cldc|ucweb|ucbrowser|netfront|openwave|up\.browser|dalvik|hbbtv|"
    r"blackberry|nokia|symbian|series ?[46]0|obigo|maui|jasmine|browser|teleca|polaris|dolfin|bada|"
    r"tizen|webos|web0s|playstation|nintendo|kindle|silk/|smart-?tv|netrange|cronet|docomo|kddi|"
    r"softbank|j2me|brew|sonyericsson|samsung|lg-|mot-|sie-|zte|huawei|lenovo|alcatel|amiga|beos|"
    r"qtweb|xiaomi|roku|ce-html|profile/|darwin|lynx|dillo|amaya|w3m|elinks|mosaic|omniweb|xiino|"
    r"palmscape|kreatv|omi/|opr/|gog galaxy"
)
_OUTDATED = re.compile(r"msie [1-8]\.|^mozilla/[1-4]\.|chrome/[1-4]?\d\.|firefox/[1-4]?\d\.")
_MODERN_CHROMIUM = re.compile(r"Chrome/(\d+)")
_CONTACT = re.compile(r"\+?https?://\S+|\+?[\w.+-]+@[\w.-]+|\+[\w.-]+\.\w+")

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


def _bot_traits(ua: str, structure: bool = True) -> str | None:
    """The reason a lower-cased user agent is not a person's, or None. `structure`: also judge
    its comments (an assistant's own user agent is built that way and judged apart)."""
    words = without_browser_tokens(ua)
    if _AI_CRAWLER.search(words):
        return "ua:ai-crawler"
    if _SEARCH_CRAWLER.search(words):
        return "ua:search-crawler"
    if _AUTOMATION.search(words):
        return "ua:automation"
    if _NAMED_TOOLS.search(words):
        return "ua:named-tool"
    platform = _PLATFORM_COMMENT.match(ua)
    rest = without_browser_tokens(ua[platform.end() :]) if platform else words
    comment = platform.group() if platform else ""
    if (comment and (_COMMENT_BOT.search(comment) or _COMMENT_BOT_SHAPES.search(comment))) or (
        _OTHER_BOT.search(rest) or _OTHER_BOT_SHAPES.search(rest)
    ):
        return "ua:bot-token"
    if not structure:
        return None
    compatible = _COMPATIBLE.search(ua)
    if compatible and not _COMPATIBLE_BROWSERS.search(compatible.group(1) or ""):
        return "ua:compatible-product"
    if _KHTML_COMMENT.search(ua):
        return "ua:engine-comment"
    if ua.startswith("mozilla/") and not _PLATFORM.search(ua):
        return "ua:no-platform"
    return None


_CLASS_OF_REASON = {
    "ua:ai-crawler": (AI_CRAWLER, 100),
    "ua:search-crawler": (SEARCH_CRAWLER, 100),
    "ua:automation": (AUTOMATION, 95),
}


def _assistant(ua: str, claim: re.Match) -> bool:
    """Is an assistant's name beside a plausible browser user agent? What is left once the name
    and its contact are taken out must look like a browser and carry no bot or tool trait
    ("python-requests/2.32 ChatGPT-User/1.0", "curl/8 Claude-User", "ChatGPT-User bot" are not)."""
    rest = _CONTACT.sub(" ", ua[: claim.start()] + " " + ua[claim.end() :])
    rest = rest.replace("compatible", " ")
    if _bot_traits(rest, structure=False) or _AI_ASSISTANT.search(rest):
        return False
    products = re.findall(r"[a-z][\w.-]*/[\d.]+", rest)
    browser_parts = ("mozilla/", "applewebkit/", "chrome/", "safari/", "version/", "mobile/", "gecko/", "firefox/")
    return rest.strip(" ;()") == "" or all(p.startswith(browser_parts) for p in products) and "mozilla/5.0" in rest


# Many visitors send the very same user agent (one per browser release): remember the answers.
@lru_cache(maxsize=1024)
def classify_user_agent(ua: str) -> tuple[str | None, int, tuple[str, ...]]:
    """(class, score, reasons) from the user agent alone. Class None: a person's, with a score
    raised by traits that alone do not make a bot (an outdated or unusual browser)."""
    if not ua or not ua.strip():
        return OTHER_BOT, 90, ("ua:empty",)
    shape = ua
    ua = ua.lower()  # the patterns are lower case: cheaper than case-insensitive matching
    claim = _AI_ASSISTANT.search(ua)
    if claim:
        if _assistant(ua, claim):
            return AI_ASSISTANT, 10, ("ua:ai-assistant",)
        return OTHER_BOT, 80, ("ua:ai-assistant-unverified",)
    reason = _bot_traits(ua)
    if reason:
        bot_class, score = _CLASS_OF_REASON.get(reason, (OTHER_BOT, 90))
        return bot_class, score, (reason,)
    if not _BROWSER_SHAPE.match(shape):
        if not _BROWSER_TRACE.search(ua):
            return OTHER_BOT, 70, ("ua:not-a-browser",)
        reasons: tuple[str, ...] = ("ua:unusual-shape",)
    else:
        reasons = ()
    if _OUTDATED.search(ua):
        reasons += ("ua:outdated-browser",)
    return None, 20 * len(reasons), reasons


def classify(signals: Signals) -> Verdict:
    reasons: list[str] = []
    score = 0
    bot_class = None

    if signals.cf_verified_category:
        bot_class = _VERIFIED_CATEGORY.get(signals.cf_verified_category, OTHER_BOT)
        score = 100 if bot_class != AI_ASSISTANT else 10
        reasons.append("cf:verified-bot")

    ua_class, ua_score, ua_reasons = classify_user_agent(signals.user_agent)
    if bot_class == AI_ASSISTANT:
        # Verified: the assistant's own user agent, whatever it looks like, adds nothing.
        pass
    elif ua_class:
        bot_class = bot_class or ua_class
        score = max(score, ua_score)
        reasons.extend(ua_reasons)
    else:
        score += ua_score
        reasons.extend(ua_reasons)

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
