"""Bot verdicts, channels, visitor ids and the device parser's Client Hints (pure functions)."""

import pytest

from footfall.classify import bots, channels, useragent
from footfall.collect import visitors

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    "ua,cls",
    [
        (CHROME, "person"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "search_crawler"),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
            "ai_crawler",
        ),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot",
            "ai_assistant",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "automation",
        ),
        ("curl/8.5.0", "other_bot"),
        ("", "other_bot"),
    ],
    ids=["chrome", "googlebot", "gptbot", "chatgpt-user", "headless", "curl", "empty"],
)
def test_user_agent_classes(ua, cls):
    verdict = bots.classify(bots.Signals(user_agent=ua))
    assert verdict.bot_class == cls
    assert (verdict.score < 50) == (cls in ("person", "ai_assistant"))


# Issue 13: people counted as bots (left) and bots counted as people (right), each seen in
# Matomo's fixtures (bench/corpora.py measures the whole corpus).
PEOPLE_ANY_AGE_OR_REGION = {
    "yandex-app-search": "Mozilla/5.0 (Linux; Android 14; TECNO KL8 Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.58 Mobile Safari/537.36 YandexSearch/7.54 "
    "YandexSearchBrowser/7.54",
    "naver-app-search": "Mozilla/5.0 (Linux; Android 12; SM-G991N Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/104.0.5112.97 Mobile Safari/537.36 NAVER(inapp; search; 1010; 11.13.5)",
    "ie8-dotnet-clr": "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; SLCC2; .NET CLR 2.0.50727; "
    ".NET CLR 3.5.30729; .NET CLR 3.0.30729; Media Center PC 6.0)",
    "ie5": "Mozilla/4.0 (compatible; MSIE 5.5; Windows 98)",
    "ecosia-browser": "Mozilla/5.0 (Linux; Android 11; FP4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/101.0.4951.41 Mobile Safari/537.36 (Ecosia android@101.0.4951.41)",
    "sogou-browser": "Mozilla/5.0 (Linux; U; Android 5.0.2; zh-cn; Redmi Note 2 Build/LRX22G) AppleWebKit/534.30 "
    "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30 SogouMSE,SogouMobileBrowser/5.1.0",
    "cubot-phone": "Mozilla/5.0 (Linux; Android 10; CUBOT J9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/88.0.4324.152 Mobile Safari/537.36",
    "phantom6-phone": "Mozilla/5.0 (Linux; Android 6.0; Phantom6 Build/MRA58K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/50.0.2661.89 Mobile Safari/537.36",
    "byd-dilink-car": "Mozilla/5.0 (Linux; U; Android 12; en-us; DiLink5.0 For BYD AUTO Build/SKQ1.230128.001) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 Safari/537.36",
    "opera-mini": "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 "
    "Version/10.54",
    "uc-browser": "UCWEB/2.0 (MIDP-2.0; U; Adr 2.3.4; ru; JXD_S601WIFI) U2/1.0.0 UCBrowser/9.9.1.554 U2/1.0.0 Mobile",
    "uc-browser-java": "UCWEB/2.0 (Java; U; MIDP-2.0; fr-FR; sonyericssonwt13i) U2/1.0.0 UCBrowser/9.2.0.311 U2/1.0.0 "
    "Mobile UNTRUSTED/1.0",
    "android-stock-dalvik": "Dalvik/2.1.0 (Linux; U; Android 10; Polestar Build/QA1A.210116.001)",
}
BOTS_DRESSED_AS_BROWSERS = {
    "pagespeed-insights": "Mozilla/5.0 (iPhone; U; CPU iPhone OS 4_0_1 like Mac OS X; en-us) AppleWebKit/537.4 "
    "(KHTML, like Gecko; Google Page Speed Insights) Version/4.0.5 Mobile/8A306 Safari/6531.22.7",
    "googleweblight": "Mozilla/5.0 (Linux; Android 4.2.1; en-us; Nexus 5 Build/JOP40D) AppleWebKit/535.19 "
    "(KHTML, like Gecko; googleweblight) Chrome/38.0.1025.166 Mobile Safari/535.19",
    "catchpoint": "Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0; Catchpoint) like Gecko",
    "statuscake": "Mozilla/5.0 (Windows NT 6.2; WOW64) AppleWebKit/537.4 (KHTML, like Gecko) Chrome/98 Safari/537.4 "
    "(StatusCake)",
    "cloudflare-observatory": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/109.0.0.0 Safari/537.36 CloudflareObservatory/1.0",
    "javafx": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/538.19 (KHTML, like Gecko) JavaFX/8.0 "
    "Safari/538.19",
    "duplex-in-platform-comment": "Mozilla/5.0 (Linux; Android 8.0; Pixel 2 Build/OPD3.170816.012; "
    "DuplexWeb-Google/1.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.131 Mobile Safari/537.36",
    "compatible-product": "Mozilla/5.0 (compatible; Dormouse/1.0)",
    "gemini-notebook": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 "
    "Safari/537.36 (compatible; Google-GeminiNotebook; +https://developers.google.com/)",
    "gemini-deep-research": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Gemini-Deep-Research; "
    "+https://gemini.google/overview/deep-research/) Chrome/135.0.0.0 Safari/537.36",
    "no-platform": "Mozilla/5.0 zgrab/0.x",
}


@pytest.mark.parametrize("ua", PEOPLE_ANY_AGE_OR_REGION.values(), ids=PEOPLE_ANY_AGE_OR_REGION.keys())
def test_a_person_stays_a_person_whatever_the_browser_age_or_region(ua):
    verdict = bots.classify(bots.Signals(user_agent=ua))
    assert verdict.bot_class == "person" and verdict.score < 50, verdict


@pytest.mark.parametrize("ua", BOTS_DRESSED_AS_BROWSERS.values(), ids=BOTS_DRESSED_AS_BROWSERS.keys())
def test_browser_shaped_fetchers_are_bots(ua):
    verdict = bots.classify(bots.Signals(user_agent=ua))
    assert verdict.bot_class == "other_bot" and verdict.score >= 50 and verdict.reasons, verdict


@pytest.mark.parametrize(
    "ua",
    [
        "cohere-training-data-crawler",
        "Mozilla/5.0 (compatible; Cohere-Command/1.0; +https://cohere.com/)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Gemini-AI/1.0; +https://developers.google.com/)",
    ],
    ids=["cohere-training", "cohere-command", "gemini-ai"],
)
def test_named_ai_crawlers_are_ai_crawlers(ua):
    assert bots.classify(bots.Signals(user_agent=ua)).bot_class == "ai_crawler"


def test_an_outdated_browser_raises_the_score_without_making_a_bot():
    alone = bots.classify(bots.Signals(user_agent=PEOPLE_ANY_AGE_OR_REGION["ie5"]))
    assert (alone.bot_class, alone.reasons) == ("person", ("ua:outdated-browser",))
    bare = bots.classify(bots.Signals(user_agent=PEOPLE_ANY_AGE_OR_REGION["ie5"], headers_known=True))
    assert bare.bot_class == "other_bot" and "ua:outdated-browser" in bare.reasons


CHATGPT_USER = (
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot"
)


# Issue 14 item 4: an assistant's name is evidence only beside a plausible browser or a
# verified signal; tools that borrow it are bots whatever the headers.
@pytest.mark.parametrize(
    "ua,cls",
    [
        (CHATGPT_USER, "ai_assistant"),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.0; "
            "+Claude-User@anthropic.com)",
            "ai_assistant",
        ),
        ("DuckAssistBot/1.1; (+http://duckduckgo.com/duckassistbot.html)", "ai_assistant"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/132.0.0.0 Safari/537.36; Manus-User/1.0",
            "ai_assistant",
        ),
        ("python-requests/2.32.3 ChatGPT-User/1.0", "other_bot"),
        ("curl/8.5.0 ChatGPT-User", "other_bot"),
        ("ChatGPT-User bot", "other_bot"),
        ("Mozilla/5.0 (compatible; ChatGPT-User/1.0; scraper)", "other_bot"),
        ("Go-http-client/1.1 Perplexity-User/1.0", "other_bot"),
    ],
    ids=["chatgpt", "claude", "duckassist", "manus", "python-requests", "curl", "bot-word", "scraper", "go-http"],
)
def test_assistant_names_count_only_beside_a_plausible_browser(ua, cls):
    verdict = bots.classify(bots.Signals(user_agent=ua, headers_known=True))
    assert verdict.bot_class == cls, verdict
    if cls == "other_bot":
        assert "ua:ai-assistant-unverified" in verdict.reasons and verdict.score >= 50


def test_a_verified_assistant_is_an_assistant_whatever_its_user_agent():
    verdict = bots.classify(bots.Signals(user_agent="python-requests/2.32.3", cf_verified_category="AI Assistant"))
    assert (verdict.bot_class, verdict.score, verdict.reasons) == ("ai_assistant", 10, ("cf:verified-bot",))


def test_headers_a_browser_always_sends():
    bare = bots.classify(bots.Signals(user_agent=CHROME, headers_known=True))
    assert bare.bot_class == "other_bot" and set(bare.reasons) == {"headers:no-accept-language", "headers:no-sec-fetch"}
    full = bots.classify(
        bots.Signals(user_agent=CHROME, headers_known=True, accept_language="en", sec_fetch_mode="navigate")
    )
    assert (full.bot_class, full.score) == ("person", 0)


def test_cloudflare_signals():
    assert bots.classify(bots.Signals(user_agent=CHROME, cf_verified_category="AI Crawler")).bot_class == "ai_crawler"
    low = bots.classify(bots.Signals(user_agent=CHROME, cf_bot_score=2))
    assert low.bot_class == "other_bot" and "cf:bot-score" in low.reasons
    hosted = bots.classify(bots.Signals(user_agent=CHROME, asn=16509))
    assert hosted.score == 40 and hosted.bot_class == "person" and hosted.reasons == ("net:hosting-asn",)


@pytest.mark.parametrize(
    "referrer,utm,channel",
    [
        (None, {}, "direct"),
        ("https://www.google.de/", {}, "search"),
        ("https://duckduckgo.com/", {}, "search"),
        ("https://chatgpt.com/", {}, "ai"),
        ("https://gemini.google.com/app", {}, "ai"),
        ("https://copilot.microsoft.com/", {}, "ai"),
        ("https://t.co/", {}, "social"),
        ("https://old.reddit.com/r/x", {}, "social"),
        ("https://mail.google.com/", {}, "email"),
        ("https://blog.example/other", {}, "internal"),
        ("https://www.blog.example/", {}, "internal"),
        ("https://friend.example/", {}, "referral"),
        ("https://friend.example/", {"utm_source": "news"}, "campaign"),
        (None, {"utm_medium": "Email"}, "email"),
    ],
    ids=[
        "direct",
        "google-de",
        "ddg",
        "chatgpt",
        "gemini-not-search",
        "copilot",
        "t.co",
        "reddit",
        "webmail",
        "internal",
        "internal-www",
        "referral",
        "campaign",
        "utm-email",
    ],
)
def test_channels(referrer, utm, channel):
    assert channels.channel(referrer, "blog.example", utm) == channel


def test_salted_ids_are_stable_per_day_and_differ_across_salts_and_sites():
    a = visitors.salted_id(b"1" * 32, "s", "203.0.113.7", CHROME)
    assert a == visitors.salted_id(b"1" * 32, "s", "203.0.113.7", CHROME) and len(a) == 16
    assert a != visitors.salted_id(b"2" * 32, "s", "203.0.113.7", CHROME)
    assert a != visitors.salted_id(b"1" * 32, "t", "203.0.113.7", CHROME)
    assert "203" not in a


@pytest.mark.parametrize(
    "ip,network",
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("not an ip", None),
    ],
)
def test_anonymized_ip(ip, network):
    assert visitors.anonymize_ip(ip) == network


def test_client_hints_win_over_the_user_agent():
    reduced = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    device = useragent.parse(reduced, '"Brave";v="131", "Chromium";v="131"', "?1", '"Android"')
    assert (device.browser, device.os, device.device) == ("Brave", "Android", "mobile")


# Issue 13, parser: Android's own browser, tablets that say "Mobile", TVs, and Client Hints
# that only fill what the user agent leaves open.
@pytest.mark.parametrize(
    "ua,browser,device",
    [
        (
            "Mozilla/5.0 (Linux; U; Android 4.1.2; en-us; GT-I9100 Build/JZO54K) AppleWebKit/534.30 "
            "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
            "Android Browser",
            "mobile",
        ),
        (
            "Mozilla/5.0 (Linux; U; Android 4.0.4; en-us; GT-P5110 Build/IMM76D) AppleWebKit/534.30 "
            "(KHTML, like Gecko) Version/4.0 Safari/534.30",
            "Android Browser",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 9; KFMAWI Build/PS7327.3329N; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Version/4.0 Chrome/112.0.5615.197 Mobile Safari/537.36",
            "Chrome WebView",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 11; SM-T505) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Mobile Safari/537.36",
            "Chrome",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 9; AFTWI001 Build/PS7221; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Version/4.0 Chrome/75.0.3770.143 Mobile Safari/537.36",
            "Chrome WebView",
            "tv",
        ),
        ("Dalvik/2.1.0 (Linux; U; Android 10; Pixel 4 Build/QQ3A.200805.001)", "Android Browser", "mobile"),
        (
            "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 "
            "Safari/537.36 WebAppManager",
            "Chrome",
            "tv",
        ),
        (
            "Mozilla/5.0 (Linux; U; Android 11; ru-ru; Redmi Note 11S Build/RP1A.200720.011) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.127 Mobile Safari/537.36 XiaoMi/MiuiBrowser/13.1",
            "Mi Browser",
            "mobile",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; Quest 2) AppleWebKit/537.36 (KHTML, like Gecko) "
            "OculusBrowser/24.3.0.4.63.416895357 SamsungBrowser/4.0 Chrome/106.0.5249.168 VR Safari/537.36",
            "Oculus Browser",
            "mobile",
        ),
    ],
    ids=[
        "android-stock",
        "android-stock-tablet",
        "kindle-fire",
        "galaxy-tab",
        "fire-tv",
        "dalvik",
        "webos-tv",
        "miui",
        "quest",
    ],
)
def test_browser_and_device_from_the_user_agent(ua, browser, device):
    parsed = useragent.parse(ua)
    assert (parsed.browser, parsed.device) == (browser, device)


@pytest.mark.parametrize(
    "ua,ch_ua,browser",
    [
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
            "Safari/537.36 DuckDuckGo/5",
            '"Chromium";v="131", "Not_A Brand";v="24"',
            "DuckDuckGo",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Safari/537.36 OPR/116.0.0.0",
            '"Chromium";v="131", "Google Chrome";v="131"',
            "Opera",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Safari/537.36",
            '"Brave";v="131", "Chromium";v="131"',
            "Brave",
        ),
    ],
    ids=["duckduckgo-kept", "opera-kept", "brave-filled"],
)
def test_client_hints_fill_only_what_the_user_agent_leaves_open(ua, ch_ua, browser):
    assert useragent.parse(ua, ch_ua).browser == browser


# Issue 13, channels: hosts the old lists missed, fediverse servers by their path, app referrers.
@pytest.mark.parametrize(
    "referrer,channel",
    [
        ("https://github.com/owner/repo", "social"),
        ("https://discord.com/channels/1/2", "social"),
        ("https://www.douyin.com/", "social"),
        ("https://www.bilibili.com/video/x", "social"),
        ("https://fosstodon.org/@alice", "social"),
        ("https://hachyderm.io/@bob@example.social/112233", "social"),
        ("https://phanpy.social/", "social"),
        ("https://plus.google.com/+someone", "social"),
        ("https://news.google.com/", "social"),
        ("android-app://com.linkedin.android", "social"),
        ("android-app://com.reddit.frontpage/", "social"),
        ("android-app://com.google.android.gm", "email"),
        ("android-app://com.google.android.googlequicksearchbox/", "search"),
        ("android-app://com.openai.chatgpt", "ai"),
        ("https://mail.yandex.ru/", "email"),
        ("https://e.mail.ru/", "email"),
        ("https://search.seznam.cz/", "search"),
        ("https://de.yahoo.com/", "search"),
        ("https://suche.t-online.de/", "search"),
        ("https://www.researchgate.net/", "referral"),
        ("https://chat.deepseek.com/", "ai"),
        ("https://kagi.com/assistant", "ai"),
        ("https://kagi.com/search?q=x", "search"),
    ],
    ids=lambda value: value if "/" not in value else None,
)
def test_channels_from_hosts_paths_and_apps(referrer, channel):
    assert channels.channel(referrer, "blog.example", {}) == channel
