"""The bot classifier and the user-agent parser measured on real corpora, installed from npm
as dev dependencies (not vendored): crawler-user-agents, top-user-agents, ua-parser-js.
The figures are printed and kept in docs/BENCHMARKS.md (`make bench`)."""

import json
import subprocess
from pathlib import Path

import pytest

from footfall.bots import classify_user_agent
from footfall.useragent import parse

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "node_modules"


def crawler_instances() -> list[str]:
    entries = json.loads((MODULES / "crawler-user-agents" / "crawler-user-agents.json").read_text())
    return [ua for entry in entries for ua in entry.get("instances", [])]


def browser_agents() -> list[str]:
    agents = json.loads((MODULES / "top-user-agents" / "src" / "index.json").read_text())
    return list(dict.fromkeys(agents))


@pytest.fixture(scope="module")
def reference():
    out = subprocess.run(
        ["node", "tests/support/ua_reference.mjs"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def test_at_least_98_percent_of_the_crawler_corpus_is_flagged():
    agents = crawler_instances()
    assert len(agents) > 1000
    missed = [ua for ua in agents if classify_user_agent(ua) is None]
    share = 1 - len(missed) / len(agents)
    print(f"crawler-user-agents: {len(agents) - len(missed)}/{len(agents)} flagged ({share:.2%})")
    assert share >= 0.98, missed[:20]


def test_at_most_half_a_percent_of_the_browser_corpus_is_flagged():
    agents = browser_agents()
    assert len(agents) >= 100
    flagged = [(ua, classify_user_agent(ua)) for ua in agents if classify_user_agent(ua)]
    print(f"top-user-agents: {len(flagged)}/{len(agents)} flagged ({len(flagged) / len(agents):.2%})")
    assert len(flagged) / len(agents) <= 0.005, flagged


def _theirs(entry, field):
    value = entry[field]
    if field == "browser":
        return value.removeprefix("Mobile ") if value else None  # "Mobile Chrome" is Chrome on a phone
    if field == "device":
        return value or "desktop"  # ua-parser-js leaves desktops without a type
    return value


@pytest.mark.parametrize("field", ["browser", "os", "device"])
def test_parser_agrees_with_ua_parser_js_on_98_percent(reference, field):
    disagree = [
        (e["ua"], getattr(parse(e["ua"]), field), _theirs(e, field))
        for e in reference
        if getattr(parse(e["ua"]), field) != _theirs(e, field)
    ]
    share = 1 - len(disagree) / len(reference)
    print(f"{field}: agrees with ua-parser-js on {len(reference) - len(disagree)}/{len(reference)} ({share:.2%})")
    assert share >= 0.98, disagree
