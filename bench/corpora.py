"""Bot classification and user-agent parsing, measured on the real corpora from npm."""

import json
import subprocess
from pathlib import Path

from footfall.bots import classify_user_agent
from footfall.useragent import parse

ROOT = Path(__file__).resolve().parents[1]


MODULES = ROOT / "node_modules"


def _version(package: str) -> str:
    return json.loads((MODULES / package / "package.json").read_text())["version"]


def measure() -> dict:
    crawlers = [
        ua
        for e in json.loads((MODULES / "crawler-user-agents/crawler-user-agents.json").read_text())
        for ua in e.get("instances", [])
    ]
    browsers = list(dict.fromkeys(json.loads((MODULES / "top-user-agents/src/index.json").read_text())))
    flagged = sum(1 for ua in crawlers if classify_user_agent(ua))
    false_positives = sum(1 for ua in browsers if classify_user_agent(ua))
    reference = json.loads(
        subprocess.run(
            ["node", "tests/support/ua_reference.mjs"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    )
    agreement = {}
    for field in ("browser", "os", "device"):
        same = 0
        for entry in reference:
            theirs = entry[field]
            if field == "browser" and theirs:
                theirs = theirs.removeprefix("Mobile ")
            if field == "device":
                theirs = theirs or "desktop"
            same += getattr(parse(entry["ua"]), field) == theirs
        agreement[field] = (same, len(reference))
    return {
        "crawlers": (flagged, len(crawlers)),
        "browsers": (false_positives, len(browsers)),
        "agreement": agreement,
        "versions": {p: _version(p) for p in ("crawler-user-agents", "top-user-agents", "ua-parser-js")},
    }


def markdown(result: dict) -> str:
    f, n = result["crawlers"]
    fp, b = result["browsers"]
    v = result["versions"]
    lines = [
        "## Bot classification and user-agent parsing",
        "",
        "| measure | corpus | result | target |",
        "|---|---|---|---|",
        f"| crawlers flagged as not a person | crawler-user-agents {v['crawler-user-agents']} ({n} user agents) "
        f"| {f}/{n} = **{f / n:.2%}** | at least 98 % |",
        f"| browsers flagged (false positives) | top-user-agents {v['top-user-agents']} ({b} user agents) "
        f"| {fp}/{b} = **{fp / b:.2%}** | at most 0.5 % |",
    ]
    for field, (same, total) in result["agreement"].items():
        lines.append(
            f"| {field} agrees with ua-parser-js {v['ua-parser-js']} | top-user-agents "
            f"| {same}/{total} = **{same / total:.0%}** | at least 98 % |"
        )
    lines += [
        "",
        "The crawler user agents left unflagged are in-app browsers (Instagram, Facebook) and "
        "Electron editors that the corpus lists but people really use; footfall counts them as people.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
