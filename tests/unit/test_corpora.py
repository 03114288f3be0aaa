"""The bot classifier and the user-agent parser measured on npm corpora installed as dev
dependencies (not vendored): crawler-user-agents, top-user-agents, ua-parser-js. The loaders
and verdicts are bench/corpora.py's, so the figures printed here are the ones `make bench`
keeps in docs/BENCHMARKS.md. Matomo's fixtures: test_corpora_matomo.py."""

import pytest
from bench import corpora

from footfall.classify.useragent import parse


def test_at_least_98_percent_of_the_crawler_corpus_is_flagged():
    # The misses are in-app browsers (Instagram, Facebook), Electron editors and assistants
    # acting for a person (ChatGPT-User, Claude-User...), which the corpus lists and footfall
    # counts with people on purpose.
    agents = corpora.crawler_instances()
    assert len(agents) > 1000
    missed = [ua for ua in agents if corpora.is_person(ua)]
    share = 1 - len(missed) / len(agents)
    print(f"crawler-user-agents: {len(agents) - len(missed)}/{len(agents)} flagged ({share:.2%})")
    assert share >= 0.98, missed[:20]


def test_no_browser_of_the_top_user_agents_is_flagged():
    agents = corpora.top_browsers()
    assert len(agents) >= 100
    flagged = [ua for ua in agents if not corpora.is_person(ua)]
    print(f"top-user-agents: {len(flagged)}/{len(agents)} flagged")
    assert flagged == []


@pytest.mark.parametrize("field", ["browser", "os", "device"])
def test_parser_agrees_with_ua_parser_js_on_98_percent(field):
    reference = corpora.ua_parser_js_reference()
    disagree = [
        (e["ua"], getattr(parse(e["ua"]), field), corpora.ua_parser_js_label(e, field))
        for e in reference
        if getattr(parse(e["ua"]), field) != corpora.ua_parser_js_label(e, field)
    ]
    share = 1 - len(disagree) / len(reference)
    print(f"{field}: agrees with ua-parser-js on {len(reference) - len(disagree)}/{len(reference)} ({share:.2%})")
    assert share >= 0.98, disagree
