"""Browser family, operating system and device type, from Client Hints when the browser sent
them and from the user agent otherwise. A compact stdlib parser: a few dozen rules cover the
browsers people use (checked against ua-parser-js on npm's top-user-agents in the tests).
Only these three words are stored; the user-agent string itself never is.
"""

import re
from functools import lru_cache
from typing import NamedTuple

# (pattern, family) over the lower-cased user agent, first match wins: browsers built on
# Chromium also say "Chrome", and Chrome also says "Safari", so the specific come before the
# general. Checked against Matomo's labelled fixtures and ua-parser-js (bench/corpora.py).
_BROWSER_RULES = (
    (r"edg(?:e|a|ios)?/", "Edge"),
    (r"oculusbrowser", "Oculus Browser"),
    (r"samsungbrowser/", "Samsung Internet"),
    (r"ucbrowser|ucweb|\buc applewebkit|ucturbo", "UC Browser"),
    (r"tbrowser/", "T-Browser"),
    (r"opr/|opx/|opera|opt/|\bomi/|opios/", "Opera"),
    (r"yabrowser/|yasearchbrowser|yandexsearch|yaapp_", "Yandex"),
    (r"vivaldi/", "Vivaldi"),
    (r"whale/", "Whale"),
    (r"qqbrowser", "QQ Browser"),
    (r"miuibrowser", "Mi Browser"),
    (r"huaweibrowser", "Huawei Browser"),
    (r"vivobrowser", "vivo Browser"),
    (r"baidu(?:browser|hd|boxapp)|bdbrowser|flyflow", "Baidu"),
    (r"sogoumobilebrowser|sogoumse|metasr", "Sogou"),
    (r"360browser|360 aphone|qihoobrowser|360se|360ee", "360 Browser"),
    (r"lg browser/", "LG Browser"),
    (r"tv bro/", "TV Bro"),
    (r"duckduckgo/|\bddg/", "DuckDuckGo"),
    (r"coc_coc_browser|coccoc", "Coc Coc"),
    (r"maxthon|mxbrowser", "Maxthon"),
    (r"silk/", "Silk"),
    (r"electron/", "Electron"),
    (r"instagram", "Instagram"),
    (r"fban/|fbav/|fb_iab/", "Facebook"),
    (r"iemobile|trident/|msie ", "Internet Explorer"),
    (r"firefox/|fxios/", "Firefox"),
    (r"konqueror", "Konqueror"),
    (r"dolfin/|dolphin", "Dolphin"),
    (r"netfront|\bnf/\d|nintendo 3ds|playstation 3", "NetFront"),
    (r"obigo|teleca", "Obigo"),
    (r"up\.browser|openwave", "Openwave"),
    (r"\bmaui", "MAUI WAP Browser"),
    (r"; wv\).*chrome/", "Chrome WebView"),
    (r"crios/|chrome/|chromium", "Chrome"),
    (r"blackberry|bb10", "BlackBerry Browser"),
    (r"series ?60|symbianos|^nokia", "Nokia Browser"),
    # Android's own browser (before Chrome took its place) and the system's HTTP stack.
    (r"android|dalvik/", "Android Browser"),
    (r"version/[\d.]+.*safari/", "Safari"),
    (r"applewebkit/", "WebKit"),  # iOS in-app browsers, embedded views
)
_BROWSERS = tuple((re.compile(pattern), name) for pattern, name in _BROWSER_RULES)

_OSES = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"windows|win(?:98|95|nt|32|64)", "Windows"),
        (r"android|dalvik|\badr \d", "Android"),
        (r"iphone|ipad|ipod", "iOS"),
        (r"cros", "Chrome OS"),
        (r"macintosh|mac os x", "macOS"),
        (r"linux|x11", "Linux"),
    )
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
# What a user agent names only vaguely, for Client Hints to make precise.
_OPEN_BROWSERS = frozenset({None, "Chrome", "Chrome WebView", "WebKit"})
_OPEN_OSES = frozenset({None, "Linux"})


class Device(NamedTuple):
    browser: str | None
    os: str | None
    device: str


def _first(rules, ua: str) -> str | None:
    for pattern, name in rules:
        if pattern.search(ua):
            return name
    return None


# Screens the size of a room: smart TVs, set-top boxes and consoles plugged into a TV. The
# rest of a device's type comes from words its user agent carries; the model names behind them
# (a database of tens of thousands, as Matomo's) are out of reach of a Worker.
_TV = re.compile(
    r"smart-?tv|smarttv|hbbtv|netcast|web0s|webos\.tv|\btv\b|[_-]tv|tv[-_]|android tv|googletv|google tv|"
    r"crkey|roku|bravia|netrange|ce-html|\bdtv\b|viera|aquos|\baft[a-z]{1,5}\d{0,4}(?: build|[;)])|"
    r"\bbox\b|\w+box\b|\bstb\b|set-top|stick|dongle|projector|playstation [34]|xbox|nintendo wii|\bwii\b|"
    r"tizen.*tv|tvos|appletv|freetime|espial|maple|opera tv|\bomi/|mitv|beelink|ugoos|transpeed|\bmxq|\bhk1\b"
)
# Phones and what a phone is used as: watches and VR headsets count with phones.
_WEARABLE = re.compile(r"watchos|watch\d,|wear ?os|oculusbrowser|\bquest\b|\bvr\b")
_TABLET = re.compile(
    r"ipad|tablet|kindle|silk/|playbook|\btab\b|tab[ _-]?\d|sm-[tpx]\d|gt-p\d|pad\b|mediapad|"
    r"matepad|\bmid[ _-]?\d|kobo|pocketbook|\bnook\b|tolino|e-?reader|\bkf[a-z]{2,6}\b"
)
_MOBILE = re.compile(
    r"iphone|ipod|mobile|windows phone|blackberry|opera mini|midp|cldc|symbian|series ?[46]0|maui|"
    r"ucweb|nokia|phone|bada|kaios|wap|up\.browser|netfront|obigo|docomo|j2me|fb4a|fbios"
)
_BROWSER_ENGINE = re.compile(r"applewebkit|gecko|presto|trident")


def device_type(ua: str) -> str:
    """Device type from a lower-cased user agent."""
    if _WEARABLE.search(ua):
        return MOBILE
    if _TV.search(ua):
        return TV
    if _TABLET.search(ua):
        return TABLET
    if "android" in ua and "mobile" not in ua:
        # Android tablets' browsers drop "Mobile"; apps' own HTTP stacks (Dalvik, stagefright,
        # ExoPlayer) never say it, and run on phones far more often.
        return TABLET if _BROWSER_ENGINE.search(ua) else MOBILE
    if _MOBILE.search(ua):
        return MOBILE
    return DESKTOP


def _unquote(value: str) -> str:
    return value.strip().strip('"')


# Many visitors send the very same user agent (one per browser release): remember the answers.
@lru_cache(maxsize=1024)
def parse_user_agent(ua: str) -> tuple[str | None, str | None, str]:
    low = ua.lower()  # the patterns are lower case: cheaper than case-insensitive matching
    return _first(_BROWSERS, low), _first(_OSES, low), device_type(low)


def parse(ua: str, ch_ua: str | None = None, ch_mobile: str | None = None, ch_platform: str | None = None) -> Device:
    browser, os, device = parse_user_agent(ua or "")
    # Client Hints fill what the user agent leaves open: browsers built on Chromium that name
    # themselves only there (Brave), and reduced user agents. A browser the user agent named
    # (DuckDuckGo, Opera, Yandex) keeps its name: its hints often list "Chromium" alone.
    if ch_ua and browser in _OPEN_BROWSERS:
        for brand, family in _BRANDS:
            if f'"{brand}"' in ch_ua:
                browser = family
                break
    if ch_platform and os in _OPEN_OSES:
        os = _PLATFORMS.get(_unquote(ch_platform).lower(), os)
    if ch_mobile == "?1":
        device = MOBILE
    elif ch_mobile == "?0" and device == MOBILE:
        device = DESKTOP
    return Device(browser, os, device)
