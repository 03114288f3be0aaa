"""Browser family, operating system and device type, from Client Hints when the browser sent
them and from the user agent otherwise. A compact stdlib parser: a few dozen rules cover the
browsers people use (checked against ua-parser-js on npm's top-user-agents in the tests).
Only these three words are stored; the user-agent string itself never is.
"""

import re
from functools import lru_cache
from typing import NamedTuple

from footfall.classify.wordlist import compile_words, without_browser_tokens

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


# The browser rules in runs of eight, each run behind one pattern matching any of its rules:
# a run none of whose rules matches costs one scan instead of eight (Chrome, the most common
# answer, comes after 38 rules). Which rule wins is unchanged: the first that matches.
def _runs(rules: tuple[tuple[str, str], ...], size: int = 8) -> tuple:
    return tuple(
        (compile_words("|".join(p for p, _ in rules[i : i + size])), _compiled(rules[i : i + size]))
        for i in range(0, len(rules), size)
    )


def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((compile_words(pattern), name) for pattern, name in rules)


_BROWSER_RUNS = _runs(_BROWSER_RULES)


def _browser(ua: str) -> str | None:
    for any_rule, rules in _BROWSER_RUNS:
        if any_rule.search(ua):
            found = _first(rules, ua)
            if found:
                return found
    return None


# Device types come from words in the user agent. Two kinds of rule, looked for in two places
# to keep a user agent seen for the first time cheap (Python's regular expressions try every
# alternative at every position, so the cost is alternatives x characters; footfall.classify.wordlist
# writes the lists so that most positions are skipped at once):
# - words a browser or system puts anywhere (SmartTV, HbbTV, iPad, Kindle): looked for in the
#   user agent without the engine and browser tokens every browser sends (AppleWebKit/...,
#   Chrome/..., Safari/...: footfall.classify.wordlist.without_browser_tokens), 110 -> 64 characters;
# - the model numbers of Android devices (screen diagonals, makers' prefixes): looked for in the
#   model an Android user agent names after its version ("Android 11; 43U600KD)"), 10 to 20
#   characters. The model names themselves (a database of tens of thousands, as Matomo's) are
#   out of reach of a Worker; the prefixes below are the ones that name many models at once.
# UC Browser writes "Adr 4.0.3" for Android, old builds "Android Android-2.2.1", some "en-us ;".
_ANDROID_MODEL = re.compile(
    r"(?:android|adr)[ /]?(?:android-)?[\d.]*;(?: arm(?:_64)?;)?(?: [a-z]{2,3}[-_][a-z]{2,4} ?;)? ?([^;)]*)"
)

# Screens the size of a room: smart TVs, set-top boxes and consoles plugged into a TV.
_TV = compile_words(
    r"smart-?tv|smarttv|hbbtv|netcast|web0s|webos\.tv|\btv\b|[_-]tv(?!m)|tv[-_]|android tv|googletv|google tv|"
    r"crkey|roku|bravia|netrange|ce-html|\bdtv\b|viera|aquos|\baft[a-z]{1,5}\d{0,4}(?: build|[;)])|"
    r"box\b|\bstb\b|set-top|stick|dongle|projector|playstation [34]|xbox|nintendo wii|\bwii\b|"
    r"tizen.*tv|tvos|appletv|freetime|espial|maple|opera tv|\bomi/|mitv|beelink|ugoos|transpeed|\bmxq|\bhk1\b|"
    r"iptv|chromecast|streamer|nexus player|"
    # Operators' boxes and signage players that name their middleware instead of a model:
    # Infomir MAG (stbapp), Vestel's MB9x Opera, Sky's GW-/MR-Device, YouView, BrightSign, TiVo.
    r"stbapp|libvlc|mb9\d/|gw-device|mr-device|\(sky,|astro;|virginmedia|sagemcom|"
    r"hybridcast|kreatv|brightsign|\btivo|vizio|youview|webtv|inettvbrowser|\bstv\b"
)
_TV_MODEL = compile_words(
    # TV sets name their screen: a diagonal in inches opening the model (BBK 32LEX-7127, Kivi
    # 43U600KD, Harper 55Q850TS), a panel after the Russian "Shell" platform (DEXP Shell
    # LC390TU1A), LED/UHD/FHD in the name (DM-LED32SR21, Omnicast UHD). Phones' model numbers
    # start with a letter or run on in digits (SM-A505F, 5033X), so these miss them.
    r"(?:\b|_)(?:24|28|32|39|40|42|43|48|49|50|55|58|65|75|85)(?!gb)[a-z]{1,4}[-_ ]?\d|shell\b|"
    r"\bled|[-_]led|uhd|_fhd\b|"
    # Set-top boxes and media players by their makers' product names: each name below is only
    # ever a box in Matomo's fixtures (A95X, H96, X96, T95, Vontar, Zidoo, Nexon, MyGica, ...).
    r"a95x|\bh96(?!\d)|\bx96(?!\d)|\bt95(?!\d)|vontar|zidoo|nexon|mygica|invin|gtking|evpad|tanix|mecool|"
    r"magicsee|\bminix|pendoo|\bmk[89]0|ozone ?hd|andowl|\ba5x\b|\bct-8\d{3}|amigo7|atom-\d|formuler|"
    r"\bkm\d{1,2}pro|skystream|rombica|dolamee|selenga|eled-|magenta|-stream|\bott\b|stb\d|sdstb|\bmag\d{3}|polar_|tdtv|vmp-|vorke|"
    # A model name ending in "TV" run into the word before it (SmarterTV, MD09TV, FibeTV, 4KTV):
    # 18 TVs and boxes in the fixtures. Not "DTV" (phones with a TV tuner: Flare S5 Lite DTV) nor
    # LeTV (a maker of phones).
    r"tv\b(?<=[a-z0-9]tv)(?<!dtv)(?<!letv)"
)
# Phones and what a phone is used as: watches and VR headsets count with phones.
_WEARABLE = compile_words(r"watchos|watch\d,|wear ?os|oculusbrowser|\bquest\b|\bvr\b")
# Coolpad is a maker of phones whose name ends in "pad" (18 phones, no tablet in the fixtures).
_TABLET = compile_words(
    r"ipad|tablet|kindle|silk/|playbook|\btab\b|tab[ _-]?\d|sm-[tpx]\d|gt-p\d|pad\b(?<!coolpad)|mediapad|"
    r"matepad|\bmid[ _-]?\d|kobo|pocketbook|\bnook|tolino|e-?reader|\bkf[a-z]{2,6}\b|surface duo"
)
_TABLET_MODEL = compile_words(
    # Tablet lines whose browsers still say "Mobile", by the prefix their model numbers share:
    # Lenovo TB-/TB3-/YT- (Tab, Yoga Tab), Prestigio PMT (MultiPad), Lexibook MFC, 3Q's
    # QS0/RC0/MT0 + screen inches, Onyx Boox MC_, AllDocube iPlay. Each prefix names only tablets in Matomo's
    # fixtures (0 phones among them).
    r"\btb\d?-|\btb\d{3}[a-z]|\byt\d?-|pmt\d|\bmfc\d|\bqs0\d|\brc0\d|\bmt0\d|\bmc_|"
    r"\bmito t|readboy|\btz\d|numy|\bkob|tpc\d|\brmd-|\bnabi|\bplane\b|iplay"
)
_MOBILE = compile_words(
    r"iphone|ipod|mobile|windows phone|blackberry|opera mini|midp|cldc|symbian|series ?[46]0|maui|"
    r"ucweb|nokia|phone|bada|kaios|wap|up\.browser|netfront|obigo|docomo|j2me|fb4a|fbios|"
    # Windows 10 Mobile's Edge says "Windows NT 10.0; ARM; Lumia 950", IE on Windows Phone 8.1
    # "WPDesktop"; UC Browser on iPhones sends a compact header, dv(iPh12,1); Palm and Maemo
    # (Nokia N900) phones name their system only.
    r"lumia|wpdesktop|dv\(iph|palm|maemo"
)
# Android phones whose browser leaves "Mobile" out: the system WebView of Chinese makers' own
# apps ends at "Chrome/<version>" with no "Mobile Safari/" (60 phones, 7 tablets in Matomo's
# fixtures), and vivo's, OPPO's and realme's model numbers (V2031EA, CPH2127, RMX3092) are phones.
_WEBVIEW_END = re.compile(r"chrome/[\d.]+$")
_PHONE_MODEL = re.compile(r"\bv\d{4}[a-z]{1,2}\b|\brmx\d|\bcph\d")
# Laptops and desktops running Android apps: Chromebooks (their ARC build, Build/R80-12739...),
# Android-x86 on PCs named by the maker's line.
_ANDROID_DESKTOP = compile_words(
    r"chromebook|build/r\d\d-|latitude|inspiron|elitebook|aspire|satellite|\bnuc\d|netbook|aio system|"
    r"\bsff pc|2in1"
)
_BROWSER_ENGINE = re.compile(r"applewebkit|gecko|presto|trident")


def device_type(ua: str) -> str:
    """Device type from a lower-cased user agent."""
    words = without_browser_tokens(ua)
    if _WEARABLE.search(words):
        return MOBILE
    android = "android" in ua
    found = _ANDROID_MODEL.search(ua) if android or "adr " in ua else None
    model = found.group(1) if found else ""
    if _TV.search(words) or (model and _TV_MODEL.search(model)):
        return TV
    if android and _ANDROID_DESKTOP.search(words):
        return DESKTOP
    if _TABLET.search(words) or (model and _TABLET_MODEL.search(model)):
        return TABLET
    if android and "mobile" not in ua:
        # Android tablets' browsers drop "Mobile"; apps' own HTTP stacks (Dalvik, stagefright,
        # ExoPlayer) never say it, and run on phones far more often.
        # A J2ME profile ("Profile/MIDP-2.0 Configuration/CLDC-1.1") is a phone's: Chinese
        # makers' Android phones sent one (Hisense, DOOV, TCL; 9 phones, no tablet).
        phone = _WEBVIEW_END.search(ua) or "profile/midp" in ua or (model and _PHONE_MODEL.search(model))
        return TABLET if _BROWSER_ENGINE.search(ua) and not phone else MOBILE
    if _MOBILE.search(words):
        return MOBILE
    return DESKTOP


def _unquote(value: str) -> str:
    return value.strip().strip('"')


# Many visitors send the very same user agent (one per browser release): remember the answers.
@lru_cache(maxsize=1024)
def parse_user_agent(ua: str) -> tuple[str | None, str | None, str]:
    low = ua.lower()  # the patterns are lower case: cheaper than case-insensitive matching
    return _browser(low), _first(_OSES, low), device_type(low)


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
