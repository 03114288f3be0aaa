"""Bot verdicts, channels, visitor ids and the device parser's Client Hints (pure functions)."""

import pytest

from footfall import bots, channels, useragent, visitors

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
