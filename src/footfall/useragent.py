"""Browser family, operating system and device type, from Client Hints when the browser sent
them and from the user agent otherwise. A compact stdlib parser: a few dozen rules cover the
browsers people use (checked against ua-parser-js on npm's top-user-agents in the tests).
Only these three words are stored; the user-agent string itself never is.
"""

import re
from functools import lru_cache
from typing import NamedTuple

# (pattern, family), first match wins: browsers built on Chromium also say "Chrome", and
# Chrome also says "Safari", so the specific come before the general.
_BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|OPX/|Opera|OPT/"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"YaBrowser/"), "Yandex"),
    (re.compile(r"Vivaldi/"), "Vivaldi"),
    (re.compile(r"Whale/"), "Whale"),
    (re.compile(r"UCBrowser/"), "UC Browser"),
    (re.compile(r"DuckDuckGo/"), "DuckDuckGo"),
    (re.compile(r"Electron/"), "Electron"),
    (re.compile(r"Instagram"), "Instagram"),
    (re.compile(r"FBAN/|FBAV/|FB_IAB/"), "Facebook"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"; wv\).*Chrome/"), "Chrome WebView"),
    (re.compile(r"CriOS/|Chrome/|Chromium/"), "Chrome"),
    (re.compile(r"Version/[\d.]+.*Safari/"), "Safari"),
    (re.compile(r"AppleWebKit/"), "WebKit"),  # iOS in-app browsers, embedded views
    (re.compile(r"Trident/|MSIE "), "Internet Explorer"),
)

_OSES = (
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"iPhone|iPad|iPod"), "iOS"),
    (re.compile(r"CrOS"), "Chrome OS"),
    (re.compile(r"Macintosh|Mac OS X"), "macOS"),
    (re.compile(r"Linux|X11"), "Linux"),
)

# Sec-CH-UA brands, most specific first ("Chromium" and "Google Chrome" come with the others).
_BRANDS = (
    ("Microsoft Edge", "Edge"),
    ("Opera", "Opera"),
    ("Brave", "Brave"),
    ("Vivaldi", "Vivaldi"),
    ("Samsung Internet", "Samsung Internet"),
    ("YaBrowser", "Yandex"),
    ("Yandex", "Yandex"),
    ("Google Chrome", "Chrome"),
    ("Chromium", "Chrome"),
)
_PLATFORMS = {
    "windows": "Windows",
    "macos": "macOS",
    "android": "Android",
    "ios": "iOS",
    "chrome os": "Chrome OS",
    "chromium os": "Chrome OS",
    "linux": "Linux",
}

DESKTOP, MOBILE, TABLET, TV = "desktop", "mobile", "tablet", "tv"


class Device(NamedTuple):
    browser: str | None
    os: str | None
    device: str


def _first(rules, ua: str) -> str | None:
    for pattern, name in rules:
        if pattern.search(ua):
            return name
    return None


def device_type(ua: str) -> str:
    if re.search(r"iPad|Tablet|Kindle|Silk/|PlayBook", ua):
        return TABLET
    if "Android" in ua and "Mobile" not in ua:
        return TABLET  # Android tablets drop "Mobile" from the user agent
    if re.search(r"iPhone|iPod|Mobile|Windows Phone|BlackBerry|Opera Mini", ua):
        return MOBILE
    return DESKTOP


def _unquote(value: str) -> str:
    return value.strip().strip('"')


# Many visitors send the very same user agent (one per browser release): remember the answers.
@lru_cache(maxsize=1024)
def parse_user_agent(ua: str) -> tuple[str | None, str | None, str]:
    return _first(_BROWSERS, ua), _first(_OSES, ua), device_type(ua)


def parse(ua: str, ch_ua: str | None = None, ch_mobile: str | None = None, ch_platform: str | None = None) -> Device:
    browser, os, device = parse_user_agent(ua or "")
    # Client Hints are what the browser says of itself now; user agents are frozen and reduced.
    if ch_ua:
        for brand, family in _BRANDS:
            if f'"{brand}"' in ch_ua:
                browser = family
                break
    if ch_platform:
        os = _PLATFORMS.get(_unquote(ch_platform).lower(), os)
    if ch_mobile == "?1":
        device = MOBILE
    elif ch_mobile == "?0" and device == MOBILE:
        device = DESKTOP
    return Device(browser, os, device)
